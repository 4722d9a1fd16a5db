"""Patient forms refuse bad input with a field message, a 200 page, and no write; in English and Spanish."""

from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import Action, AuditEntry
from patients import services
from patients.models import Patient, PatientSignInLink

LANGUAGES = ["en", "es"]

VALID = {
    "first_name": "Rosalind",
    "last_name": "Achterberg",
    "date_of_birth": "1979-11-02",
    "phone": "(512) 555-0177",
    "email": "rosalind@example.com",
    "preferred_language": "en",
}
IN_TWO_DAYS = (date.today() + timedelta(days=2)).isoformat()

BAD_PATIENTS = {
    "future date of birth": ({"date_of_birth": IN_TWO_DAYS}, "date_of_birth"),
    "date of birth before 1900": ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
    "not a date": ({"date_of_birth": "31/31/1980"}, "date_of_birth"),
    "letters in the phone": ({"phone": "call me maybe"}, "phone"),
    "too few digits": ({"phone": "555-01"}, "phone"),
    "too many digits": ({"phone": "+1 512 555 0177 0000 99"}, "phone"),
    "bad email": ({"email": "rosalind@"}, "email"),
    "email consent without email": ({"email": "", "email_consent": "on"}, "email_consent"),
    "sms consent without phone": ({"phone": "", "sms_consent": "on"}, "sms_consent"),
    "unknown language": ({"preferred_language": "fr"}, "preferred_language"),
    "self-pay with insurance details": (
        {"coverage": "self_pay", "insurance_carrier": "Aetna", "insurance_member_id": "W123"},
        "coverage",
    ),
    "unknown coverage": ({"coverage": "barter"}, "coverage"),
    "unknown referral source": ({"referral_source": "billboard"}, "referral_source"),
    "missing name": ({"first_name": ""}, "first_name"),
}


def assert_refused(response, field, language):
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'class="errors"' in html or 'class="form-errors"' in html


def patient_row(pk: int) -> Mapping[str, object]:
    return Patient.objects.filter(pk=pk).values().get()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", BAD_PATIENTS)
def test_it_refuses_a_bad_new_patient(client, practice, front_desk, case, language):
    change, field = BAD_PATIENTS[case]
    client.force_login(front_desk)
    response = client.post(
        reverse("patients:staff_create", args=[practice.slug]), {**VALID, **change}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert_refused(response, field, language)
    assert not Patient.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", BAD_PATIENTS)
def test_it_refuses_a_bad_patient_edit(client, practice, owner, patient, case, language):
    change, field = BAD_PATIENTS[case]
    before = patient_row(patient.pk)
    client.force_login(owner)
    client.cookies["django_language"] = language
    response = client.post(reverse("patients:staff_edit", args=[practice.slug, patient.pk]), {**VALID, **change})
    assert_refused(response, field, language)
    assert patient_row(patient.pk) == before
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


BAD_CONTACTS = {
    "bad email": ({"email": "not an email"}, "email"),
    "bad phone": ({"phone": "12-ab"}, "phone"),
    "email consent without email": ({"email": "", "email_consent": "on"}, "email_consent"),
    "sms consent without phone": ({"phone": "", "sms_consent": "on"}, "sms_consent"),
    "unknown language": ({"preferred_language": "xx"}, "preferred_language"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", BAD_CONTACTS)
def test_it_refuses_bad_portal_details(client, practice, patient, case, language):
    change, field = BAD_CONTACTS[case]
    token = services.issue_sign_in_link(patient=patient)
    client.post(reverse("patients:sign_in_confirm", args=[practice.slug, token]))
    before = patient_row(patient.pk)
    client.cookies["django_language"] = language
    data = {"phone": patient.phone, "email": patient.email, "preferred_language": "en", **change}
    response = client.post(reverse("patients:portal_edit", args=[practice.slug]), data)
    assert_refused(response, field, language)
    assert patient_row(patient.pk) == before
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


def test_it_saves_good_portal_details_but_never_the_name(client, practice, patient):
    token = services.issue_sign_in_link(patient=patient)
    client.post(reverse("patients:sign_in_confirm", args=[practice.slug, token]))
    response = client.post(
        reverse("patients:portal_edit", args=[practice.slug]),
        {
            "phone": "(737) 555-0100",
            "email": "new@example.com",
            "preferred_language": "es",
            "sms_consent": "on",
            "first_name": "Hacker",
            "date_of_birth": "2000-01-01",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.phone, patient.email, patient.preferred_language, patient.sms_consent) == (
        "(737) 555-0100",
        "new@example.com",
        "es",
        True,
    )
    assert patient.first_name == "Ana"
    assert patient.date_of_birth == date(1985, 4, 12)
    entry = AuditEntry.objects.get(action=Action.UPDATE)
    assert entry.actor_patient == patient
    assert entry.actor_user is None


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("email", ["not-an-email", "", "a@b@c.com", "ana@exa mple.com", "x" * 400 + "@example.com"])
def test_it_refuses_a_bad_sign_in_email(client, practice, patient, email, language, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("patients:sign_in", args=[practice.slug]), {"email": email}, HTTP_ACCEPT_LANGUAGE=language
        )
    assert_refused(response, "email", language)
    assert mail.outbox == []
    assert not PatientSignInLink.objects.exists()
