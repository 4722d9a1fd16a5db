"""Pages with patient data are never cached (issue 11, item 10): every staff page and every patient
page answers ``Cache-Control: private, no-store`` (core.middleware.PrivatePagesMiddleware), whatever
its status; a page that chose its own caching (the booking widget's script) keeps it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from frontdesk import checkin_links
from messaging import answer_links
from scheduling import manage_links
from tests.factories import make_appointment

PRIVATE = {"private", "no-store"}


def _directives(response) -> set[str]:
    """The Cache-Control directives (Django's own never_cache adds no-cache, must-revalidate, max-age=0)."""
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def booked(practice, patient, provider, location, visit_type):
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    return make_appointment(patient, provider, location, visit_type, start=start)


def _signed_in_patient(client, patient):
    session = client.session
    session["patient_id"] = patient.pk
    session["patient_practice_id"] = patient.practice_id
    session.save()
    return client


def test_the_staff_patient_page_is_private(client, owner, practice, patient):
    client.force_login(owner)
    response = client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk]))
    assert response.status_code == 200
    assert _directives(response) >= PRIVATE


def test_the_patient_portal_is_private(client, practice, patient):
    response = _signed_in_patient(client, patient).get(reverse("patients:portal", args=[practice.slug]))
    assert response.status_code == 200
    assert patient.first_name in response.content.decode()
    assert _directives(response) >= PRIVATE


def test_the_manage_and_booking_confirmation_pages_are_private(client, practice, booked):
    token = manage_links.token_for(booked)
    for name in ("scheduling:manage", "scheduling:book_confirmed"):
        response = client.get(reverse(name, kwargs={"practice_slug": practice.slug, "token": token}))
        assert response.status_code == 200, name
        assert _directives(response) >= PRIVATE, name


def test_the_visit_reminder_answer_and_survey_pages_are_private(client, practice, booked):
    visit = checkin_links.visit_path(booked)
    assert _directives(client.get(visit)) >= PRIVATE
    assert _directives(client.get(answer_links.answer_path(booked))) >= PRIVATE
    survey = reverse("feedback:survey", kwargs={"practice_slug": practice.slug, "token": "not-a-token"})
    response = client.get(survey)
    assert response.status_code == 404
    assert _directives(response) >= PRIVATE


def test_the_staff_sign_in_and_two_factor_pages_are_private(client, owner):
    assert _directives(client.get(reverse("accounts:login"))) >= PRIVATE
    client.force_login(owner)
    assert _directives(client.get(reverse("accounts:otp_setup"))) >= PRIVATE


def test_a_page_that_chose_its_own_caching_keeps_it(client, practice):
    response = client.get(reverse("scheduling:book_widget", kwargs={"practice_slug": practice.slug}))
    assert response["Cache-Control"] == "public, max-age=3600"


# --- every staff page ----------------------------------------------------------------------------


def _staff_patterns(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _staff_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and str(entry.pattern).startswith("staff/"):
            yield f"{namespace}{entry.name}", sorted(getattr(entry.pattern, "converters", {}))


def test_every_staff_page_is_private(client, owner, practice, patient, provider, location, booked):
    client.force_login(owner)
    values = {
        "practice_slug": practice.slug,
        "pk": booked.pk,
        "patient_id": patient.pk,
        "provider_id": provider.pk,
        "provider_pk": provider.pk,
        "kind": "confirmation",
        "channel": "sms",
        "language": "en",
        "side": "front",
    }
    # Ids of the right kind where the page is about a patient, a provider or a location.
    by_name = {
        "patients:staff_detail": {"pk": patient.pk},
        "patients:staff_edit": {"pk": patient.pk},
        "practices:provider_edit": {"pk": provider.pk},
        "practices:location_edit": {"pk": location.pk},
    }
    checked = []
    for name, params in _staff_patterns(get_resolver().url_patterns):
        kwargs = {param: by_name.get(name, {}).get(param, values[param]) for param in params}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert _directives(response) >= PRIVATE, f"{name} ({url}, {response.status_code})"
        checked.append((name, response.status_code))
    assert len(checked) > 80
    assert sum(1 for _name, status in checked if status == 200) > 40, checked
