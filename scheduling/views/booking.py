"""The patient's online booking pages, no account needed: /p/<practice>/book/...

The choices travel in the query string as short, non-descriptive values (never a visit's name):
``kind`` (new / returning), ``vt`` (visit type id), ``loc`` (location id), ``prov`` (provider id or
"any" for the first available), ``day`` (YYYY-MM-DD), ``src`` (where the visitor came from: widget,
page or link). ``book`` shows the first step whose choice is missing or wrong. Choosing a time places
a short hold (its token in the session); the details page books with an idempotency key issued with
the form, so a double submit books once.

Reading the pages writes nothing (an anonymous GET must not cost a database write): the
``booking.started`` journey event is recorded with the first time a visitor holds, once per flow,
with the ``src`` that travelled along with the choices.

All times are shown in the practice's time zone.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import limits
from practices.selectors import practice_by_slug_or_404

from .. import confirm_links, manage_links
from ..forms.booking import NewPatientForm, ReturningPatientForm
from ..models import PatientKind
from ..selectors import booking as booking_selectors
from ..selectors import slots as slot_selectors
from ..services import booking as booking_services
from ..services import holds as hold_services
from ..services import online_booking as online_booking_services

DAYS_SHOWN = 10
SESSION_PREFIX = "booking:"
DONE_PREFIX = "booking-done:"
STARTED_PREFIX = "booking-started:"
REQUESTED_PREFIX = "booking-requested:"
SOURCES = ("widget", "page", "link")

CHOOSE_AGAIN = gettext_lazy("That choice is not available. Please choose again from the list.")
BAD_DAY = gettext_lazy("That date is not valid. Please choose a day from the list.")
TAKEN = gettext_lazy("Sorry, that time was just taken. These are the nearest times:")
NOT_OFFERED = gettext_lazy("Sorry, that time is not available. These are the nearest times:")
EXPIRED = gettext_lazy("We could not keep your time. Please choose a time again.")
LOST = gettext_lazy("Sorry, that time was taken before you confirmed. These are the nearest times:")
LINK_EXPIRED = gettext_lazy(
    "This link has expired, so nothing was booked. These are the nearest times to the one you asked for:"
)


# --- the choices so far ------------------------------------------------------------------------


@dataclass
class Flow:
    """The patient's choices so far, parsed and checked against the practice's data."""

    practice: object
    kind: str | None = None
    visit_type: object = None
    location: object = None
    locations: list = field(default_factory=list)
    provider: object = None  # None with prov == "any": first available
    prov: str | None = None
    providers: list = field(default_factory=list)
    day: date | None = None
    source: str | None = None  # "widget", "page" or "link"; None: came straight to the pages
    error: str | None = None

    @property
    def first_available(self) -> bool:
        return self.prov == "any"

    @property
    def provider_ids(self) -> list[int] | None:
        return [self.provider.pk] if self.provider is not None else None

    def params(self, **override) -> dict:
        values = {
            "kind": self.kind,
            "vt": self.visit_type.pk if self.visit_type else None,
            "loc": self.location.pk if self.location else None,
            "prov": self.prov,
            "day": self.day.isoformat() if self.day else None,
            "src": self.source,
        }
        values.update(override)
        return {k: v for k, v in values.items() if v is not None}

    def url(self, **override) -> str:
        base = reverse("scheduling:book", kwargs={"practice_slug": self.practice.slug})
        query = urlencode(self.params(**override))
        return f"{base}?{query}" if query else base


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def _parse(practice, params, *, today: date) -> Flow:
    flow = Flow(practice=practice)
    source = params.get("src")
    flow.source = source if source in SOURCES else None
    kind = params.get("kind")
    if kind is None:
        return flow
    if kind not in (PatientKind.NEW, PatientKind.RETURNING):
        flow.error = CHOOSE_AGAIN
        return flow
    flow.kind = kind
    vt = params.get("vt")
    if vt is None:
        return flow
    flow.visit_type = booking_selectors.online_visit_type(practice, pk=vt, kind=kind)
    if flow.visit_type is None:
        flow.error = CHOOSE_AGAIN
        return flow
    flow.locations = list(booking_selectors.booking_locations(practice, flow.visit_type))
    loc = params.get("loc")
    if loc is None and len(flow.locations) == 1:
        flow.location = flow.locations[0]
    elif loc is not None:
        flow.location = next((x for x in flow.locations if str(x.pk) == loc), None)
        if flow.location is None:
            flow.error = CHOOSE_AGAIN
            return flow
    else:
        return flow
    flow.providers = list(booking_selectors.booking_providers(practice, flow.visit_type, flow.location))
    prov = params.get("prov")
    if prov is None:
        return flow
    if prov != "any":
        flow.provider = next((p for p in flow.providers if str(p.pk) == prov), None)
        if flow.provider is None:
            flow.error = CHOOSE_AGAIN
            return flow
    flow.prov = prov
    if params.get("day") is None:
        return flow
    day = parse_day(params.get("day"))
    if day is None or not today <= day <= today + timedelta(days=flow.visit_type.max_days_ahead):
        flow.error = BAD_DAY
        return flow
    flow.day = day
    return flow


# --- helpers shared with the manage pages -----------------------------------------------------


def practice_tz(practice) -> ZoneInfo:
    return ZoneInfo(practice.timezone)


def render_local(request, practice, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Render with the practice's time zone active, so dates and times show in practice time."""
    with timezone.override(practice_tz(practice)):
        return render(request, template, {"practice": practice, **context}, status=status)


def safe_reverse(name: str, **kwargs) -> str | None:
    """A URL that another part of the app provides, or None while it does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def waitlist_join_url(flow: Flow) -> str | None:
    url = safe_reverse("scheduling:waitlist_join", practice_slug=flow.practice.slug)
    if url is None or flow.visit_type is None:
        return url
    query = {"visit_type": flow.visit_type.pk}
    if flow.location is not None:
        query["location"] = flow.location.pk
    if flow.provider is not None:
        query["provider"] = flow.provider.pk
    return f"{url}?{urlencode(query)}"


@dataclass
class TimeChoice:
    value: str  # "<provider id>:<location id>:<epoch seconds>"
    start: datetime  # aware
    provider: object
    location: object


def slot_value(provider_id: int, location_id: int, start: datetime) -> str:
    return f"{provider_id}:{location_id}:{int(start.timestamp())}"


def parse_slot(value: str | None) -> tuple[int, int, datetime] | None:
    try:
        provider_id, location_id, epoch = (int(part) for part in (value or "").split(":"))
        return provider_id, location_id, datetime.fromtimestamp(epoch, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def time_choices(slots, *, practice, providers_by_id: dict, locations_by_id: dict) -> list[TimeChoice]:
    """One choice per start time (the first provider in the engine's order when several are free)."""
    seen: set = set()
    choices = []
    for slot in sorted(slots, key=lambda s: (s.start, s.provider_id, s.location_id)):
        if slot.start in seen or slot.provider_id not in providers_by_id or slot.location_id not in locations_by_id:
            continue
        seen.add(slot.start)
        choices.append(
            TimeChoice(
                value=slot_value(slot.provider_id, slot.location_id, slot.start),
                start=slot.start,
                provider=providers_by_id[slot.provider_id],
                location=locations_by_id[slot.location_id],
            )
        )
    return choices


def group_by_day_part(choices: list[TimeChoice], tz: ZoneInfo) -> list[tuple[str, list[TimeChoice]]]:
    groups: OrderedDict[str, list[TimeChoice]] = OrderedDict(
        ((_("Morning"), []), (_("Afternoon"), []), (_("Evening"), []))
    )
    names = list(groups)
    for choice in choices:
        hour = choice.start.astimezone(tz).hour
        groups[names[0] if hour < 12 else names[1] if hour < 17 else names[2]].append(choice)
    return [(name, items) for name, items in groups.items() if items]


def lookup_tables(practice, visit_type) -> tuple[dict, dict]:
    """Providers and locations of the practice by id, for labelling times (alternatives may be elsewhere)."""
    from practices.selectors import locations_for_practice, providers_for_practice

    providers = {p.pk: p for p in providers_for_practice(practice=practice, active_only=True)}
    locations = {loc.pk: loc for loc in locations_for_practice(practice=practice, active_only=True)}
    return providers, locations


def days_page(flow_practice, visit_type, *, provider_ids, location_id, start_day: date, today: date, now):
    """Up to DAYS_SHOWN days with openings from ``start_day``, and the day to continue from (or None)."""
    last_day = today + timedelta(days=visit_type.max_days_ahead)
    days = slot_selectors.days_with_openings_for(
        flow_practice,
        visit_type,
        first_day=max(start_day, today),
        last_day=last_day,
        now=now,
        provider_ids=provider_ids,
        location_id=location_id,
    )
    more = days[DAYS_SHOWN] if len(days) > DAYS_SHOWN else None
    return days[:DAYS_SHOWN], more


# --- session state ------------------------------------------------------------------------------


def _state_key(practice) -> str:
    return f"{SESSION_PREFIX}{practice.pk}"


def _state(request, practice) -> dict | None:
    state = request.session.get(_state_key(practice))
    return state if isinstance(state, dict) else None


def _release_session_hold(request, practice) -> None:
    state = request.session.pop(_state_key(practice), None)
    if isinstance(state, dict) and state.get("token"):
        hold_services.release_hold(practice=practice, token=state["token"])


def _remember_done(request, practice, key: str, result: str) -> None:
    done = request.session.get(f"{DONE_PREFIX}{practice.pk}") or {}
    done = dict(list(done.items())[-4:])
    done[key] = result
    request.session[f"{DONE_PREFIX}{practice.pk}"] = done


def _done_for(request, practice, key: str) -> str | None:
    done = request.session.get(f"{DONE_PREFIX}{practice.pk}") or {}
    return done.get(key) if isinstance(done, dict) else None


# --- views ---------------------------------------------------------------------------------------


def _now_today(practice) -> tuple[datetime, date]:
    now = timezone.now()
    return now, timezone.localtime(now, practice_tz(practice)).date()


@require_GET
def book(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """Every choice before the time: kind → reason → location → provider → day → time."""
    practice = practice_by_slug_or_404(slug=practice_slug)
    now, today = _now_today(practice)
    flow = _parse(practice, request.GET, today=today)
    return _render_step(request, flow, now=now, today=today)


def _render_step(
    request, flow: Flow, *, now, today, message: str | None = None, alternatives=None, status: int = 200
) -> HttpResponse:
    practice = flow.practice
    context = {"flow": flow, "error": flow.error, "message": message}
    if flow.kind is None:
        context["new_url"] = flow.url(kind=PatientKind.NEW)
        context["returning_url"] = flow.url(kind=PatientKind.RETURNING)
        return render_local(request, practice, "scheduling/booking/kind.html", context, status)
    if flow.visit_type is None:
        context["visit_types"] = booking_selectors.online_visit_types(practice, kind=flow.kind)
        context["choices"] = [(vt, flow.url(vt=vt.pk, loc=None, prov=None, day=None)) for vt in context["visit_types"]]
        context["back_url"] = flow.url(kind=None, vt=None, loc=None, prov=None, day=None)
        return render_local(request, practice, "scheduling/booking/reason.html", context, status)
    if flow.location is None:
        context["choices"] = [(loc, flow.url(loc=loc.pk, prov=None, day=None)) for loc in flow.locations]
        context["back_url"] = flow.url(vt=None, loc=None, prov=None, day=None)
        return render_local(request, practice, "scheduling/booking/location.html", context, status)
    if flow.prov is None:
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
        days, more = days_page(
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
            waitlist_url=waitlist_join_url(flow),
            back_url=flow.url(prov=None, day=None),
        )
        return render_local(request, practice, "scheduling/booking/day.html", context, status)
    # The times of the chosen day. Coming back here lets go of a time held before.
    _release_session_hold(request, practice)
    slots = slot_selectors.open_slots_for(
        practice,
        flow.visit_type,
        first_day=flow.day,
        last_day=flow.day,
        now=now,
        provider_ids=flow.provider_ids,
        location_id=flow.location.pk,
    )
    providers, locations = lookup_tables(practice, flow.visit_type)
    choices = time_choices(slots, practice=practice, providers_by_id=providers, locations_by_id=locations)
    alternative_choices = (
        time_choices(alternatives, practice=practice, providers_by_id=providers, locations_by_id=locations)
        if alternatives is not None
        else None
    )
    context.update(
        groups=group_by_day_part(choices, practice_tz(practice)),
        alternatives=alternative_choices,
        hidden=flow.params(),
        days_url=flow.url(day=None),
        back_url=flow.url(day=None),
        waitlist_url=waitlist_join_url(flow),
        action=reverse("scheduling:book_hold", kwargs={"practice_slug": practice.slug}),
    )
    return render_local(request, practice, "scheduling/booking/time.html", context, status)


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
    flow = _parse(practice, request.POST, today=today)
    if flow.error or flow.day is None:
        flow.error = flow.error or CHOOSE_AGAIN
        return _render_step(request, flow, now=now, today=today)
    slot = parse_slot(request.POST.get("slot"))
    providers = {p.pk: p for p in booking_selectors.booking_providers_any_location(practice, flow.visit_type)}
    locations = {loc.pk: loc for loc in booking_selectors.booking_locations(practice, flow.visit_type)}
    if (
        slot is None
        or slot[0] not in providers
        or slot[1] not in locations
        or (flow.provider is not None and slot[0] != flow.provider.pk)
    ):
        flow.error = CHOOSE_AGAIN
        return _render_step(request, flow, now=now, today=today)
    provider, location, start = providers[slot[0]], locations[slot[1]], slot[2]
    _release_session_hold(request, practice)
    started_key = f"{STARTED_PREFIX}{practice.pk}"
    try:
        held = hold_services.hold_for_patient(
            practice=practice,
            provider=provider,
            location=location,
            visit_type=flow.visit_type,
            start=start,
            first_available=flow.first_available,
            started_from=None if request.session.get(started_key) else (flow.source or "direct"),
            now=now,
            client_key=salted_hmac("scheduling.hold-client", address, algorithm="sha256").hexdigest()[:32],
            holds_per_client=settings.BOOKING_HOLDS_PER_ADDRESS,
        )
    except booking_services.SlotTaken as taken:
        return _render_step(request, flow, now=now, today=today, message=NOT_OFFERED, alternatives=taken.alternatives)
    except booking_services.BookingRefused:
        flow.error = CHOOSE_AGAIN
        return _render_step(request, flow, now=now, today=today)
    request.session[_state_key(practice)] = {
        "token": held.token,
        "kind": flow.kind,
        "vt": flow.visit_type.pk,
        "loc": location.pk,
        "prov": flow.prov,
        "provider": provider.pk,
        "start": int(held.start.timestamp()),
        "key": secrets.token_urlsafe(24),
        "src": flow.source,
    }
    request.session[started_key] = True
    return redirect("scheduling:book_details", practice_slug=practice.slug)


def _flow_from_state(practice, state: dict, *, today: date) -> Flow:
    start = datetime.fromtimestamp(state["start"], tz=UTC)
    day = timezone.localtime(start, practice_tz(practice)).date()
    params = {
        "kind": state.get("kind"),
        "vt": str(state.get("vt")),
        "loc": str(state.get("loc")),
        "prov": state.get("prov"),
        "day": day.isoformat(),
        "src": state.get("src"),
    }
    return _parse(practice, params, today=today)


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    now, today = _now_today(practice)
    key = request.POST.get("idempotency_key", "")
    if request.method == "POST" and key and (result := _done_for(request, practice, key)):
        return _redirect_to_result(practice, result)
    state = _state(request, practice)
    if state is None:
        messages.info(request, EXPIRED)
        return redirect("scheduling:book", practice_slug=practice.slug)
    flow = _flow_from_state(practice, state, today=today)
    provider = (
        next(
            (
                p
                for p in booking_selectors.booking_providers_any_location(practice, flow.visit_type)
                if p.pk == state.get("provider")
            ),
            None,
        )
        if flow.visit_type
        else None
    )
    if flow.error or provider is None:
        _release_session_hold(request, practice)
        messages.info(request, EXPIRED)
        return redirect("scheduling:book", practice_slug=practice.slug)
    start = datetime.fromtimestamp(state["start"], tz=UTC)
    form_class = NewPatientForm if flow.kind == PatientKind.NEW else ReturningPatientForm
    form = form_class(request.POST or None, initial={"idempotency_key": state["key"]})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["idempotency_key"] != state["key"]:
            _release_session_hold(request, practice)
            messages.info(request, EXPIRED)
            return redirect("scheduling:book", practice_slug=practice.slug)
        language = translation.get_language() or "en"
        language = language[:2] if language[:2] in ("en", "es") else "en"
        try:
            outcome = online_booking_services.book_online(
                practice=practice,
                patient_kind=flow.kind,
                visit_type=flow.visit_type,
                provider=provider,
                location=flow.location,
                start=start,
                details=form.patient_fields(language=language),
                idempotency_key=state["key"],
                hold_token=state["token"],
                now=now,
            )
        except booking_services.SlotTaken as taken:
            request.session.pop(_state_key(practice), None)
            return _render_step(request, flow, now=now, today=today, message=TAKEN, alternatives=taken.alternatives)
        except booking_services.BookingRefused:
            _release_session_hold(request, practice)
            flow.error = CHOOSE_AGAIN
            return _render_step(request, flow, now=now, today=today)
        request.session.pop(_state_key(practice), None)
        request.session.pop(f"{STARTED_PREFIX}{practice.pk}", None)  # the flow is over; another one starts anew
        # A returning patient, matched or not, sees the same request page: never a manage link here.
        result = "a:" + manage_links.token_for(outcome.appointment) if outcome.appointment else "r:"
        if not outcome.appointment:
            request.session[f"{REQUESTED_PREFIX}{practice.pk}"] = {
                "start": state["start"],
                "provider": provider.pk,
                "location": flow.location.pk,
            }
        _remember_done(request, practice, state["key"], result)
        return _redirect_to_result(practice, result)
    context = {
        "flow": flow,
        "form": form,
        "provider": provider,
        "start": start,
        "back_action": reverse("scheduling:book_release", kwargs={"practice_slug": practice.slug}),
        "new_patient": flow.kind == PatientKind.NEW,
    }
    return render_local(request, practice, "scheduling/booking/details.html", context)


def _redirect_to_result(practice, result: str) -> HttpResponseRedirect:
    if result.startswith("a:"):
        return redirect("scheduling:book_confirmed", practice_slug=practice.slug, token=result[2:])
    return redirect("scheduling:book_requested", practice_slug=practice.slug)


@require_POST
def release(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """ "Choose another time": let go of the held time and go back to the times of that day."""
    practice = practice_by_slug_or_404(slug=practice_slug)
    _now, today = _now_today(practice)
    state = _state(request, practice)
    _release_session_hold(request, practice)
    if state is None:
        return redirect("scheduling:book", practice_slug=practice.slug)
    flow = _flow_from_state(practice, state, today=today)
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
    asked = request.session.get(f"{REQUESTED_PREFIX}{practice.pk}")
    context = {"confirm_minutes": online_booking_services.CONFIRM_MINUTES}
    if isinstance(asked, dict):
        providers, locations = lookup_tables(practice, None)
        provider, location = providers.get(asked.get("provider")), locations.get(asked.get("location"))
        if provider is not None and location is not None:
            context.update(
                asked_start=timezone.localtime(datetime.fromtimestamp(asked["start"], tz=UTC), practice_tz(practice)),
                asked_provider=provider,
                asked_location=location,
            )
    return render_local(request, practice, "scheduling/booking/requested.html", context)


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
    if confirmation.appointment_id:
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


def redirect_to_booking(appointment) -> HttpResponseRedirect:
    return redirect(
        "scheduling:book_confirmed", practice_slug=appointment.practice.slug, token=manage_links.token_for(appointment)
    )


def _other_times(request, confirmation, message, *, now, today, alternatives=None) -> HttpResponse:
    """The times page of the day asked for (any provider), with the nearest times to the one asked for."""
    practice = confirmation.practice
    day = timezone.localtime(confirmation.start, practice_tz(practice)).date()
    params = {
        "kind": PatientKind.RETURNING,
        "vt": str(confirmation.visit_type_id),
        "loc": str(confirmation.location_id),
        "prov": "any",
        "day": day.isoformat(),
    }
    flow = _parse(practice, params, today=today)
    if flow.error == BAD_DAY:  # the day has passed: choose another day
        flow = _parse(practice, {**params, "day": None}, today=today)
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


def appointment_context(appointment, token: str) -> dict:
    practice = appointment.practice
    location = appointment.location
    return {
        "appointment": appointment,
        "token": token,
        "local_start": timezone.localtime(appointment.start, practice_tz(practice)),
        "local_end": timezone.localtime(appointment.end, practice_tz(practice)),
        "directions_url": "https://www.openstreetmap.org/search?" + urlencode({"query": location.one_line_address}),
        "phone": location.phone or practice.phone,
        "manage_url": reverse("scheduling:manage", kwargs={"practice_slug": practice.slug, "token": token}),
        "calendar_url": reverse("scheduling:manage_calendar", kwargs={"practice_slug": practice.slug, "token": token}),
    }


WIDGET_JS = """(function () {
  "use strict";
  var url = %(url)s, label = %(label)s;
  function render() {
    var spots = document.querySelectorAll("[data-touchpoints-book]");
    for (var i = 0; i < spots.length; i++) {
      var spot = spots[i];
      if (spot.getAttribute("data-touchpoints-ready")) continue;
      spot.setAttribute("data-touchpoints-ready", "1");
      var link = document.createElement("a");
      link.href = url;
      link.textContent = label;
      link.className = "touchpoints-book-button";
      var s = link.style;
      s.display = "inline-block"; s.padding = "0.7em 1.3em"; s.minHeight = "44px"; s.boxSizing = "border-box";
      s.background = "#0b5d6b"; s.color = "#ffffff"; s.borderRadius = "8px"; s.fontWeight = "600";
      s.fontFamily = "inherit"; s.fontSize = "1rem"; s.lineHeight = "1.4"; s.textDecoration = "none";
      s.border = "2px solid #0b5d6b";
      link.addEventListener("focus", function () {
        this.style.outline = "3px solid #c75400"; this.style.outlineOffset = "2px";
      });
      link.addEventListener("blur", function () { this.style.outline = ""; });
      spot.appendChild(link);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", render); } else { render(); }
})();
"""


@require_GET
def widget(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """A script for the practice's own website: turns ``<div data-touchpoints-book>`` into a "Book online" link."""
    import json

    practice = practice_by_slug_or_404(slug=practice_slug)
    url = request.build_absolute_uri(reverse("scheduling:book", kwargs={"practice_slug": practice.slug}))
    body = WIDGET_JS % {"url": json.dumps(url + "?src=widget"), "label": json.dumps(str(_("Book online")))}
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Vary"] = "Accept-Language, Cookie"
    return response
