"""The flow service (frontdesk/services/flow.py): which changes are allowed, what each keeps or clears,
and the refusals (another day, cancelled, stale)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from audit.models import AuditEntry
from frontdesk.models import ChangeSource, FlowStatus, Visit, VisitStatusChange
from frontdesk.services.flow import ALLOWED, AlreadyChanged, FlowRefused, change_status, record_arrival
from journey.models import JourneyEvent
from messaging.models import Recall
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_visit_type

# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)

# How to reach each status from "scheduled" through allowed changes.
PATH_TO = {
    FlowStatus.SCHEDULED: [],
    FlowStatus.ARRIVED: [FlowStatus.ARRIVED],
    FlowStatus.ROOMED: [FlowStatus.ARRIVED, FlowStatus.ROOMED],
    FlowStatus.WITH_PROVIDER: [FlowStatus.ARRIVED, FlowStatus.ROOMED, FlowStatus.WITH_PROVIDER],
    FlowStatus.CHECKOUT: [FlowStatus.ARRIVED, FlowStatus.ROOMED, FlowStatus.WITH_PROVIDER, FlowStatus.CHECKOUT],
    FlowStatus.DONE: [
        FlowStatus.ARRIVED,
        FlowStatus.ROOMED,
        FlowStatus.WITH_PROVIDER,
        FlowStatus.CHECKOUT,
        FlowStatus.DONE,
    ],
    FlowStatus.NO_SHOW: [FlowStatus.NO_SHOW],
    FlowStatus.LEFT: [FlowStatus.ARRIVED, FlowStatus.LEFT],
}
EXPECTED_APPOINTMENT_STATUS = {
    FlowStatus.SCHEDULED: AppointmentStatus.BOOKED,
    FlowStatus.ARRIVED: AppointmentStatus.ARRIVED,
    FlowStatus.ROOMED: AppointmentStatus.ARRIVED,
    FlowStatus.WITH_PROVIDER: AppointmentStatus.ARRIVED,
    FlowStatus.CHECKOUT: AppointmentStatus.ARRIVED,
    FlowStatus.DONE: AppointmentStatus.FULFILLED,
    FlowStatus.NO_SHOW: AppointmentStatus.NOSHOW,
    FlowStatus.LEFT: AppointmentStatus.ARRIVED,
}


@pytest.fixture
def appt(practice, provider, location, patient):
    return make_appointment(
        patient, provider, location, make_visit_type(practice, recall_interval_months=12), start=NOW
    )


def walk(appt, steps, *, start=NOW, minutes=5):
    """Make the changes in ``steps`` one after another, ``minutes`` apart; return the time after."""
    at = start
    for step in steps:
        at += timedelta(minutes=minutes)
        change_status(appointment=appt, to_status=step, now=at)
    return at


def status_of(appt) -> str:
    visit = Visit.objects.filter(appointment=appt).first()
    return visit.status if visit else FlowStatus.SCHEDULED


@pytest.mark.parametrize("before", FlowStatus.values)
@pytest.mark.parametrize("to", FlowStatus.values)
def test_it_allows_exactly_the_changes_in_the_table(appt, before, to):
    at = walk(appt, PATH_TO[before])
    changes_before = VisitStatusChange.objects.count()
    if to in ALLOWED[before]:
        change_status(appointment=appt, to_status=to, expected_status=before, now=at + timedelta(minutes=1))
        assert status_of(appt) == to
        appt.refresh_from_db()
        assert appt.status == EXPECTED_APPOINTMENT_STATUS[to]
        assert VisitStatusChange.objects.count() == changes_before + 1
    else:
        with pytest.raises(FlowRefused):
            change_status(appointment=appt, to_status=to, expected_status=before, now=at + timedelta(minutes=1))
        assert status_of(appt) == before
        assert VisitStatusChange.objects.count() == changes_before


def test_it_records_each_step_time_who_and_where(appt, front_desk):
    change_status(appointment=appt, to_status=FlowStatus.ARRIVED, actor_user=front_desk, now=NOW)
    change_status(appointment=appt, to_status=FlowStatus.ROOMED, actor_user=front_desk, now=NOW + timedelta(minutes=7))
    visit = Visit.objects.get(appointment=appt)
    assert visit.arrived_at == NOW and visit.roomed_at == NOW + timedelta(minutes=7)
    assert visit.arrival_source == ChangeSource.DESK and visit.status_changed_at == NOW + timedelta(minutes=7)
    last = VisitStatusChange.objects.last()
    assert (last.from_status, last.to_status, last.by_user, last.source) == ("arrived", "roomed", front_desk, "desk")
    event = JourneyEvent.objects.get(kind="visit.roomed")
    assert event.touchpoint == "visit-status" and event.patient == appt.patient
    assert JourneyEvent.objects.get(kind="visit.arrived").touchpoint == "flow-board"
    assert AuditEntry.objects.filter(object_type="frontdesk.visit", actor_user=front_desk).count() == 2


def test_it_clears_the_later_times_on_undo_and_keeps_the_earlier_one(appt):
    walk(appt, PATH_TO[FlowStatus.WITH_PROVIDER])
    roomed_at = Visit.objects.get(appointment=appt).roomed_at
    change_status(appointment=appt, to_status=FlowStatus.ROOMED, now=NOW + timedelta(minutes=30))
    visit = Visit.objects.get(appointment=appt)
    assert visit.with_provider_at is None and visit.roomed_at == roomed_at and visit.arrived_at is not None


def test_it_resets_everything_on_a_no_show_and_on_undoing_an_arrival(appt):
    change_status(appointment=appt, to_status=FlowStatus.ARRIVED, now=NOW)
    change_status(appointment=appt, to_status=FlowStatus.SCHEDULED, now=NOW + timedelta(minutes=1))
    visit = Visit.objects.get(appointment=appt)
    assert visit.arrived_at is None and visit.arrival_source == ""
    change_status(appointment=appt, to_status=FlowStatus.NO_SHOW, now=NOW + timedelta(minutes=40))
    visit.refresh_from_db()
    assert visit.status == FlowStatus.NO_SHOW and visit.arrived_at is None
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.NOSHOW


def test_it_keeps_the_arrival_time_of_a_patient_who_left(appt):
    change_status(appointment=appt, to_status=FlowStatus.ARRIVED, now=NOW)
    change_status(appointment=appt, to_status=FlowStatus.LEFT, now=NOW + timedelta(minutes=50))
    visit = Visit.objects.get(appointment=appt)
    assert visit.status == FlowStatus.LEFT and visit.arrived_at == NOW and visit.roomed_at is None


def test_it_refuses_a_stale_change_once_someone_moved_the_visit(appt):
    change_status(appointment=appt, to_status=FlowStatus.ARRIVED, expected_status=FlowStatus.SCHEDULED, now=NOW)
    with pytest.raises(AlreadyChanged):
        change_status(appointment=appt, to_status=FlowStatus.ARRIVED, expected_status=FlowStatus.SCHEDULED, now=NOW)
    assert VisitStatusChange.objects.count() == 1


def test_it_refuses_another_days_visit(appt):
    with pytest.raises(FlowRefused, match="not today"):
        change_status(appointment=appt, to_status=FlowStatus.ARRIVED, now=NOW + timedelta(days=1))
    assert not VisitStatusChange.objects.exists()


def test_it_refuses_a_cancelled_visit(practice, provider, location, patient):
    cancelled = make_appointment(
        patient, provider, location, make_visit_type(practice), start=NOW, status=AppointmentStatus.CANCELLED
    )
    with pytest.raises(FlowRefused, match="cancelled"):
        change_status(appointment=cancelled, to_status=FlowStatus.ARRIVED, now=NOW)
    with pytest.raises(FlowRefused):
        record_arrival(appointment=cancelled, source=ChangeSource.KIOSK, now=NOW)
    assert not Visit.objects.filter(status=FlowStatus.ARRIVED).exists()


@pytest.mark.parametrize("bad", ["", "gone", "ARRIVED"])
def test_it_refuses_unknown_statuses(appt, bad):
    with pytest.raises(FlowRefused):
        change_status(appointment=appt, to_status=bad, now=NOW)
    assert not VisitStatusChange.objects.exists()


def test_it_changes_nothing_when_a_patient_arrives_twice(appt):
    visit, changed = record_arrival(appointment=appt, source=ChangeSource.QR, now=NOW)
    again, changed_again = record_arrival(appointment=appt, source=ChangeSource.KIOSK, now=NOW + timedelta(minutes=2))
    assert changed is True and changed_again is False
    assert again.pk == visit.pk and again.arrived_at == NOW and again.arrival_source == ChangeSource.QR
    assert VisitStatusChange.objects.count() == 1
    assert JourneyEvent.objects.filter(kind="visit.arrived", touchpoint="self-check-in").count() == 1


def test_it_refuses_an_arrival_after_the_patient_left(appt):
    walk(appt, PATH_TO[FlowStatus.LEFT])
    with pytest.raises(FlowRefused):
        record_arrival(appointment=appt, source=ChangeSource.PHONE, now=NOW + timedelta(minutes=30))


def test_it_sets_the_recall_when_the_visit_is_done(appt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk(appt, PATH_TO[FlowStatus.DONE])
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.FULFILLED
    assert Recall.objects.get(patient=appt.patient).due_on == date(2031, 1, 7)


def test_it_sets_no_recall_before_the_visit_is_done(appt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk(appt, PATH_TO[FlowStatus.CHECKOUT])
    assert not Recall.objects.exists()
