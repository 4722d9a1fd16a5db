"""Test data for every app's tests, built one way: ``from tests.factories import make_appointment``.

Each ``make_*`` saves one valid row (or the few rows that belong together) with plain defaults; keyword
arguments override the model's fields. A tenant row takes its practice from its parents (an
appointment from its patient) and refuses a parent of another practice with ``WrongPractice``, so no
test builds a cross-practice row by accident; a test about such a row writes it with the ORM on
purpose and says why. Where the product has a service that makes the row (booking, joining the
waitlist, an inbound text), the factory goes through that service, so the row is what production makes.

The root ``conftest.py`` hands the everyday ones out as fixtures (``practice``, ``patient``,
``location``, ``provider``, ``visit_type``, ``owner``...); call these functions for anything else.
docs/development.md ("How to build test data") shows the pattern.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from feedback.models import (
    Answer,
    Composite,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyKind,
    SurveyVersion,
)
from messaging.models import InboundMessage, MessagingSettings
from messaging.services.inbound import receive_sms
from patients.models import Patient
from practices.models import Location, Membership, Practice, Provider, Role
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityTemplate,
    BookedVia,
    CancellationReason,
    VisitType,
    WaitlistEntry,
)
from scheduling.services import booking as booking_services
from scheduling.services import schedule as schedule_services
from scheduling.services import waitlist as waitlist_services

# --- Fixed instants ---------------------------------------------------------------------------------

# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone). Tests that freeze the
# clock freeze it here; make_weekday_hours' hours start in 2029, so NOW has open times ahead.
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
# Tuesday 8 January 2030, 10:00 in Chicago: a free time on the weekday hours.
TUESDAY_10 = datetime(2030, 1, 8, 16, 0, tzinfo=UTC)

# Every staff member's password (hashed once per test process: argon2 is slow on purpose).
PASSWORD = "correct-horse-battery-staple"
# The practice's texting number (make_messaging_settings) and the patient's phone that texts it.
PRACTICE_NUMBER = "+15125550100"
PATIENT_NUMBER = "+15125550199"

_serial = itertools.count(1)


class WrongPractice(ValueError):
    """A factory was given parents of different practices."""


class _PracticeRow(Protocol):
    @property
    def practice_id(self) -> int | None: ...


def _same_practice(practice: Practice, **rows: _PracticeRow | None) -> None:
    for name, row in rows.items():
        if row is not None and row.practice_id != practice.pk:
            raise WrongPractice(f"the {name} belongs to practice {row.practice_id}, not {practice.pk}")


# --- practices --------------------------------------------------------------------------------------


def make_practice(**fields: Any) -> Practice:
    n = next(_serial)
    fields.setdefault("name", f"Practice {n}")
    fields.setdefault("slug", f"practice-{n}")
    fields.setdefault("timezone", "America/Chicago")
    fields.setdefault("phone", "(512) 555-0100")
    return Practice.objects.create(**fields)


def make_location(practice: Practice, **fields: Any) -> Location:
    fields.setdefault("name", "Downtown")
    fields.setdefault("address_line1", "410 Elm Street")
    fields.setdefault("city", "Austin")
    fields.setdefault("region", "TX")
    fields.setdefault("postal_code", "78701")
    fields.setdefault("phone", "(512) 555-0140")
    fields.setdefault("timezone", practice.timezone)
    return Location.objects.create(practice=practice, **fields)


def make_provider(practice: Practice, *, locations: Iterable[Location] = (), **fields: Any) -> Provider:
    """A provider who works at ``locations``."""
    locations = list(locations)
    for location in locations:
        _same_practice(practice, location=location)
    fields.setdefault("first_name", "Hannah")
    fields.setdefault("last_name", "Cole")
    provider = Provider.objects.create(practice=practice, **fields)
    provider.locations.add(*locations)
    return provider


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)


def make_staff(practice: Practice, role: str = Role.OWNER, email: str | None = None, **fields: Any) -> User:
    """A member of staff with ``role`` at ``practice``, who signs in with PASSWORD."""
    fields.setdefault("full_name", "Sam Staff")
    user: User = User.objects.create_user(email=email or f"staff{next(_serial)}@example.com", password=None, **fields)
    user.password = _password_hash()
    user.save(update_fields=["password"])
    Membership.objects.create(practice=practice, user=user, role=role)
    return user


# --- patients ---------------------------------------------------------------------------------------


def make_patient(practice: Practice, **fields: Any) -> Patient:
    n = next(_serial)
    fields.setdefault("first_name", "Ana")
    fields.setdefault("last_name", f"Rivera{n}")
    fields.setdefault("date_of_birth", date(1985, 4, 12))
    fields.setdefault("email", f"patient{n}@example.com")
    fields.setdefault("phone", "(512) 555-0199")
    return Patient.objects.create(practice=practice, **fields)


# --- scheduling -------------------------------------------------------------------------------------


def make_visit_type(
    practice: Practice,
    *,
    offered_by: Iterable[Provider] = (),
    offered_at: Iterable[Location] = (),
    **fields: Any,
) -> VisitType:
    """A 30-minute visit type, offered by ``offered_by`` at ``offered_at`` (through the service that
    links them, which refuses another practice's providers and locations)."""
    fields.setdefault("name", "Full-body skin check")
    fields.setdefault("slug", f"visit-type-{next(_serial)}")
    fields.setdefault("duration_minutes", 30)
    visit_type = VisitType.objects.create(practice=practice, **fields)
    schedule_services.offer_visit_type(visit_type=visit_type, providers=offered_by, locations=offered_at)
    return visit_type


def make_weekday_hours(
    provider: Provider,
    location: Location,
    *,
    starts_at: time = time(9),
    ends_at: time = time(17),
    effective_from: date = date(2029, 1, 1),
) -> list[AvailabilityTemplate]:
    """The provider's hours at ``location``, Monday to Friday (local time), from 2029 on."""
    _same_practice(provider.practice, location=location)
    return [
        AvailabilityTemplate.objects.create(
            practice=provider.practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            effective_from=effective_from,
        )
        for weekday in range(5)
    ]


def make_appointment(
    patient: Patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    *,
    start: datetime,
    status: str = AppointmentStatus.BOOKED,
    **fields: Any,
) -> Appointment:
    """An appointment row as the front desk booked it by phone, written directly: no availability,
    hold or notice (use book_appointment for those). A cancelled one says the patient asked."""
    practice = patient.practice
    _same_practice(practice, provider=provider, location=location, visit_type=visit_type)
    end = start + timedelta(minutes=visit_type.duration_minutes)
    fields.setdefault("booked_via", BookedVia.PHONE)
    if status == AppointmentStatus.CANCELLED:
        fields.setdefault("cancellation_reason", CancellationReason.PATIENT_REQUEST)
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=end,
        blocked_start=start - timedelta(minutes=visit_type.buffer_before_minutes),
        blocked_end=end + timedelta(minutes=visit_type.buffer_after_minutes),
        status=status,
        **fields,
    )


def make_fulfilled_appointment(
    patient: Patient, provider: Provider, location: Location, *, start: datetime | None = None
) -> Appointment:
    """A visit of ``patient`` that took place (the front desk marked it done), three hours ago by default."""
    visit_type, _ = VisitType.objects.get_or_create(
        practice=patient.practice, slug="survey-visit", defaults={"name": "Skin check", "duration_minutes": 30}
    )
    start = start or timezone.now() - timedelta(hours=3)
    return make_appointment(patient, provider, location, visit_type, start=start, status=AppointmentStatus.FULFILLED)


def book_appointment(
    patient: Patient,
    provider: Provider,
    location: Location,
    visit_type: VisitType,
    *,
    start: datetime,
    now: datetime | None = None,
    booked_via: str = BookedVia.STAFF,
    actor_user: User | None = None,
    override_reason: str | None = None,
) -> Appointment:
    """Book through scheduling's booking service, as staff do: the time must be open (or overridden
    with ``override_reason``), and the audit entry and journey event are written."""
    return booking_services.book_appointment(
        practice=patient.practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        booked_via=booked_via,
        actor_user=actor_user,
        override_reason=override_reason,
        now=now,
    )


def make_waitlist_entry(
    practice: Practice, patient: Patient, visit_type: VisitType, *, now: datetime, **wishes: Any
) -> WaitlistEntry:
    """Put ``patient`` on ``practice``'s waitlist for any day and time of the next 30 days, unless
    ``wishes`` (``latest_day``, ``weekdays``, ``provider``, ``appointment``...) say otherwise. Through
    the service, which refuses a patient, visit type or wish of another practice with WaitlistError."""
    today = now.astimezone(ZoneInfo(practice.timezone)).date()
    wishes.setdefault("earliest_day", today)
    wishes.setdefault("latest_day", today + timedelta(days=30))
    return waitlist_services.join_waitlist(practice=practice, patient=patient, visit_type=visit_type, now=now, **wishes)


# --- time zones (pages and the board use the real clock) -------------------------------------------

ZONES = ("America/Chicago", "Pacific/Honolulu", "Asia/Tokyo", "Europe/London", "Australia/Sydney")


def zone_with_room(now: datetime, *, before: timedelta, after: timedelta) -> str:
    """A time zone in which [now - before, now + after] lies within one local day, so a test on the
    real clock can build "today's" visits without crossing midnight."""
    for zone in ZONES:
        local = now.astimezone(ZoneInfo(zone))
        if (local - before).date() == local.date() == (local + after).date():
            return zone
    raise AssertionError("no time zone found")  # cannot happen: the zones are hours apart


def move_to_zone(practice: Practice, location: Location, zone: str) -> None:
    """Move the practice and its location to ``zone`` (see zone_with_room)."""
    _same_practice(practice, location=location)
    practice.timezone = zone
    practice.save(update_fields=["timezone"])
    location.timezone = zone
    location.save(update_fields=["timezone"])


# --- messaging --------------------------------------------------------------------------------------


def make_messaging_settings(practice: Practice, **fields: Any) -> MessagingSettings:
    """The practice's messaging settings, texting from PRACTICE_NUMBER unless ``sms_number`` is given."""
    fields.setdefault("sms_number", PRACTICE_NUMBER)
    return MessagingSettings.objects.create(practice=practice, **fields)


def receive_text(
    body: str,
    *,
    from_number: str = PATIENT_NUMBER,
    to_number: str = PRACTICE_NUMBER,
    pid: str | None = None,
    at: datetime | None = None,
) -> InboundMessage:
    """Someone texts ``body`` to the practice's number, through the inbound service (which finds the
    practice by ``to_number`` and the patient by ``from_number``). ``pid``: the provider's message id."""
    return receive_sms(
        to_number=to_number,
        from_number=from_number,
        body=body,
        provider_message_id=pid or f"SM{next(_serial):08d}",
        received_at=at,
    )


# --- feedback ---------------------------------------------------------------------------------------

# (code, kind, English text, composite) of make_survey's questions: one of each kind.
SURVEY_QUESTIONS = [
    ("cg_access", QuestionKind.FREQUENCY, "Did you get an appointment as soon as you needed?", "access"),
    ("provider_rating", QuestionKind.RATING, "Rate your provider from 0 to 10.", "provider_rating"),
    ("ease_booking", QuestionKind.EASE, "How easy was it to book?", ""),
    ("after_hours", QuestionKind.YES_NO, "Did you get information about after-hours care?", ""),
    ("recommend", QuestionKind.RECOMMEND, "How likely are you to recommend us?", ""),
    ("comment", QuestionKind.TEXT, "Anything else you would like to tell us?", ""),
]


def make_survey(practice: Practice, kind: str = SurveyKind.POST_VISIT) -> SurveyVersion:
    """A survey with one version holding SURVEY_QUESTIONS (made with the ORM, not the editor)."""
    survey = Survey.objects.create(
        practice=practice, kind=kind, name_en="After your visit", name_es="Después de su visita"
    )
    version = SurveyVersion.objects.create(practice=practice, survey=survey, number=1)
    for position, (code, question_kind, text, composite) in enumerate(SURVEY_QUESTIONS):
        Question.objects.create(
            practice=practice,
            version=version,
            code=code,
            position=position,
            kind=question_kind,
            text_en=text,
            text_es=f"(es) {text}",
            touchpoint="survey",
            composite=composite or Composite.NONE,
        )
    return version


def make_response(
    version: SurveyVersion,
    patient: Patient,
    answers: dict[str, Any],
    *,
    completed_at: datetime | None = NOW,
    provider: Provider | None = None,
    location: Location | None = None,
    touchpoint: str = "survey",
    language: str = "en",
) -> Response:
    """``patient``'s response to ``version`` with its invitation: ``answers`` is {question code: value,
    or text for a text question}. Completed at ``completed_at``; None leaves it started."""
    practice = patient.practice
    _same_practice(practice, survey=version.survey, provider=provider, location=location)
    n = next(_serial)
    at = completed_at or NOW
    invitation = Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        token_hash=f"listening-test-{n}-".ljust(64, "0"),  # the dash: 1 and 10 padded alike otherwise
        status=InvitationStatus.COMPLETED if completed_at else InvitationStatus.STARTED,
        language=language,
        created_at=at - timedelta(hours=1),
        expires_at=at + timedelta(days=14),
        completed_at=completed_at,
    )
    response = Response.objects.create(
        practice=practice,
        invitation=invitation,
        version=version,
        patient=patient,
        provider=provider,
        location=location,
        touchpoint=touchpoint,
        language=language,
        started_at=at - timedelta(minutes=5),
        completed_at=completed_at,
    )
    questions = {question.code: question for question in version.questions.all()}
    for code, value in answers.items():
        question = questions[code]
        if question.kind == QuestionKind.TEXT:
            Answer.objects.create(practice=practice, response=response, question=question, text=value)
        else:
            Answer.objects.create(practice=practice, response=response, question=question, value=value)
    return response


# --- messaging -------------------------------------------------------------------------------------


@dataclass
class ReminderWorld:
    """A patient who agreed to email and text, and a visit type whose name is clinical detail no
    reminder may show. ``reminder_world(start)`` books ``start`` through the scheduling service (a staff
    override, so no hours are needed) as if booked at ``booked``, 30 days before unless told."""

    practice: Practice
    patient: Patient
    provider: Provider
    location: Location
    visit_type: VisitType
    owner: User

    def __call__(
        self,
        start: datetime,
        *,
        booked: datetime | None = None,
        who: Patient | None = None,
        kind: VisitType | None = None,
        by: Provider | None = None,
    ) -> Appointment:
        booked = booked or start - timedelta(days=30)
        appointment = book_appointment(
            who or self.patient,
            by or self.provider,
            self.location,
            kind or self.visit_type,
            start=start,
            now=booked,
            actor_user=self.owner,
            override_reason="test",
        )
        Appointment.objects.filter(pk=appointment.pk).update(created_at=booked, updated_at=booked)
        appointment.refresh_from_db()
        return appointment


def make_reminder_world(
    practice: Practice, patient: Patient, provider: Provider, location: Location, owner: User
) -> ReminderWorld:
    """``patient`` agrees to email and text; the visit type's name is clinical detail no reminder may show."""
    patient.email_consent = True
    patient.sms_consent = True
    patient.save()
    visit_type = make_visit_type(
        practice,
        name="Mohs surgery follow-up for melanoma",
        slug="mohs",
        offered_by=[provider],
        offered_at=[location],
    )
    return ReminderWorld(practice, patient, provider, location, visit_type, owner)
