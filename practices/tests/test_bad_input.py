"""Practice forms refuse bad input with a message, a 200 page and no write, in English and Spanish;
pages render in Spanish; and a crash shows the 500 page, never a traceback."""

import io
from datetime import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from practices import selectors
from practices.forms import MAX_PHOTO_BYTES
from practices.models import Location, Membership, OpeningHours, Practice, Provider, Role

User = get_user_model()
LANGUAGES = ["en", "es"]


def assert_refused(response, field, language, form_key="form"):
    assert response.status_code == 200
    form = response.context[form_key]
    errors = form.non_field_errors() if field == "__all__" else form.errors.get(field)
    assert errors, form.errors
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'class="errors"' in html or 'class="form-errors"' in html


def in_language(client, language):
    client.cookies["django_language"] = language
    return client


def rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


# --- Practice settings ------------------------------------------------------------------

BAD_SETTINGS = {
    "no name": ({"name": ""}, "name"),
    "unknown time zone": ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    "bad email": ({"email": "front desk"}, "email"),
    "bad website": ({"website": "not a url"}, "website"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", BAD_SETTINGS)
def test_it_refuses_bad_practice_settings(client, practice, owner, case, language):
    change, field = BAD_SETTINGS[case]
    before = rows(Practice)
    in_language(client, language).force_login(owner)
    data = {"name": "Renamed", "timezone": "America/Chicago", "require_two_factor": "on", **change}
    response = client.post(reverse("practices:settings", args=[practice.slug]), data)
    assert_refused(response, field, language)
    assert rows(Practice) == before


# --- Locations and opening hours --------------------------------------------------------


def location_data(**fields) -> dict:
    return {
        "name": "Northside",
        "address_line1": "9 North Loop",
        "city": "Austin",
        "region": "TX",
        "postal_code": "78751",
        "phone": "(512) 555-0150",
        "timezone": "America/Chicago",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "08:00",
        "hours-0-closes": "12:00",
        **fields,
    }


BAD_LOCATIONS = {
    "closes before opens": ({"hours-0-opens": "17:00", "hours-0-closes": "09:00"}, "hours", "__all__"),
    "closes when it opens": ({"hours-0-opens": "09:00", "hours-0-closes": "09:00"}, "hours", "__all__"),
    "not a time": ({"hours-0-opens": "nine"}, "hours", "opens"),
    "no such weekday": ({"hours-0-weekday": "7"}, "hours", "weekday"),
    "no street": ({"address_line1": ""}, "form", "address_line1"),
    "unknown time zone": ({"timezone": "Europe/Atlantis"}, "form", "timezone"),
    "duplicate name": ({"name": "downtown"}, "form", "name"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", BAD_LOCATIONS)
def test_it_refuses_a_bad_new_location(client, practice, owner, location, case, language):
    change, where, field = BAD_LOCATIONS[case]
    before = (rows(Location), rows(OpeningHours))
    in_language(client, language).force_login(owner)
    response = client.post(reverse("practices:location_new", args=[practice.slug]), location_data(**change))
    if where == "hours":
        assert response.status_code == 200
        hours_form = response.context["hours"].forms[0]
        errors = hours_form.non_field_errors() if field == "__all__" else hours_form.errors.get(field)
        assert errors, hours_form.errors
        assert f'<html lang="{language}">' in response.content.decode()
        assert str(errors[0]) in response.content.decode()
    else:
        assert_refused(response, field, language)
    assert (rows(Location), rows(OpeningHours)) == before


def test_it_refuses_bad_hours_when_editing_a_location(client, practice, owner, location):
    OpeningHours.objects.create(practice=practice, location=location, weekday=2, opens=time(9), closes=time(17))
    before = (rows(Location), rows(OpeningHours))
    client.force_login(owner)
    response = client.post(
        reverse("practices:location_edit", args=[practice.slug, location.pk]),
        location_data(name="Renamed", **{"hours-0-opens": "18:00", "hours-0-closes": "08:00"}),
    )
    assert response.status_code == 200
    assert response.context["hours"].forms[0].non_field_errors()
    assert (rows(Location), rows(OpeningHours)) == before


def test_it_refuses_too_many_opening_hours_rows(client, practice, owner):
    data = location_data(**{"hours-TOTAL_FORMS": "22"})
    for i in range(22):
        data.update({f"hours-{i}-weekday": str(i % 7), f"hours-{i}-opens": "08:00", f"hours-{i}-closes": "09:00"})
    client.force_login(owner)
    response = client.post(reverse("practices:location_new", args=[practice.slug]), data)
    assert response.status_code == 200
    assert response.context["hours"].non_form_errors()
    assert not Location.objects.exists()


def test_it_answers_a_missing_hours_management_form_without_crashing(client, practice, owner):
    data = {k: v for k, v in location_data().items() if not k.startswith("hours-")}
    client.force_login(owner)
    response = client.post(reverse("practices:location_new", args=[practice.slug]), data)
    assert response.status_code == 200
    assert response.context["hours"].non_form_errors()
    assert not Location.objects.exists()


# --- Providers ----------------------------------------------------------------------------


def big_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1024, 1024), (10, 20, 30)).save(buffer, "PNG", compress_level=0)
    content = buffer.getvalue()
    assert len(content) > MAX_PHOTO_BYTES
    return SimpleUploadedFile("big.png", content, content_type="image/png")


BAD_PROVIDERS = {
    "not an image": (lambda: {"photo": SimpleUploadedFile("cv.png", b"%PDF-1.4 not a picture", "image/png")}, "photo"),
    "photo over 2 MB": (lambda: {"photo": big_png()}, "photo"),
    "no last name": (lambda: {"last_name": ""}, "last_name"),
    "unknown location": (lambda: {"locations": ["999999"]}, "locations"),
    "location id out of range": (lambda: {"locations": ["99999999999999999999"]}, "locations"),
    "location id not a number": (lambda: {"locations": ["north"]}, "locations"),
    "bio too long": (lambda: {"bio": "x" * 1501}, "bio"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", BAD_PROVIDERS)
def test_it_refuses_a_bad_provider(client, practice, owner, provider, case, language, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_change, field = BAD_PROVIDERS[case]
    before = (rows(Provider), list(Provider.locations.through.objects.values_list("provider_id", "location_id")))
    in_language(client, language).force_login(owner)
    for url in (
        reverse("practices:provider_new", args=[practice.slug]),
        reverse("practices:provider_edit", args=[practice.slug, provider.pk]),
    ):
        data = {"first_name": "Priya", "last_name": "Natarajan", "is_active": "on", **make_change()}
        assert_refused(client.post(url, data), field, language)
    assert (
        rows(Provider),
        list(Provider.locations.through.objects.values_list("provider_id", "location_id")),
    ) == before
    assert not any(tmp_path.rglob("*.png"))


# --- Team ---------------------------------------------------------------------------------

BAD_MEMBERS = {
    "bad email": ({"email": "dana@@example"}, "email"),
    "no name": ({"full_name": ""}, "full_name"),
    "unknown role": ({"role": "superuser"}, "role"),
    "already on the team": ({"email": "OWNER"}, "email"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", BAD_MEMBERS)
def test_it_refuses_a_bad_team_member(client, practice, owner, case, language, django_capture_on_commit_callbacks):
    change, field = BAD_MEMBERS[case]
    if change.get("email") == "OWNER":
        change = {"email": owner.email.upper()}
    in_language(client, language).force_login(owner)
    before = (rows(User), rows(Membership))
    data = {"full_name": "Dana Whitfield", "email": "dana@example.com", "role": Role.BILLING, **change}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practices:staff", args=[practice.slug]), data)
    assert_refused(response, field, language)
    assert (rows(User), rows(Membership)) == before
    assert mail.outbox == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "data",
    [{"role": Role.FRONT_DESK, "is_active": "on"}, {"role": Role.OWNER}, {"role": Role.BILLING}],
    ids=["demoted", "deactivated", "both"],
)
def test_it_refuses_to_leave_a_practice_without_an_owner(client, practice, owner, data, language):
    membership = Membership.objects.get(user=owner)
    before = rows(Membership)
    in_language(client, language).force_login(owner)
    response = client.post(reverse("practices:staff_edit", args=[practice.slug, membership.pk]), data)
    assert_refused(response, "__all__", language)
    assert rows(Membership) == before
    # The owner still runs the practice.
    assert client.get(reverse("practices:settings", args=[practice.slug])).status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_refuses_an_unknown_role(client, practice, owner, front_desk, language):
    membership = Membership.objects.get(user=front_desk)
    before = rows(Membership)
    in_language(client, language).force_login(owner)
    response = client.post(
        reverse("practices:staff_edit", args=[practice.slug, membership.pk]), {"role": "root", "is_active": "on"}
    )
    assert_refused(response, "role", language)
    assert rows(Membership) == before


# --- Pages in Spanish ---------------------------------------------------------------------


def test_it_renders_pages_in_spanish(client, practice, owner, patient, location, provider):
    client.force_login(owner)
    urls = [
        reverse("practices:dashboard", args=[practice.slug]),
        reverse("practices:settings", args=[practice.slug]),
        reverse("practices:locations", args=[practice.slug]),
        reverse("practices:location_new", args=[practice.slug]),
        reverse("practices:location_edit", args=[practice.slug, location.pk]),
        reverse("practices:providers", args=[practice.slug]),
        reverse("practices:provider_new", args=[practice.slug]),
        reverse("practices:staff", args=[practice.slug]),
        reverse("patients:staff_list", args=[practice.slug]),
        reverse("patients:staff_create", args=[practice.slug]),
        reverse("patients:staff_detail", args=[practice.slug, patient.pk]),
        reverse("patients:staff_edit", args=[practice.slug, patient.pk]),
        reverse("audit:log", args=[practice.slug]),
        reverse("accounts:otp_setup"),
        reverse("practices:public", args=[practice.slug]),
        reverse("patients:sign_in", args=[practice.slug]),
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 200, url
        assert '<html lang="es">' in response.content.decode(), url
    anonymous = Client()
    response = anonymous.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in response.content.decode()
    # The language switcher's choice (the cookie) wins over the browser's.
    anonymous.cookies["django_language"] = "es"
    response = anonymous.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="es">' in response.content.decode()


# --- Errors ---------------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_the_500_page_without_a_traceback(monkeypatch, settings, db, practice, language):
    settings.DEBUG = False

    def explode(**kwargs):
        raise Boom("secret internals: SELECT * FROM patients_patient")

    monkeypatch.setattr(selectors, "practice_by_slug_or_404", explode)
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get(reverse("practices:public", args=[practice.slug]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "errors/500.html" in [t.name for t in response.templates]
    assert f'<html lang="{language}">' in html
    for leak in ("Traceback", "secret internals", "Boom", "patients_patient", "selectors.py"):
        assert leak not in html


def test_it_shows_the_404_and_403_pages(client, practice, front_desk, settings):
    settings.DEBUG = False
    client.force_login(front_desk)
    missing = client.get(reverse("practices:dashboard", args=["no-such-practice"]))
    assert missing.status_code == 404
    assert "errors/404.html" in [t.name for t in missing.templates]
    forbidden = client.get(reverse("practices:settings", args=[practice.slug]))
    assert forbidden.status_code == 403
    assert "errors/403.html" in [t.name for t in forbidden.templates]
