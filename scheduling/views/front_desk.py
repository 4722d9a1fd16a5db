"""Front desk: book, move and cancel for a patient on the phone, and work the online booking requests.

Every view goes through ``staff_view``: strangers get 404, other roles 403. Owners and the front desk
change appointments; clinicians may look. Every object is fetched within ``request.practice``.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.describe import describe_entries
from patients import selectors as patient_selectors
from practices.access import PATIENT_EDITORS, StaffRequest, staff_view
from practices.models import Practice, Role

from .. import appointment_details, engine
from ..forms.front_desk import (
    BookForm,
    CancelForm,
    PickerForm,
    RequestNewPatientForm,
    RequestPatientForm,
    slot_value,
)
from ..models import Appointment, BookingRequest, BookingRequestStatus, VisitType
from ..selectors import booking as booking_selectors
from ..selectors import front_desk as fd_selectors
from ..services import booking as booking_services
from ..services import front_desk as fd_services
from ..slot_display import TimeChoice, every_time, practice_today

EDITORS = PATIENT_EDITORS
VIEWERS = PATIENT_EDITORS | {Role.CLINICIAN}


# --- helpers ------------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _today(practice: Practice, now: datetime) -> date:
    return practice_today(practice, now)


def _shown(practice: Practice, slots: Iterable[engine.Slot]) -> list[TimeChoice]:
    """Engine slots with their provider and location, ready for the page."""
    return every_time(
        slots,
        providers_by_id={p.pk: p for p in fd_selectors.providers_for_booking(practice=practice)},
        locations_by_id={loc.pk: loc for loc in fd_selectors.locations_for_booking(practice=practice)},
        value=slot_value,
    )


def _times(
    practice: Practice, picker: PickerForm, *, now: datetime, ignore_appointment_id: int | None = None
) -> dict[str, Any]:
    """The open times for the picker's choices (a day's times, or the first ones from today)."""
    if not picker.is_bound or not picker.is_valid() or picker.chosen_visit_type() is None:
        return {"ready": False}
    data = picker.cleaned_data
    visit_type = picker.chosen_visit_type()
    provider, location, day = data.get("provider"), data.get("location"), data.get("day")
    common: dict[str, Any] = {
        "practice": practice,
        "visit_type": visit_type,
        "now": now,
        "provider_ids": [provider.pk] if provider else None,
        "location_id": location.pk if location else None,
        "ignore_appointment_id": ignore_appointment_id,
    }
    today = _today(practice, now)
    slots = fd_selectors.slots_on_day(day=day, **common) if day is not None else fd_selectors.first_available(**common)
    first_day = max(day or today, today)
    days = fd_selectors.days_with_openings(first_day=first_day, **common)
    return {
        "ready": True,
        "visit_type": visit_type,
        "day": day,
        "slots": _shown(practice, slots),
        "days": days,
        "earlier_day": first_day - timedelta(days=fd_selectors.OPENING_DAYS) if first_day > today else None,
        "later_day": first_day + timedelta(days=fd_selectors.OPENING_DAYS),
    }


def _book_form(
    picker_data: Mapping[str, Any],
    *,
    practice: Practice,
    visit_type: VisitType | None = None,
    key: str | None = None,
    now: datetime,
    patient_kind: str | None = None,
) -> BookForm:
    initial = {name: picker_data.get(name, "") for name in ("visit_type", "location", "provider", "day")}
    initial["idempotency_key"] = key or uuid.uuid4().hex
    return BookForm(practice=practice, visit_type=visit_type, initial=initial, now=now, patient_kind=patient_kind)


# --- a patient's appointments ---------------------------------------------------------------------


@staff_view(VIEWERS)
@require_GET
def patient_appointments(request: StaffRequest, patient_id: int) -> HttpResponse:
    """The appointments section of the patient's page (loaded by htmx, or as a page of its own)."""
    patient = patient_selectors.patient_for_practice_or_404(practice=request.practice, pk=patient_id)
    upcoming, past = fd_selectors.appointments_for_patient(practice=request.practice, patient=patient, now=_now())
    fd_services.record_patient_appointments_viewed(
        practice=request.practice, patient=patient, actor_user=request.user, shown=len(upcoming) + len(past)
    )
    context = {"patient": patient, "upcoming": upcoming, "past": past, "can_edit": request.membership.role in EDITORS}
    template = (
        "scheduling/front_desk/_patient_appointments.html"
        if request.htmx
        else "scheduling/front_desk/patient_appointments.html"
    )
    return render(request, template, context)


# --- booking --------------------------------------------------------------------------------------


def _picker_source(request: StaffRequest, default: Mapping[str, Any] | None = None) -> Mapping[str, Any] | None:
    """The picker's choices: from the POST body (never the URL, which would carry the visit type into
    logs and history), with a day button ("go_day") taking the place of the day field."""
    if request.method != "POST":
        return default
    data = request.POST.copy()
    if go_day := data.get("go_day"):
        data["day"] = go_day
    return data


def _render_picker_page(
    request: StaffRequest,
    context: dict[str, Any],
    source: Mapping[str, Any] | None,
    *,
    visit_type: VisitType | None = None,
    ignore_appointment_id: int | None = None,
    patient_kind: str | None = None,
) -> HttpResponse:
    """The booking page (or, for htmx, its times section) for the picker's choices."""
    practice, now = request.practice, context["now"]
    picker = context.setdefault(
        "picker", PickerForm(source, practice=practice, visit_type=visit_type, patient_kind=patient_kind)
    )
    if "form" not in context:
        key = source.get("idempotency_key") if source else None
        key = key if key and len(key) == 32 and key.isalnum() else None
        context["form"] = _book_form(
            source or {}, practice=practice, visit_type=visit_type, key=key, now=now, patient_kind=patient_kind
        )
    context["times"] = _times(practice, picker, now=now, ignore_appointment_id=ignore_appointment_id)
    booking = request.method == "POST" and "book" in request.POST
    template = (
        "scheduling/front_desk/_times.html" if request.htmx and not booking else "scheduling/front_desk/book.html"
    )
    return render(request, template, context)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def book(request: StaffRequest, patient_id: int) -> HttpResponse:
    """GET: the picker. POST without "book": show the open times for the choices. POST "book": book."""
    practice = request.practice
    patient = patient_selectors.patient_for_practice_or_404(practice=practice, pk=patient_id)
    now = _now()
    source = _picker_source(request)
    context: dict = {"patient": patient, "now": now}
    # A visit type for established patients only (a follow-up) is not offered to a new patient.
    kind = booking_selectors.patient_kind_of(practice, patient)
    if request.method == "POST" and "book" in request.POST:
        form = BookForm(source, practice=practice, now=now, patient_kind=kind)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = booking_services.book_appointment(
                    practice=practice,
                    patient=patient,
                    provider=data["booking_provider"],
                    location=data["booking_location"],
                    visit_type=data["visit_type"],
                    start=data["start"],
                    booked_via="phone",
                    idempotency_key=data["idempotency_key"],
                    actor_user=request.user,
                    override_reason=data["override_reason"] or None,
                    patient_kind=kind,
                    notify=True,
                    now=now,
                )
            except booking_services.SlotTaken as taken:
                context["taken"] = True
                context["alternatives"] = _shown(practice, taken.alternatives)
            except booking_services.BookingRefused:
                form.add_error(None, _("This visit cannot be booked as asked. Please check the choices."))
            else:
                if appointment.patient_id != patient.pk:
                    form.add_error(None, _("The form has expired. Please choose the time again."))
                else:
                    messages.success(request, _("The visit is booked."))
                    return redirect("scheduling:fd_appointment", practice_slug=practice.slug, pk=appointment.pk)
        context["form"] = form
    return _render_picker_page(request, context, source, patient_kind=kind)


# --- one appointment ------------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_GET
def appointment_detail(request: StaffRequest, pk: int) -> HttpResponse:
    appointment = fd_selectors.appointment_or_404(practice=request.practice, pk=pk)
    fd_services.record_appointment_viewed(appointment=appointment, actor_user=request.user)
    history = describe_entries(
        fd_selectors.appointment_history(practice=request.practice, appointment=appointment), practice=request.practice
    )
    context = {
        "appointment": appointment,
        "history": history,
        "can_edit": request.membership.role in EDITORS,
        "details": appointment_details.details_for(appointment),
    }
    return render(request, "scheduling/front_desk/appointment.html", context)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def appointment_move(request: StaffRequest, pk: int) -> HttpResponse:
    """The booking page for a new time of the same visit (its own time does not count as busy)."""
    practice = request.practice
    appointment = fd_selectors.appointment_or_404(practice=practice, pk=pk)
    if not appointment.is_active:
        messages.error(request, _("Only a booked appointment can be moved."))
        return redirect("scheduling:fd_appointment", practice_slug=practice.slug, pk=appointment.pk)
    now = _now()
    visit_type = appointment.visit_type
    source = _picker_source(
        request, default={"location": str(appointment.location_id), "provider": str(appointment.provider_id)}
    )
    context: dict = {"appointment": appointment, "patient": appointment.patient, "moving": True, "now": now}
    if request.method == "POST" and "book" in request.POST:
        form = BookForm(source, practice=practice, visit_type=visit_type, now=now)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _moved, changed = fd_services.move_appointment(
                    appointment=appointment,
                    start=data["start"],
                    provider=data["booking_provider"],
                    location=data["booking_location"],
                    actor_user=request.user,
                    override_reason=data["override_reason"],
                    now=now,
                )
            except booking_services.SlotTaken as taken:
                context["taken"] = True
                context["alternatives"] = _shown(practice, taken.alternatives)
            except booking_services.BookingRefused:
                messages.error(request, _("This appointment can no longer be moved."))
                return redirect("scheduling:fd_appointment", practice_slug=practice.slug, pk=appointment.pk)
            else:
                done = _("The visit is moved.") if changed else _("The visit is already at that time.")
                messages.success(request, done)
                return redirect("scheduling:fd_appointment", practice_slug=practice.slug, pk=appointment.pk)
        context["form"] = form
    return _render_picker_page(request, context, source, visit_type=visit_type, ignore_appointment_id=appointment.pk)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def appointment_cancel(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    appointment = fd_selectors.appointment_or_404(practice=practice, pk=pk)
    if not appointment.is_active:
        messages.error(request, _("This appointment is not booked any more, so it cannot be cancelled."))
        return redirect("scheduling:fd_appointment", practice_slug=practice.slug, pk=appointment.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking_services.cancel_appointment(
                appointment=appointment, reason=form.cleaned_data["reason"], actor_user=request.user, notify=True
            )
        except booking_services.BookingRefused:
            messages.error(request, _("This appointment is not booked any more, so it cannot be cancelled."))
        else:
            messages.success(request, _("The visit is cancelled."))
        return redirect("scheduling:fd_appointment", practice_slug=practice.slug, pk=appointment.pk)
    return render(request, "scheduling/front_desk/cancel.html", {"appointment": appointment, "form": form})


# --- booking requests -----------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_GET
def booking_requests(request: StaffRequest) -> HttpResponse:
    requests = list(fd_selectors.open_booking_requests(practice=request.practice)[:200])
    fd_services.record_booking_requests_viewed(practice=request.practice, actor_user=request.user, shown=len(requests))
    return render(request, "scheduling/front_desk/booking_requests.html", {"booking_requests": requests})


def _request_context(request: StaffRequest, booking_request: BookingRequest, **extra: Any) -> dict[str, Any]:
    practice = request.practice
    candidates = fd_selectors.candidate_patients(practice=practice, booking_request=booking_request)
    fd_services.record_booking_request_viewed(
        booking_request=booking_request, actor_user=request.user, candidates=len(candidates)
    )
    context = {
        "booking_request": booking_request,
        "candidates": candidates,
        "can_edit": request.membership.role in EDITORS,
        "is_open": booking_request.status == BookingRequestStatus.OPEN,
    }
    if context["is_open"] and "alternatives" not in extra:
        now = _now()
        free = fd_selectors.bookable_providers_at(
            practice=practice,
            visit_type=booking_request.visit_type,
            location=booking_request.location,
            start=booking_request.start,
            now=now,
        )
        requested_free = bool(free) and (booking_request.provider_id is None or booking_request.provider_id in free)
        context["requested_open"] = requested_free
        if not requested_free:
            extra["alternatives"] = _shown(
                practice,
                booking_services.nearest_alternatives(
                    practice=practice, visit_type=booking_request.visit_type, start=booking_request.start, now=now
                ),
            )
    context.setdefault("patient_form", RequestPatientForm(practice=practice, booking_request=booking_request))
    context.setdefault(
        "new_patient_form",
        RequestNewPatientForm(
            practice=practice,
            initial={
                "first_name": booking_request.first_name,
                "last_name": booking_request.last_name,
                "date_of_birth": booking_request.date_of_birth,
                "phone": booking_request.phone,
                "email": booking_request.email,
                "preferred_language": booking_request.preferred_language,
            },
        ),
    )
    context.update(extra)
    return context


@staff_view(VIEWERS)
@require_GET
def booking_request_detail(request: StaffRequest, pk: int) -> HttpResponse:
    booking_request = fd_selectors.booking_request_or_404(practice=request.practice, pk=pk)
    return render(request, "scheduling/front_desk/booking_request.html", _request_context(request, booking_request))


def _after_request_booked(request: StaffRequest, appointment: Appointment) -> HttpResponse:
    messages.success(request, _("The visit is booked and the request is done."))
    return redirect("scheduling:fd_appointment", practice_slug=request.practice.slug, pk=appointment.pk)


def _request_not_open(request: StaffRequest, booking_request: BookingRequest) -> HttpResponse:
    messages.error(request, _("This booking request has already been dealt with."))
    return redirect("scheduling:fd_booking_request", practice_slug=request.practice.slug, pk=booking_request.pk)


@staff_view(EDITORS)
@require_POST
def booking_request_book(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    booking_request = fd_selectors.booking_request_or_404(practice=practice, pk=pk)
    if booking_request.status != BookingRequestStatus.OPEN:
        return _request_not_open(request, booking_request)
    form = RequestPatientForm(request.POST, practice=practice, booking_request=booking_request)
    extra: dict = {"patient_form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            appointment = fd_services.book_request_for_patient(
                booking_request=booking_request,
                patient=data["patient"],
                actor_user=request.user,
                start=data["start"],
                provider=data["booking_provider"],
                location=data["booking_location"],
            )
        except booking_services.SlotTaken as taken:
            extra.update(taken=True, alternatives=_shown(practice, taken.alternatives))
        except fd_services.RequestAlreadyResolved:
            return _request_not_open(request, booking_request)
        except booking_services.BookingRefused:
            form.add_error(None, _("This visit cannot be booked as asked. Please check the choices."))
        else:
            return _after_request_booked(request, appointment)
    context = _request_context(request, booking_request, **extra)
    return render(request, "scheduling/front_desk/booking_request.html", context)


@staff_view(EDITORS)
@require_POST
def booking_request_new_patient(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    booking_request = fd_selectors.booking_request_or_404(practice=practice, pk=pk)
    if booking_request.status != BookingRequestStatus.OPEN:
        return _request_not_open(request, booking_request)
    form = RequestNewPatientForm(request.POST, practice=practice)
    extra: dict = {"new_patient_form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            appointment = fd_services.book_request_for_new_patient(
                booking_request=booking_request,
                actor_user=request.user,
                patient_fields=form.patient_fields(),
                start=data["start"],
                provider=data["booking_provider"],
                location=data["booking_location"],
            )
        except booking_services.SlotTaken as taken:
            extra.update(taken=True, alternatives=_shown(practice, taken.alternatives))
        except fd_services.RequestAlreadyResolved:
            return _request_not_open(request, booking_request)
        except (booking_services.BookingRefused, ValidationError):
            form.add_error(None, _("This visit cannot be booked as asked. Please check the choices."))
        else:
            return _after_request_booked(request, appointment)
    context = _request_context(request, booking_request, **extra)
    return render(request, "scheduling/front_desk/booking_request.html", context)


@staff_view(EDITORS)
@require_POST
def booking_request_close(request: StaffRequest, pk: int) -> HttpResponse:
    booking_request = fd_selectors.booking_request_or_404(practice=request.practice, pk=pk)
    try:
        fd_services.close_request(booking_request=booking_request, actor_user=request.user)
    except fd_services.RequestAlreadyResolved:
        return _request_not_open(request, booking_request)
    messages.success(request, _("The request is closed without booking."))
    return redirect("scheduling:fd_booking_requests", practice_slug=request.practice.slug)
