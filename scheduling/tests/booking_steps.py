"""Steps through the patient's booking pages for the scheduling tests (no tests here): the address of a
step, choosing a time (the hold), the details form's idempotency key, and a new patient's details.
The fixtures these tests share (``frozen``, ``online``) are in conftest.py."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse

from practices.models import Location, Practice, Provider
from scheduling.models import VisitType
from scheduling.slot_display import slot_value

if TYPE_CHECKING:  # the test client's response type exists in django-stubs only
    from django.test.client import _MonkeyPatchedWSGIResponse as HttpResponse

NEW_PATIENT = {
    "first_name": "Maya",
    "last_name": "Lopez",
    "date_of_birth": "03/14/1990",
    "phone": "(512) 555-0111",
    "email": "maya@example.com",
    "coverage": "insurance",
    "insurance_carrier": "Blue Shield",
    "insurance_member_id": "XZ123",
    "referral_source": "friend",
}


def book_url(practice: Practice, **params: object) -> str:
    base = reverse("scheduling:book", kwargs={"practice_slug": practice.slug})
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base}?{query}" if query else base


def hold_post(
    client: Client,
    practice: Practice,
    visit_type: VisitType,
    provider: Provider,
    location: Location,
    start: datetime,
    *,
    prov: str = "any",
    kind: str = "new",
    day: str = "2030-01-08",
) -> HttpResponse:
    return client.post(
        reverse("scheduling:book_hold", kwargs={"practice_slug": practice.slug}),
        {
            "kind": kind,
            "vt": visit_type.pk,
            "loc": location.pk,
            "prov": prov,
            "day": day,
            "slot": slot_value(provider.pk, location.pk, start),
        },
    )


def details_key(client: Client, practice: Practice) -> str:
    page = client.get(reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}))
    assert page.status_code == 200
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode())
    assert found is not None
    return found.group(1)


def post_details(client: Client, practice: Practice, data: dict, capture) -> HttpResponse:
    with capture(execute=True):
        return client.post(reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}), data)
