"""Day and week calendars: working hours as the engine sees them, appointments, blocks and open time,
on the right local day in the practice's zone (DST days included), in a constant number of queries."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def book(practice, patient, provider, location, visit_type, start, minutes=30, status=AppointmentStatus.BOOKED):
    end = start + timedelta(minutes=minutes)
    return Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        status=status,
        booked_via=BookedVia.STAFF,
    )


def cell(html: str, provider, day: date) -> str:
    """The calendar cell of one provider's row on one day."""
    row = html.split(f'<tr id="provider-{provider.pk}">')[1].split("</tr>")[0]
    return row.split(f'data-day="{day.isoformat()}">')[1].split("</td>")[0]


def get(client, view, practice, **params):
    return client.get(reverse(f"scheduling:schedule_{view}", args=[practice.slug]), params)


def test_it_shows_hours_appointments_and_blocks_on_the_right_local_day(
    client, practice, provider, location, visit_type, patient, front_desk
):
    # 23:30 on Tuesday 8 January in Chicago is already Wednesday in UTC.
    late = book(practice, patient, provider, location, visit_type, datetime(2030, 1, 9, 5, 30, tzinfo=UTC))
    # 10:00 Wednesday in Chicago.
    book(practice, patient, provider, location, visit_type, datetime(2030, 1, 9, 16, 0, tzinfo=UTC))
    book(
        practice,
        patient,
        provider,
        location,
        visit_type,
        datetime(2030, 1, 9, 17, 0, tzinfo=UTC),
        status=AppointmentStatus.CANCELLED,
    )
    AvailabilityException.objects.create(
        practice=practice, provider=provider, day=date(2030, 1, 9), starts_at=time(12), ends_at=time(13), kind="off"
    )
    client.force_login(front_desk)
    html = get(client, "week", practice, date="2030-01-09", provider=provider.pk).content.decode()

    tuesday = cell(html, provider, date(2030, 1, 8))
    assert "9:00 AM–5:00 PM" in tuesday
    assert "11:30 PM–12:00 AM" in tuesday
    assert patient.full_name in tuesday
    assert reverse("patients:staff_detail", args=[practice.slug, patient.pk]) in tuesday
    assert "Booked" in tuesday
    assert "Blocked" not in tuesday
    # 8 hours, the 23:30 visit lies outside them.
    assert "Open: 8 h" in tuesday

    wednesday = cell(html, provider, date(2030, 1, 9))
    # The engine's view: the block cuts the day in two.
    assert "9:00 AM–12:00 PM" in wednesday and "1:00 PM–5:00 PM" in wednesday
    assert "Blocked" in wednesday and "12:00 PM–1:00 PM" in wednesday
    assert "10:00 AM–10:30 AM" in wednesday
    assert "11:00 AM" not in wednesday  # cancelled: not shown
    assert "Open: 6 h 30 min" in wednesday
    assert late.start.isoformat()[:10] == "2030-01-09"

    saturday = cell(html, provider, date(2030, 1, 12))
    assert "Not working" in saturday


def test_it_shows_the_spring_forward_day_in_real_time(client, practice, provider, location, visit_type, patient, owner):
    # Sunday 10 March 2030: Chicago skips 02:00-03:00.
    spring = date(2030, 3, 10)
    AvailabilityTemplate.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        weekday=6,
        starts_at=time(1),
        ends_at=time(4),
        effective_from=date(2030, 3, 1),
    )
    AvailabilityException.objects.create(
        practice=practice, provider=provider, day=spring, starts_at=time(3), ends_at=time(3, 30), kind="off"
    )
    # 03:30 CDT = 08:30 UTC.
    book(practice, patient, provider, location, visit_type, datetime(2030, 3, 10, 8, 30, tzinfo=UTC))
    client.force_login(owner)
    html = get(client, "day", practice, date=spring.isoformat()).content.decode()
    sunday = cell(html, provider, spring)
    assert "1:00 AM–3:00 AM" in sunday and "3:30 AM–4:00 AM" in sunday
    assert "3:30 AM–4:00 AM</time>" in sunday  # the appointment, in local time
    assert "Blocked" in sunday
    # 01:00-03:00 is one real hour that day; 03:30-04:00 is taken by the appointment.
    assert "Open: 1 h<" in sunday


def test_it_shows_the_fall_back_day_in_real_time(client, practice, provider, location, visit_type, patient, owner):
    # Sunday 3 November 2030: Chicago repeats 01:00-02:00.
    fall = date(2030, 11, 3)
    AvailabilityTemplate.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        weekday=6,
        starts_at=time(0),
        ends_at=time(4),
        effective_from=date(2030, 3, 1),
    )
    # 01:30 CST (the second 01:30) = 07:30 UTC.
    book(practice, patient, provider, location, visit_type, datetime(2030, 11, 3, 7, 30, tzinfo=UTC))
    client.force_login(owner)
    sunday = cell(get(client, "day", practice, date=fall.isoformat()).content.decode(), provider, fall)
    assert "12:00 AM–4:00 AM" in sunday
    assert "1:30 AM–2:00 AM</time>" in sunday
    assert "Open: 4 h 30 min" in sunday  # five real hours, half an hour booked


def test_the_location_calendar_shows_only_that_locations_hours_and_visits(
    client, practice, provider, location, visit_type, patient, owner
):
    north = Location.objects.create(
        practice=practice, name="North", address_line1="1", city="Austin", region="TX", postal_code="1", phone="1"
    )
    provider.locations.add(north)
    AvailabilityException.objects.create(
        practice=practice,
        provider=provider,
        location=north,
        day=date(2030, 1, 12),
        starts_at=time(9),
        ends_at=time(12),
        kind=ExceptionKind.EXTRA,
    )
    book(practice, patient, provider, north, visit_type, datetime(2030, 1, 12, 16, 0, tzinfo=UTC))
    stay_home = Provider.objects.create(practice=practice, first_name="Only", last_name="Downtown")
    stay_home.locations.add(location)
    client.force_login(owner)

    html = get(client, "day", practice, date="2030-01-12", location=north.pk).content.decode()
    saturday = cell(html, provider, date(2030, 1, 12))
    assert "9:00 AM–12:00 PM" in saturday and "Extra clinic" in saturday and patient.full_name in saturday
    assert f'id="provider-{stay_home.pk}"' not in html

    html = get(client, "day", practice, date="2030-01-12", location=location.pk).content.decode()
    saturday = cell(html, provider, date(2030, 1, 12))
    assert "Not working" in saturday and patient.full_name not in saturday
    assert f'id="provider-{stay_home.pk}"' in html


def test_it_links_to_the_previous_next_and_today(client, practice, provider, owner):
    client.force_login(owner)
    html = get(client, "week", practice, date="2030-01-09", provider=provider.pk).content.decode()
    assert "Week of Mon 7 Jan – Sun 13 Jan 2030" in html
    prev = re.search(r'href="([^"]+)" rel="prev"', html).group(1).replace("&amp;", "&")
    nxt = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert prev.endswith(f"?provider={provider.pk}&date=2030-01-02")
    assert nxt.endswith(f"?provider={provider.pk}&date=2030-01-16")
    html = get(client, "day", practice, date="2030-01-01").content.decode()
    assert re.search(r'href="[^"]+date=2029-12-31" rel="prev"', html)
    assert re.search(r'href="[^"]+date=2030-01-02" rel="next"', html)


def test_it_reads_a_bad_date_as_today_with_a_message(client, practice, owner):
    client.force_login(owner)
    response = get(client, "day", practice, date="2030-02-30")
    assert response.status_code == 200
    assert "That date could not be read" in response.content.decode()


@pytest.mark.parametrize("view", ["day", "week"])
@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "1000-06-15", "5000-01-01"])
def test_a_date_outside_the_calendar_shows_today_with_a_message(client, practice, provider, owner, view, raw):
    client.force_login(owner)
    client.raise_request_exception = False
    response = get(client, view, practice, date=raw, provider=provider.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "That date is outside the calendar" in html
    assert re.search(r'href="[^"]+date=\d{4}-\d{2}-\d{2}" rel="next"', html)


def test_viewing_a_calendar_is_audited_without_names(client, practice, provider, location, visit_type, patient, owner):
    book(practice, patient, provider, location, visit_type, datetime(2030, 1, 9, 16, 0, tzinfo=UTC))
    client.force_login(owner)
    get(client, "day", practice, date="2030-01-09")
    entry = AuditEntry.objects.filter(action="view", object_type="scheduling.appointment").get()
    assert "1 appointment(s) shown" in entry.summary
    assert patient.last_name not in entry.summary


def test_it_uses_a_constant_number_of_queries(
    client, practice, provider, location, visit_type, make_provider, make_patient, owner, django_assert_max_num_queries
):
    client.force_login(owner)

    def count(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(client, "week", practice, **params).status_code == 200
        return len(queries)

    small = count(date="2030-01-09", provider=provider.pk)
    for n in range(4):
        other = make_provider(f"Park{n}")
        for day in range(5):
            start = datetime(2030, 1, 7 + day, 16, 0, tzinfo=UTC)
            book(practice, make_patient(practice), other, location, visit_type, start)
            AvailabilityException.objects.create(
                practice=practice,
                provider=other,
                day=date(2030, 1, 7 + day),
                starts_at=time(12),
                ends_at=time(13),
                kind="off",
            )
    assert count(date="2030-01-09", provider=provider.pk) == small
    assert count(date="2030-01-09") == small - 1  # no provider to look up
    assert count(date="2030-01-09", location=location.pk) == small
    with django_assert_max_num_queries(small):
        get(client, "day", practice, date="2030-01-10")


@pytest.mark.parametrize("view", ["day", "week"])
def test_every_member_may_view_and_only_blockers_see_block_links(client, practice, provider, make_staff, view):
    from practices.models import Role

    for role in Role.values:
        client.force_login(make_staff(practice, role))
        html = get(client, view, practice, date="2030-01-09").content.decode()
        assert ("Block time" in html) == (role in {Role.OWNER, Role.FRONT_DESK})


def test_a_clinician_gets_a_link_to_their_own_calendar(client, practice, provider, make_staff):
    from practices.models import Role

    clinician = make_staff(practice, Role.CLINICIAN)
    provider.user = clinician
    provider.save()
    client.force_login(clinician)
    html = get(client, "day", practice, date="2030-01-09").content.decode()
    assert f'?provider={provider.pk}&amp;date=2030-01-09">My calendar' in html
