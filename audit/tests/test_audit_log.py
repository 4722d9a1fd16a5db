"""The audit trail: every open and change of a patient record, append-only, with where it came from.
(The owner's log page is practices' and tested in ``practices/tests/test_audit_log.py``.)"""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import Action, AuditEntry
from patients import services as patient_services


def test_it_records_who_opened_a_patient_record_and_from_where(client, practice, owner, patient):
    client.force_login(owner)
    response = client.get(
        reverse("patients:staff_detail", args=[practice.slug, patient.pk]),
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="AuditTest/1.0",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == Action.VIEW
    assert entry.practice == practice
    assert entry.actor_user == owner
    assert entry.actor_label == owner.email
    assert entry.patient == patient
    assert entry.object_type == "patients.patient"
    assert entry.object_id == str(patient.pk)
    assert entry.ip_address == "203.0.113.9"
    assert entry.user_agent == "AuditTest/1.0"
    assert entry.path == reverse("patients:staff_detail", args=[practice.slug, patient.pk])


def test_it_does_not_audit_a_refused_open(client, practice, other_practice, make_staff, patient):
    stranger = make_staff(other_practice)
    client.force_login(stranger)
    assert client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).status_code == 404
    assert not AuditEntry.objects.exists()


def test_it_records_an_edit_with_masked_changes(client, practice, owner, front_desk, make_patient):
    patient = make_patient(
        practice,
        first_name="Evangelina",
        last_name="Castellanos",
        email="evangelina.c@example.com",
        phone="(512) 555-0123",
    )
    old_dob = patient.date_of_birth.isoformat()
    client.force_login(front_desk)
    new = {
        "first_name": "Guadalupe",
        "last_name": "Montenegro",
        "date_of_birth": "1971-09-30",
        "phone": "(737) 555-0987",
        "email": "lupe.montenegro@example.com",
        "preferred_language": "es",
        "email_consent": "on",
    }
    response = client.post(reverse("patients:staff_edit", args=[practice.slug, patient.pk]), new)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.last_name == "Montenegro"

    entry = AuditEntry.objects.get(action=Action.UPDATE)
    assert entry.actor_user == front_desk
    assert entry.patient == patient
    assert set(entry.changes) == {
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "email",
        "preferred_language",
        "email_consent",
    }
    # Non-protected fields show their values; protected ones are masked.
    assert entry.changes["preferred_language"] == {"from": "en", "to": "es"}
    assert entry.changes["email_consent"] == {"from": False, "to": True}
    stored = json.dumps(entry.changes, ensure_ascii=False)
    raw_values = [
        "Evangelina",
        "Castellanos",
        "evangelina",
        old_dob,
        "1985",
        "555-0123",
        "Guadalupe",
        "Montenegro",
        "lupe.montenegro",
        "1971",
        "09-30",
        "555-0987",
        "example.com",
    ]
    for raw in raw_values:
        assert raw not in stored, raw
    # Nor does the owner's log page, which shows the change.
    client.force_login(owner)
    html = client.get(reverse("audit:log", args=[practice.slug]), {"action": "update"}).content.decode()
    assert "First name: E••• → G•••" in html
    # The record is named by the patient's current initial and last name ("Patient G. Montenegro",
    # a link to the record the owner may open anyway); no other value, old or new, shows.
    assert "Patient G. Montenegro" in html
    for raw in raw_values[:-1]:  # the page does show staff emails (actors), at example.com too
        if raw != "Montenegro":
            assert raw not in html, raw


def test_it_writes_no_update_entry_when_nothing_changed(practice, patient, owner):
    patient_services.update_patient(patient=patient, actor_user=owner, first_name=patient.first_name)
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


def test_it_refuses_to_change_or_delete_entries_through_the_orm(practice, patient, owner):
    patient_services.record_patient_viewed(patient=patient, actor_user=owner)
    entry = AuditEntry.objects.get()
    entry.summary = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    # bulk_update runs in its own atomic block without a savepoint; give it one.
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["summary"])
    stored = AuditEntry.objects.get()
    assert stored.summary == ""


def test_it_refuses_raw_sql_updates_in_the_database(practice, patient, owner):
    patient_services.record_patient_viewed(patient=patient, actor_user=owner)
    entry = AuditEntry.objects.get()
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET summary = %s WHERE id = %s", ["tampered", entry.pk])  # noqa: S608
    assert AuditEntry.objects.get().summary == ""


def test_it_refuses_raw_sql_deletes_on_postgresql(practice, patient, owner):
    """SQLite keeps DELETE for its test-database reset (see the migration); PostgreSQL refuses it."""
    patient_services.record_patient_viewed(patient=patient, actor_user=owner)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    sql = f"DELETE FROM {table}"  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        assert AuditEntry.objects.count() == 1
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s", ["audit_entry_no_update"]
            )
            assert cursor.fetchone()[0] == 1


def test_it_records_the_path_of_a_tokenised_link_with_the_token_masked(client, practice, patient):
    """The audit entry's path is a log too: a sign-in link's token is not kept in it (issue 11, item 9)."""
    token = patient_services.issue_sign_in_link(patient=patient)
    path = reverse("patients:sign_in_confirm", args=[practice.slug, token])
    assert client.post(path).status_code == 302
    entry = AuditEntry.objects.filter(patient=patient, actor_patient=patient).exclude(path="").latest("pk")
    assert entry.path == f"/p/{practice.slug}/sign-in/[masked]/"
    assert token not in entry.path


@pytest.mark.parametrize(
    ("trusted_proxies", "recorded"),
    [(0, "10.0.0.2"), (1, "198.51.100.7")],
    ids=["no proxy trusted: the socket's address", "one proxy trusted: the forwarded client"],
)
def test_it_records_the_client_address_behind_a_trusted_proxy_only(
    client, practice, owner, patient, settings, trusted_proxies, recorded
):
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    client.force_login(owner)
    response = client.get(
        reverse("patients:staff_detail", args=[practice.slug, patient.pk]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 200
    assert AuditEntry.objects.get().ip_address == recorded
