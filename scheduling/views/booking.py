"""The patient's online booking pages, no account needed: /p/<practice>/book/...

The choices so far travel in the query string and are read once per request into a
``booking_flow.BookingFlow``; ``book`` shows the first step whose choice is missing or wrong.
Choosing a time places a short hold (kept in the session, ``booking_flow.BookingSession``); the
details page books with an idempotency key issued with the form, so a double submit books once.

Reading the pages writes nothing (an anonymous GET must not cost a database write): the
``booking.started`` journey event is recorded with the first time a visitor holds, once per flow,
with the ``src`` that travelled along with the choices.

All times are shown in the practice's time zone (``slot_display``).
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import limits
from practices.selectors import practice_by_slug_or_404

from .. import confirm_links, manage_links
from ..booking_flow import (
    CHOOSE_AGAIN,
    TAKEN,
    AskedTime,
    BookingFlow,
    BookingResult,
    BookingSession,
    FlowError,
    FlowParams,
    HeldTime,
    Outcome,
    parse_flow,
)
from ..engine import Slot
from ..forms.booking import NewPatientForm, ReturningPatientForm
from ..models import Appointment, BookingConfirmation, PatientKind
from ..patient_pages import appointment_context, render_local, safe_reverse
from ..selectors import booking as booking_selectors
from ..selectors import slots as slot_selectors
from ..services import booking as booking_services
from ..services import holds as holds_services
from ..services import online_booking as online_booking_services
from ..slot_display import group_by_day_part, parse_day, parse_slot, practice_today, practice_tz, time_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from practices.models import Location, Practice, Provider

    from ..models import VisitType

NOT_OFFERED = gettext_lazy("Sorry, that time is not available. These are the nearest times:")
EXPIRED = gettext_lazy("We could not keep your time. Please choose a time again.")
LOST = gettext_lazy("Sorry, that time was taken before you confirmed. These are the nearest times:")
LINK_EXPIRED = gettext_lazy(
    "This link has expired, so nothing was booked. These are the nearest times to the one you asked for:"
)


def _now_today(practice: Practice) -> tuple[datetime, date]:
    now = timezone.now()
    return now, practice_today(practice, now)


def _let_go(session: BookingSession, practice: Practice) -> HeldTime | None:
    """Forget the time held in the session and release its hold; the time that was held, if any."""
    held = session.pop_held()
    if held is not None and held.token:
        holds_services.release_hold(practice=practice, token=held.token)
    return held


def _waitlist_join_url(flow: BookingFlow) -> str | None:
    url = safe_reverse("scheduling:waitlist_join", practice_slug=flow.practice.slug)
    if url is None or flow.visit_type is None:
        return url
    query = {"visit_type": flow.visit_type.pk}
    if flow.location is not None:
        query["location"] = flow.location.pk
    if flow.provider is not None:
        query["provider"] = flow.provider.pk
    return f"{url}?{urlencode(query)}"


# --- the steps -----------------------------------------------------------------------------------


@require_GET
def book(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """Every choice before the time: kind → reason → location → provider → day → time."""
    practice = practice_by_slug_or_404(slug=practice_slug)
    now, today = _now_today(practice)
    flow = parse_flow(practice, FlowParams.from_query(request.GET), today=today)
    return _render_step(request, flow, now=now, today=today)


def _render_step(
    request: HttpRequest,
    flow: BookingFlow,
    *,
    now: datetime,
    today: date,
    message: StrPromise | None = None,
    alternatives: list[Slot] | None = None,
    status: int = 200,
) -> HttpResponse:
    practice = flow.practice
    context: dict[str, Any] = {"flow": flow, "error": flow.error.message if flow.error else None, "message": message}
    if flow.kind is None:
        context["new_url"] = flow.url(kind=PatientKind.NEW)
        context["returning_url"] = flow.url(kind=PatientKind.RETURNING)
        return render_local(request, practice, "scheduling/booking/kind.html", context, status)
    if flow.visit_type is None:
        visit_types = booking_selectors.online_visit_types(practice, kind=flow.kind)
        context["visit_types"] = visit_types
        context["choices"] = [(vt, flow.url(vt=vt.pk, loc=None, prov=None, day=None)) for vt in visit_types]
        context["back_url"] = flow.url(kind=None, vt=None, loc=None, prov=None, day=None)
        return render_local(request, practice, "scheduling/booking/reason.html", context, status)
    if flow.location is None:
        context["choices"] = [(loc, flow.url(loc=loc.pk, prov=None, day=None)) for loc in flow.locations]
        context["back_url"] = flow.url(vt=None, loc=None, prov=None, day=None)
        return render_local(request, practice, "scheduling/booking/location.html", context, status)
    if not flow.provider_chosen:
        context["any_url"] = flow.url(prov="any", day=None)
        context["choices"] = [(p, flow.url(prov=p.pk, day=None)) for p in flow.providers]
        context["back_url"] = (
            flow.url(loc=None, prov=None, day=None)
            if len(flow.locations) > 1
            else flow.url(vt=None, loc=None, prov=None, day=None)
        )
        return render_local(request, practice, "scheduling/booking/provider.html", context, status)
    if flow.day is None:
        start_day = parse_day(request.GET.get("from")) or today
        days, more = booking_selectors.booking_days_page(
            practice,
            flow.visit_type,
            provider_ids=flow.provider_ids,
            location_id=flow.location.pk,
            start_day=start_day,
            today=today,
            now=now,
        )
        context.update(
            days=[(d, flow.url(day=d.isoformat())) for d in days],
            more_url=flow.url(**{"from": more.isoformat()}) if more else None,
            waitlist_url=_waitlist_join_url(flow),
            back_url=flow.url(prov=None, day=None),
        )
        return render_local(request, practice, "scheduling/booking/day.html", context, status)
    # The times of the chosen day. Coming back here lets go of a time held before.
    _let_go(BookingSession(request.session, practice), practice)
    slots = slot_selectors.open_slots_for(
        practice,
        flow.visit_type,
        first_day=flow.day,
        last_day=flow.day,
        now=now,
        provider_ids=flow.provider_ids,
        location_id=flow.location.pk,
    )
    providers, locations = _labels(flow, [*slots, *(alternatives or [])])
    choices = time_choices(slots, providers_by_id=providers, locations_by_id=locations)
    alternative_choices = (
        time_choices(alternatives, providers_by_id=providers, locations_by_id=locations)
        if alternatives is not None
        else None
    )
    context.update(
        groups=group_by_day_part(choices, practice_tz(practice)),
        alternatives=alternative_choices,
        hidden=flow.params(),
        days_url=flow.url(day=None),
        back_url=flow.url(day=None),
        waitlist_url=_waitlist_join_url(flow),
        action=reverse("scheduling:book_hold", kwargs={"practice_slug": practice.slug}),
    )
    return render_local(request, practice, "scheduling/booking/time.html", context, status)


def _labels(flow: BookingFlow, slots: list[Slot]) -> tuple[dict[int, Provider], dict[int, Location]]:
    """The providers and locations to label ``slots`` with: the flow's own (read already) when they
    cover every slot, else the practice's active ones (alternatives may be elsewhere, with others)."""
    providers = {p.pk: p for p in flow.providers}
    locations = {loc.pk: loc for loc in flow.locations}
    if all(s.provider_id in providers and s.location_id in locations for s in slots):
        return providers, locations
    return booking_selectors.active_providers_and_locations(flow.practice)


def _slot_provider(flow: BookingFlow, visit_type: VisitType, provider_id: int, location_id: int) -> Provider | None:
    """The active provider of ``visit_type`` with that id: one of the flow's providers at the flow's
    location without another query, else looked up (a time may be with a provider elsewhere)."""
    if flow.location is not None and location_id == flow.location.pk:
        found = next((p for p in flow.providers if p.pk == provider_id), None)
        if found is not None:
            return found
    return next(
        (p for p in booking_selectors.booking_providers_any_location(flow.practice, visit_type) if p.pk == provider_id),
        None,
    )


@require_POST
def hold(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """The patient chose a time: hold it for a few minutes and ask for their details.

    Limited per client address: BOOKING_HOLD_RATE requests (then 429), and at most
    BOOKING_HOLDS_PER_ADDRESS active holds (a further one lets go of the address's oldest).
    """
    practice = practice_by_slug_or_404(slug=practice_slug)
    address = limits.address_key(request)
    if limits.hit(request, group="booking.hold", key=address, rates=settings.BOOKING_HOLD_RATE):
        return limits.too_many_requests(request, practice)
    now, today = _now_today(practice)
    flow = parse_flow(practice, FlowParams.from_query(request.POST), today=today)
    kind, visit_type = flow.kind, flow.visit_type
    if flow.error or flow.day is None or kind is None or visit_type is None:  # a day comes with the rest
        return _render_step(request, flow.with_error(flow.error or FlowError.CHOOSE_AGAIN), now=now, today=today)
    slot = parse_slot(request.POST.get("slot"))
    # The time may be an alternative with another provider or at another of the visit's locations.
    locations = {loc.pk: loc for loc in flow.locations}
    if (
        slot is None
        or slot.location_id not in locations
        or (flow.provider is not None and slot.provider_id != flow.provider.pk)
        or (provider := _slot_provider(flow, visit_type, slot.provider_id, slot.location_id)) is None
    ):
        return _render_step(request, flow.with_error(FlowError.CHOOSE_AGAIN), now=now, today=today)
    location = locations[slot.location_id]
    session = BookingSession(request.session, practice)
    _let_go(session, practice)
    try:
        held = holds_services.hold_for_patient(
            practice=practice,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=slot.start,
            first_available=flow.first_available,
            started_from=None if session.started else (flow.source or "direct"),
            now=now,
            client_key=salted_hmac("scheduling.hold-client", address, algorithm="sha256").hexdigest()[:32],
            holds_per_client=settings.BOOKING_HOLDS_PER_ADDRESS,
        )
    except booking_services.SlotTaken as taken:
        return _render_step(request, flow, now=now, today=today, message=NOT_OFFERED, alternatives=taken.alternatives)
    except booking_services.BookingRefused:
        return _render_step(request, flow.with_error(FlowError.CHOOSE_AGAIN), now=now, today=today)
    session.keep_held(
        HeldTime(
            token=held.token,
            kind=kind.value,
            visit_type_id=visit_type.pk,
            location_id=location.pk,
            prov=flow.prov or "",
            provider_id=provider.pk,
            start=held.start,
            idempotency_key=secrets.token_urlsafe(24),
            source=flow.source,
        )
    )
    session.mark_started()
    return redirect("scheduling:book_details", practice_slug=practice.slug)


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    now, today = _now_today(practice)
    session = BookingSession(request.session, practice)
    key = request.POST.get("idempotency_key", "")
    if request.method == "POST" and key and (result := session.result_for(key)):
        return _redirect_to_result(practice, result)
    held = session.held()
    if held is None:
        messages.info(request, EXPIRED)
        return redirect("scheduling:book", practice_slug=practice.slug)
    flow = parse_flow(practice, held.flow_params(practice), today=today)
    kind, visit_type, location = flow.kind, flow.visit_type, flow.location
    provider = _slot_provider(flow, visit_type, held.provider_id, held.location_id) if visit_type else None
    # Without an error, the held choices give the kind, the visit type and the location.
    if flow.error or provider is None or kind is None or visit_type is None or location is None:
        _let_go(session, practice)
        messages.info(request, EXPIRED)
        return redirect("scheduling:book", practice_slug=practice.slug)
    form_class = NewPatientForm if kind == PatientKind.NEW else ReturningPatientForm
    form = form_class(request.POST or None, initial={"idempotency_key": held.idempotency_key})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["idempotency_key"] != held.idempotency_key:
            _let_go(session, practice)
            messages.info(request, EXPIRED)
            return redirect("scheduling:book", practice_slug=practice.slug)
        language = translation.get_language() or "en"
        language = language[:2] if language[:2] in ("en", "es") else "en"
        try:
            outcome = online_booking_services.book_online(
                practice=practice,
                patient_kind=kind,
                visit_type=visit_type,
                provider=provider,
                location=location,
                start=held.start,
                details=form.patient_fields(language=language),
                idempotency_key=held.idempotency_key,
                hold_token=held.token,
                now=now,
            )
        except booking_services.SlotTaken as taken:
            session.pop_held()
            return _render_step(request, flow, now=now, today=today, message=TAKEN, alternatives=taken.alternatives)
        except booking_services.BookingRefused:
            _let_go(session, practice)
            return _render_step(request, flow.with_error(FlowError.CHOOSE_AGAIN), now=now, today=today)
        session.pop_held()
        session.end_flow()  # another flow starts anew
        # A returning patient, matched or not, sees the same request page: never a manage link here.
        if outcome.appointment:
            result = BookingResult(Outcome.BOOKED, manage_links.token_for(outcome.appointment))
        else:
            result = BookingResult(Outcome.REQUESTED)
            session.remember_asked(AskedTime(start=held.start, provider_id=provider.pk, location_id=location.pk))
        session.remember_result(held.idempotency_key, result)
        return _redirect_to_result(practice, result)
    context = {
        "flow": flow,
        "form": form,
        "provider": provider,
        "start": held.start,
        "back_action": reverse("scheduling:book_release", kwargs={"practice_slug": practice.slug}),
        "new_patient": kind == PatientKind.NEW,
    }
    return render_local(request, practice, "scheduling/booking/details.html", context)


def _redirect_to_result(practice: Practice, result: BookingResult) -> HttpResponseRedirect:
    if result.outcome is Outcome.BOOKED:
        return redirect("scheduling:book_confirmed", practice_slug=practice.slug, token=result.manage_token)
    return redirect("scheduling:book_requested", practice_slug=practice.slug)


@require_POST
def release(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """ "Choose another time": let go of the held time and go back to the times of that day."""
    practice = practice_by_slug_or_404(slug=practice_slug)
    _now, today = _now_today(practice)
    held = _let_go(BookingSession(request.session, practice), practice)
    if held is None:
        return redirect("scheduling:book", practice_slug=practice.slug)
    flow = parse_flow(practice, held.flow_params(practice), today=today)
    if flow.error:
        return redirect("scheduling:book", practice_slug=practice.slug)
    return HttpResponseRedirect(flow.url())


@require_GET
def requested(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """The same page whether or not the details matched a patient, with the time asked for.

    A match has been sent a link to confirm at the contact details on file; otherwise the front desk
    will call. The page says both, so it tells a visitor nothing about who is a patient.
    """
    practice = practice_by_slug_or_404(slug=practice_slug)
    asked = BookingSession(request.session, practice).asked()
    context: dict[str, Any] = {"confirm_minutes": online_booking_services.CONFIRM_MINUTES}
    if asked is not None:
        providers, locations = booking_selectors.active_providers_and_locations(practice)
        provider, location = providers.get(asked.provider_id), locations.get(asked.location_id)
        if provider is not None and location is not None:
            context.update(
                asked_start=timezone.localtime(asked.start, practice_tz(practice)),
                asked_provider=provider,
                asked_location=location,
            )
    return render_local(request, practice, "scheduling/booking/requested.html", context)


# --- a returning patient's link to confirm -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    """The link sent to a matched returning patient's contact details on file.

    GET shows the time and a button (mail scanners that follow links must not book); POST books it,
    once. A link already used shows the booking; a late one, or a time lost meanwhile, offers the
    nearest other times.
    """
    practice = practice_by_slug_or_404(slug=practice_slug)
    try:
        confirmation = confirm_links.confirmation_for_token(practice, token)
    except confirm_links.LinkExpired:
        return render_local(request, practice, "scheduling/booking/confirm.html", {"too_old": True}, status=410)
    if confirmation is None:
        raise Http404
    if confirmation.appointment is not None:
        return redirect_to_booking(confirmation.appointment)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The link went out in the language the patient booked in; the page it opens speaks it too.
        translation.activate(confirmation.language)
        request.LANGUAGE_CODE = confirmation.language
    now, today = _now_today(practice)
    if confirmation.expires_at <= now:
        return _other_times(request, confirmation, LINK_EXPIRED, now=now, today=today)
    if request.method == "GET":
        context = {
            "confirmation": confirmation,
            "local_start": timezone.localtime(confirmation.start, practice_tz(practice)),
            "local_expiry": timezone.localtime(confirmation.expires_at, practice_tz(practice)),
        }
        return render_local(request, practice, "scheduling/booking/confirm.html", context)
    try:
        appointment = online_booking_services.confirm_online_booking(confirmation=confirmation, now=now)
    except online_booking_services.ConfirmationExpired:
        return _other_times(request, confirmation, LINK_EXPIRED, now=now, today=today)
    except booking_services.SlotTaken as taken:
        return _other_times(request, confirmation, LOST, now=now, today=today, alternatives=taken.alternatives)
    except booking_services.BookingRefused:
        messages.info(request, CHOOSE_AGAIN)
        return redirect("scheduling:book", practice_slug=practice.slug)
    return redirect_to_booking(appointment)


def redirect_to_booking(appointment: Appointment) -> HttpResponseRedirect:
    return redirect(
        "scheduling:book_confirmed", practice_slug=appointment.practice.slug, token=manage_links.token_for(appointment)
    )


def _other_times(
    request: HttpRequest,
    confirmation: BookingConfirmation,
    message: StrPromise,
    *,
    now: datetime,
    today: date,
    alternatives: list[Slot] | None = None,
) -> HttpResponse:
    """The times page of the day asked for (any provider), with the nearest times to the one asked for."""
    practice = confirmation.practice
    day = timezone.localtime(confirmation.start, practice_tz(practice)).date()
    params = FlowParams(
        kind=PatientKind.RETURNING,
        vt=str(confirmation.visit_type_id),
        loc=str(confirmation.location_id),
        prov="any",
        day=day.isoformat(),
    )
    flow = parse_flow(practice, params, today=today)
    if flow.error is FlowError.BAD_DAY:  # the day has passed: choose another day
        flow = parse_flow(practice, replace(params, day=None), today=today)
    if flow.error:
        messages.info(request, message)
        return redirect("scheduling:book", practice_slug=practice.slug)
    if alternatives is None:
        alternatives = booking_services.nearest_alternatives(
            practice=practice, visit_type=confirmation.visit_type, start=confirmation.start, now=now
        )
    if flow.day is None:
        return _render_step(request, flow, now=now, today=today, message=message)
    return _render_step(request, flow, now=now, today=today, message=message, alternatives=alternatives)


@require_GET
def confirmed(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    appointment = manage_links.appointment_for_token(practice, token)
    if appointment is None:
        raise Http404
    context = appointment_context(appointment, token)
    return render_local(request, practice, "scheduling/booking/confirmed.html", context)


# --- the widget a practice puts on its own website -----------------------------------------------

WIDGET_SCRIPT = "js/scheduling-booking-widget.js"
_WIDGET_VALUES = re.compile(r'"__TOUCHPOINTS_BOOK_(URL|LABEL)__"')


@functools.cache
def _widget_source() -> str:
    found = finders.find(WIDGET_SCRIPT)
    if not isinstance(found, str):
        raise ImproperlyConfigured(f"The static file {WIDGET_SCRIPT} is missing.")
    return Path(found).read_text(encoding="utf-8")


@require_GET
def widget(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """A script for the practice's own website: turns ``<div data-touchpoints-book>`` into a "Book online" link.

    The script is ``static/js/scheduling-booking-widget.js`` with the practice's booking address and the label in
    the visitor's language filled in.
    """
    practice = practice_by_slug_or_404(slug=practice_slug)
    url = request.build_absolute_uri(reverse("scheduling:book", kwargs={"practice_slug": practice.slug}))
    values = {"URL": json.dumps(url + "?src=widget"), "LABEL": json.dumps(str(_("Book online")))}
    body = _WIDGET_VALUES.sub(lambda match: values[match[1]], _widget_source())
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Vary"] = "Accept-Language, Cookie"
    return response
