"""Each measure's observations, from data planted the way the owning apps write it, for one practice only."""

from datetime import UTC, date, datetime, timedelta

import pytest

import journey
from cx.selectors import projects as project_selectors
from frontdesk.models import Visit
from messaging.models import AppointmentResponse, Channel, InboundAction, Message, MessageKind, MessageStatus
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_location, make_patient, make_provider, make_response, make_survey

pytestmark = pytest.mark.django_db

# Monday 10 March 2025, 10:00 in Chicago (the test practice's zone).
T0 = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
DAY0 = date(2025, 3, 10)


def between(practice, measure, first=DAY0 - timedelta(days=7), last=DAY0 + timedelta(days=7)):
    return project_selectors.observations_between(practice=practice, measure=measure, first=first, last=last)


@pytest.fixture
def other(other_practice):
    """Another practice with the same kinds of data, which must never show up."""
    location = make_location(other_practice)
    provider = make_provider(other_practice, locations=[location])
    return other_practice, make_patient(other_practice), provider, location


def test_top_box_is_one_flag_per_answer_of_that_question_dated_by_the_survey(practice, patient, other):
    version = make_survey(practice)
    make_response(version, patient, {"cg_access": 4, "provider_rating": 6}, completed_at=T0)
    make_response(version, patient, {"cg_access": 3}, completed_at=T0 + timedelta(days=1))
    make_response(version, patient, {"cg_access": 4}, completed_at=T0 + timedelta(days=30))  # outside
    other_practice, other_patient, *_ = other
    make_response(make_survey(other_practice), other_patient, {"cg_access": 4}, completed_at=T0)

    obs = between(practice, "top_box:cg_access")
    assert obs.flags() == [True, False]
    assert [o.day for o in obs.items] == [DAY0, DAY0 + timedelta(days=1)]
    assert between(practice, "top_box:provider_rating").flags() == [False]


def test_nps_is_the_0_to_10_answer_of_each_response(practice, patient):
    version = make_survey(practice)
    for value in (10, 9, 7, 3):
        make_response(version, patient, {"recommend": value}, completed_at=T0)
    make_response(version, patient, {"cg_access": 4}, completed_at=T0)  # no recommend answer
    obs = between(practice, "nps")
    assert sorted(obs.scores()) == [3, 7, 9, 10]


def _appointment(patient, provider, location, visit_type, start, status=AppointmentStatus.FULFILLED, **fields):
    return make_appointment(patient, provider, location, visit_type, start=start, status=status, **fields)


def test_waiting_minutes_are_arrival_to_with_the_provider(practice, patient, provider, location, visit_type):
    first = _appointment(patient, provider, location, visit_type, T0)
    Visit.objects.create(
        practice=practice,
        appointment=first,
        status="done",
        arrived_at=T0 - timedelta(minutes=10),
        roomed_at=T0,
        with_provider_at=T0 + timedelta(minutes=12),
        done_at=T0 + timedelta(minutes=40),
    )
    second = _appointment(patient, provider, location, visit_type, T0 + timedelta(days=2))
    Visit.objects.create(practice=practice, appointment=second, status="arrived", arrived_at=second.start)  # not seen
    obs = between(practice, "waiting_minutes")
    assert obs.minutes() == [22.0]
    assert obs.items[0].day == DAY0


def test_no_show_rate_counts_no_shows_against_patients_who_came(practice, patient, provider, location, visit_type):
    _appointment(patient, provider, location, visit_type, T0, AppointmentStatus.NOSHOW)
    _appointment(patient, provider, location, visit_type, T0 + timedelta(hours=1), AppointmentStatus.FULFILLED)
    _appointment(patient, provider, location, visit_type, T0 + timedelta(hours=2), AppointmentStatus.CANCELLED)
    # Booked but never marked either way: in neither count.
    _appointment(patient, provider, location, visit_type, T0 + timedelta(hours=3), AppointmentStatus.BOOKED)
    assert sorted(between(practice, "no_show_rate").flags()) == [False, True]


def test_late_cancel_rate_uses_the_practices_cutoff(practice, patient, provider, location, visit_type):
    # The default cutoff for online changes is 24 hours.
    _appointment(
        patient, provider, location, visit_type, T0, AppointmentStatus.CANCELLED, cancelled_at=T0 - timedelta(hours=3)
    )
    _appointment(
        patient,
        provider,
        location,
        visit_type,
        T0 + timedelta(hours=1),
        AppointmentStatus.CANCELLED,
        cancelled_at=T0 - timedelta(days=3),
    )
    _appointment(patient, provider, location, visit_type, T0 + timedelta(hours=2))
    assert sorted(between(practice, "late_cancel_rate").flags()) == [False, False, True]


def test_online_booking_completion_is_bookings_made_over_bookings_started(practice, patient, other):
    at = T0
    for _ in range(4):
        journey.record(practice=practice, touchpoint="self-scheduling", kind="booking.started", at=at)
    journey.record(
        practice=practice,
        patient=patient,
        touchpoint="self-scheduling",
        kind="appointment.booked",
        at=at,
        data={"channel": "online"},
    )
    journey.record(practice=practice, touchpoint="self-scheduling", kind="booking_request.created", at=at)
    # Booked by phone: not an online completion.
    journey.record(
        practice=practice,
        patient=patient,
        touchpoint="phone-booking",
        kind="appointment.booked",
        at=at,
        data={"channel": "phone"},
    )
    # A waitlist offer accepted online books without a start on the booking pages: taken back out.
    journey.record(
        practice=practice,
        patient=patient,
        touchpoint="self-scheduling",
        kind="appointment.booked",
        at=at,
        data={"channel": "online"},
    )
    journey.record(
        practice=practice,
        patient=patient,
        touchpoint="waitlist",
        kind="waitlist.offer_accepted",
        at=at,
        data={"moves_visit": False},
    )
    # Next day: one start, two completions (an earlier flow finished after midnight): capped at the starts.
    journey.record(practice=practice, touchpoint="booking-widget", kind="booking.started", at=at + timedelta(days=1))
    for _ in range(2):
        journey.record(
            practice=practice, touchpoint="self-scheduling", kind="booking_request.created", at=at + timedelta(days=1)
        )
    other_practice, *_ = other
    journey.record(practice=other_practice, touchpoint="self-scheduling", kind="booking.started", at=at)

    obs = between(practice, "online_booking_completion")
    by_day = {}
    for o in obs.items:
        by_day.setdefault(o.day, []).append(o.value)
    assert sorted(by_day[DAY0]) == [0.0, 0.0, 1.0, 1.0]
    assert by_day[DAY0 + timedelta(days=1)] == [1.0]


def test_reminder_confirmation_rate_is_per_reminded_appointment(practice, patient, provider, location, visit_type):
    confirmed = _appointment(patient, provider, location, visit_type, T0, AppointmentStatus.BOOKED)
    silent = _appointment(patient, provider, location, visit_type, T0 + timedelta(hours=1), AppointmentStatus.BOOKED)
    never_sent = _appointment(
        patient, provider, location, visit_type, T0 + timedelta(hours=2), AppointmentStatus.BOOKED
    )
    for n, (appointment, status) in enumerate(
        [
            (confirmed, MessageStatus.SENT),
            (confirmed, MessageStatus.DELIVERED),  # a second reminder of the same visit
            (silent, MessageStatus.DELIVERED),
            (never_sent, MessageStatus.SKIPPED),
        ]
    ):
        Message.objects.create(
            practice=practice,
            patient=patient,
            appointment=appointment,
            kind=MessageKind.REMINDER,
            channel=Channel.SMS,
            dedupe_key=f"reminder:{appointment.pk}:{n}",
            to="+15125550199",
            body="See you soon",
            status=status,
        )
    AppointmentResponse.objects.create(
        practice=practice, appointment=confirmed, action=InboundAction.CONFIRM, channel="sms"
    )
    AppointmentResponse.objects.create(
        practice=practice, appointment=never_sent, action=InboundAction.CONFIRM, channel="link"
    )
    obs = between(practice, "reminder_confirmation_rate")
    assert obs.flags() == [True, False]


def test_an_unknown_measure_is_refused(practice):
    with pytest.raises(ValueError, match="unknown measure"):
        between(practice, "happiness")


def test_observations_split_by_window(practice, patient):
    version = make_survey(practice)
    make_response(version, patient, {"cg_access": 4}, completed_at=T0 - timedelta(days=3))
    make_response(version, patient, {"cg_access": 3}, completed_at=T0 + timedelta(days=3))
    obs = between(practice, "top_box:cg_access")
    assert obs.between(DAY0 - timedelta(days=7), DAY0 - timedelta(days=1)).flags() == [True]
    assert obs.between(DAY0, DAY0 + timedelta(days=7)).flags() == [False]
