"""The site's front page: the practices on this host, each linking to its public page; signed-in staff
go to their practice instead. (It names practices, so it lives here, not in ``core``.)"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..models import Practice


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("practices:home")
    practices = Practice.objects.order_by("name").only("name", "slug")[:50]
    return render(request, "practices/landing.html", {"practices": practices})
