"""The link that confirms a returning patient's online booking: signed, ids only, expiring, used once.

It goes only to the contact details on file for the patient the booking pages matched (never to what
was typed), so a stranger who knows someone's name, birthday and phone cannot book in their name or
learn that they are a patient. The token carries the ``BookingConfirmation`` id and the patient id,
signed with the secret key. The confirmation's ``expires_at`` (``services.online_booking.CONFIRM_MINUTES``
after the request) ends the time to confirm; once followed, the link shows the booking it made (never
books twice) until ``MAX_AGE``, after which it only says it has expired.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from practices.models import Practice

from .models import BookingConfirmation

SALT = "scheduling.booking-confirm"
MAX_AGE = timedelta(days=2)


class LinkExpired(Exception):
    """A genuine link older than ``MAX_AGE``."""


def token_for(confirmation: BookingConfirmation) -> str:
    return signing.dumps({"c": confirmation.pk, "p": confirmation.patient_id}, salt=SALT, compress=True)


def url_for(confirmation: BookingConfirmation) -> str:
    """The absolute link, built like the manage and sign-in links (``SITE_URL`` + path)."""
    path = reverse(
        "scheduling:book_confirm",
        kwargs={"practice_slug": confirmation.practice.slug, "token": token_for(confirmation)},
    )
    return settings.SITE_URL + path


def payload(token: str) -> dict[str, Any] | None:
    """What a genuine token carries (whatever its age); None if forged."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def _ids(value: dict[str, Any]) -> tuple[int, int] | None:
    """(confirmation id, patient id) from a token's payload (both ints when we signed it)."""
    confirmation_id, patient_id = value.get("c"), value.get("p")
    if not isinstance(confirmation_id, int) or not isinstance(patient_id, int):
        return None
    return confirmation_id, patient_id


def confirmation_for_token(practice: Practice, token: str) -> BookingConfirmation | None:
    """The confirmation the token names, in this practice and for that patient; None if forged or foreign.

    Raises ``LinkExpired`` for a genuine link older than ``MAX_AGE``.
    """
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        old = _ids(payload(token) or {})
        if old and BookingConfirmation.objects.filter(practice=practice, pk=old[0], patient_id=old[1]).exists():
            raise LinkExpired from None
        return None
    except signing.BadSignature:
        return None
    ids = _ids(value) if isinstance(value, dict) else None
    if ids is None:
        return None
    return (
        BookingConfirmation.objects.select_related("practice", "patient", "provider", "location", "visit_type")
        .filter(practice=practice, pk=ids[0], patient_id=ids[1])
        .first()
    )
