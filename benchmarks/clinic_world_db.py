"""Write a generated clinic world (``benchmarks.clinic_world``) into an existing practice the way a clinic
would produce it, through the product's own services, in time order.

* Booking: ``scheduling.services.booking.book_appointment`` as staff (phone bookings; walk-ins and add-ons
  by staff), with a staff override reason, because the world's sessions are not the practice's
  availability templates, and ``now=`` the world's booking time. ``created_at`` is then set to that time
  (the service stamps the real clock). A visit is written as a plain ``Appointment`` row instead (as
  ``tests.factories.make_appointment`` and the demo builders do) when the service cannot book it: no
  visit type of the provider has the world's booked length, it is double-booked on another visit (the
  service refuses overlaps, and on PostgreSQL so does the database: generate such worlds with
  ``double_booking=False``), or there is no staff member to book as.
* Patients: ``patients.services.create_patient``, one per visit.
* The day: ``frontdesk.services.flow.record_arrival`` (arrived), ``change_status`` (roomed, with provider,
  done; no-shows as no_show half an hour after their booked end), each with ``now=`` the world's time,
  so the Visit's step times are the world's to the second.
* Running-late marks: ``messaging.services.running_late.mark_running_late`` with ``now=`` the mark's
  time, in order with the flow, so the later booked patients are told as they would have been.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from accounts.models import User
from frontdesk.models import ChangeSource, FlowStatus
from frontdesk.services import flow
from messaging.services.running_late import mark_running_late
from patients.models import Patient
from patients.services import create_patient
from practices.models import Location, Membership, Practice, Provider
from scheduling.models import ACTIVE_STATUSES, Appointment, BookedVia, VisitType
from scheduling.services import booking as booking_services

from .clinic_world import WorldDay, WorldVisit

OVERRIDE_REASON = "clinic world: booked as the clinic's schedule had it"
NO_SHOW_AFTER = timedelta(minutes=30)  # the desk marks a no-show this long after the booked end


@dataclass
class WriteReport:
    appointments: int = 0
    booked_through_service: int = 0
    written_directly: int = 0  # the booking service could not book it (see the module docstring)
    marks: int = 0
    appointment_ids: dict[tuple[str, date, int], int] = field(default_factory=dict)  # (provider, day, index) -> pk


@dataclass
class _Setting:
    provider: Provider
    location: Location
    visit_types: list[VisitType]

    def visit_type_for(self, minutes: int) -> tuple[VisitType, bool]:
        """The provider's visit type of that length (True), else the closest one (False)."""
        exact = [vt for vt in self.visit_types if vt.duration_minutes == minutes]
        if exact:
            return exact[0], True
        return min(self.visit_types, key=lambda vt: (abs(vt.duration_minutes - minutes), vt.pk)), False


def _settings(practice: Practice, days: Iterable[WorldDay]) -> dict[str, _Setting]:
    providers = list(Provider.objects.filter(practice=practice).order_by("pk"))
    wanted = sorted({d.provider for d in days}, key=lambda p: int(p[1:]))
    if len(wanted) > len(providers):
        raise ValueError(f"the world has {len(wanted)} providers, the practice {len(providers)}")
    result = {}
    for world_id in wanted:
        provider = providers[int(world_id[1:]) - 1]
        location = provider.locations.order_by("pk").first()
        visit_types = list(
            VisitType.objects.filter(practice=practice, providers=provider, is_active=True).order_by("pk")
        )
        if location is None or not visit_types:
            raise ValueError(f"provider #{provider.pk} needs a location and a visit type they offer")
        result[world_id] = _Setting(provider, location, visit_types)
    return result


def _staff(practice: Practice) -> User | None:
    membership = Membership.objects.filter(practice=practice).select_related("user").order_by("pk").first()
    return membership.user if membership else None


def _overlaps(provider: Provider, start: datetime, end: datetime, visit_type: VisitType) -> bool:
    blocked_start = start - timedelta(minutes=visit_type.buffer_before_minutes)
    blocked_end = end + timedelta(minutes=visit_type.buffer_after_minutes)
    return Appointment.objects.filter(
        provider=provider, status__in=ACTIVE_STATUSES, blocked_start__lt=blocked_end, blocked_end__gt=blocked_start
    ).exists()


def _book(
    practice: Practice, setting: _Setting, visit: WorldVisit, patient: Patient, actor: User | None, report: WriteReport
) -> Appointment:
    minutes = round((visit.ends - visit.scheduled).total_seconds() / 60)
    visit_type, exact = setting.visit_type_for(minutes)
    booked_via = BookedVia.PHONE if visit.kind == "booked" else BookedVia.STAFF
    appointment: Appointment | None = None
    overlaps = _overlaps(setting.provider, visit.scheduled, visit.ends, visit_type)
    if overlaps and connection.vendor == "postgresql":
        raise ValueError(
            f"{visit.scheduled:%Y-%m-%d %H:%M} is double-booked, which PostgreSQL refuses: "
            "generate the world with double_booking=False"
        )
    if exact and actor is not None and not overlaps:
        try:
            appointment = booking_services.book_appointment(
                practice=practice,
                patient=patient,
                provider=setting.provider,
                location=setting.location,
                visit_type=visit_type,
                start=visit.scheduled,
                booked_via=booked_via,
                actor_user=actor,
                override_reason=OVERRIDE_REASON,
                now=visit.booked,
            )
        except booking_services.BookingError:
            appointment = None
    if appointment is not None:
        report.booked_through_service += 1
        Appointment.objects.filter(pk=appointment.pk).update(created_at=visit.booked)
        return appointment
    report.written_directly += 1
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=setting.provider,
        location=setting.location,
        visit_type=visit_type,
        start=visit.scheduled,
        end=visit.ends,
        blocked_start=visit.scheduled,
        blocked_end=visit.ends,
        booked_via=booked_via,
        created_at=visit.booked,
    )


def write_through_services(practice: Practice, days: list[WorldDay], *, actor_user: User | None = None) -> WriteReport:
    """Book, walk through the day and mark running late every visit of ``days`` in ``practice``.

    World provider "p1" is the practice's first provider by primary key, "p2" the second...; each books at
    that provider's first location with their visit type of the world's booked length. ``actor_user``
    (default: the practice's first staff member) books and moves the visits, as the front desk.
    """
    settings = _settings(practice, days)
    actor = actor_user or _staff(practice)
    report = WriteReport()
    serial = Patient.objects.filter(practice=practice).count()
    for world_day in days:
        setting = settings[world_day.provider]
        # Every step of the day in time order; at one instant, booking before arriving before the rest.
        events: list[tuple[datetime, int, int, str, object]] = []
        for index, visit in enumerate(world_day.visits):
            events.append((visit.booked, 0, index, "book", visit))
            if visit.arrived is None:
                events.append((visit.ends + NO_SHOW_AFTER, 1, index, FlowStatus.NO_SHOW, visit))
                continue
            events.append((visit.arrived, 1, index, FlowStatus.ARRIVED, visit))
            for at, status in (
                (visit.roomed, FlowStatus.ROOMED),
                (visit.with_provider, FlowStatus.WITH_PROVIDER),
                (visit.done, FlowStatus.DONE),
            ):
                if at is not None:
                    events.append((at, 2, index, status, visit))
        for n, mark in enumerate(world_day.marks):
            events.append((mark.marked_at, 3, n, "mark", mark))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        appointments: dict[int, Appointment] = {}
        with transaction.atomic():
            for at, _rank, index, what, item in events:
                if what == "mark":
                    mark_running_late(
                        practice=practice,
                        provider=setting.provider,
                        minutes=item.minutes,  # type: ignore[attr-defined]
                        actor_user=actor,
                        now=at,
                    )
                    report.marks += 1
                elif what == "book":
                    serial += 1
                    patient = create_patient(
                        practice=practice,
                        actor_user=actor,
                        first_name="World",
                        last_name=f"Patient {serial}",
                        date_of_birth=date(1950, 1, 1) + timedelta(days=(serial * 97) % 20000),
                        email=f"world.patient.{practice.pk}.{serial}@example.com",
                    )
                    appointment = _book(practice, setting, item, patient, actor, report)  # type: ignore[arg-type]
                    appointments[index] = appointment
                    report.appointments += 1
                    report.appointment_ids[(world_day.provider, world_day.day, index)] = appointment.pk
                elif what == FlowStatus.ARRIVED:
                    flow.record_arrival(
                        appointment=appointments[index], source=ChangeSource.DESK, actor_user=actor, now=at
                    )
                else:
                    flow.change_status(
                        appointment=appointments[index],
                        to_status=what,
                        source=ChangeSource.DESK,
                        actor_user=actor,
                        now=at,
                    )
    return report
