"""Owners manage their practice: details, locations with opening hours, providers and the team."""

import io
import re
from datetime import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from practices.models import Location, Membership, OpeningHours, Provider, Role

User = get_user_model()


def png(size=(40, 40), name="portrait.png", **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 90)).save(buffer, "PNG", **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def location_data(name="Northside", hours=(), **fields) -> dict:
    data = {
        "name": name,
        "address_line1": "9 North Loop",
        "address_line2": "Suite 200",
        "city": "Austin",
        "region": "TX",
        "postal_code": "78751",
        "phone": "(512) 555-0150",
        "timezone": "America/Chicago",
        "is_active": "on",
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "21",
        **fields,
    }
    for i, (weekday, opens, closes) in enumerate(hours):
        data.update({f"hours-{i}-weekday": str(weekday), f"hours-{i}-opens": opens, f"hours-{i}-closes": closes})
    return data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_saves_the_practice_settings(client, practice, owner):
    client.force_login(owner)
    url = reverse("practices:settings", args=[practice.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "ClearSkin Dermatology",
            "timezone": "America/Denver",
            "phone": "(303) 555-0100",
            "email": "hello@clearskin.example",
            "website": "https://clearskin.example",
            "about": "Skin care for the whole family.",
            "services": "Acne care\nSkin checks\n\nMohs surgery",
        },
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.name == "ClearSkin Dermatology"
    assert practice.slug == "clearskin-test"
    assert practice.timezone == "America/Denver"
    assert practice.website == "https://clearskin.example"
    assert practice.service_list == ["Acne care", "Skin checks", "Mohs surgery"]
    assert practice.require_two_factor is False


def test_it_adds_a_location_with_a_lunch_break(client, practice, owner):
    client.force_login(owner)
    url = reverse("practices:location_new", args=[practice.slug])
    assert client.get(url).status_code == 200
    monday, friday = 0, 4
    response = client.post(
        url, location_data(hours=[(monday, "08:00", "12:00"), (monday, "13:00", "17:30"), (friday, "09:00", "13:00")])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:locations", args=[practice.slug])
    location = Location.objects.get(name="Northside")
    assert location.practice == practice
    hours = list(location.hours.values_list("practice_id", "weekday", "opens", "closes"))
    assert hours == [
        (practice.pk, monday, time(8), time(12)),
        (practice.pk, monday, time(13), time(17, 30)),
        (practice.pk, friday, time(9), time(13)),
    ]
    listing = client.get(reverse("practices:locations", args=[practice.slug]))
    assert "Northside" in listing.content.decode()


def test_it_edits_a_locations_hours(client, practice, owner, location):
    monday = OpeningHours.objects.create(
        practice=practice, location=location, weekday=0, opens=time(8), closes=time(17)
    )
    client.force_login(owner)
    url = reverse("practices:location_edit", args=[practice.slug, location.pk])
    data = location_data(name=location.name)
    data.update(
        {
            "hours-TOTAL_FORMS": "2",
            "hours-INITIAL_FORMS": "1",
            "hours-0-id": str(monday.pk),
            "hours-0-location": str(location.pk),
            "hours-0-weekday": "0",
            "hours-0-opens": "08:00",
            "hours-0-closes": "17:00",
            "hours-0-DELETE": "on",
            "hours-1-weekday": "1",
            "hours-1-opens": "10:00",
            "hours-1-closes": "16:00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(location.hours.values_list("weekday", "opens", "closes")) == [(1, time(10), time(16))]


def test_it_adds_a_provider_at_the_practices_own_locations(client, practice, owner, location, media):
    second = Location.objects.create(
        practice=practice, name="Westlake", address_line1="2 W", city="Austin", region="TX", postal_code="78746"
    )
    client.force_login(owner)
    url = reverse("practices:provider_new", args=[practice.slug])
    page = client.get(url)
    assert set(page.context["form"].fields["locations"].queryset) == {location, second}
    response = client.post(
        url,
        {
            "first_name": "Priya",
            "last_name": "Natarajan",
            "credentials": "DO",
            "bio": "Mohs surgeon.",
            "languages": "English, Tamil",
            "locations": [location.pk],
            "is_active": "on",
            "photo": png(),
        },
    )
    assert response.status_code == 302
    provider = Provider.objects.get(last_name="Natarajan")
    assert provider.practice == practice
    assert list(provider.locations.all()) == [location]
    assert provider.language_list == ["English", "Tamil"]
    assert provider.photo.name.startswith("providers/")
    assert (media / provider.photo.name).exists()


def test_it_refuses_another_practices_location_for_a_provider(client, practice, other_practice, owner, location):
    foreign = Location.objects.create(
        practice=other_practice, name="Elsewhere", address_line1="1 E", city="Dallas", region="TX", postal_code="75201"
    )
    client.force_login(owner)
    for url in (
        reverse("practices:provider_new", args=[practice.slug]),
        reverse(
            "practices:provider_edit",
            args=[practice.slug, Provider.objects.create(practice=practice, first_name="Hal", last_name="Ito").pk],
        ),
    ):
        response = client.post(url, {"first_name": "Priya", "last_name": "Natarajan", "locations": [foreign.pk]})
        assert response.status_code == 200
        assert "locations" in response.context["form"].errors
    assert not Provider.objects.filter(last_name="Natarajan").exists()
    assert not foreign.providers.exists()
    # Mixed in with one of its own, still refused.
    response = client.post(
        reverse("practices:provider_new", args=[practice.slug]),
        {"first_name": "Priya", "last_name": "Natarajan", "locations": [location.pk, foreign.pk]},
    )
    assert response.status_code == 200
    assert not Provider.objects.filter(last_name="Natarajan").exists()


def test_it_adds_a_new_team_member_and_invites_them(client, practice, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:staff", args=[practice.slug]),
            {"full_name": "Dana Whitfield", "email": "Dana.Whitfield@Example.com", "role": Role.FRONT_DESK},
        )
    assert response.status_code == 302
    user = User.objects.get(email="dana.whitfield@example.com")
    assert user.full_name == "Dana Whitfield"
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.FRONT_DESK
    assert Membership.objects.get(user=user).practice == practice

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana.whitfield@example.com"]
    assert practice.name in message.subject
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1
    assert links[0].startswith(settings.SITE_URL + "/accounts/password/reset/")

    # The link lets the new person choose a password, then sign in.
    invitee = client.__class__()
    page = invitee.get(links[0][len(settings.SITE_URL) :], follow=True)
    assert page.status_code == 200
    assert page.context["validlink"] is True
    new_password = "a-long-new-passphrase-42"
    done = invitee.post(page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert user.password.startswith("argon2")


def test_it_adds_an_existing_user_without_a_new_account(
    client, practice, other_practice, owner, make_staff, django_capture_on_commit_callbacks
):
    elsewhere = make_staff(other_practice, Role.CLINICIAN, email="roamer@example.com")
    elsewhere.set_password("roamer-chose-a-password")  # staff here have none by default
    elsewhere.save()
    password_before = elsewhere.password
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:staff", args=[practice.slug]),
            {"full_name": "Someone Else", "email": "ROAMER@example.com", "role": Role.BILLING},
        )
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="roamer@example.com").count() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.password == password_before
    assert elsewhere.full_name == "Sam Staff"
    assert Membership.objects.get(user=elsewhere, practice=practice).role == Role.BILLING
    assert Membership.objects.get(user=elsewhere, practice=other_practice).role == Role.CLINICIAN
    assert len(mail.outbox) == 1
    assert settings.SITE_URL + reverse("accounts:login") in mail.outbox[0].body


def test_it_sends_a_choose_password_link_to_someone_who_never_chose_one(
    client, practice, other_practice, owner, make_staff, django_capture_on_commit_callbacks
):
    """Invited to one practice, never chose a password, then added to a second practice."""
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("practices:staff", args=[practice.slug]),
            {"full_name": "Dana Whitfield", "email": "dana@example.com", "role": Role.FRONT_DESK},
        )
    other_owner = make_staff(other_practice, Role.OWNER)
    client.force_login(other_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:staff", args=[other_practice.slug]),
            {"full_name": "Dana Whitfield", "email": "dana@example.com", "role": Role.BILLING},
        )
    assert response.status_code == 302
    assert User.objects.filter(email="dana@example.com").count() == 1
    assert len(mail.outbox) == 2
    second = mail.outbox[1]
    assert other_practice.name in second.subject
    links = re.findall(r"https?://\S+", second.body)
    assert len(links) == 1
    assert links[0].startswith(settings.SITE_URL + "/accounts/password/reset/")
    page = client.__class__().get(links[0][len(settings.SITE_URL) :], follow=True)
    assert page.context["validlink"] is True


def test_it_sends_the_invitation_again_when_the_first_link_expired(
    client, practice, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("practices:staff", args=[practice.slug]),
            {"full_name": "Dana Whitfield", "email": "dana@example.com", "role": Role.FRONT_DESK},
        )
    membership = Membership.objects.get(practice=practice, user__email="dana@example.com")
    edit_page = client.get(reverse("practices:staff_edit", args=[practice.slug, membership.pk]))
    assert "Send the invitation again" in edit_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practices:staff_invite", args=[practice.slug, membership.pk]))

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    links = re.findall(r"https?://\S+", mail.outbox[1].body)
    assert links[0].startswith(settings.SITE_URL + "/accounts/password/reset/")
    page = client.__class__().get(links[0][len(settings.SITE_URL) :], follow=True)
    assert page.context["validlink"] is True


def test_it_offers_no_new_invitation_to_someone_with_a_password(client, practice, owner, front_desk):
    client.force_login(owner)
    membership = Membership.objects.get(practice=practice, user=front_desk)
    page = client.get(reverse("practices:staff_edit", args=[practice.slug, membership.pk]))
    assert page.status_code == 200
    assert "Send the invitation again" not in page.content.decode()


def test_it_changes_a_role(client, practice, owner, front_desk):
    membership = Membership.objects.get(user=front_desk)
    client.force_login(owner)
    url = reverse("practices:staff_edit", args=[practice.slug, membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": Role.EXPERIENCE_LEAD, "is_active": "on"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == (Role.EXPERIENCE_LEAD, True)
    # Removing someone from the team ends their access.
    client.post(url, {"role": Role.EXPERIENCE_LEAD})
    membership.refresh_from_db()
    assert membership.is_active is False
    client.force_login(front_desk)
    assert client.get(reverse("practices:dashboard", args=[practice.slug])).status_code == 404


def test_it_lets_an_owner_step_down_when_another_owner_remains(client, practice, owner, make_staff):
    make_staff(practice, Role.OWNER)
    membership = Membership.objects.get(user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("practices:staff_edit", args=[practice.slug, membership.pk]), {"role": Role.BILLING, "is_active": "on"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.BILLING


def test_it_lets_a_member_of_two_practices_use_both(client, practice, other_practice, make_staff):
    user = make_staff(practice, Role.OWNER)
    Membership.objects.create(practice=other_practice, user=user, role=Role.FRONT_DESK)
    client.force_login(user)

    choose = client.get(reverse("practices:home"))
    assert choose.status_code == 200
    assert {m.practice for m in choose.context["memberships"]} == {practice, other_practice}

    a = client.get(reverse("practices:dashboard", args=[practice.slug]))
    assert a.status_code == 200
    html = a.content.decode()
    switch_to_b = reverse("practices:dashboard", args=[other_practice.slug])
    assert f'href="{switch_to_b}"' in html
    assert other_practice.name in html
    assert f'href="{reverse("practices:dashboard", args=[practice.slug])}">Switch' not in html

    b = client.get(switch_to_b)
    assert b.status_code == 200
    assert b.context["request"].membership.role == Role.FRONT_DESK
    assert f'href="{reverse("practices:dashboard", args=[practice.slug])}"' in b.content.decode()
    # The front-desk role at B is what counts at B, whatever the role at A.
    assert client.get(reverse("practices:settings", args=[other_practice.slug])).status_code == 403
    assert client.get(reverse("practices:settings", args=[practice.slug])).status_code == 200

    # Home now remembers the last practice used.
    response = client.get(reverse("practices:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:dashboard", args=[practice.slug])


def test_it_does_not_offer_a_removed_practice_in_the_switcher(client, practice, other_practice, make_staff):
    user = make_staff(practice, Role.OWNER)
    Membership.objects.create(practice=other_practice, user=user, role=Role.FRONT_DESK, is_active=False)
    client.force_login(user)
    html = client.get(reverse("practices:dashboard", args=[practice.slug])).content.decode()
    assert reverse("practices:dashboard", args=[other_practice.slug]) not in html
    response = client.get(reverse("practices:home"))
    assert response["Location"] == reverse("practices:dashboard", args=[practice.slug])
