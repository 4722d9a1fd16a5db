"""The staff home page: a welcome, what is waiting (booking requests, overdue recovery cases) and every
touch point of the patient journey, by stage, with the number of journey events recorded so far.

It reads journey, scheduling and feedback, so it lives here, above them; it keeps its URL name
``practices:dashboard`` (``config/urls.py`` mounts ``insights/urls_home.py`` in that namespace)."""

from django.http import HttpResponse
from django.shortcuts import render

from journey.catalogue import by_stage
from journey.selectors import event_counts_by_touchpoint
from practices.access import StaffRequest, staff_view


@staff_view()
def dashboard(request: StaffRequest) -> HttpResponse:
    counts = event_counts_by_touchpoint(practice=request.practice)
    stages = [
        (code, name, [(tp, counts.get(tp.code, 0)) for tp in touchpoints]) for code, name, touchpoints in by_stage()
    ]
    return render(request, "insights/dashboard.html", {"stages": stages})
