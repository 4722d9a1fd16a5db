"""Every write to practices, locations, providers and staff."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from accounts.models import User
from accounts.services import remove_totp_devices
from audit import services as audit
from audit.models import Action

from .models import Location, Membership, OpeningHours, Practice, Role


class LastOwnerError(Exception):
    """A practice must always keep at least one active owner."""


class TwoFactorResetRefused(Exception):
    """The owner may not reset this person's two-factor sign-in; the message says why."""


@transaction.atomic
def create_practice(*, owner: User, **fields: Any) -> Practice:
    practice = Practice(**fields)
    practice.full_clean()
    practice.save()
    Membership.objects.create(practice=practice, user=owner, role=Role.OWNER)
    return practice


@transaction.atomic
def save_form(*, form: forms.ModelForm[Any], practice: Practice) -> Any:
    """Save a practice-owned ModelForm, stamping the tenant on the way."""
    instance = form.save(commit=False)
    if hasattr(instance, "practice_id"):
        instance.practice = practice
    instance.save()
    form.save_m2m()
    return instance


@transaction.atomic
def save_location(
    *,
    form: forms.ModelForm[Location],
    hours_formset: forms.BaseInlineFormSet[OpeningHours, Location, Any],
    practice: Practice,
) -> Location:
    location: Location = save_form(form=form, practice=practice)
    hours_formset.instance = location
    for hours in hours_formset.save(commit=False):
        hours.practice = practice
        hours.location = location
        hours.save()
    for removed in hours_formset.deleted_objects:
        removed.delete()
    return location


@transaction.atomic
def add_staff_member(*, practice: Practice, email: str, full_name: str, role: str, invited_by: User) -> Membership:
    """Add a person to the practice; anyone without a password yet gets an email to choose one."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name.strip())
        user.set_unusable_password()
        user.save(update_fields=["password"])
    # Someone invited elsewhere who never chose a password cannot sign in (nor reset it): they
    # need the choose-a-password link, not the sign-in link.
    needs_password = not user.has_usable_password()
    membership, _ = Membership.objects.update_or_create(
        practice=practice, user=user, defaults={"role": role, "is_active": True}
    )
    transaction.on_commit(lambda: send_staff_invitation.enqueue(membership.pk, needs_password))
    return membership


def resend_invitation(*, membership: Membership) -> None:
    """Send the invitation again, e.g. when the choose-a-password link expired unused."""
    needs_password = not membership.user.has_usable_password()
    transaction.on_commit(lambda: send_staff_invitation.enqueue(membership.pk, needs_password))


@transaction.atomic
def change_role(*, membership: Membership, role: str, is_active: bool) -> Membership:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    losing_owner = locked.role == Role.OWNER and (role != Role.OWNER or not is_active)
    if (
        losing_owner
        and Membership.objects.filter(practice_id=locked.practice_id, role=Role.OWNER, is_active=True)
        .exclude(pk=locked.pk)
        .count()
        == 0
    ):
        raise LastOwnerError
    locked.role = role
    locked.is_active = is_active
    locked.save(update_fields=["role", "is_active"])
    return locked


@transaction.atomic
def reset_two_factor(*, membership: Membership, actor_user: User) -> bool:
    """Remove a staff member's authenticator (a lost or replaced phone): at their next sign-in they set up a new
    one, as a practice that requires two-factor asks. Audited, and the person is told by email.

    Refused for the owner's own account (their two-factor page does that, after proving who they are) and for
    someone who also works at another practice: the sign-in is shared, and that practice's owners did not agree.
    Returns whether there was an authenticator to remove.
    """
    user = membership.user
    if user.pk == actor_user.pk:
        raise TwoFactorResetRefused(gettext("To change your own authenticator, use your two-factor page."))
    if Membership.objects.filter(user=user).exclude(practice_id=membership.practice_id).exists():
        raise TwoFactorResetRefused(
            gettext(
                "%(name)s also works at another practice and signs in to both with the same authenticator, "
                "so it cannot be reset from here. Ask Touchpoints support."
            )
            % {"name": user.full_name}
        )
    removed = remove_totp_devices(user=user)
    audit.record(
        practice=membership.practice,
        action=Action.UPDATE,
        target=membership,
        actor_user=actor_user,
        summary="two-factor sign-in reset" if removed else "two-factor sign-in reset (none was set up)",
        changes={"two_factor": ["set up" if removed else "none", "reset"]},
    )
    if removed:
        transaction.on_commit(lambda: send_two_factor_reset_notice.enqueue(membership.pk))
    return removed


@task
def send_two_factor_reset_notice(membership_id: int) -> None:
    membership = Membership.objects.select_related("user", "practice").get(pk=membership_id)
    context = {"membership": membership, "link": settings.SITE_URL + reverse("accounts:login")}
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=gettext("Your two-factor sign-in for %(practice)s was reset")
            % {"practice": membership.practice.name},
            message=render_to_string("practices/email/two_factor_reset.txt", context),
            from_email=None,
            recipient_list=[membership.user.email],
        )


@task
def send_staff_invitation(membership_id: int, is_new_user: bool) -> None:
    membership = Membership.objects.select_related("user", "practice").get(pk=membership_id)
    user = membership.user
    if is_new_user:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])
    else:
        link = settings.SITE_URL + reverse("accounts:login")
    context = {"membership": membership, "link": link, "is_new_user": is_new_user}
    # Staff have no language preference yet: invitations go out in the site's default language,
    # whether the task runs in a worker or inline.
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=gettext("You have been added to %(practice)s on Touchpoints")
            % {"practice": membership.practice.name},
            message=render_to_string("practices/email/staff_invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
