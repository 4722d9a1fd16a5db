"""Booking, holds, rescheduling and cancelling through scheduling.services (booking, holds)."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from journey.models import JourneyEvent
from practices.models import Location, Provider
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    BookingHold,
    VisitType,
)
from scheduling.selectors import slots as slot_selectors
from scheduling.services.booking import (
    BookingRefused,
    SlotTaken,
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)
from scheduling.services.holds import place_hold, release_expired_holds
from tests.factories import NOW, TUESDAY_10


@pytest.fixture
def book(practice, patient, provider, location, visit_type):
    """Book with the test defaults; any argument can be changed."""

    def make(**kwargs):
        args = {
            "practice": practice,
            "patient": patient,
            "provider": provider,
            "location": location,
            "visit_type": visit_type,
            "start": TUESDAY_10,
            "booked_via": "online",
            "now": NOW,
        }
        return book_appointment(**{**args, **kwargs})

    return make


def _journey(kind):
    return list(JourneyEvent.objects.filter(kind=kind))


def _audit(appointment):
    return list(AuditEntry.objects.filter(object_type="scheduling.appointment", object_id=str(appointment.pk)))


def test_book_creates_an_appointment_with_its_blocked_range(book, visit_type, patient, provider):
    visit_type.buffer_before_minutes = 5
    visit_type.buffer_after_minutes = 10
    visit_type.save()

    appointment = book()

    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.patient == patient
    assert appointment.provider == provider
    assert appointment.start == TUESDAY_10
    assert appointment.end == TUESDAY_10 + timedelta(minutes=30)
    assert appointment.blocked_start == TUESDAY_10 - timedelta(minutes=5)
    assert appointment.blocked_end == TUESDAY_10 + timedelta(minutes=40)
    assert appointment.sequence == 0
    assert appointment.booked_via == "online"


def test_booking_writes_an_audit_entry_and_a_journey_event_without_clinical_detail(book, visit_type, patient):
    appointment = book()

    [entry] = _audit(appointment)
    assert entry.action == "create"
    assert entry.patient == patient
    [event] = _journey("appointment.booked")
    assert event.touchpoint == "self-scheduling"
    assert event.stage == "book"
    assert event.patient == patient
    assert event.data == {"channel": "online", "lead_days": 1, "appointment": appointment.pk}
    assert visit_type.name not in str(event.data)


def test_phone_booking_is_recorded_at_the_phone_touchpoint(book, front_desk):
    book(booked_via="phone", actor_user=front_desk)
    [event] = _journey("appointment.booked")
    assert event.touchpoint == "phone-booking"
    assert event.data["channel"] == "phone"


def test_repeated_idempotency_key_returns_the_same_appointment(book):
    first = book(idempotency_key="form-123")
    again = book(idempotency_key="form-123")

    assert again.pk == first.pk
    assert Appointment.objects.count() == 1
    assert len(_journey("appointment.booked")) == 1


def test_taken_time_raises_slot_taken_with_nearest_alternatives(book, make_patient, practice):
    book()

    with pytest.raises(SlotTaken) as caught:
        book(patient=make_patient(practice))

    alternatives = caught.value.alternatives
    assert len(alternatives) == 3
    assert TUESDAY_10 not in [slot.start for slot in alternatives]
    # Nearest first: 09:30 and 10:30 are 30 minutes away, 09:15 / 10:45 are next.
    assert {slot.start for slot in alternatives[:2]} == {
        TUESDAY_10 - timedelta(minutes=30),
        TUESDAY_10 + timedelta(minutes=30),
    }
    assert Appointment.objects.count() == 1


def test_overlap_with_buffers_is_taken(book, visit_type, make_patient, practice):
    visit_type.buffer_after_minutes = 15
    visit_type.save()
    book()
    with pytest.raises(SlotTaken):
        book(patient=make_patient(practice), start=TUESDAY_10 + timedelta(minutes=30))
    book(patient=make_patient(practice), start=TUESDAY_10 + timedelta(minutes=45))


def test_time_outside_working_hours_is_refused(book):
    with pytest.raises(SlotTaken):
        book(start=TUESDAY_10 + timedelta(hours=8))  # 18:00 local


def test_day_off_is_refused(book, practice, provider):
    AvailabilityException.objects.create(practice=practice, provider=provider, day=date(2030, 1, 8), kind="off")
    with pytest.raises(SlotTaken) as caught:
        book()
    assert all(slot.start.date() != date(2030, 1, 8) for slot in caught.value.alternatives)


def test_staff_override_books_outside_hours_but_never_over_another_appointment(book, front_desk, make_patient):
    evening = TUESDAY_10 + timedelta(hours=8)
    appointment = book(start=evening, booked_via="phone", actor_user=front_desk, override_reason="Dr Cole asked")

    [entry] = _audit(appointment)
    assert "outside the rules" in entry.summary
    with pytest.raises(SlotTaken):
        book(
            start=evening,
            patient=make_patient(appointment.practice),
            booked_via="staff",
            actor_user=front_desk,
            override_reason="squeeze in",
        )


def test_visit_types_not_offered_online_or_at_all_are_refused(book, visit_type, front_desk):
    visit_type.bookable_online = False
    visit_type.save()
    with pytest.raises(BookingRefused):
        book()
    assert book(booked_via="phone", actor_user=front_desk).booked_via == "phone"
    visit_type.is_active = False
    visit_type.save()
    with pytest.raises(BookingRefused):
        book(booked_via="phone", start=TUESDAY_10 + timedelta(hours=1))


def test_online_booking_cannot_override(book):
    with pytest.raises(BookingRefused):
        book(override_reason="please")


def test_daily_cap_per_provider(book, visit_type, make_patient, practice):
    visit_type.daily_cap_per_provider = 1
    visit_type.save()
    book()
    with pytest.raises(SlotTaken) as caught:
        book(patient=make_patient(practice), start=TUESDAY_10 + timedelta(hours=2))
    assert all(slot.start.date() != TUESDAY_10.date() for slot in caught.value.alternatives)


def test_min_notice(book, visit_type):
    visit_type.min_notice_minutes = 2 * 24 * 60
    visit_type.save()
    with pytest.raises(SlotTaken):
        book()


def test_another_practices_records_are_refused(
    book, other_practice, make_patient, practice, location, visit_type, provider
):
    stranger_provider = Provider.objects.create(practice=other_practice, first_name="Sol", last_name="Gray")
    stranger_location = Location.objects.create(
        practice=other_practice,
        name="Elsewhere",
        address_line1="1 Main St",
        city="Dallas",
        region="TX",
        postal_code="75001",
        phone="(214) 555-0100",
    )
    stranger_visit = VisitType.objects.create(practice=other_practice, name="X", slug="x", duration_minutes=30)
    for kwargs in (
        {"provider": stranger_provider},
        {"location": stranger_location},
        {"visit_type": stranger_visit},
        {"patient": make_patient(other_practice)},
        {"practice": other_practice},
    ):
        with pytest.raises(BookingRefused):
            book(**kwargs)
    assert not Appointment.objects.exists()
    with pytest.raises(BookingRefused):
        place_hold(
            practice=practice,
            provider=stranger_provider,
            location=location,
            visit_type=visit_type,
            start=TUESDAY_10,
            now=NOW,
        )


def test_hold_blocks_others_and_is_used_by_its_holder(book, practice, provider, location, visit_type, make_patient):
    hold = place_hold(
        practice=practice, provider=provider, location=location, visit_type=visit_type, start=TUESDAY_10, now=NOW
    )
    assert hold.expires_at == NOW + timedelta(minutes=5)

    with pytest.raises(SlotTaken):
        book(patient=make_patient(practice))
    with pytest.raises(SlotTaken):
        place_hold(
            practice=practice, provider=provider, location=location, visit_type=visit_type, start=TUESDAY_10, now=NOW
        )
    open_starts = [
        s.start
        for s in slot_selectors.open_slots_for(
            practice, visit_type, first_day=date(2030, 1, 8), last_day=date(2030, 1, 8), now=NOW
        )
    ]
    assert TUESDAY_10 not in open_starts

    appointment = book(hold_token=hold.token, now=NOW + timedelta(minutes=2))
    assert appointment.start == TUESDAY_10
    assert not BookingHold.objects.exists()


def test_expired_hold_does_not_block(book, practice, provider, location, visit_type, make_patient):
    place_hold(
        practice=practice, provider=provider, location=location, visit_type=visit_type, start=TUESDAY_10, now=NOW
    )
    later = NOW + timedelta(minutes=6)

    appointment = book(patient=make_patient(practice), now=later)

    assert appointment.start == TUESDAY_10
    assert release_expired_holds(now=later) == 1
    assert not BookingHold.objects.exists()


def test_release_expired_holds_keeps_live_ones(practice, provider, location, visit_type):
    place_hold(
        practice=practice, provider=provider, location=location, visit_type=visit_type, start=TUESDAY_10, now=NOW
    )
    assert release_expired_holds(now=NOW + timedelta(minutes=4)) == 0
    assert BookingHold.objects.count() == 1


def test_reschedule_bumps_sequence_and_records_the_move(book, front_desk, visit_type):
    appointment = book()
    uid = appointment.uid
    new_start = TUESDAY_10 + timedelta(days=1)

    moved = reschedule_appointment(appointment=appointment, start=new_start, actor_user=front_desk, now=NOW)

    assert moved.start == new_start
    assert moved.end == new_start + timedelta(minutes=30)
    assert moved.sequence == 1
    assert moved.uid == uid
    [event] = _journey("appointment.rescheduled")
    assert event.touchpoint == "phone-booking"
    assert set(event.data) == {"channel", "lead_days"}
    assert event.data["lead_days"] == 2
    assert visit_type.name not in str(event.data)
    assert [e.action for e in _audit(moved)] == ["update", "create"]


def test_reschedule_by_the_patient_uses_the_manage_link_and_may_keep_its_own_time(book, patient):
    appointment = book()
    # Fifteen minutes later overlaps the appointment itself, which must not block its own move.
    moved = reschedule_appointment(
        appointment=appointment, start=TUESDAY_10 + timedelta(minutes=15), actor_patient=patient, now=NOW
    )
    assert moved.sequence == 1
    [event] = _journey("appointment.rescheduled")
    assert event.touchpoint == "manage-link"


def test_reschedule_onto_a_taken_time_changes_nothing(book, make_patient, practice):
    other = book(patient=make_patient(practice), start=TUESDAY_10 + timedelta(hours=1))
    appointment = book()
    with pytest.raises(SlotTaken):
        reschedule_appointment(appointment=appointment, start=other.start, now=NOW)
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_10
    assert appointment.sequence == 0


def test_reschedule_to_another_provider(book, make_provider):
    other = make_provider()
    moved = reschedule_appointment(appointment=book(), start=TUESDAY_10, provider=other, now=NOW)
    assert moved.provider == other
    assert moved.sequence == 1


def test_cancel_bumps_sequence_frees_the_time_and_records_it(book, patient, make_patient, practice, visit_type):
    appointment = book()

    cancelled = cancel_appointment(appointment=appointment, reason="schedule_conflict", actor_patient=patient, now=NOW)

    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancellation_reason == "schedule_conflict"
    assert cancelled.sequence == 1
    [event] = _journey("appointment.cancelled")
    assert event.touchpoint == "manage-link"
    assert set(event.data) == {"channel", "lead_days"}
    assert "schedule_conflict" not in str(event.data)
    assert [e.action for e in _audit(cancelled)] == ["update", "create"]
    # The time is free again.
    book(patient=make_patient(practice))
    # A cancelled appointment cannot be cancelled or moved again.
    with pytest.raises(BookingRefused):
        cancel_appointment(appointment=cancelled, reason="other")
    with pytest.raises(BookingRefused):
        reschedule_appointment(appointment=cancelled, start=TUESDAY_10 + timedelta(days=1), now=NOW)


def test_cancel_refuses_free_text_reasons(book):
    with pytest.raises(BookingRefused):
        cancel_appointment(appointment=book(), reason="rash got better")


def test_schedules_for_is_scoped_by_practice(practice, other_practice, visit_type):
    assert (
        slot_selectors.schedules_for(other_practice, visit_type, first_day=NOW.date(), last_day=NOW.date(), now=NOW)
        == []
    )


def _count_queries(practice, visit_type, days):
    with CaptureQueriesContext(connection) as queries:
        schedules = slot_selectors.schedules_for(
            practice, visit_type, first_day=date(2030, 1, 7), last_day=date(2030, 1, 7) + timedelta(days=days), now=NOW
        )
    return len(queries), schedules


def test_schedules_for_uses_the_same_number_of_queries_for_7_or_90_days(
    book, practice, visit_type, provider, location, make_provider, make_patient
):
    visit_type.daily_cap_per_provider = 8
    visit_type.save()
    book()
    book(patient=make_patient(practice), start=TUESDAY_10 + timedelta(days=42))
    place_hold(
        practice=practice,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10 + timedelta(hours=2),
        now=NOW,
    )
    AvailabilityException.objects.create(practice=practice, provider=provider, day=date(2030, 2, 1), kind="off")
    AvailabilityException.objects.create(
        practice=practice,
        provider=provider,
        day=date(2030, 3, 1),
        kind="extra",
        location=location,
        starts_at=time(18),
        ends_at=time(20),
    )

    week, week_schedules = _count_queries(practice, visit_type, 7)
    quarter, quarter_schedules = _count_queries(practice, visit_type, 90)
    for _ in range(5):
        make_provider(last_name=f"Extra{_}")
    many, many_schedules = _count_queries(practice, visit_type, 90)

    assert week == quarter == many
    assert len(week_schedules) == 1 and len(many_schedules) == 6
    [schedule] = quarter_schedules
    assert len(schedule.busy) == 3  # two appointments and one hold
    assert len(schedule.exceptions) == 2
    assert schedule.booked_per_day == {date(2030, 1, 8): 1, date(2030, 2, 19): 1}
    assert len(week_schedules[0].busy) == 2  # the appointment in 42 days is outside the week


def test_database_is_the_last_line_of_defence(book, make_patient, practice, monkeypatch):
    """If the service's own check were wrong, PostgreSQL's exclusion constraint still refuses the overlap.

    SQLite has no such constraint: there the in-transaction check is the only guard, which is why the
    project runs SQLite transactions as IMMEDIATE (see scheduling/services/booking.py).
    """
    book()
    monkeypatch.setattr("scheduling.services.booking.time_is_bookable", lambda **kwargs: True)
    if connection.vendor == "postgresql":
        with pytest.raises(SlotTaken):
            book(patient=make_patient(practice))
        assert Appointment.objects.count() == 1
    else:
        assert connection.vendor == "sqlite"
        book(patient=make_patient(practice))
        assert Appointment.objects.count() == 2
