"""A staff member's experience record (``selectors/records.py``), for reviews and promotions.

Visible to the practice's owners and to the person themself, nobody else: anyone else gets 404, the
experience lead included, as a stranger would. Each opening is audited (who looked at whose record).
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit import services as audit
from audit.models import Action as AuditAction
from practices.access import StaffRequest, staff_view
from practices.models import Role
from practices.navigation import may_open

from ..forms.hiring import RecordRangeForm
from ..roles import TEAM
from ..selectors import records as record_selectors
from ..selectors import team as team_selectors


def _rca_url(request: StaffRequest, pk: int) -> str | None:
    return reverse("cx:rca", kwargs={"practice_slug": request.practice.slug, "pk": pk})


@staff_view(TEAM)
@require_GET
def staff_record(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    membership = team_selectors.membership_or_404(practice=practice, pk=pk)
    is_me = membership.user_id == request.user.pk
    if not is_me and request.membership.role != Role.OWNER:
        raise Http404
    today = practice.local_date(timezone.now())
    form = RecordRangeForm(request.GET or None, today=today)
    first_day, last_day = RecordRangeForm.default_range(today)
    status = 200
    if request.GET:
        if form.is_valid():
            first_day, last_day = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            status = 400
    record = record_selectors.experience_record(
        practice=practice, membership=membership, first_day=first_day, last_day=last_day
    )
    with transaction.atomic():
        audit.record(
            practice=practice,
            action=AuditAction.VIEW,
            target=membership,
            actor_user=request.user,
            summary="Staff experience record viewed",
            changes={"first_day": first_day.isoformat(), "last_day": last_day.isoformat(), "own": is_me},
        )
    context = {
        "membership": membership,
        "person": membership.user,
        "record": record,
        "form": form,
        "is_me": is_me,
        "case_links": may_open(request.membership.role, "feedback:recovery_case"),
        "rca_rows": [(a, _rca_url(request, a.rca_id)) for a in record.rca_actions],
        "said_groups": [
            (key, label, rows[: record_selectors.QUOTES_SHOWN], len(rows))
            for key, label, rows in (
                ("positive", _("Positive"), record.mentions.positive),
                ("mixed", _("Mixed"), record.mentions.mixed),
                ("negative", _("Negative"), record.mentions.negative),
            )
        ],
        "quotes_shown": record_selectors.QUOTES_SHOWN,
        "scan_limit": record_selectors.MENTION_SCAN,
    }
    return render(request, "cx/hiring/staff_record.html", context, status=status)
