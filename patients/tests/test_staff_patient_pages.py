"""Staff patient pages: find, open, add and edit patients of the practice."""

from datetime import date

from django.urls import reverse

from audit.models import Action, AuditEntry
from patients.models import Patient
from practices.models import Role

NEW_PATIENT = {
    "first_name": "Rosalind",
    "last_name": "Achterberg",
    "date_of_birth": "1979-11-02",
    "phone": "+1 512-555-0177",
    "email": "rosalind@example.com",
    "preferred_language": "es",
    "email_consent": "on",
    "sms_consent": "on",
}


def listed(response) -> set[int]:
    return {p.pk for p in response.context["page"].object_list}


def test_it_lists_and_searches_only_the_practices_patients(client, practice, other_practice, make_staff, make_patient):
    user = make_staff(practice, Role.CLINICIAN)
    ana = make_patient(practice, first_name="Ana", last_name="Quintero", email="ana.q@example.com", phone="5125550101")
    bo = make_patient(practice, first_name="Bo", last_name="Quist", email="bo@example.com", phone="7375550102")
    make_patient(other_practice, first_name="Ana", last_name="Quintero", email="ana.q@example.com")
    client.force_login(user)
    url = reverse("patients:staff_list", args=[practice.slug])

    assert listed(client.get(url)) == {ana.pk, bo.pk}
    assert listed(client.get(url, {"q": "qu"})) == {ana.pk, bo.pk}
    assert listed(client.get(url, {"q": "ana quin"})) == {ana.pk}
    assert listed(client.get(url, {"q": "bo@"})) == {bo.pk}
    assert listed(client.get(url, {"q": "737"})) == {bo.pk}
    assert listed(client.get(url, {"q": "zzz"})) == set()

    partial = client.get(url, {"q": "ana"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert [t.name for t in partial.templates][0] == "patients/staff/_results.html"
    assert "<html" not in partial.content.decode()


def test_it_survives_odd_search_and_page_input(client, practice, owner, patient):
    client.force_login(owner)
    url = reverse("patients:staff_list", args=[practice.slug])
    odd = ({"q": "%_'\"<script>"}, {"q": "x" * 500}, {"q": "Riv\x00era"}, {"page": "abc"}, {"page": "9" * 30})
    for params in odd:
        response = client.get(url, params)
        assert response.status_code == 200, params
        assert "<script>" not in response.content.decode().split("<main", 1)[1], params
    # A NUL character (PostgreSQL refuses it in text) is dropped, not a crash.
    assert listed(client.get(url, {"q": "Riv\x00era"})) == {patient.pk}


def test_it_shows_a_patient_record(client, practice, owner, patient):
    client.force_login(owner)
    response = client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert patient.full_name in html
    assert patient.email in html
    assert reverse("patients:staff_edit", args=[practice.slug, patient.pk]) in html


def test_it_hides_the_edit_button_from_roles_that_cannot_edit(client, practice, make_staff, patient):
    client.force_login(make_staff(practice, Role.CLINICIAN))
    html = client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).content.decode()
    assert reverse("patients:staff_edit", args=[practice.slug, patient.pk]) not in html


def test_it_adds_a_patient_and_audits_it(client, practice, front_desk):
    client.force_login(front_desk)
    response = client.post(reverse("patients:staff_create", args=[practice.slug]), NEW_PATIENT)
    created = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:staff_detail", args=[practice.slug, created.pk])
    assert created.practice == practice
    assert (created.first_name, created.last_name, created.date_of_birth) == (
        "Rosalind",
        "Achterberg",
        date(1979, 11, 2),
    )
    assert (created.preferred_language, created.email_consent, created.sms_consent) == ("es", True, True)
    entry = AuditEntry.objects.get(action=Action.CREATE)
    assert entry.actor_user == front_desk
    assert entry.patient == created
    assert "Achterberg" not in str(entry.changes)


def test_it_edits_a_patient(client, practice, owner, patient):
    client.force_login(owner)
    url = reverse("patients:staff_edit", args=[practice.slug, patient.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["last_name"] == patient.last_name
    response = client.post(url, {**NEW_PATIENT, "first_name": patient.first_name})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.last_name == "Achterberg"
    assert patient.practice == practice
    entry = AuditEntry.objects.get(action=Action.UPDATE)
    assert "first_name" not in entry.changes
    assert "last_name" in entry.changes
