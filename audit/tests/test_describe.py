"""Audit entries in words: the owner's log and an appointment's history read like a person wrote them
("Appointment for J. Smith, Tue 8 Jan 10:00 AM", "Status: Booked → Cancelled", "Starts: — →
Tue 8 Jan 10:00 AM CST"), not "scheduling.appointment #", "status: ∅ → ∅" and UTC ISO times."""

import re
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from audit import describe
from audit.models import AuditEntry
from patients import services as patient_services
from scheduling.models import BookedVia, VisitType
from scheduling.services.booking import book_appointment, cancel_appointment, reschedule_appointment
from scheduling.services.schedule import offer_visit_type
from tests.factories import NOW, TUESDAY_10, make_weekday_hours

CHICAGO = ZoneInfo("America/Chicago")
WEDNESDAY_0930 = datetime(2030, 1, 9, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def visit_type(practice, provider, location) -> VisitType:
    visit_type = VisitType.objects.create(practice=practice, name="Skin check", slug="skin", duration_minutes=30)
    offer_visit_type(visit_type=visit_type, providers=[provider], locations=[location])
    make_weekday_hours(provider, location)
    return visit_type


@pytest.fixture
def smith(make_patient, practice):
    return make_patient(practice, first_name="Jane", last_name="Smith")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _history(practice, smith, provider, location, visit_type, owner):
    appointment = book_appointment(
        practice=practice,
        patient=smith,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10,
        booked_via=BookedVia.STAFF,
        actor_user=owner,
    )
    appointment = reschedule_appointment(appointment=appointment, start=WEDNESDAY_0930, actor_user=owner)
    cancel_appointment(appointment=appointment, reason="weather", actor_user=owner)
    return appointment


def test_it_describes_an_appointment_booked_moved_and_cancelled(
    practice, smith, provider, location, visit_type, owner, django_assert_max_num_queries
):
    appointment = _history(practice, smith, provider, location, visit_type, owner)
    entries = AuditEntry.objects.filter(object_id=str(appointment.pk), object_type="scheduling.appointment")
    entries = entries.select_related("actor_user").order_by("at", "id")
    with django_assert_max_num_queries(4):
        booked, moved, cancelled = describe.describe_entries(entries, practice=practice)

    for row in (booked, moved, cancelled):
        assert row.record == "Appointment for J. Smith, Wed 9 Jan 9:30 AM"
        assert row.record_url == reverse("scheduling:fd_appointment", args=[practice.slug, appointment.pk])
        assert row.patient == "J. Smith"
        assert row.patient_url == reverse("patients:staff_detail", args=[practice.slug, smith.pk])
        assert row.who == f"Sam Staff ({owner.email})"
        assert row.when == "Mon 7 Jan 2030, 9:00 AM CST"  # the frozen "now", in Chicago
    assert (booked.action, booked.summary) == ("Created", "Booked (Staff)")
    assert booked.changes == [describe.Change("Starts", "—", "Tue 8 Jan 10:00 AM CST")]
    assert (moved.action, moved.summary) == ("Changed", "Rescheduled")
    assert moved.changes == [describe.Change("Starts", "Tue 8 Jan 10:00 AM CST", "Wed 9 Jan 9:30 AM CST")]
    assert (cancelled.action, cancelled.summary) == ("Changed", "Cancelled: Weather")
    assert cancelled.changes == [describe.Change("Status", "Booked", "Cancelled")]


def test_it_describes_a_patient_edit_with_labels_choices_and_masks(practice, smith, owner):
    patient_services.update_patient(
        patient=smith,
        actor_user=owner,
        phone="(512) 555-0111",
        email_consent=True,
        coverage="self_pay",
        preferred_language="es",
    )
    (row,) = describe.describe_entries(AuditEntry.objects.all(), practice=practice)
    assert (row.action, row.record, row.patient) == ("Changed", "Patient J. Smith", "J. Smith")
    assert row.record_url == reverse("patients:staff_detail", args=[practice.slug, smith.pk])
    assert set(row.changes) == {
        describe.Change("Paying with", "—", "Self-pay"),
        describe.Change("May contact by email", "No", "Yes"),
        describe.Change("Mobile phone", "(•••", "(•••"),  # masked as recorded: no digits
        describe.Change("Preferred language", "English", "Spanish"),
    }


def test_the_owners_log_and_the_appointment_page_read_in_words(
    client, practice, smith, provider, location, visit_type, owner
):
    appointment = _history(practice, smith, provider, location, visit_type, owner)
    client.force_login(owner)
    log = _text(client.get(reverse("audit:log", args=[practice.slug])).content.decode())
    assert "Appointment for J. Smith, Wed 9 Jan 9:30 AM" in log
    assert "Status: Booked → Cancelled" in log
    assert "Starts: — → Tue 8 Jan 10:00 AM CST" in log
    assert "scheduling.appointment" not in log and "∅" not in log and "+00:00" not in log

    page = client.get(reverse("scheduling:fd_appointment", args=[practice.slug, appointment.pk])).content.decode()
    history = _text(page.split("History of this appointment")[1].split("</table>")[0])
    assert "Starts: — → Tue 8 Jan 10:00 AM CST" in history
    assert "Starts: Tue 8 Jan 10:00 AM CST → Wed 9 Jan 9:30 AM CST" in history
    assert "Status: Booked → Cancelled" in history
    assert "Cancelled: Weather" in history
    assert "∅" not in history and "+00:00" not in history


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "—"), ("", "—"), (True, "Yes"), (False, "No"), ("A•••", "A•••"), ("***", "***")],
)
def test_it_words_plain_values(value, expected):
    assert describe.value_words(value, None, CHICAGO, {}) == expected


def test_it_shows_an_iso_time_in_the_practices_zone_with_the_zone_named():
    assert describe.value_words("2026-12-07T15:00:00+00:00", None, CHICAGO, {}) == "Mon 7 Dec 9:00 AM CST"
    assert describe.short_name("Jane", "Smith") == "J. Smith"
