from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from practices.access import OWNER_ONLY, staff_view

from .describe import describe_entries
from .forms import AuditFilterForm
from .selectors import audit_entries_for_practice


@staff_view(OWNER_ONLY)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor": data["actor"],
            "action": data["action"],
            "patient_id": data["patient"],
            "since": data["since"],
            "until": data["until"],
        }
    entries = audit_entries_for_practice(practice=request.practice, **filters) if not form.errors else []
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = describe_entries(page.object_list, practice=request.practice)
    return render(request, "audit/log.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()})
