"""The audit trail: every open and change of a patient record, append-only, and the owner's log."""

import json
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import Action, AuditEntry
from patients import services as patient_services
from practices.models import Role


def entry_ids(response) -> set[int]:
    return {entry.pk for entry in response.context["page"].object_list}


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


# --- The owner's audit log page -------------------------------------------------------


def entry(practice, *, at, actor=None, action=Action.VIEW, patient=None):
    return AuditEntry.objects.create(
        practice=practice,
        at=at,
        actor_user=actor,
        actor_label=actor.email if actor else "system",
        action=action,
        object_type="patients.patient",
        object_id=str(patient.pk) if patient else "",
        patient=patient,
    )


@pytest.fixture
def log(practice, other_practice, owner, make_staff, make_patient):
    desk = make_staff(practice, Role.FRONT_DESK, email="desk.person@example.com")
    ana, ben = make_patient(practice), make_patient(practice)
    entries = {
        "owner_view_ana_jan": entry(practice, at=datetime(2026, 1, 10, 15, tzinfo=UTC), actor=owner, patient=ana),
        "desk_update_ana_feb": entry(
            practice, at=datetime(2026, 2, 10, 15, tzinfo=UTC), actor=desk, action=Action.UPDATE, patient=ana
        ),
        "desk_view_ben_mar": entry(practice, at=datetime(2026, 3, 10, 15, tzinfo=UTC), actor=desk, patient=ben),
        "system_create_ben_mar": entry(
            practice, at=datetime(2026, 3, 20, 15, tzinfo=UTC), action=Action.CREATE, patient=ben
        ),
    }
    other = make_patient(other_practice)
    elsewhere = entry(other_practice, at=datetime(2026, 2, 10, 15, tzinfo=UTC), patient=other)
    return {"ids": {k: v.pk for k, v in entries.items()}, "ana": ana, "ben": ben, "elsewhere": elsewhere.pk}


def test_it_lists_the_practices_entries_for_the_owner(client, practice, owner, log):
    client.force_login(owner)
    response = client.get(reverse("audit:log", args=[practice.slug]))
    assert response.status_code == 200
    assert entry_ids(response) == set(log["ids"].values())
    assert log["elsewhere"] not in entry_ids(response)
    assert "desk.person@example.com" in response.content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "desk.person"}, {"desk_update_ana_feb", "desk_view_ben_mar"}),
        ({"actor": "DESK.PERSON@EXAMPLE"}, {"desk_update_ana_feb", "desk_view_ben_mar"}),
        ({"action": "view"}, {"owner_view_ana_jan", "desk_view_ben_mar"}),
        ({"action": "create"}, {"system_create_ben_mar"}),
        ({"patient": "ana"}, {"owner_view_ana_jan", "desk_update_ana_feb"}),
        ({"since": "2026-02-01", "until": "2026-03-15"}, {"desk_update_ana_feb", "desk_view_ben_mar"}),
        ({"since": "2026-03-10"}, {"desk_view_ben_mar", "system_create_ben_mar"}),
        ({"until": "2026-01-10"}, {"owner_view_ana_jan"}),
        ({"actor": "desk", "action": "view", "patient": "ben"}, {"desk_view_ben_mar"}),
        ({"action": "delete"}, set()),
    ],
)
def test_it_narrows_the_log_with_filters(client, practice, owner, log, filters, expected):
    filters = {k: str(log[v].pk) if k == "patient" else v for k, v in filters.items()}
    client.force_login(owner)
    response = client.get(reverse("audit:log", args=[practice.slug]), filters)
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert entry_ids(response) == {log["ids"][name] for name in expected}


def test_it_does_not_show_another_practices_patient_through_the_filter(client, practice, owner, log):
    client.force_login(owner)
    other_patient_id = AuditEntry.objects.get(pk=log["elsewhere"]).patient_id
    response = client.get(reverse("audit:log", args=[practice.slug]), {"patient": other_patient_id})
    assert response.status_code == 200
    assert entry_ids(response) == set()


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"since": "2026-03-01", "until": "2026-02-01"}, "__all__"),
        ({"patient": "abc"}, "patient"),
        ({"patient": "-4"}, "patient"),
        ({"patient": "99999999999999999999"}, "patient"),
        ({"since": "not-a-date"}, "since"),
        ({"action": "explode"}, "action"),
    ],
)
def test_it_explains_bad_filters_instead_of_crashing(client, practice, owner, log, filters, field):
    client.force_login(owner)
    response = client.get(reverse("audit:log", args=[practice.slug]), filters)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    html = response.content.decode()
    for message in errors[field]:
        assert str(message) in html
    assert entry_ids(response) == set()


def test_it_survives_a_bad_page_number(client, practice, owner, log):
    client.force_login(owner)
    for page in ("abc", "999", "-1"):
        assert client.get(reverse("audit:log", args=[practice.slug]), {"page": page}).status_code == 200


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
