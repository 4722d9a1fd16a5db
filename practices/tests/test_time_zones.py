"""Choosing a time zone: the canonical zones only (no old aliases such as US/Central, EST5EDT or Etc/GMT+6),
the practice's country first with friendly names ("Central Time — Chicago"), and a stored legacy value still
shown and accepted so saving a form never changes the zone behind the owner's back."""

import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

from practices.forms import LocationForm, PracticeForm
from practices.models import Location
from practices.time_zones import canonical_zones, time_zone_choices

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    """A Spanish request leaves Spanish active in the thread; the next test starts in English."""
    yield
    translation.activate("en")


ALIASES = [
    "US/Central",
    "US/Eastern",
    "EST5EDT",
    "CST6CDT",
    "Etc/GMT+6",
    "Etc/UTC",
    "GMT",
    "UTC",
    "Navajo",
    "America/Buenos_Aires",
    "Asia/Calcutta",
    "Europe/Kiev",
    "America/Indianapolis",
]


def flat(choices) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for value, label in choices:
        out += flat(label) if isinstance(label, list | tuple) else [(value, label)]
    return out


def offered(form) -> list[tuple[str, str]]:
    return flat(form.fields["timezone"].choices)


def test_it_offers_only_canonical_zones_and_fewer_than_450():
    values = [value for value, _label in flat(time_zone_choices(country="US"))]
    assert len(values) == len(set(values)) < 450
    assert not set(ALIASES) & set(values)
    assert not [v for v in values if v.startswith(("Etc/", "US/", "SystemV/")) or "/" not in v]
    assert set(values) <= zoneinfo.available_timezones()
    assert {"America/Chicago", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "Europe/Madrid"} <= set(values)
    assert set(values) == set(canonical_zones())


def test_it_puts_a_us_practices_zones_first_with_friendly_names(practice, location):
    translation.activate("en")
    form = PracticeForm(instance=practice)
    groups = form.fields["timezone"].choices
    first_group, first_options = groups[0]
    assert str(first_group) == "United States"
    first = dict(first_options)
    assert [str(first[z]) for z in ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix")] == [
        "Eastern Time — New York",
        "Central Time — Chicago",
        "Mountain Time — Denver",
        "Mountain Time, no daylight saving — Phoenix",
    ]
    assert str(first["America/Los_Angeles"]) == "Pacific Time — Los Angeles"
    assert str(first["Pacific/Honolulu"]) == "Hawaii Time — Honolulu"
    assert "Central Time — Knox" in str(first["America/Indiana/Knox"])
    assert all(zoneinfo.ZoneInfo(z) and z.startswith(("America/", "Pacific/")) for z in first)
    assert "Europe/Madrid" not in first
    assert len(offered(form)) < 450
    assert not set(ALIASES) & {v for v, _l in offered(form)}


def test_the_location_form_uses_the_locations_country(practice, location):
    location.country = "MX"
    location.save()
    groups = LocationForm(instance=location, practice=practice).fields["timezone"].choices
    assert str(groups[0][0]) == "Mexico"
    assert "America/Mexico_City" in dict(groups[0][1])
    new_location = LocationForm(practice=practice).fields["timezone"].choices
    assert str(new_location[0][0]) == "Mexico"  # a new location: the practice's country (its locations')


def test_the_page_shows_the_friendly_names_in_spanish(client, practice, owner):
    client.cookies["django_language"] = "es"
    client.force_login(owner)
    html = client.get(reverse("practices:settings", args=[practice.slug])).content.decode()
    assert "Hora del Centro — Chicago" in html
    assert "US/Central" not in html and "EST5EDT" not in html


@pytest.mark.parametrize("legacy", ["US/Central", "EST5EDT", "Etc/GMT+6"])
def test_it_still_shows_and_accepts_a_stored_legacy_value(practice, location, legacy):
    practice.timezone = legacy
    practice.save()
    form = PracticeForm(instance=practice)
    assert legacy in dict(offered(form))
    assert f'value="{legacy}" selected' in str(form["timezone"])
    data = {"name": practice.name, "timezone": legacy}
    bound = PracticeForm(data, instance=practice)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["timezone"] == legacy
    location.timezone = legacy
    location.save()
    location_form = LocationForm(instance=location, practice=practice)
    assert legacy in dict(offered(location_form))


def test_it_refuses_an_alias_that_is_not_already_stored(practice):
    bound = PracticeForm({"name": practice.name, "timezone": "US/Pacific"}, instance=practice)
    assert not bound.is_valid() and "timezone" in bound.errors


def test_the_owner_saves_a_location_in_a_canonical_zone(client, practice, owner):
    client.force_login(owner)
    data = {
        "name": "Northside",
        "address_line1": "9 North Loop",
        "city": "Austin",
        "region": "TX",
        "postal_code": "78751",
        "phone": "(512) 555-0150",
        "timezone": "America/Indiana/Knox",
        "is_active": "on",
        "hours-TOTAL_FORMS": "0",
        "hours-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("practices:location_new", args=[practice.slug]), data).status_code == 302
    assert Location.objects.get(practice=practice, name="Northside").timezone == "America/Indiana/Knox"
