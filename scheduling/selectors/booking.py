"""Reads for booking: what the public booking pages offer (visit types, locations, providers), the
booking policy, and the appointments a patient can manage, scoped by practice.

Open times themselves come from ``slots``.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from patients.models import Patient
from practices.models import Location, Practice, Provider
from practices.selectors import locations_for_practice, providers_for_practice

from ..manage_links import token_for
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AvailabilityTemplate,
    BookingPolicy,
    PatientKind,
    VisitType,
    VisitTypeLocation,
    VisitTypeProvider,
)
from .slots import days_with_openings_for, visit_type_provider_ids, visit_types


def weekdays_with_online_booking(practice: Practice, *, today: date | None = None) -> dict[int, set[int]]:
    """Location id -> the weekdays on which the booking pages can offer times there: some active provider
    who sees a visit type patients may book online has weekly hours at the location, in effect today or
    later. The public page checks its opening hours against this (one query); a one-off extra clinic
    (an ``AvailabilityException``) does not make a weekday bookable."""
    today = today or timezone.localtime(timezone.now(), ZoneInfo(practice.timezone)).date()
    online_providers = VisitTypeProvider.objects.filter(
        practice=practice, visit_type__is_active=True, visit_type__bookable_online=True
    ).values("provider_id")
    rows = (
        AvailabilityTemplate.objects.filter(
            practice=practice, provider__is_active=True, provider_id__in=online_providers
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .values_list("location_id", "weekday")
        .distinct()
    )
    weekdays: dict[int, set[int]] = defaultdict(set)
    for location_id, weekday in rows:
        weekdays[location_id].add(weekday)
    return weekdays


def patient_kind_of(practice: Practice, patient: Patient) -> str:
    """ "returning" once the patient has had (or has) a visit that was not cancelled, else "new"."""
    had_visit = (
        Appointment.objects.filter(practice=practice, patient=patient)
        .exclude(status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.ENTERED_IN_ERROR))
        .exists()
    )
    return PatientKind.RETURNING if had_visit else PatientKind.NEW


def kinds_allowed(kind: str) -> tuple[str, ...]:
    """The ``VisitType.patient_kind`` values open to a patient of ``kind`` ("new" or "returning")."""
    return (PatientKind.BOTH, kind)


def online_visit_types(practice: Practice, *, kind: str | None = None) -> QuerySet[VisitType]:
    """Active visit types patients may book online, optionally only those open to ``kind``."""
    qs = visit_types(practice, online_only=True)
    if kind:
        qs = qs.filter(patient_kind__in=kinds_allowed(kind))
    return qs.order_by("name")


def online_visit_type(practice: Practice, *, pk: str | int | None, kind: str | None = None) -> VisitType | None:
    """One online visit type of this practice by id, or None (unknown, foreign, inactive, wrong kind)."""
    if pk is None:
        return None
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    return online_visit_types(practice, kind=kind).filter(pk=number).first()


def booking_locations(practice: Practice, visit_type: VisitType) -> QuerySet[Location]:
    """Open locations where ``visit_type`` is offered (all open locations when it names none)."""
    chosen = VisitTypeLocation.objects.filter(practice=practice, visit_type=visit_type)
    # One query: the chosen locations, or every open location when the visit type names none.
    return (
        Location.objects.filter(practice=practice, is_active=True)
        .filter(Q(pk__in=chosen.values("location_id")) | ~Exists(chosen))
        .order_by("name")
    )


def booking_providers(practice: Practice, visit_type: VisitType, location: Location) -> QuerySet[Provider]:
    """Active providers who see ``visit_type`` and work at ``location``."""
    return (
        Provider.objects.filter(
            practice=practice,
            is_active=True,
            pk__in=visit_type_provider_ids(practice, visit_type),
        )
        .filter(Q(locations=location) | Q(availability__location=location))
        .distinct()
        .order_by("last_name", "first_name")
    )


DAYS_SHOWN = 10  # days with openings per page of the patient's day choice


def booking_days_page(
    practice: Practice,
    visit_type: VisitType,
    *,
    provider_ids: Iterable[int] | None,
    location_id: int | None,
    start_day: date,
    today: date,
    now: datetime,
) -> tuple[list[date], date | None]:
    """Up to DAYS_SHOWN days with openings from ``start_day`` (never before ``today``, never past the
    visit type's horizon), and the day the next page starts from (or None)."""
    last_day = today + timedelta(days=visit_type.max_days_ahead)
    days = days_with_openings_for(
        practice,
        visit_type,
        first_day=max(start_day, today),
        last_day=last_day,
        now=now,
        provider_ids=provider_ids,
        location_id=location_id,
    )
    more = days[DAYS_SHOWN] if len(days) > DAYS_SHOWN else None
    return days[:DAYS_SHOWN], more


def active_providers_and_locations(practice: Practice) -> tuple[dict[int, Provider], dict[int, Location]]:
    """The practice's active providers and locations by id, for labelling times (the nearest
    alternatives to a time may be with another provider or at another location)."""
    providers = {p.pk: p for p in providers_for_practice(practice=practice, active_only=True)}
    locations = {loc.pk: loc for loc in locations_for_practice(practice=practice, active_only=True)}
    return providers, locations


def booking_policy(practice: Practice) -> BookingPolicy:
    """The practice's ``BookingPolicy``, or an unsaved one with the defaults when it has none."""
    return BookingPolicy.objects.filter(practice=practice).first() or BookingPolicy(practice=practice)


def appointment_by_idempotency_key(practice: Practice, key: str) -> Appointment | None:
    if not key:
        return None
    return Appointment.objects.filter(practice=practice, idempotency_key=key).first()


def booking_snippets(practice: Practice, request: HttpRequest) -> dict[str, str]:
    """The two ways a practice puts "Book online" on its own website, as HTML to paste.

    ``link``: a plain link to the booking pages. ``widget``: a script tag and the element it turns
    into an accessible "Book online" link (no iframe: our pages refuse to be framed).
    """
    book_url = request.build_absolute_uri(reverse("scheduling:book", kwargs={"practice_slug": practice.slug}))
    widget_url = request.build_absolute_uri(reverse("scheduling:book_widget", kwargs={"practice_slug": practice.slug}))
    return {
        "link": f'<a href="{escape(book_url)}">Book online</a>',
        "widget": f'<script src="{escape(widget_url)}" defer></script>\n<div data-touchpoints-book></div>',
    }


def booking_providers_any_location(practice: Practice, visit_type: VisitType) -> QuerySet[Provider]:
    """Active providers of the practice who see ``visit_type`` (wherever they work)."""
    return Provider.objects.filter(
        practice=practice, is_active=True, pk__in=visit_type_provider_ids(practice, visit_type)
    ).order_by("last_name", "first_name")


@dataclass(frozen=True)
class UpcomingAppointment:
    """An appointment on the patient's own pages, with the token of its manage link."""

    appointment: Appointment
    manage_token: str

    @property
    def start(self) -> datetime:
        return self.appointment.start

    @property
    def provider(self) -> Provider:
        return self.appointment.provider

    @property
    def location(self) -> Location:
        return self.appointment.location


def upcoming_appointments_for_patient(
    practice: Practice, patient: Patient, *, now: datetime | None = None, limit: int = 10
) -> list[UpcomingAppointment]:
    """The patient's own active appointments from now on, soonest first, each with its manage link token."""
    appointments = (
        Appointment.objects.filter(
            practice=practice, patient=patient, status__in=ACTIVE_STATUSES, end__gt=now or timezone.now()
        )
        .select_related("provider", "location")
        .order_by("start")[:limit]
    )
    return [UpcomingAppointment(appointment, token_for(appointment)) for appointment in appointments]


def appointment_for(practice: Practice, *, pk: int) -> Appointment | None:
    return Appointment.objects.filter(practice=practice, pk=pk).first()
