"""The practice pages that show online booking days (``scheduling/views/practice.py``): the public page
lists the active locations and providers, and its opening hours are checked against the bookable
schedule: a day the location is open but no provider has bookable hours there says so ("No online
booking"), instead of promising times the booking pages never offer. The staff location list says the same."""

import re
from datetime import date, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from practices.models import Location, OpeningHours, Weekday
from scheduling.models import AvailabilityTemplate, VisitType
from scheduling.services.schedule import offer_visit_type


@pytest.fixture
def open_on_saturday(practice, location, provider):
    """Open Monday to Saturday; the provider's bookable hours are Monday to Friday only."""
    for weekday in range(6):
        OpeningHours.objects.create(
            practice=practice, location=location, weekday=weekday, opens=time(9), closes=time(13)
        )
    visit_type = VisitType.objects.create(practice=practice, name="Skin check", slug="skin-check", duration_minutes=30)
    offer_visit_type(visit_type=visit_type, providers=[provider], locations=[location])
    for weekday in range(5):
        AvailabilityTemplate.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=time(9),
            ends_at=time(13),
            effective_from=date.today() - timedelta(days=30),
        )
    return location


def _rows(html: str) -> dict[str, str]:
    found = re.search(r'<table class="compact hours">(.*?)</table>', html, re.S)
    assert found is not None, "no opening hours table"
    table = found.group(1)
    return dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table, re.S))


def test_the_public_page_says_which_open_days_have_no_online_booking(client, practice, open_on_saturday):
    html = unescape(client.get(reverse("practices:public", args=[practice.slug])).content.decode())
    rows = _rows(html)
    assert "No online booking" in rows["Saturday"]
    assert "No online booking" not in rows["Monday"] and "No online booking" not in rows["Friday"]
    spanish = unescape(
        client.get(reverse("practices:public", args=[practice.slug]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    )
    assert "Sin reservas en línea" in _rows(spanish)["Sábado"]


def test_hours_that_ended_or_a_provider_who_left_do_not_count(client, practice, provider, open_on_saturday):
    AvailabilityTemplate.objects.filter(weekday=Weekday.MONDAY).update(
        # "Yesterday" in the practice's zone: the page counts days there, whatever the server's date is.
        effective_from=date.today() - timedelta(days=60),
        effective_to=timezone.localdate(timezone=ZoneInfo(practice.timezone)) - timedelta(days=1),
    )
    rows = _rows(unescape(client.get(reverse("practices:public", args=[practice.slug])).content.decode()))
    assert "No online booking" in rows["Monday"] and "No online booking" not in rows["Tuesday"]
    provider.is_active = False
    provider.save()
    rows = _rows(unescape(client.get(reverse("practices:public", args=[practice.slug])).content.decode()))
    assert all("No online booking" in text for text in rows.values())


def test_the_staff_location_list_shows_the_same_note(client, owner, practice, open_on_saturday):
    client.force_login(owner)
    rows = _rows(unescape(client.get(reverse("practices:locations", args=[practice.slug])).content.decode()))
    assert "No online booking" in rows["Saturday"] and "No online booking" not in rows["Monday"]


def test_it_shows_the_public_page_with_active_locations_and_providers(client, practice, location, provider):
    Location.objects.create(
        practice=practice,
        name="Closed Branch",
        address_line1="3 C",
        city="Austin",
        region="TX",
        postal_code="78702",
        is_active=False,
    )
    html = client.get(reverse("practices:public", args=[practice.slug])).content.decode()
    assert practice.name in html
    assert location.name in html
    assert provider.last_name in html
    assert "Closed Branch" not in html
