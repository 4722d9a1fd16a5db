"""The patient's manage link: /p/<practice>/manage/<token>/ — see, reschedule or cancel one appointment.

The signed token (``manage_links``) names the appointment and its patient; a forged or expired
token, or one used under another practice's address, answers 404. Changes follow the practice's
``BookingPolicy``: within the cutoff, or for a past or inactive appointment, the page shows the
phone number and why instead of the buttons.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from practices.selectors import practice_by_slug_or_404

from .. import calendar_file, manage_links
from ..booking_flow import BAD_DAY, CHOOSE_AGAIN, TAKEN
from ..engine import Slot
from ..forms.booking import CancelForm
from ..models import Appointment
from ..notifications import site_host
from ..patient_pages import appointment_context, render_local, safe_reverse
from ..selectors import booking as booking_selectors
from ..selectors import slots as slot_selectors
from ..services import booking as booking_services
from ..services import online_booking as online_booking_services
from ..slot_display import (
    ChosenSlot,
    TimeChoice,
    group_by_day_part,
    parse_day,
    parse_slot,
    practice_today,
    practice_tz,
    time_choices,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from practices.models import Location, Practice, Provider

REFUSALS = {
    online_booking_services.NOT_ACTIVE: gettext_lazy(
        "This appointment is no longer booked, so it cannot be changed here."
    ),
    online_booking_services.PAST: gettext_lazy("This appointment has already taken place."),
    online_booking_services.TOO_CLOSE: gettext_lazy(
        "Your appointment is less than %(hours)s hours away, so it can no longer be changed online."
    ),
}


def _appointment_or_404(practice_slug: str, token: str) -> tuple[Practice, Appointment]:
    practice = practice_by_slug_or_404(slug=practice_slug)
    appointment = manage_links.appointment_for_token(practice, token)
    if appointment is None:
        raise Http404
    return practice, appointment


def _refusal_text(appointment: Appointment, refusal: str | None) -> str | None:
    if refusal is None:
        return None
    text = str(REFUSALS[refusal])
    if refusal == online_booking_services.TOO_CLOSE:
        text = text % {"hours": booking_selectors.booking_policy(appointment.practice).online_change_cutoff_hours}
    return text


def _context(practice: Practice, appointment: Appointment, token: str) -> dict[str, Any]:
    refusal = online_booking_services.online_change_refusal(appointment)
    context = appointment_context(appointment, token)
    context.update(
        refusal=refusal,
        refusal_text=_refusal_text(appointment, refusal),
        reschedule_url=reverse("scheduling:manage_reschedule", kwargs={"practice_slug": practice.slug, "token": token}),
        cancel_url=reverse("scheduling:manage_cancel", kwargs={"practice_slug": practice.slug, "token": token}),
        waitlist_url=safe_reverse("scheduling:waitlist_from_appointment", practice_slug=practice.slug, token=token)
        if refusal is None
        else None,
    )
    return context


@require_GET
def manage(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice, appointment = _appointment_or_404(practice_slug, token)
    return render_local(request, practice, "scheduling/manage/manage.html", _context(practice, appointment, token))


@require_GET
def calendar(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    """The "Add to calendar" file (METHOD:PUBLISH; a cancelled appointment's file cancels the event)."""
    practice, appointment = _appointment_or_404(practice_slug, token)
    method = calendar_file.PUBLISH if appointment.is_active else calendar_file.CANCEL
    manage_url = request.build_absolute_uri(
        reverse("scheduling:manage", kwargs={"practice_slug": practice.slug, "token": token})
    )
    body = calendar_file.appointment_calendar(
        appointment,
        method=method,
        host=site_host(),
        manage_url=manage_url,
        summary=_("Appointment at %(practice)s") % {"practice": practice.name},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    """Pick another day and time at the same location (any provider who sees this visit)."""
    practice, appointment = _appointment_or_404(practice_slug, token)
    context = _context(practice, appointment, token)
    if context["refusal"]:
        return render_local(request, practice, "scheduling/manage/manage.html", context)
    now = timezone.now()
    today = practice_today(practice, now)
    visit_type = appointment.visit_type
    message: StrPromise | None = None
    error: str | None = None
    alternatives: list[Slot] | None = None
    params = request.POST if request.method == "POST" else request.GET
    day = parse_day(params.get("day")) if params.get("day") else None
    if params.get("day") and (day is None or not today <= day <= today + timedelta(days=visit_type.max_days_ahead)):
        error, day = str(BAD_DAY), None

    if request.method == "POST":
        slot = parse_slot(request.POST.get("slot"))
        providers = {p.pk: p for p in booking_selectors.booking_providers_any_location(practice, visit_type)}
        locations = {loc.pk: loc for loc in booking_selectors.booking_locations(practice, visit_type)}
        if slot is None or slot.provider_id not in providers or slot.location_id not in locations:
            error = str(CHOOSE_AGAIN)
        elif "confirm" not in request.POST:
            # A tap on a time only asks: nothing moves until the patient confirms.
            return _confirm_move(
                request, practice, context, day, slot, providers[slot.provider_id], locations[slot.location_id]
            )
        else:
            try:
                online_booking_services.reschedule_by_patient(
                    appointment=appointment,
                    start=slot.start,
                    provider=providers[slot.provider_id],
                    location=locations[slot.location_id],
                    now=now,
                )
            except booking_services.SlotTaken as taken:
                message, alternatives = TAKEN, taken.alternatives
            except booking_services.BookingRefused:
                error = str(CHOOSE_AGAIN)
            else:
                messages.success(request, _("Your appointment has been moved. We have emailed you the new time."))
                return redirect("scheduling:manage", practice_slug=practice.slug, token=token)

    base = reverse("scheduling:manage_reschedule", kwargs={"practice_slug": practice.slug, "token": token})
    location = appointment.location
    context.update(error=error, message=message, base_url=base)
    if day is None and alternatives is None:
        start_day = parse_day(request.GET.get("from")) or today
        days, more = booking_selectors.booking_days_page(
            practice, visit_type, provider_ids=None, location_id=location.pk, start_day=start_day, today=today, now=now
        )
        context.update(
            days=[(d, f"{base}?day={d.isoformat()}") for d in days],
            more_url=f"{base}?from={more.isoformat()}" if more else None,
        )
        return render_local(request, practice, "scheduling/manage/reschedule_day.html", context)
    providers, locations = booking_selectors.active_providers_and_locations(practice)
    choices: list[TimeChoice] = []
    if day is not None:
        slots = slot_selectors.open_slots_for(
            practice, visit_type, first_day=day, last_day=day, now=now, location_id=location.pk
        )
        choices = time_choices(slots, providers_by_id=providers, locations_by_id=locations)
    context.update(
        day=day,
        groups=group_by_day_part(choices, practice_tz(practice)),
        alternatives=time_choices(alternatives, providers_by_id=providers, locations_by_id=locations)
        if alternatives is not None
        else None,
        hidden={"day": day.isoformat()} if day else {},
        action=base,
        days_url=base,
    )
    return render_local(request, practice, "scheduling/manage/reschedule_time.html", context)


def _confirm_move(
    request: HttpRequest,
    practice: Practice,
    context: dict[str, Any],
    day: date | None,
    slot: ChosenSlot,
    provider: Provider,
    location: Location,
) -> HttpResponse:
    """ "Move your visit from X to Y?" with Confirm (the same choice, confirmed) and Choose another time."""
    base = reverse("scheduling:manage_reschedule", kwargs={"practice_slug": practice.slug, "token": context["token"]})
    context.update(
        new_start=timezone.localtime(slot.start, practice_tz(practice)),
        new_provider=provider,
        new_location=location,
        hidden={"slot": request.POST.get("slot"), **({"day": day.isoformat()} if day else {})},
        action=base,
        times_url=f"{base}?day={day.isoformat()}" if day else base,
    )
    return render_local(request, practice, "scheduling/manage/reschedule_confirm.html", context)


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice, appointment = _appointment_or_404(practice_slug, token)
    context = _context(practice, appointment, token)
    if context["refusal"]:
        return render_local(request, practice, "scheduling/manage/manage.html", context)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            online_booking_services.cancel_by_patient(appointment=appointment, reason=form.reason_code())
        except booking_services.BookingRefused:
            form.add_error(None, _("This appointment can no longer be cancelled online. Please call us."))
        else:
            messages.success(request, _("Your appointment is cancelled. We have emailed you a confirmation."))
            return redirect("scheduling:manage", practice_slug=practice.slug, token=token)
    context["form"] = form
    return render_local(request, practice, "scheduling/manage/cancel.html", context)
