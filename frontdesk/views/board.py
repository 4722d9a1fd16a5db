"""The staff flow board: today's patients by provider and status, polled by htmx, one button per
status change; running-late marks; what the patient gave at online check-in and their card photos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from audit import services as audit
from audit.models import Action
from messaging.services.running_late import RunningLateRefused, mark_running_late
from practices.access import ALL_ROLES, StaffRequest, staff_view
from practices.models import Role
from practices.selectors import locations_for_practice, provider_or_404
from scheduling.models import Appointment

from ..models import FLOW_STEPS, ChangeSource, FlowStatus, OnlineCheckIn
from ..selectors import checkin as checkin_selectors
from ..selectors import flow as flow_selectors
from ..selectors import wait as wait_selectors
from ..services.checkin import record_check_in_viewed
from ..services.flow import ALLOWED, AlreadyChanged, FlowRefused, change_status

BOARD_EDITORS = frozenset({Role.OWNER, Role.FRONT_DESK, Role.CLINICIAN})
LATE_MINUTES = (10, 15, 20, 30, 45, 60)
CARD_SIDES = {"front": "card_front", "back": "card_back"}
_LOCATION_KEY = "flow_board_location:{}"


# --- what the board shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    to: str
    label: str


@dataclass
class Row:
    appointment: Appointment
    status: str
    status_label: str
    minutes: int | None  # in the current status (None while scheduled)
    time_text: str
    over: bool
    check_in: OnlineCheckIn | None
    next_step: Step | None
    other_steps: list[Step] = field(default_factory=list)
    called_in: tuple[int, int] | None = None  # minutes from now, while arrived
    with_provider: tuple[int, int] | None = None  # minutes from now, while arrived or roomed


@dataclass
class Section:
    provider: object
    rows: list[Row]
    late_minutes: int | None  # the latest running-late mark today
    lag_minutes: int  # how far behind the provider runs now, rounded for people
    waits: wait_selectors.ProviderWaits  # each waiting patient's two ranges, by appointment id


def _step_label(before: str, to: str) -> str:
    if before in FLOW_STEPS and to in FLOW_STEPS and FLOW_STEPS.index(to) < FLOW_STEPS.index(before):
        return _("Undo: back to %(status)s") % {"status": FlowStatus(to).label}
    if before in (FlowStatus.NO_SHOW, FlowStatus.LEFT) and to == FlowStatus.SCHEDULED:
        return _("Undo: back to %(status)s") % {"status": FlowStatus(to).label}
    return str(FlowStatus(to).label)


def _steps(status: str) -> tuple[Step | None, list[Step]]:
    """The one primary next step (the normal path, or back to Arrived after a no-show or walk-out)
    and the other changes allowed from ``status``."""
    allowed = ALLOWED[status]
    primary = None
    if status in FLOW_STEPS and FLOW_STEPS.index(status) + 1 < len(FLOW_STEPS):
        following = FLOW_STEPS[FLOW_STEPS.index(status) + 1]
        primary = following if following in allowed else None
    elif FlowStatus.ARRIVED in allowed:
        primary = FlowStatus.ARRIVED
    next_step = Step(primary, str(FlowStatus(primary).label)) if primary else None
    others = [Step(to, _step_label(status, to)) for to in allowed if to != primary]
    return next_step, others


_OVER_TEXT: dict[str, str] = {
    FlowStatus.ARRIVED: gettext_noop("Waiting %(minutes)s min — over %(limit)s"),
    FlowStatus.ROOMED: gettext_noop("In the room %(minutes)s min — over %(limit)s"),
    FlowStatus.WITH_PROVIDER: gettext_noop("With provider %(minutes)s min — over %(limit)s"),
    FlowStatus.CHECKOUT: gettext_noop("At checkout %(minutes)s min — over %(limit)s"),
}


def _time_text(status: str, minutes: int | None, limit: int | None, appointment: Appointment, now: datetime) -> str:
    if status == FlowStatus.SCHEDULED:
        due = int((now - appointment.start).total_seconds() // 60)
        return _("Due %(minutes)s min ago") % {"minutes": due} if due > 0 else ""
    if limit is not None and minutes is not None and minutes > limit:
        return _(_OVER_TEXT[status]) % {"minutes": minutes, "limit": limit}
    return _("%(minutes)s min") % {"minutes": minutes}


def _row(appointment: Appointment, flow_settings, now: datetime, waits: wait_selectors.ProviderWaits) -> Row:
    status = flow_selectors.flow_status_of(appointment)
    visit = getattr(appointment, "visit", None)
    minutes = None
    if visit is not None and status != FlowStatus.SCHEDULED:
        minutes = max(0, int((now - visit.status_changed_at).total_seconds() // 60))
    limit = flow_settings.threshold_for(status)
    next_step, others = _steps(status)
    return Row(
        appointment=appointment,
        status=status,
        status_label=str(FlowStatus(status).label),
        minutes=minutes,
        time_text=_time_text(status, minutes, limit, appointment, now),
        over=limit is not None and minutes is not None and minutes > limit,
        check_in=getattr(appointment, "online_check_in", None),
        next_step=next_step,
        other_steps=others,
        called_in=waits.called_in.get(appointment.pk),
        with_provider=waits.with_provider.get(appointment.pk),
    )


def build_board(*, practice, now: datetime, location=None) -> list[Section]:
    """Today's board: a section per provider (by name), rows in time order."""
    flow_settings = flow_selectors.flow_settings_for(practice)
    marks = flow_selectors.latest_late_marks(practice=practice, day=practice.local_date(now))
    appointments = sorted(
        flow_selectors.todays_appointments(practice=practice, now=now, location=location),
        key=lambda a: (a.provider.last_name, a.provider.first_name, a.provider_id, a.start, a.pk),
    )
    model = wait_selectors.wait_model_for(practice)
    sections = []
    for _provider_id, group in groupby(appointments, key=lambda a: a.provider_id):
        day = list(group)
        provider = day[0].provider
        mark = marks.get(provider.pk)
        # The lag counts every visit of the provider today, not only those at the chosen location.
        visits = day if location is None else wait_selectors.provider_day_visits(appointment=day[0])
        waits = wait_selectors.provider_waits(practice=practice, appointments=visits, now=now, mark=mark, model=model)
        sections.append(
            Section(
                provider=provider,
                rows=[_row(a, flow_settings, now, waits) for a in day],
                late_minutes=mark.minutes if mark else None,
                lag_minutes=waits.lag_minutes,
                waits=waits,
            )
        )
    return sections


def _chosen_location(request: StaffRequest):
    """``?location=<id>`` chooses (and is remembered in the session); ``?location=`` shows all."""
    key = _LOCATION_KEY.format(request.practice.pk)
    locations = locations_for_practice(practice=request.practice, active_only=True)
    if "location" in request.GET:
        wanted = request.GET["location"]
        chosen = locations.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if chosen is None:
            request.session.pop(key, None)
            if wanted:
                messages.error(request, _("That location is not one of this practice's; showing all locations."))
        else:
            request.session[key] = chosen.pk
        return chosen, locations
    remembered = request.session.get(key)
    chosen = locations.filter(pk=remembered).first() if isinstance(remembered, int) else None
    return chosen, locations


def _can_change(request: StaffRequest) -> bool:
    return request.membership.role in BOARD_EDITORS


def _rows_context(request: StaffRequest, *, now: datetime, notice: str = "", notice_level: str = "") -> dict:
    location, locations = _chosen_location(request)
    return {
        "sections": build_board(practice=request.practice, now=now, location=location),
        "version": flow_selectors.board_version(practice=request.practice, now=now),
        "poll_seconds": settings.FLOW_POLL_SECONDS,
        "can_change": _can_change(request),
        "late_minutes_choices": LATE_MINUTES,
        "location": location,
        "locations": locations,
        "now": now,
        "today": request.practice.local_date(now),
        "notice": notice,
        "notice_level": notice_level,
    }


def _board_page(request: StaffRequest, *, status: int = 200) -> HttpResponse:
    now = timezone.now()
    context = _rows_context(request, now=now)
    shown = sum(len(s.rows) for s in context["sections"])
    audit.record(
        practice=request.practice,
        action=Action.VIEW,
        target=Appointment,
        actor_user=request.user,
        summary=f"flow board, {shown} shown",
    )
    context["wait_model_visits"] = wait_selectors.wait_model_for(request.practice).n
    return render(request, "frontdesk/board/board.html", context, status=status)


def _rows_response(request: StaffRequest, *, notice: str = "", notice_level: str = "", status: int = 200):
    context = _rows_context(request, now=timezone.now(), notice=notice, notice_level=notice_level)
    return render(request, "frontdesk/board/_rows.html", {**context, "oob_notice": True}, status=status)


# --- views -----------------------------------------------------------------------------------------


@staff_view(ALL_ROLES)
@require_GET
def board(request: StaffRequest) -> HttpResponse:
    return _board_page(request)


@staff_view(ALL_ROLES)
@require_GET
def board_rows(request: StaffRequest) -> HttpResponse:
    """The poll: 204 while the board is as the browser shows it (nothing swapped, focus kept)."""
    now = timezone.now()
    if request.GET.get("v") == flow_selectors.board_version(practice=request.practice, now=now):
        return HttpResponse(status=204)
    context = _rows_context(request, now=now)
    return render(request, "frontdesk/board/_rows.html", context)


@staff_view(BOARD_EDITORS)
@require_POST
def board_change(request: StaffRequest, pk: int) -> HttpResponse:
    appointment = flow_selectors.appointment_on_board_or_404(practice=request.practice, pk=pk)
    to_status, from_status = request.POST.get("to", ""), request.POST.get("from", "")
    if to_status not in FlowStatus.values or from_status not in FlowStatus.values:
        return _refused(request, _("That status change is not one the board knows. Nothing was changed."))
    try:
        change_status(
            appointment=appointment,
            to_status=to_status,
            expected_status=from_status,
            source=ChangeSource.DESK,
            actor_user=request.user,
        )
    except AlreadyChanged:
        text = _("%(name)s was already moved on by someone else; the board shows where the visit is now.") % {
            "name": appointment.patient.full_name
        }
        if request.htmx:
            return _rows_response(request, notice=text, notice_level="warning")
        messages.warning(request, text)
        return redirect("frontdesk:board", practice_slug=request.practice.slug)
    except FlowRefused:
        return _refused(request, _refusal_text(appointment, from_status, to_status))
    text = _("%(name)s: %(status)s.") % {
        "name": appointment.patient.full_name,
        "status": FlowStatus(to_status).label,
    }
    if request.htmx:
        return _rows_response(request, notice=text, notice_level="success")
    messages.success(request, text)
    return redirect("frontdesk:board", practice_slug=request.practice.slug)


def _refusal_text(appointment: Appointment, from_status: str, to_status: str) -> str:
    if not flow_selectors.todays_appointments(practice=appointment.practice, now=timezone.now()).filter(
        pk=appointment.pk
    ):
        return _("This appointment is not on today's board (another day, or cancelled). Nothing was changed.")
    return _("A visit cannot go from %(from)s to %(to)s. Nothing was changed.") % {
        "from": FlowStatus(from_status).label,
        "to": FlowStatus(to_status).label,
    }


def _refused(request: StaffRequest, text: str) -> HttpResponse:
    if request.htmx:
        return _rows_response(request, notice=text, notice_level="error", status=400)
    messages.error(request, text)
    return _board_page(request, status=400)


@staff_view(BOARD_EDITORS)
@require_POST
def board_running_late(request: StaffRequest, provider_id: int) -> HttpResponse:
    provider = provider_or_404(practice=request.practice, pk=provider_id)
    minutes = request.POST.get("minutes", "")
    if not minutes.isdigit() or int(minutes) not in LATE_MINUTES:
        messages.error(request, _("Choose how late from the list (10 to 60 minutes). Nothing was changed."))
        return _board_page(request, status=400)
    try:
        late, queued = mark_running_late(
            practice=request.practice, provider=provider, minutes=int(minutes), actor_user=request.user
        )
    except RunningLateRefused:
        messages.error(request, _("That delay could not be recorded. Nothing was changed."))
        return _board_page(request, status=400)
    messages.success(
        request,
        _("%(provider)s is marked %(minutes)s minutes late. %(count)s patients were told.")
        % {"provider": provider.display_name, "minutes": late.minutes, "count": len(queued)},
    )
    return redirect("frontdesk:board", practice_slug=request.practice.slug)


def _check_in_or_404(request: StaffRequest, pk: int) -> OnlineCheckIn:
    appointment = flow_selectors.appointment_on_board_or_404(practice=request.practice, pk=pk)
    return checkin_selectors.online_check_in_or_404(practice=request.practice, appointment=appointment)


@staff_view(ALL_ROLES)
@require_GET
def check_in_detail(request: StaffRequest, pk: int) -> HttpResponse:
    check_in = _check_in_or_404(request, pk)
    record_check_in_viewed(check_in=check_in, actor_user=request.user)
    answered, policies = checkin_selectors.check_in_answers(practice=request.practice, check_in=check_in)
    context = {
        "appointment": check_in.appointment,
        "check_in": check_in,
        "answered": answered,
        "policies": policies,
    }
    return render(request, "frontdesk/board/check_in.html", context)


@staff_view(ALL_ROLES)
@require_GET
def card_photo(request: StaffRequest, pk: int, side: str) -> FileResponse:
    if side not in CARD_SIDES:
        raise Http404
    check_in = _check_in_or_404(request, pk)
    photo = getattr(check_in, CARD_SIDES[side])
    if not photo:
        raise Http404
    try:
        handle = photo.open("rb")
    except OSError:
        raise Http404 from None
    record_check_in_viewed(check_in=check_in, actor_user=request.user, summary=f"insurance card photo viewed ({side})")
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
