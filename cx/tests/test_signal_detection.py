"""detect_changes through the database: incremental from the cursor, idempotent, scoped by practice,
lapses found by the passing of days, a fixed number of queries per batch."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import journey
from cx import change_detection as cd
from cx.models import ChangeSignal, DetectionCursor, LapseWatch, SignalKind, SignalStatus
from cx.selectors import signal_histories
from cx.services.signal_detection import detect_changes
from cx.tasks import detect_changes_hourly
from messaging.models import Recall
from scheduling.models import AppointmentStatus, BookedVia
from tests import factories

pytestmark = pytest.mark.django_db

# The detector reads events once they are two hours old: runs happen "later" than the writes.
LATER = timedelta(hours=3)


def booking(patient, provider, location, visit_type, *, days_ago, via=BookedVia.ONLINE, status=None, now=None):
    now = now or timezone.now()
    start = now - timedelta(days=days_ago)
    status = status or (AppointmentStatus.FULFILLED if days_ago > 0 else AppointmentStatus.BOOKED)
    return factories.make_appointment(
        patient,
        provider,
        location,
        visit_type,
        start=start,
        status=status,
        booked_via=via,
        created_at=start - timedelta(days=14),
    )


def online_then_phone(patient, provider, location, visit_type):
    """Six online bookings a quarter apart, then two by phone (the last two quarters)."""
    for quarter in range(8, 2, -1):
        booking(patient, provider, location, visit_type, days_ago=quarter * 91)
    for quarter in (2, 1):
        booking(patient, provider, location, visit_type, days_ago=quarter * 91, via=BookedVia.PHONE)


def touch(practice, patient):
    """A new journey event for the patient (what brings them to the detector's attention)."""
    return journey.record(practice=practice, patient=patient, touchpoint="patient-portal", kind="portal.signed_in")


@pytest.fixture
def world(practice, location, provider, visit_type, make_patient):
    return practice, location, provider, visit_type, make_patient


def test_new_events_make_signals_once_and_move_the_cursor(world):
    practice, location, provider, visit_type, make_patient = world
    patient = make_patient(practice)
    online_then_phone(patient, provider, location, visit_type)
    event = touch(practice, patient)
    now = timezone.now() + LATER

    assert detect_changes(practice, now=now) == 1
    signal = ChangeSignal.objects.get(practice=practice, patient=patient)
    assert signal.kind == SignalKind.ONLINE_TO_PHONE
    assert signal.suggested_response == "micro_survey"
    assert signal.evidence.startswith("booked online 6 of 6 times since ")
    assert "by phone on" in signal.evidence
    assert visit_type.name.lower() not in signal.evidence.lower()
    assert (signal.location_id, signal.provider_id) == (location.pk, provider.pk)
    cursor = DetectionCursor.objects.get(practice=practice)
    assert cursor.last_event_id == event.pk
    assert cursor.lapses_checked_on == timezone.localtime(now, practice_zone(practice)).date()

    # A rerun, and a rerun after a new event for the same patient: nothing new.
    assert detect_changes(practice, now=now) == 0
    touch(practice, patient)
    assert detect_changes(practice, now=now + timedelta(minutes=5)) == 0
    assert ChangeSignal.objects.filter(practice=practice).count() == 1


def practice_zone(practice):
    from zoneinfo import ZoneInfo

    return ZoneInfo(practice.timezone)


def test_only_patients_with_new_events_are_read(world):
    practice, location, provider, visit_type, make_patient = world
    first, second = make_patient(practice), make_patient(practice)
    for patient in (first, second):
        online_then_phone(patient, provider, location, visit_type)
    touch(practice, first)
    now = timezone.now() + LATER
    assert detect_changes(practice, now=now) == 1
    assert set(ChangeSignal.objects.values_list("patient_id", flat=True)) == {first.pk}
    touch(practice, second)
    assert detect_changes(practice, now=now + timedelta(minutes=1)) == 1
    assert set(ChangeSignal.objects.values_list("patient_id", flat=True)) == {first.pk, second.pk}


def test_events_younger_than_the_lag_wait_for_the_next_run(world):
    practice, location, provider, visit_type, make_patient = world
    patient = make_patient(practice)
    online_then_phone(patient, provider, location, visit_type)
    touch(practice, patient)
    assert detect_changes(practice, now=timezone.now()) == 0
    assert DetectionCursor.objects.get(practice=practice).last_event_id == 0
    assert detect_changes(practice, now=timezone.now() + LATER) == 1


def test_an_open_signal_of_the_kind_is_not_repeated_until_handled(world, owner):
    practice, location, provider, visit_type, make_patient = world
    patient = make_patient(practice)
    online_then_phone(patient, provider, location, visit_type)
    earlier = ChangeSignal.objects.create(
        practice=practice,
        patient=patient,
        kind=SignalKind.ONLINE_TO_PHONE,
        evidence="booked by phone",
        changed_on=timezone.now().date() - timedelta(days=400),
    )
    touch(practice, patient)
    now = timezone.now() + LATER
    assert detect_changes(practice, now=now) == 0
    ChangeSignal.objects.filter(pk=earlier.pk).update(
        status=SignalStatus.HANDLED, handled_at=timezone.now(), handled_by=owner
    )
    touch(practice, patient)
    assert detect_changes(practice, now=now + timedelta(minutes=1)) == 1


def test_another_practices_events_never_make_signals_here(world, other_practice):
    practice, location, provider, visit_type, make_patient = world
    there_location = factories.make_location(other_practice)
    there_provider = factories.make_provider(other_practice, locations=[there_location])
    there_type = factories.make_visit_type(
        other_practice, offered_by=[there_provider], offered_at=[there_location], slug="there"
    )
    stranger = make_patient(other_practice)
    online_then_phone(stranger, there_provider, there_location, there_type)
    touch(other_practice, stranger)
    now = timezone.now() + LATER

    assert detect_changes(practice, now=now) == 0
    assert not ChangeSignal.objects.filter(practice=practice).exists()
    assert DetectionCursor.objects.get(practice=practice).last_event_id == 0
    # Even asked about the stranger by id, this practice's history of them is empty.
    assert signal_histories.histories(practice, [stranger.pk], now=now)[stranger.pk].bookings == ()

    assert detect_changes(other_practice, now=now) == 1
    assert ChangeSignal.objects.get().practice == other_practice


def test_a_recall_lapse_is_found_by_the_passing_of_days(world):
    practice, location, provider, visit_type, make_patient = world
    patient = make_patient(practice)
    for year in (3, 2, 1):
        booking(patient, provider, location, visit_type, days_ago=365 * year + 40)
    now = timezone.now() + LATER
    today = timezone.localtime(now, practice_zone(practice)).date()
    Recall.objects.create(
        practice=practice, patient=patient, due_on=today - timedelta(days=cd.RECALL_GRACE_DAYS + 1), interval_months=12
    )
    # Yesterday's run did not see it yet (its lapse day is today); today's does, with no event at all.
    DetectionCursor.objects.create(practice=practice, lapses_checked_on=today - timedelta(days=1))
    assert detect_changes(practice, now=now) == 0  # due + grace was yesterday: before the window
    DetectionCursor.objects.filter(practice=practice).update(lapses_checked_on=today - timedelta(days=2))
    assert detect_changes(practice, now=now) == 1
    signal = ChangeSignal.objects.get()
    assert signal.kind == SignalKind.LAPSED_RECALL
    assert signal.changed_on == today - timedelta(days=1)
    assert signal.suggested_response == "call"
    assert detect_changes(practice, now=now + timedelta(days=1)) == 0


def test_a_gap_lapse_is_found_on_the_watched_day(world):
    practice, location, provider, visit_type, make_patient = world
    patient = make_patient(practice)
    for quarter in (6, 5, 4, 3, 2, 1):
        booking(patient, provider, location, visit_type, days_ago=quarter * 91)
    touch(practice, patient)
    now = timezone.now() + LATER
    assert detect_changes(practice, now=now) == 0
    watch = LapseWatch.objects.get(patient=patient)
    last_visit = timezone.localtime(timezone.now() - timedelta(days=91), practice_zone(practice)).date()
    assert abs((watch.check_on - (last_visit + timedelta(days=182))).days) <= 1

    # Days pass with no event: the run on the watched day finds the lapse.
    assert detect_changes(practice, now=now + timedelta(days=60)) == 0
    assert detect_changes(practice, now=now + timedelta(days=100)) == 1
    assert ChangeSignal.objects.get().kind == SignalKind.LAPSED_GAP


def test_histories_take_a_fixed_number_of_queries(world):
    practice, location, provider, visit_type, make_patient = world
    patients = [make_patient(practice) for _ in range(6)]
    for patient in patients:
        online_then_phone(patient, provider, location, visit_type)
    now = timezone.now()
    with CaptureQueriesContext(connection) as two:
        signal_histories.histories(practice, [p.pk for p in patients[:2]], now=now)
    with CaptureQueriesContext(connection) as six:
        histories = signal_histories.histories(practice, [p.pk for p in patients], now=now)
    assert len(two) == len(six) <= 10
    assert all(len(h.bookings) == 8 for h in histories.values())


def test_the_hourly_task_runs_every_practice(world, other_practice, monkeypatch):
    practice, location, provider, visit_type, make_patient = world
    patient = make_patient(practice)
    online_then_phone(patient, provider, location, visit_type)
    touch(practice, patient)
    later = timezone.now() + LATER
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert detect_changes_hourly.call_local() == 1
    assert DetectionCursor.objects.filter(practice=other_practice).exists()
    assert detect_changes_hourly.call_local() == 0


def test_a_long_backlog_is_read_in_batches_each_patient_once(world, monkeypatch):
    from cx.services import signal_detection

    practice, location, provider, visit_type, make_patient = world
    patient = make_patient(practice)
    online_then_phone(patient, provider, location, visit_type)
    events = [touch(practice, patient) for _ in range(5)]
    monkeypatch.setattr(signal_detection, "EVENT_BATCH", 2)
    asked: list[list[int]] = []
    original = signal_histories.histories

    def spy(practice, ids, *, now):
        asked.append(sorted(ids))
        return original(practice, ids, now=now)

    monkeypatch.setattr(signal_histories, "histories", spy)
    assert detect_changes(practice, now=timezone.now() + LATER) == 1
    assert asked == [[patient.pk]]
    assert DetectionCursor.objects.get(practice=practice).last_event_id == events[-1].pk


def test_a_known_patient_who_starts_booking_online_and_gives_up_is_found(world, monkeypatch):
    """Matched on the booking pages, sent a link to confirm, never followed it: abandoned; the patient
    who followed theirs is not."""
    from scheduling.services.online_booking import ask_patient_to_confirm, confirm_online_booking
    from tests.factories import NOW, TUESDAY_10

    monkeypatch.setattr(timezone, "now", lambda: NOW)

    practice, location, provider, visit_type, make_patient = world
    gave_up, finished = make_patient(practice), make_patient(practice)
    for hour, patient in enumerate((gave_up, finished)):
        for quarter in (4, 3, 2, 1):
            booking(patient, provider, location, visit_type, days_ago=quarter * 91, now=NOW)
        confirmation = ask_patient_to_confirm(
            practice=practice,
            patient=patient,
            visit_type=visit_type,
            provider=provider,
            location=location,
            start=TUESDAY_10 + timedelta(hours=hour),
            now=NOW,
        )
    appointment = confirm_online_booking(confirmation=confirmation, now=NOW + timedelta(minutes=10))

    # Booked when the link was followed (the model's created_at default is the real clock, not the test's).
    appointment.__class__.objects.filter(pk=appointment.pk).update(created_at=NOW + timedelta(minutes=10))

    detect_changes(practice, now=NOW + LATER)
    signals = ChangeSignal.objects.filter(practice=practice, kind=SignalKind.ABANDONED_BOOKING)
    assert list(signals.values_list("patient_id", flat=True)) == [gave_up.pk]
    assert signals.get().evidence.startswith("started booking online on ")
    assert visit_type.name.lower() not in signals.get().evidence.lower()
