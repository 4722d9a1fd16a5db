"""An owner resets a staff member's two-factor sign-in (a lost phone): removed, audited, the person told; refused
for the owner's own account, for someone who also works elsewhere, and for anyone who is not this practice's owner."""

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from practices.models import Membership, Role


def _url(practice, membership):
    return reverse("practices:staff_reset_two_factor", args=[practice.slug, membership.pk])


def _edit(practice, membership):
    return reverse("practices:staff_edit", args=[practice.slug, membership.pk])


@pytest.fixture
def with_phone(practice, make_staff):
    user = make_staff(practice, Role.FRONT_DESK)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return Membership.objects.get(practice=practice, user=user)


def test_the_owner_resets_a_lost_authenticator_and_the_person_is_told(
    client, practice, owner, with_phone, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    assert "Reset two-factor sign-in" in client.get(_edit(practice, with_phone)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(practice, with_phone), follow=True)
    assert "authenticator was removed" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=with_phone.user).exists()
    entry = AuditEntry.objects.get(summary="two-factor sign-in reset")
    assert entry.actor_user == owner and entry.practice == practice
    [notice] = mail.outbox
    assert notice.to == [with_phone.user.email] and "set up a new one" in notice.body
    assert "Reset two-factor sign-in" not in client.get(_edit(practice, with_phone)).content.decode()


def test_a_second_reset_changes_nothing_and_sends_nothing(
    client, practice, owner, with_phone, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(practice, with_phone))
        response = client.post(_url(practice, with_phone), follow=True)
    assert "had no authenticator set up; nothing changed" in response.content.decode()
    assert len(mail.outbox) == 1


def test_the_owner_cannot_reset_their_own_here(client, practice, owner):
    client.force_login(owner)
    own = Membership.objects.get(practice=practice, user=owner)
    assert "Reset two-factor sign-in" not in client.get(_edit(practice, own)).content.decode()
    response = client.post(_url(practice, own), follow=True)
    assert "use your two-factor page" in response.content.decode()
    assert not AuditEntry.objects.filter(summary__startswith="two-factor").exists()


def test_someone_who_also_works_elsewhere_is_not_reset(client, practice, other_practice, owner, with_phone):
    Membership.objects.create(practice=other_practice, user=with_phone.user, role=Role.FRONT_DESK)
    client.force_login(owner)
    response = client.post(_url(practice, with_phone), follow=True)
    assert "also works at another practice" in response.content.decode()
    assert TOTPDevice.objects.filter(user=with_phone.user).exists()
    assert not AuditEntry.objects.filter(summary__startswith="two-factor").exists()


def test_only_this_practices_owner_may_reset(client, practice, other_practice, make_staff, with_phone):
    stranger = make_staff(other_practice, Role.OWNER)
    client.force_login(stranger)
    assert (
        client.post(reverse("practices:staff_reset_two_factor", args=[practice.slug, with_phone.pk])).status_code == 404
    )
    assert client.post(_url(other_practice, with_phone)).status_code == 404  # not a member of the stranger's practice
    lead = make_staff(practice, Role.EXPERIENCE_LEAD)
    client.force_login(lead)
    assert client.post(_url(practice, with_phone)).status_code == 403
    client.logout()
    assert client.post(_url(practice, with_phone)).status_code == 302  # to sign in
    assert client.get(_url(practice, with_phone)).status_code in (302, 405)
    assert TOTPDevice.objects.filter(user=with_phone.user).exists()
