"""Visit-type rules and the booking policy: owners edit them, bad input changes nothing, and edits
change what the slot engine offers."""

import re
from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from practices.models import Location, Provider
from scheduling.models import BookingPolicy, VisitType, VisitTypeLocation, VisitTypeProvider
from scheduling.selectors import slots as slot_selectors
from tests.factories import NOW

TUESDAY = date(2030, 1, 8)


def visit_type_data(visit_type=None, providers=(), locations=(), **change) -> dict:
    data = {
        "name": "Acne follow-up",
        "duration_minutes": "30",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "0",
        "min_notice_minutes": "0",
        "max_days_ahead": "90",
        "patient_kind": "both",
        "bookable_online": "on",
        "daily_cap_per_provider": "",
        "instructions_for_patient": "Arrive ten minutes early.",
        "is_active": "on",
        "providers": [str(p.pk) for p in providers],
        "locations": [str(loc.pk) for loc in locations],
    }
    if visit_type is not None:
        data["name"] = visit_type.name
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def edit_url(practice, visit_type):
    return reverse("scheduling:schedule_visit_type_edit", args=[practice.slug, visit_type.pk])


def slots(practice, visit_type):
    visit_type.refresh_from_db()
    return slot_selectors.open_slots_for(practice, visit_type, first_day=TUESDAY, last_day=TUESDAY, now=NOW)


def test_it_creates_a_visit_type_with_a_slug_providers_and_locations(client, practice, provider, location, owner):
    client.force_login(owner)
    url = reverse("scheduling:schedule_visit_type_new", args=[practice.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, visit_type_data(providers=[provider], locations=[location]))
    assert response.status_code == 302
    visit_type = VisitType.objects.get(practice=practice)
    assert visit_type.slug == "acne-follow-up"
    assert visit_type.instructions_for_patient == "Arrive ten minutes early."
    assert list(VisitTypeProvider.objects.values_list("practice_id", "provider_id")) == [(practice.pk, provider.pk)]
    assert list(VisitTypeLocation.objects.values_list("practice_id", "location_id")) == [(practice.pk, location.pk)]
    assert AuditEntry.objects.filter(object_type="scheduling.visittype", action="create").exists()
    listing = client.get(reverse("scheduling:schedule_visit_types", args=[practice.slug])).content.decode()
    assert "Acne follow-up" in listing and provider.display_name in listing


def test_a_second_visit_type_of_a_similar_name_gets_its_own_slug(practice, provider):
    from scheduling.services.schedule import save_visit_type

    fields = {"name": "Skin check", "duration_minutes": 15}
    first = save_visit_type(practice=practice, providers=[provider], **fields)
    second = save_visit_type(practice=practice, providers=[provider], **{**fields, "name": "Skin check!"})
    assert (first.slug, second.slug) == ("skin-check", "skin-check-2")


def test_phone_only_leaves_it_out_of_online_booking(client, practice, provider, location, visit_type, owner):
    assert visit_type in slot_selectors.visit_types(practice, online_only=True)
    client.force_login(owner)
    data = visit_type_data(visit_type, providers=[provider], locations=[location], bookable_online=None)
    assert client.post(edit_url(practice, visit_type), data).status_code == 302
    assert visit_type not in slot_selectors.visit_types(practice, online_only=True)
    assert visit_type in slot_selectors.visit_types(practice)
    entry = AuditEntry.objects.get(object_type="scheduling.visittype", action="update")
    assert entry.changes["bookable_online"] == {"from": True, "to": False}


def test_not_offered_leaves_it_out_everywhere(client, practice, provider, location, visit_type, owner):
    client.force_login(owner)
    data = visit_type_data(visit_type, providers=[provider], locations=[location], is_active=None)
    assert client.post(edit_url(practice, visit_type), data).status_code == 302
    assert visit_type not in slot_selectors.visit_types(practice)


def test_a_longer_visit_changes_the_open_slots(client, practice, provider, location, visit_type, owner):
    before = slots(practice, visit_type)
    # 09:00-17:00, 30 minutes every 15: the last start is 16:30.
    assert len(before) == 31
    client.force_login(owner)
    data = visit_type_data(visit_type, providers=[provider], locations=[location], duration_minutes="60")
    assert client.post(edit_url(practice, visit_type), data).status_code == 302
    after = slots(practice, visit_type)
    assert len(after) == 29
    assert all((s.end - s.start).total_seconds() == 3600 for s in after)


def test_removing_a_provider_removes_their_slots(
    client, practice, provider, location, visit_type, make_provider, owner
):
    other = make_provider()
    assert {s.provider_id for s in slots(practice, visit_type)} == {provider.pk, other.pk}
    client.force_login(owner)
    data = visit_type_data(visit_type, providers=[other], locations=[location])
    assert client.post(edit_url(practice, visit_type), data).status_code == 302
    assert {s.provider_id for s in slots(practice, visit_type)} == {other.pk}
    assert list(VisitTypeProvider.objects.filter(visit_type=visit_type).values_list("provider_id", flat=True)) == [
        other.pk
    ]
    # The edit page shows the current links ticked.
    page = client.get(edit_url(practice, visit_type)).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="providers" value="(\d+)"[^>]*checked', page)
    assert ticked == [str(other.pk)]


BAD = {
    "no name": ({"name": ""}, "This field is required."),
    "zero length": ({"duration_minutes": "0"}, "Enter a number from 5 to 480."),
    "negative buffer": ({"buffer_before_minutes": "-5"}, "Ensure this value is greater than or equal to 0."),
    "zero days ahead": ({"max_days_ahead": "0"}, "Enter a number from 1 to 730."),
    "zero cap": ({"daily_cap_per_provider": "0"}, "Enter a number from 1 to 100."),
    "unknown who": ({"patient_kind": "everyone"}, "Select a valid choice."),
    "no providers": ({"providers": []}, "Choose at least one provider, or untick"),
    "same name": ({"name": "full-body SKIN check"}, "already has a visit type with that name"),
}


@pytest.mark.parametrize("case", BAD)
def test_it_refuses_bad_visit_types(client, practice, provider, location, visit_type, owner, case):
    change, message = BAD[case]
    client.force_login(owner)
    before = (list(VisitType.objects.values()), list(VisitTypeProvider.objects.values()))
    data = {**visit_type_data(providers=[provider], locations=[location]), **change}
    response = client.post(reverse("scheduling:schedule_visit_type_new", args=[practice.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (list(VisitType.objects.values()), list(VisitTypeProvider.objects.values())) == before


def test_it_refuses_another_practices_provider_and_location_ids(
    client, practice, other_practice, provider, location, visit_type, owner
):
    stranger = Provider.objects.create(practice=other_practice, first_name="X", last_name="Y")
    far = Location.objects.create(
        practice=other_practice, name="Far", address_line1="1", city="X", region="TX", postal_code="1", phone="1"
    )
    client.force_login(owner)
    before = (list(VisitTypeProvider.objects.values()), list(VisitTypeLocation.objects.values()))
    for change in ({"providers": [str(stranger.pk)]}, {"locations": [str(far.pk)]}, {"providers": [str(2**70)]}):
        data = {**visit_type_data(visit_type, providers=[provider], locations=[location]), **change}
        response = client.post(edit_url(practice, visit_type), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Select a valid choice" in html or "is not a valid value" in html
    assert (list(VisitTypeProvider.objects.values()), list(VisitTypeLocation.objects.values())) == before


# --- booking policy -------------------------------------------------------------------------


def policy_url(practice):
    return reverse("scheduling:schedule_policy", args=[practice.slug])


def test_it_shows_the_defaults_and_the_book_online_snippets(client, practice, owner):
    client.force_login(owner)
    html = client.get(policy_url(practice)).content.decode()
    assert 'value="24"' in html and 'value="48"' in html and 'value="60"' in html
    assert f"http://testserver/p/{practice.slug}/book/" in html
    assert f"/p/{practice.slug}/book/widget.js" in html and "data-touchpoints-book" in html
    assert not BookingPolicy.objects.exists()


def test_it_saves_the_policy_creating_the_row_once(client, practice, owner):
    client.force_login(owner)
    data = {
        "online_change_cutoff_hours": "12",
        "waitlist_batch_size": "5",
        "waitlist_offer_minutes": "30",
        "short_notice_hours": "24",
    }
    assert client.post(policy_url(practice), data).status_code == 302
    assert client.post(policy_url(practice), {**data, "waitlist_batch_size": "2"}).status_code == 302
    policy = BookingPolicy.objects.get(practice=practice)
    assert (policy.online_change_cutoff_hours, policy.waitlist_batch_size) == (12, 2)
    assert (policy.waitlist_offer_minutes, policy.short_notice_hours) == (30, 24)
    actions = list(
        AuditEntry.objects.filter(object_type="scheduling.bookingpolicy")
        .order_by("at")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


@pytest.mark.parametrize(
    "change",
    [
        {"waitlist_batch_size": "0"},
        {"waitlist_offer_minutes": "0"},
        {"short_notice_hours": "-1"},
        {"waitlist_batch_size": "x"},
    ],
)
def test_it_refuses_a_bad_policy(client, practice, owner, change):
    client.force_login(owner)
    data = {
        "online_change_cutoff_hours": "12",
        "waitlist_batch_size": "5",
        "waitlist_offer_minutes": "30",
        "short_notice_hours": "24",
        **change,
    }
    response = client.post(policy_url(practice), data)
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()
    assert not BookingPolicy.objects.exists()
