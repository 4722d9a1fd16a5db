"""Weekly hours, extra clinics, time off and blocks: validation with clear messages and nothing saved,
audit entries, and new hours announced to the waitlist once the change commits."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from practices.models import Location, Provider
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    AvailabilityTemplate,
    BookedVia,
    ExceptionKind,
)
from scheduling.services import schedule as schedule_services
from scheduling.signals import time_freed

# Monday 7 January 2030 (the practice is in America/Chicago, UTC-6 in January).
MONDAY = date(2030, 1, 7)


@pytest.fixture
def freeze(monkeypatch):
    """Make "now" Monday 7 January 2030, 06:00 in Chicago."""
    from django.utils import timezone

    now = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def freed():
    """Every time_freed signal sent during the test."""
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    time_freed.connect(receiver, weak=False)
    yield sent
    time_freed.disconnect(receiver)


def hours_data(location, weekday=0, starts="08:00", ends="12:00", effective_from="2030-01-01", effective_to=""):
    return {
        "location": str(location.pk),
        "weekday": str(weekday),
        "starts_at": starts,
        "ends_at": ends,
        "effective_from": effective_from,
        "effective_to": effective_to,
    }


def new_hours_url(practice, provider):
    return reverse("scheduling:schedule_hours_new", args=[practice.slug, provider.pk])


def test_it_adds_two_ranges_on_one_day_for_a_lunch_break(client, practice, provider, location, owner):
    client.force_login(owner)
    for starts, ends in (("08:00", "12:00"), ("13:00", "17:00")):
        response = client.post(new_hours_url(practice, provider), hours_data(location, starts=starts, ends=ends))
        assert response.status_code == 302
    ranges = AvailabilityTemplate.objects.filter(provider=provider, weekday=0).order_by("starts_at")
    assert [(t.starts_at, t.ends_at) for t in ranges] == [(time(8), time(12)), (time(13), time(17))]
    assert AuditEntry.objects.filter(practice=practice, object_type="scheduling.availabilitytemplate").count() == 2

    page = client.get(reverse("scheduling:schedule_provider", args=[practice.slug, provider.pk])).content.decode()
    monday = page.split('<th scope="row">Monday</th>')[1].split('<th scope="row">Tuesday</th>')[0]
    assert "8:00 AM–12:00 PM" in monday and "1:00 PM–5:00 PM" in monday


BAD_HOURS = {
    "end before start": ({"starts": "12:00", "ends": "09:00"}, "The end time must be after the start time."),
    "end equals start": ({"starts": "09:00", "ends": "09:00"}, "The end time must be after the start time."),
    "overlaps": ({"starts": "11:00", "ends": "14:00"}, "This overlaps"),
    "ending before starting": (
        {"effective_from": "2030-02-01", "effective_to": "2030-01-01"},
        "The ending date must be on or after the starting date.",
    ),
    "bad date": ({"effective_from": "2030-02-31"}, "Enter a valid date."),
}


@pytest.mark.parametrize("case", BAD_HOURS)
def test_it_refuses_bad_hours_with_a_clear_message(client, practice, provider, location, owner, case):
    AvailabilityTemplate.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        weekday=0,
        starts_at=time(8),
        ends_at=time(12),
        effective_from=date(2030, 1, 1),
    )
    change, message = BAD_HOURS[case]
    client.force_login(owner)
    before = list(AvailabilityTemplate.objects.values())
    response = client.post(new_hours_url(practice, provider), hours_data(location, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(AvailabilityTemplate.objects.values()) == before


def test_it_allows_the_same_hours_in_periods_that_do_not_overlap(client, practice, provider, location, owner):
    AvailabilityTemplate.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        weekday=0,
        starts_at=time(8),
        ends_at=time(12),
        effective_from=date(2030, 1, 1),
        effective_to=date(2030, 3, 31),
    )
    client.force_login(owner)
    response = client.post(new_hours_url(practice, provider), hours_data(location, effective_from="2030-04-01"))
    assert response.status_code == 302
    assert AvailabilityTemplate.objects.filter(provider=provider).count() == 2


def test_it_refuses_overlapping_hours_at_another_location(client, practice, provider, location, owner):
    north = Location.objects.create(
        practice=practice, name="North", address_line1="1 N", city="Austin", region="TX", postal_code="1", phone="1"
    )
    provider.locations.add(north)
    AvailabilityTemplate.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        weekday=2,
        starts_at=time(8),
        ends_at=time(12),
        effective_from=date(2030, 1, 1),
    )
    client.force_login(owner)
    response = client.post(new_hours_url(practice, provider), hours_data(north, weekday=2, starts="11:30"))
    assert response.status_code == 200
    assert "This overlaps" in response.content.decode()
    assert not AvailabilityTemplate.objects.filter(location=north).exists()


def test_it_refuses_a_location_the_provider_does_not_work_at(client, practice, provider, owner):
    elsewhere = Location.objects.create(
        practice=practice, name="Lakeside", address_line1="2 L", city="Austin", region="TX", postal_code="2", phone="2"
    )
    client.force_login(owner)
    response = client.post(new_hours_url(practice, provider), hours_data(elsewhere))
    assert response.status_code == 200
    assert "does not work at Lakeside" in response.content.decode()
    assert not AvailabilityTemplate.objects.exists()


def test_it_refuses_another_practices_location_id(client, practice, other_practice, provider, owner):
    foreign = Location.objects.create(
        practice=other_practice, name="Foreign", address_line1="3", city="X", region="TX", postal_code="3", phone="3"
    )
    client.force_login(owner)
    for bad in (str(foreign.pk), "999999", str(2**70), "abc"):
        response = client.post(new_hours_url(practice, provider), {**hours_data(foreign), "location": bad})
        assert response.status_code == 200
        assert "Choose one of the practice&#x27;s own entries from the list." in response.content.decode()
    assert not AvailabilityTemplate.objects.exists()


def test_the_service_refuses_another_practices_provider(practice, other_practice, location):
    stranger = Provider.objects.create(practice=other_practice, first_name="X", last_name="Y")
    with pytest.raises(schedule_services.ScheduleRefused):
        schedule_services.save_weekly_range(
            practice=practice,
            provider=stranger,
            location=location,
            weekday=0,
            starts_at=time(8),
            ends_at=time(9),
            effective_from=date(2030, 1, 1),
        )
    assert not AvailabilityTemplate.objects.exists()


def test_it_edits_and_removes_a_range(client, practice, provider, location, owner):
    template = AvailabilityTemplate.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        weekday=0,
        starts_at=time(8),
        ends_at=time(12),
        effective_from=date(2030, 1, 1),
    )
    AvailabilityTemplate.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        weekday=0,
        starts_at=time(13),
        ends_at=time(17),
        effective_from=date(2030, 1, 1),
    )
    client.force_login(owner)
    edit = reverse("scheduling:schedule_hours_edit", args=[practice.slug, provider.pk, template.pk])
    assert 'value="08:00"' in client.get(edit).content.decode()
    # Widening it over the afternoon range overlaps; it does not overlap itself.
    assert "This overlaps" in client.post(edit, hours_data(location, ends="14:00")).content.decode()
    assert client.post(edit, hours_data(location, starts="07:30", ends="12:30")).status_code == 302
    template.refresh_from_db()
    assert (template.starts_at, template.ends_at) == (time(7, 30), time(12, 30))
    entry = AuditEntry.objects.filter(action="update", object_id=str(template.pk)).get()
    assert entry.changes["starts_at"] == {"from": "08:00", "to": "07:30"}

    delete = reverse("scheduling:schedule_hours_delete", args=[practice.slug, provider.pk, template.pk])
    assert client.post(delete).status_code == 302
    assert not AvailabilityTemplate.objects.filter(pk=template.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(template.pk)).exists()


def test_it_announces_added_weekly_hours_for_the_next_two_weeks(
    client, practice, provider, location, owner, freed, freeze, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        # Wednesdays 13:00-17:00 from today: 9 and 16 January fall within 14 days (7..20 January).
        response = client.post(
            new_hours_url(practice, provider),
            hours_data(location, weekday=2, starts="13:00", ends="17:00", effective_from="2030-01-01"),
        )
    assert response.status_code == 302
    assert [(s["start"], s["end"]) for s in freed] == [
        (datetime(2030, 1, 9, 19, 0, tzinfo=UTC), datetime(2030, 1, 9, 23, 0, tzinfo=UTC)),
        (datetime(2030, 1, 16, 19, 0, tzinfo=UTC), datetime(2030, 1, 16, 23, 0, tzinfo=UTC)),
    ]
    assert {(s["practice_id"], s["provider_id"], s["location_id"]) for s in freed} == {
        (practice.pk, provider.pk, location.pk)
    }


def test_it_announces_nothing_when_refused(
    client, practice, provider, location, owner, freed, freeze, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_hours_url(practice, provider), hours_data(location, starts="12:00", ends="08:00"))
    assert freed == []


def test_it_adds_an_extra_clinic_and_announces_it(
    client, practice, provider, location, owner, freed, freeze, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    url = reverse("scheduling:schedule_extra_new", args=[practice.slug, provider.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"day": "2030-01-12", "location": str(location.pk), "starts_at": "09:00", "ends_at": "12:00"}
        )
    assert response.status_code == 302
    extra = AvailabilityException.objects.get(provider=provider)
    assert (extra.kind, extra.day, extra.location_id) == (ExceptionKind.EXTRA, date(2030, 1, 12), location.pk)
    assert [(s["start"], s["end"], s["location_id"]) for s in freed] == [
        (datetime(2030, 1, 12, 15, 0, tzinfo=UTC), datetime(2030, 1, 12, 18, 0, tzinfo=UTC), location.pk)
    ]
    assert AuditEntry.objects.filter(object_type="scheduling.availabilityexception", action="create").exists()


def test_it_refuses_an_extra_clinic_that_ends_before_it_starts(client, practice, provider, location, owner):
    client.force_login(owner)
    url = reverse("scheduling:schedule_extra_new", args=[practice.slug, provider.pk])
    response = client.post(
        url, {"day": "2030-01-12", "location": str(location.pk), "starts_at": "12:00", "ends_at": "09:00"}
    )
    assert "The end time must be after the start time." in response.content.decode()
    assert not AvailabilityException.objects.exists()


# --- blocks ------------------------------------------------------------------------------


def book(practice, patient, provider, location, visit_type, start):
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=start + timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        status=AppointmentStatus.BOOKED,
        booked_via=BookedVia.STAFF,
    )


def block_url(practice, provider):
    return reverse("scheduling:schedule_block_new", args=[practice.slug, provider.pk])


def test_it_refuses_a_block_over_booked_appointments_then_blocks_anyway(
    client, practice, provider, location, visit_type, patient, front_desk
):
    # Tuesday 8 January 2030, 10:00 and 11:00 in Chicago.
    first = book(practice, patient, provider, location, visit_type, datetime(2030, 1, 8, 16, 0, tzinfo=UTC))
    book(practice, patient, provider, location, visit_type, datetime(2030, 1, 8, 17, 0, tzinfo=UTC))
    client.force_login(front_desk)
    data = {"day": "2030-01-08", "starts_at": "09:30", "ends_at": "12:00", "location": ""}
    response = client.post(block_url(practice, provider), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 booked appointments fall in this time (10:00 AM, 11:00 AM)" in page
    assert patient.last_name not in page
    assert not AvailabilityException.objects.exists()

    response = client.post(block_url(practice, provider), {**data, "block_anyway": "on"})
    assert response.status_code == 302
    block = AvailabilityException.objects.get()
    assert (block.kind, block.starts_at, block.ends_at, block.location_id) == ("off", time(9, 30), time(12), None)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.BOOKED
    assert AuditEntry.objects.filter(object_type="scheduling.availabilityexception", action="create").exists()


def test_it_blocks_a_whole_day_that_has_no_appointments(client, practice, provider, location, front_desk):
    client.force_login(front_desk)
    response = client.post(block_url(practice, provider), {"day": "2030-01-09", "whole_day": "on"})
    assert response.status_code == 302
    block = AvailabilityException.objects.get()
    assert (block.day, block.starts_at, block.ends_at) == (date(2030, 1, 9), None, None)


def test_a_whole_day_block_counts_appointments_of_that_local_day(practice, provider, location, visit_type, patient):
    # 23:30 Tuesday in Chicago is Wednesday 05:30 UTC: it belongs to Tuesday.
    book(practice, patient, provider, location, visit_type, datetime(2030, 1, 9, 5, 30, tzinfo=UTC))
    with pytest.raises(schedule_services.BlockConflict) as refused:
        schedule_services.block_time(practice=practice, provider=provider, day=date(2030, 1, 8))
    assert [f"{s:%H:%M}" for s in refused.value.starts] == ["23:30"]
    schedule_services.block_time(practice=practice, provider=provider, day=date(2030, 1, 9))  # Wednesday: free


BAD_BLOCKS = {
    "no times and not whole day": ({"starts_at": "", "ends_at": ""}, "Give a time, or tick"),
    "end before start": ({"starts_at": "12:00", "ends_at": "10:00"}, "The end time must be after the start time."),
    "bad day": ({"day": "2030-13-01"}, "Enter a valid date."),
}


@pytest.mark.parametrize("case", BAD_BLOCKS)
def test_it_refuses_bad_blocks(client, practice, provider, owner, case):
    change, message = BAD_BLOCKS[case]
    client.force_login(owner)
    data = {"day": "2030-01-09", "starts_at": "09:00", "ends_at": "10:00", **change}
    response = client.post(block_url(practice, provider), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AvailabilityException.objects.exists()


def test_it_removes_a_block_and_announces_the_time(
    client, practice, provider, location, front_desk, freed, freeze, django_capture_on_commit_callbacks
):
    block = AvailabilityException.objects.create(
        practice=practice, provider=provider, day=date(2030, 1, 10), starts_at=time(9), ends_at=time(10), kind="off"
    )
    client.force_login(front_desk)
    url = reverse("scheduling:schedule_exception_delete", args=[practice.slug, provider.pk, block.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not AvailabilityException.objects.exists()
    assert [(s["start"], s["end"]) for s in freed] == [
        (datetime(2030, 1, 10, 15, 0, tzinfo=UTC), datetime(2030, 1, 10, 16, 0, tzinfo=UTC))
    ]
    assert AuditEntry.objects.filter(object_type="scheduling.availabilityexception", action="delete").exists()
