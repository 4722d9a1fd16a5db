"""Links used in messages about an appointment: the absolute manage link and the site's host name.

The emails themselves (confirmation, new time, cancellation, each with its calendar file) are sent
by messaging: ``services.booking._notify`` sends the ``signals.appointment_notice`` signal after
commit and messaging (``messaging/services/notices.py``) queues the outbox message (see
docs/messaging.md). Scheduling never imports messaging; messaging imports these helpers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from . import manage_links
from .models import Appointment


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "touchpoints"


def manage_url(appointment: Appointment) -> str:
    """The absolute manage link, built like the sign-in links (``SITE_URL`` + path)."""
    path = reverse(
        "scheduling:manage",
        kwargs={"practice_slug": appointment.practice.slug, "token": manage_links.token_for(appointment)},
    )
    return settings.SITE_URL + path
