"""The link that confirms a returning patient's online booking: signed, ids only, expiring, used once.

It goes only to the contact details on file for the patient the booking pages matched (never to what
was typed), so a stranger who knows someone's name, birthday and phone cannot book in their name or
learn that they are a patient. The token carries the ``BookingConfirmation`` id and the patient id,
signed with the secret key. The confirmation's ``expires_at`` (``services.online_booking.CONFIRM_MINUTES``
after the request) ends the time to confirm; once followed, the link shows the booking it made (never
books twice) until ``MAX_AGE``, after which it only says it has expired.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

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


def payload(token: str) -> dict | None:
    """What a genuine token carries (whatever its age); None if forged."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def confirmation_for_token(practice, token: str) -> BookingConfirmation | None:
    """The confirmation the token names, in this practice and for that patient; None if forged or foreign.

    Raises ``LinkExpired`` for a genuine link older than ``MAX_AGE``.
    """
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        old = payload(token) or {}
        if BookingConfirmation.objects.filter(practice=practice, pk=old.get("c"), patient_id=old.get("p")).exists():
            raise LinkExpired from None
        return None
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    return (
        BookingConfirmation.objects.select_related("practice", "patient", "provider", "location", "visit_type")
        .filter(practice=practice, pk=value.get("c"), patient_id=value.get("p"))
        .first()
    )
