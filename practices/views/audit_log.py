"""The owner's audit log: the practice's audit entries in words, filtered and paged.

Every app writes audit rows, so ``audit`` sits below ``practices`` and cannot use the staff gate; the page
lives here. It keeps its URL name ``audit:log``: ``config/urls.py`` mounts ``practices/urls_audit.py`` in
the ``audit`` namespace."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from audit.describe import describe_entries
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.selectors import audit_entries_for_practice

from ..access import OWNER_ONLY, StaffRequest, staff_view


@staff_view(OWNER_ONLY)
def audit_log(request: StaffRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor": data["actor"],
            "action": data["action"],
            "patient_id": data["patient"],
            "since": data["since"],
            "until": data["until"],
        }
    entries: QuerySet[AuditEntry] | list[AuditEntry]
    entries = audit_entries_for_practice(practice=request.practice, **filters) if not form.errors else []
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = describe_entries(page.object_list, practice=request.practice)
    return render(
        request, "practices/audit_log.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    )
