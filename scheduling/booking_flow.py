"""The patient's online booking flow: the choices so far as one typed object, and what the session keeps.

The choices travel in the query string (and in the times form) as short, non-descriptive values,
never a visit's name: ``kind`` (new / returning), ``vt`` (visit type id), ``loc`` (location id),
``prov`` (provider id or "any" for the first available), ``day`` (YYYY-MM-DD) and ``src`` (where the
visitor came from: widget, page or link). ``FlowParams`` holds them as sent; ``parse_flow`` checks
them against the practice's data, once per request, into a ``BookingFlow``: the first step whose
choice is missing or wrong is the step to show.

From a chosen time to the booking, the session keeps the rest (``BookingSession``): the time held
(``HeldTime``), whether this flow has been recorded as started, what a booking attempt led to
(``BookingResult``, by idempotency key, so a double submit lands on the same page) and the time a
returning patient asked for (``AskedTime``). A value in the session that does not read as what is
expected reads as nothing (the pages then start over), never as an error.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.sessions.backends.base import SessionBase
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy

from .models import PatientKind
from .selectors import booking as booking_selectors
from .slot_display import parse_day, practice_tz

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from practices.models import Location, Practice, Provider

    from .models import VisitType

SOURCES = ("widget", "page", "link")
ANY_PROVIDER = "any"

CHOOSE_AGAIN = gettext_lazy("That choice is not available. Please choose again from the list.")
BAD_DAY = gettext_lazy("That date is not valid. Please choose a day from the list.")
TAKEN = gettext_lazy("Sorry, that time was just taken. These are the nearest times:")


class FlowError(enum.Enum):
    """Why a step is shown again: a choice that is not on offer, or a day outside the bookable days."""

    CHOOSE_AGAIN = "choose-again"
    BAD_DAY = "bad-day"

    @property
    def message(self) -> StrPromise:
        return CHOOSE_AGAIN if self is FlowError.CHOOSE_AGAIN else BAD_DAY


# --- the choices so far ------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowParams:
    """The choices as the query string or the times form sends them: strings, not yet checked."""

    kind: str | None = None
    vt: str | None = None
    loc: str | None = None
    prov: str | None = None
    day: str | None = None
    src: str | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> FlowParams:
        return cls(
            kind=query.get("kind"),
            vt=query.get("vt"),
            loc=query.get("loc"),
            prov=query.get("prov"),
            day=query.get("day"),
            src=query.get("src"),
        )


@dataclass(frozen=True)
class BookingFlow:
    """The patient's choices so far, checked against the practice's data (``parse_flow``)."""

    practice: Practice
    kind: PatientKind | None = None
    visit_type: VisitType | None = None
    location: Location | None = None
    locations: tuple[Location, ...] = ()  # where the visit type is offered
    provider: Provider | None = None  # None with ``first_available``, or before the choice
    first_available: bool = False
    providers: tuple[Provider, ...] = ()  # who offers the visit type at the location
    day: date | None = None
    source: str | None = None  # "widget", "page" or "link"; None: came straight to the pages
    error: FlowError | None = None

    @property
    def provider_chosen(self) -> bool:
        return self.first_available or self.provider is not None

    @property
    def prov(self) -> str | None:
        """The provider choice as the query string carries it: "any" or the provider's id."""
        if self.first_available:
            return ANY_PROVIDER
        return str(self.provider.pk) if self.provider is not None else None

    @property
    def provider_ids(self) -> list[int] | None:
        return [self.provider.pk] if self.provider is not None else None

    def with_error(self, error: FlowError) -> BookingFlow:
        return replace(self, error=error)

    def params(self, **override: str | int | None) -> dict[str, str | int]:
        """The choices as query parameters; ``override`` replaces some (None leaves one out)."""
        values: dict[str, str | int | None] = {
            "kind": self.kind.value if self.kind else None,
            "vt": self.visit_type.pk if self.visit_type else None,
            "loc": self.location.pk if self.location else None,
            "prov": self.prov,
            "day": self.day.isoformat() if self.day else None,
            "src": self.source,
        }
        values.update(override)
        return {k: v for k, v in values.items() if v is not None}

    def url(self, **override: str | int | None) -> str:
        """The booking pages' address with these choices (and ``override``)."""
        base = reverse("scheduling:book", kwargs={"practice_slug": self.practice.slug})
        query = urlencode(self.params(**override))
        return f"{base}?{query}" if query else base


def parse_flow(practice: Practice, params: FlowParams, *, today: date) -> BookingFlow:
    """Check the choices in order, stopping at the first one missing (that step is next) or wrong
    (that step again, with ``error``). A single location is chosen without asking."""
    flow = BookingFlow(practice=practice, source=params.src if params.src in SOURCES else None)
    if params.kind is None:
        return flow
    if params.kind not in (PatientKind.NEW, PatientKind.RETURNING):
        return flow.with_error(FlowError.CHOOSE_AGAIN)
    kind = PatientKind(params.kind)
    flow = replace(flow, kind=kind)
    if params.vt is None:
        return flow
    visit_type = booking_selectors.online_visit_type(practice, pk=params.vt, kind=kind)
    if visit_type is None:
        return flow.with_error(FlowError.CHOOSE_AGAIN)
    locations: tuple[Location, ...] = tuple(booking_selectors.booking_locations(practice, visit_type))
    flow = replace(flow, visit_type=visit_type, locations=locations)
    if params.loc is None and len(locations) == 1:
        location = locations[0]
    elif params.loc is not None:
        found = next((x for x in locations if str(x.pk) == params.loc), None)
        if found is None:
            return flow.with_error(FlowError.CHOOSE_AGAIN)
        location = found
    else:
        return flow
    providers: tuple[Provider, ...] = tuple(booking_selectors.booking_providers(practice, visit_type, location))
    flow = replace(flow, location=location, providers=providers)
    if params.prov is None:
        return flow
    if params.prov == ANY_PROVIDER:
        flow = replace(flow, first_available=True)
    else:
        provider = next((p for p in providers if str(p.pk) == params.prov), None)
        if provider is None:
            return flow.with_error(FlowError.CHOOSE_AGAIN)
        flow = replace(flow, provider=provider)
    if params.day is None:
        return flow
    day = parse_day(params.day)
    if day is None or not today <= day <= today + timedelta(days=visit_type.max_days_ahead):
        return flow.with_error(FlowError.BAD_DAY)
    return replace(flow, day=day)


# --- what the session keeps ----------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class HeldTime:
    """The time held for the patient while they give their details."""

    token: str  # the hold's token
    kind: str  # PatientKind value
    visit_type_id: int
    location_id: int
    prov: str  # the provider choice as the flow sent it: "any" or a provider id
    provider_id: int  # the provider the time is with
    start: datetime  # aware UTC, whole seconds
    idempotency_key: str  # issued with the details form: a double submit books once
    source: str | None  # the flow's ``src``

    def to_session(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "kind": self.kind,
            "vt": self.visit_type_id,
            "loc": self.location_id,
            "prov": self.prov,
            "provider": self.provider_id,
            "start": int(self.start.timestamp()),
            "key": self.idempotency_key,
            "src": self.source,
        }

    @classmethod
    def from_session(cls, raw: object) -> HeldTime | None:
        if not isinstance(raw, dict):
            return None
        strings = ("token", "kind", "prov", "key")
        numbers = ("vt", "loc", "provider", "start")
        if not all(isinstance(raw.get(name), str) for name in strings):
            return None
        if not all(_is_int(raw.get(name)) for name in numbers):
            return None
        source = raw.get("src")
        try:
            start = datetime.fromtimestamp(raw["start"], tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return cls(
            token=raw["token"],
            kind=raw["kind"],
            visit_type_id=raw["vt"],
            location_id=raw["loc"],
            prov=raw["prov"],
            provider_id=raw["provider"],
            start=start,
            idempotency_key=raw["key"],
            source=source if isinstance(source, str) else None,
        )

    def flow_params(self, practice: Practice) -> FlowParams:
        """The choices that led to this time, its day in the practice's time zone."""
        return FlowParams(
            kind=self.kind,
            vt=str(self.visit_type_id),
            loc=str(self.location_id),
            prov=self.prov,
            day=self.start.astimezone(practice_tz(practice)).date().isoformat(),
            src=self.source,
        )


class Outcome(enum.StrEnum):
    BOOKED = "booked"  # an appointment: its confirmation page
    REQUESTED = "requested"  # a returning patient's request (a link to confirm, or the front desk calls)


@dataclass(frozen=True)
class BookingResult:
    """What a booking attempt led to, remembered by its idempotency key."""

    outcome: Outcome
    manage_token: str = ""  # with BOOKED: the appointment's manage token

    def to_session(self) -> dict[str, str]:
        return {"outcome": self.outcome.value, "token": self.manage_token}

    @classmethod
    def from_session(cls, raw: object) -> BookingResult | None:
        if isinstance(raw, str):
            # Written before the results were stored as dicts: "a:<manage token>" or "r:". Such a
            # session lasts SESSION_COOKIE_AGE at most; then this branch can go.
            if raw.startswith("a:") and len(raw) > 2:
                return cls(Outcome.BOOKED, raw[2:])
            return cls(Outcome.REQUESTED) if raw == "r:" else None
        if not isinstance(raw, dict) or not isinstance(token := raw.get("token", ""), str):
            return None
        try:
            outcome = Outcome(str(raw.get("outcome")))
        except ValueError:
            return None
        if outcome is Outcome.BOOKED and not token:
            return None
        return cls(outcome, token)


@dataclass(frozen=True)
class AskedTime:
    """The time a returning patient asked for, shown on the page after the request."""

    start: datetime  # aware UTC
    provider_id: int
    location_id: int

    def to_session(self) -> dict[str, int]:
        return {"start": int(self.start.timestamp()), "provider": self.provider_id, "location": self.location_id}

    @classmethod
    def from_session(cls, raw: object) -> AskedTime | None:
        if not isinstance(raw, dict) or not all(_is_int(raw.get(n)) for n in ("start", "provider", "location")):
            return None
        try:
            start = datetime.fromtimestamp(raw["start"], tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return cls(start=start, provider_id=raw["provider"], location_id=raw["location"])


HELD_PREFIX = "booking:"
DONE_PREFIX = "booking-done:"
STARTED_PREFIX = "booking-started:"
REQUESTED_PREFIX = "booking-requested:"
RESULTS_KEPT = 5


class BookingSession:
    """One visitor's booking at one practice, as their session keeps it (a key per practice)."""

    def __init__(self, session: SessionBase, practice: Practice) -> None:
        self.session = session
        self.practice_id: int = practice.pk

    def _key(self, prefix: str) -> str:
        return f"{prefix}{self.practice_id}"

    # The time held.
    def held(self) -> HeldTime | None:
        return HeldTime.from_session(self.session.get(self._key(HELD_PREFIX)))

    def keep_held(self, held: HeldTime) -> None:
        self.session[self._key(HELD_PREFIX)] = held.to_session()

    def pop_held(self) -> HeldTime | None:
        """Forget the time held (the caller lets go of the hold itself)."""
        return HeldTime.from_session(self.session.pop(self._key(HELD_PREFIX), None))

    # Whether this flow's start has been recorded (with its first hold).
    @property
    def started(self) -> bool:
        return bool(self.session.get(self._key(STARTED_PREFIX)))

    def mark_started(self) -> None:
        self.session[self._key(STARTED_PREFIX)] = True

    def end_flow(self) -> None:
        """The flow is over: another one starts anew."""
        self.session.pop(self._key(STARTED_PREFIX), None)

    # What each booking attempt led to, by idempotency key (the last few).
    def result_for(self, idempotency_key: str) -> BookingResult | None:
        done = self.session.get(self._key(DONE_PREFIX)) or {}
        return BookingResult.from_session(done.get(idempotency_key)) if isinstance(done, dict) else None

    def remember_result(self, idempotency_key: str, result: BookingResult) -> None:
        done = self.session.get(self._key(DONE_PREFIX))
        kept = list(done.items())[-(RESULTS_KEPT - 1) :] if isinstance(done, dict) else []
        self.session[self._key(DONE_PREFIX)] = {**dict(kept), idempotency_key: result.to_session()}

    # The time a returning patient asked for.
    def asked(self) -> AskedTime | None:
        return AskedTime.from_session(self.session.get(self._key(REQUESTED_PREFIX)))

    def remember_asked(self, asked: AskedTime) -> None:
        self.session[self._key(REQUESTED_PREFIX)] = asked.to_session()
