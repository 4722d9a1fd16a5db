"""Marking a provider running late from the flow board tells that provider's later patients today."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from messaging.models import Message, MessageKind, RunningLate
from practices.models import Provider, Role
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_visit_type

# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def day(practice, provider, location, make_patient):
    vt = make_visit_type(practice)
    lee = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    lee.locations.add(location)

    def book(name, start, who=provider, status=AppointmentStatus.BOOKED):
        patient = make_patient(practice, first_name=name, sms_consent=True)
        return make_appointment(patient, who, location, vt, start=start, status=status)

    return {
        "lee": lee,
        "later": book("Later", NOW + timedelta(hours=1)),
        "afternoon": book("Afternoon", NOW + timedelta(hours=5)),
        "earlier": book("Earlier", NOW - timedelta(minutes=30)),
        "arrived": book("Arrived", NOW + timedelta(minutes=30), status=AppointmentStatus.ARRIVED),
        "tomorrow": book("Tomorrow", NOW + timedelta(days=1)),
        "cancelled": book("Cancelled", NOW + timedelta(hours=2), status=AppointmentStatus.CANCELLED),
        "other_provider": book("Other", NOW + timedelta(hours=1), who=lee),
    }


def late_url(practice, provider):
    return reverse("frontdesk:board_running_late", args=[practice.slug, provider.pk])


def test_it_tells_the_providers_later_booked_patients_today_only(staff_client, practice, provider, front_desk, day):
    client = staff_client(front_desk)
    response = client.post(late_url(practice, provider), {"minutes": "20"})
    assert response.status_code == 302 and response.url == reverse("frontdesk:board", args=[practice.slug])

    told = set(Message.objects.filter(kind=MessageKind.RUNNING_LATE).values_list("appointment_id", flat=True))
    assert told == {day["later"].pk, day["afternoon"].pk}
    mark = RunningLate.objects.get()
    assert (mark.provider, mark.minutes, mark.marked_by) == (provider, 20, front_desk)
    page = client.get(reverse("frontdesk:board", args=[practice.slug])).content.decode()
    assert "2 patients were told" in page and "Running 20 min late" in page


@pytest.mark.parametrize("minutes", ["", "0", "7", "abc", "-10", "600"])
def test_it_refuses_bad_minutes_with_a_message(staff_client, practice, provider, front_desk, day, minutes):
    response = staff_client(front_desk).post(late_url(practice, provider), {"minutes": minutes})
    assert response.status_code == 400 and "Choose how late from the list" in response.content.decode()
    assert not RunningLate.objects.exists() and not Message.objects.exists()


def test_it_refuses_another_practices_provider_and_strangers(
    staff_client, practice, other_practice, provider, front_desk, make_staff, day
):
    theirs = Provider.objects.create(practice=other_practice, first_name="Zed", last_name="Other")
    assert staff_client(front_desk).post(late_url(practice, theirs), {"minutes": "10"}).status_code == 404
    outsider = make_staff(other_practice, Role.OWNER)
    assert staff_client(outsider).post(late_url(practice, provider), {"minutes": "10"}).status_code == 404
    assert not RunningLate.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize("role", [Role.BILLING, Role.EXPERIENCE_LEAD])
def test_it_refuses_roles_that_do_not_run_the_board(staff_client, practice, provider, make_staff, day, role):
    response = staff_client(make_staff(practice, role)).post(late_url(practice, provider), {"minutes": "10"})
    assert response.status_code == 403
    assert not RunningLate.objects.exists()
