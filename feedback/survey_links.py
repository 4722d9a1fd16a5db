"""The survey link in an invitation: /p/<practice>/s/<token>/, single use, no sign-in.

The token is 24 random bytes (``secrets.token_urlsafe``); only its SHA-256 is stored
(``Invitation.token_hash``), so a copy of the database opens no survey. A token finds its
invitation only under the practice in the URL. Whether the link still takes answers (completed,
expired) is ``link_state``'s answer, so the page can say why not.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice

from .models import Invitation, InvitationStatus

OPEN = "open"
COMPLETED = "completed"
EXPIRED = "expired"
TOKEN_MAX_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the link, hash to store in ``Invitation.token_hash``)."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def survey_path(practice_slug: str, token: str) -> str:
    return reverse("feedback:survey", kwargs={"practice_slug": practice_slug, "token": token})


def survey_url(practice_slug: str, token: str) -> str:
    """The absolute link an invitation message carries."""
    return settings.SITE_URL + survey_path(practice_slug, token)


def invitation_for_token(practice: Practice, token: str) -> Invitation | None:
    """The invitation the token opens in this practice; None if forged, foreign or never sent."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        Invitation.objects.select_related("practice", "patient", "version__survey", "appointment__provider")
        .filter(practice=practice, token_hash=token_hash(token))
        .exclude(status=InvitationStatus.SKIPPED)
        .first()
    )


def link_state(invitation: Invitation, *, now: datetime | None = None) -> str:
    """OPEN (takes answers), COMPLETED (answered already) or EXPIRED."""
    if invitation.status == InvitationStatus.COMPLETED or invitation.completed_at is not None:
        return COMPLETED
    if invitation.status == InvitationStatus.EXPIRED or invitation.expires_at <= (now or timezone.now()):
        return EXPIRED
    return OPEN
