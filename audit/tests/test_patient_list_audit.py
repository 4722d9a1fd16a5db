from django.urls import reverse

from audit.models import Action, AuditEntry


def test_it_audits_a_page_of_patient_names_without_the_search_words(practice, owner, make_patient, staff_client):
    make_patient(practice, first_name="Rosa", last_name="Delgado")
    client = staff_client(owner)

    response = client.get(reverse("patients:staff_list", args=[practice.slug]), {"q": "Delgado"})

    assert response.status_code == 200
    assert "Delgado" in response.content.decode()
    entry = AuditEntry.objects.get(practice=practice, action=Action.VIEW, object_type="patients.patient")
    assert entry.actor_user == owner
    assert entry.object_id == ""
    assert entry.summary == "patient list, page 1, 1 shown"
    assert "Delgado" not in entry.summary + entry.path + str(entry.changes)
