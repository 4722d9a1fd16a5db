"""The owner's audit log page (``practices/views/audit_log.py``): the practice's entries only, filters,
bad filters explained, bad page numbers survived."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from practices.models import Role


def entry_ids(response) -> set[int]:
    return {entry.pk for entry in response.context["page"].object_list}


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
