"""What the patient's booking and manage pages (``views/booking.py``, ``views/manage.py``) share.

Rendering in the practice's time zone, an appointment's page context and links to parts of the
app that may not be there. Kept out of the view modules so that no view module imports another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .slot_display import practice_tz

if TYPE_CHECKING:
    from practices.models import Practice

    from .models import Appointment


def render_local(
    request: HttpRequest, practice: Practice, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render with the practice's time zone active, so dates and times show in practice time."""
    with timezone.override(practice_tz(practice)):
        return render(request, template, {"practice": practice, **context}, status=status)


def safe_reverse(name: str, **kwargs: str | int) -> str | None:
    """A URL that another part of the app provides, or None while it does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def appointment_context(appointment: Appointment, token: str) -> dict[str, Any]:
    """The context of a page about one booked appointment (the confirmation and the manage page)."""
    practice = appointment.practice
    location = appointment.location
    return {
        "appointment": appointment,
        "token": token,
        "local_start": timezone.localtime(appointment.start, practice_tz(practice)),
        "local_end": timezone.localtime(appointment.end, practice_tz(practice)),
        "directions_url": "https://www.openstreetmap.org/search?" + urlencode({"query": location.one_line_address}),
        "phone": location.phone or practice.phone,
        "manage_url": reverse("scheduling:manage", kwargs={"practice_slug": practice.slug, "token": token}),
        "calendar_url": reverse("scheduling:manage_calendar", kwargs={"practice_slug": practice.slug, "token": token}),
    }
