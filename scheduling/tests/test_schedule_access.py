"""Every staff schedule page: strangers (another practice's staff) get 404, wrong roles get 403,
allowed roles get through; signed-out visitors go to sign-in."""

from datetime import date, time

import pytest
from django.urls import URLPattern, reverse

from practices.models import Role
from scheduling import urls_schedule
from scheduling.models import AvailabilityException, AvailabilityTemplate, ExceptionKind

ALL = set(Role.values)
BLOCKERS = {Role.OWNER, Role.FRONT_DESK}
OWNER = {Role.OWNER}

# url name -> (roles allowed, method)
PAGES = {
    "schedule_day": (ALL, "get"),
    "schedule_week": (ALL, "get"),
    "schedule_availability": (BLOCKERS, "get"),
    "schedule_provider": (BLOCKERS, "get"),
    "schedule_hours_new": (OWNER, "get"),
    "schedule_hours_edit": (OWNER, "get"),
    "schedule_hours_delete": (OWNER, "post"),
    "schedule_block_new": (BLOCKERS, "get"),
    "schedule_extra_new": (OWNER, "get"),
    "schedule_exception_delete": (BLOCKERS, "post"),
    "schedule_visit_types": (OWNER, "get"),
    "schedule_visit_type_new": (OWNER, "get"),
    "schedule_visit_type_edit": (OWNER, "get"),
    "schedule_policy": (OWNER, "get"),
}


def test_it_lists_every_schedule_url_here():
    names = {p.name for p in urls_schedule.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(PAGES)


@pytest.fixture
def objects(practice, provider, location, visit_type):
    template = AvailabilityTemplate.objects.filter(practice=practice, provider=provider).first()
    block = AvailabilityException.objects.create(
        practice=practice, provider=provider, day=date(2030, 1, 9), kind=ExceptionKind.OFF
    )
    return {"template": template, "block": block, "visit_type": visit_type, "provider": provider}


def url_for(name: str, practice, objects) -> str:
    kwargs = {"practice_slug": practice.slug}
    if name.startswith("schedule_hours_") and name != "schedule_hours_new":
        kwargs["pk"] = objects["template"].pk
    if name == "schedule_exception_delete":
        kwargs["pk"] = objects["block"].pk
    if name == "schedule_visit_type_edit":
        kwargs["pk"] = objects["visit_type"].pk
    if name in {
        "schedule_provider",
        "schedule_hours_new",
        "schedule_hours_edit",
        "schedule_hours_delete",
        "schedule_block_new",
        "schedule_extra_new",
        "schedule_exception_delete",
    }:
        kwargs["provider_pk"] = objects["provider"].pk
    return reverse(f"scheduling:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", Role.values)
def test_it_lets_in_only_the_allowed_roles(client, practice, make_staff, objects, name, role):
    allowed, method = PAGES[name]
    client.force_login(make_staff(practice, role))
    response = getattr(client, method)(url_for(name, practice, objects))
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_it_answers_404_to_another_practices_staff(client, practice, other_practice, make_staff, objects, name):
    _allowed, method = PAGES[name]
    client.force_login(make_staff(other_practice, Role.OWNER))
    before = (AvailabilityTemplate.objects.count(), AvailabilityException.objects.count())
    response = getattr(client, method)(url_for(name, practice, objects))
    assert response.status_code == 404
    assert (AvailabilityTemplate.objects.count(), AvailabilityException.objects.count()) == before


@pytest.mark.parametrize("name", PAGES)
def test_it_answers_404_for_another_practices_objects_in_the_own_url(
    client, practice, other_practice, make_staff, objects, name
):
    """An owner of the other practice, in their own practice's URL, naming this practice's objects."""
    _allowed, method = PAGES[name]
    client.force_login(make_staff(other_practice, Role.OWNER))
    url = url_for(name, practice, objects).replace(f"/staff/{practice.slug}/", f"/staff/{other_practice.slug}/")
    if "?" not in url and name in {"schedule_day", "schedule_week"}:
        url += f"?provider={objects['provider'].pk}"
    response = getattr(client, method)(url)
    if name in {"schedule_availability", "schedule_visit_types", "schedule_visit_type_new", "schedule_policy"}:
        assert response.status_code == 200  # lists of their own practice: nothing of ours on it
        assert objects["provider"].last_name not in response.content.decode()
    else:
        assert response.status_code == 404


def test_it_sends_signed_out_visitors_to_sign_in(client, practice):
    response = client.get(reverse("scheduling:schedule_day", args=[practice.slug]))
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]


def test_it_answers_404_to_ids_no_row_can_have(client, practice, owner, provider):
    client.force_login(owner)
    day = reverse("scheduling:schedule_day", args=[practice.slug])
    assert client.get(day, {"provider": str(2**70)}).status_code == 404
    assert client.get(day, {"provider": "abc"}).status_code == 404
    assert client.get(day, {"location": "-3"}).status_code == 404
    big = reverse("scheduling:schedule_provider", args=[practice.slug, 2**70])
    assert client.get(big).status_code == 404


def test_it_refuses_front_desk_removing_an_extra_clinic(client, practice, provider, location, front_desk):
    extra = AvailabilityException.objects.create(
        practice=practice,
        provider=provider,
        location=location,
        day=date(2030, 1, 12),
        starts_at=time(9),
        ends_at=time(12),
        kind=ExceptionKind.EXTRA,
    )
    client.force_login(front_desk)
    url = reverse("scheduling:schedule_exception_delete", args=[practice.slug, provider.pk, extra.pk])
    assert client.post(url).status_code == 403
    assert AvailabilityException.objects.filter(pk=extra.pk).exists()
