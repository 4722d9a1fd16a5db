"""The load run's parts that need no run: the zero counts see planted faults, the mix is valid, and the
time zone the practices are seeded in puts them mid-morning."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from journey.models import JourneyEvent
from loadtest import checks, mix, seed
from messaging.models import Channel, Message, MessageKind, MessageStatus
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_location, make_patient, make_practice, make_provider, make_visit_type

LOCUSTFILE = Path(checks.__file__).with_name("locustfile.py")


@pytest.fixture
def world(db):
    practice = make_practice()
    location = make_location(practice)
    provider = make_provider(practice, locations=[location])
    visit_type = make_visit_type(practice, offered_by=[provider], offered_at=[location])
    patient = make_patient(practice)
    return practice, patient, provider, location, visit_type


def _message(practice, patient, appointment, key: str, **fields) -> Message:
    fields = {
        "kind": MessageKind.CONFIRMATION,
        "channel": Channel.EMAIL,
        "to": "pat@example.com",
        "body": "See you soon",
        "status": MessageStatus.SENT,
        **fields,
    }
    return Message.objects.create(practice=practice, patient=patient, appointment=appointment, dedupe_key=key, **fields)


def test_a_clean_run_counts_zero(world):
    practice, patient, provider, location, visit_type = world
    since = timezone.now() - timedelta(seconds=1)
    start = timezone.now() + timedelta(days=30)
    first = make_appointment(patient, provider, location, visit_type, start=start)
    cancelled = make_appointment(
        patient, provider, location, visit_type, start=start, status=AppointmentStatus.CANCELLED
    )
    _message(practice, patient, first, "notice:1")
    _message(practice, patient, cancelled, "notice:2", body="Cancelled")
    JourneyEvent.objects.create(
        practice=practice,
        patient=patient,
        stage="book",
        touchpoint="self-scheduling",
        kind="appointment.booked",
        occurred_at=timezone.now(),
    )
    counts = checks.zero_counts(since=since, changes={"appointment.booked": 1})
    assert counts == {"double_bookings": 0, "message_faults": 0, "journey_faults": 0}


def test_a_double_booking_is_counted_or_refused(world):
    _practice, patient, provider, location, visit_type = world
    start = timezone.now() + timedelta(days=30)
    make_appointment(patient, provider, location, visit_type, start=start)
    if connection.vendor == "postgresql":
        # The exclusion constraint refuses the overlap; the count is the check where none exists.
        with pytest.raises(IntegrityError), transaction.atomic():
            make_appointment(patient, provider, location, visit_type, start=start + timedelta(minutes=15))
        assert checks.double_bookings() == 0
        return
    make_appointment(patient, provider, location, visit_type, start=start + timedelta(minutes=15))
    assert checks.double_bookings() == 1


def test_duplicate_and_missing_messages_are_counted(world):
    practice, patient, provider, location, visit_type = world
    since = timezone.now() - timedelta(seconds=1)
    appointment = make_appointment(patient, provider, location, visit_type, start=timezone.now() + timedelta(days=30))
    _message(practice, patient, appointment, "notice:a")
    assert checks.duplicate_messages(since=since) == 0
    _message(practice, patient, appointment, "notice:b")  # the same confirmation under a second key
    assert checks.duplicate_messages(since=since) == 1
    # Due a minute ago and never sent.
    _message(
        practice,
        patient,
        None,
        "survey:1",
        status=MessageStatus.QUEUED,
        send_after=timezone.now() - timedelta(minutes=1),
    )
    assert checks.missing_messages(since=since, due_before=timezone.now(), reminders_at=timezone.now()) == 1
    # A booking made in the run with no confirmation row at all.
    make_appointment(patient, provider, location, visit_type, start=timezone.now() + timedelta(days=31))
    assert checks.missing_messages(since=since, due_before=timezone.now(), reminders_at=timezone.now()) == 2


def test_a_due_reminder_without_a_row_is_missing(world):
    from messaging.services.reminders import default_plan_for, queue_due_reminders

    practice, patient, provider, location, visit_type = world
    patient.sms_consent, patient.email_consent = True, True
    patient.save()
    default_plan_for(practice=practice)
    now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    # Booked long ago, two hours ahead: the two-hour text is due.
    appointment = make_appointment(patient, provider, location, visit_type, start=now + timedelta(hours=1, minutes=50))
    appointment.__class__.objects.filter(pk=appointment.pk).update(created_at=now - timedelta(days=20))
    assert checks.missing_reminders(now=now) >= 1
    queue_due_reminders(now=now)
    assert checks.missing_reminders(now=now) == 0


def test_journey_events_written_twice_or_not_at_all_are_counted(world):
    practice, patient, *_rest = world
    since = timezone.now() - timedelta(seconds=1)
    at = timezone.now()
    fields = {
        "practice": practice,
        "patient": patient,
        "stage": "book",
        "touchpoint": "self-scheduling",
        "kind": "appointment.booked",
        "occurred_at": at,
    }
    JourneyEvent.objects.create(**fields)
    assert checks.journey_faults(since=since, changes={"appointment.booked": 1}) == 0
    assert checks.journey_faults(since=since, changes={"appointment.booked": 3}) == 2
    JourneyEvent.objects.create(**fields)
    assert checks.journey_faults(since=since) == 1


def test_the_mix_is_valid_and_names_only_its_groups():
    assert mix.validate() == []
    assert mix.validate(groups=("a", "a")) != []
    assert mix.validate(weights={"x": 0}) != []
    source = LOCUSTFILE.read_text()
    used = set(re.findall(r'"((?:book|manage|visit|kiosk|survey|staff|board): [a-z -]+)"', source))
    assert used, "the locustfile names no endpoint group"
    assert used <= set(mix.GROUPS)
    for user_class in mix.USER_WEIGHTS:
        assert f"class {user_class}(" in source


@pytest.mark.parametrize("utc_hour", range(24))
def test_the_practices_are_seeded_where_it_is_mid_morning(utc_hour):
    now = datetime(2026, 12, 6, utc_hour, 30, tzinfo=UTC)
    local = now.astimezone(ZoneInfo(seed.morning_time_zone(now)))
    assert local.hour == seed.LOCAL_HOUR


def test_invitation_events_count_against_the_invitations(world):
    practice, patient, *_rest = world
    since = timezone.now() - timedelta(seconds=1)
    fields = {
        "practice": practice,
        "patient": patient,
        "stage": "afterwards",
        "touchpoint": "survey",
        "kind": "survey.skipped",
        "occurred_at": timezone.now(),
    }
    JourneyEvent.objects.create(**fields)  # an invitation's event with no invitation behind it
    assert checks.journey_faults(since=since) == 1
