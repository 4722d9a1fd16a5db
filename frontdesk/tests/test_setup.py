"""The flow board's set-up: thresholds and check-in hours, intake questions, policies, the arrival QR code.
The owner edits; the front desk may look; other roles get 403 and strangers 404."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from frontdesk.models import FlowSettings, IntakeQuestion, PracticePolicy
from frontdesk.services.setup import flow_settings
from practices.models import Role

SETTINGS = {
    "arrived_threshold_minutes": "20",
    "roomed_threshold_minutes": "10",
    "with_provider_threshold_minutes": "45",
    "checkout_threshold_minutes": "5",
    "online_check_in_hours": "72",
}


def url(practice, name, *args):
    return reverse(f"frontdesk:{name}", args=[practice.slug, *args])


def test_it_saves_the_owners_thresholds_with_an_audit_entry(staff_client, practice, owner):
    response = staff_client(owner).post(url(practice, "flow_settings"), SETTINGS)
    assert response.status_code == 302
    saved = FlowSettings.objects.get(practice=practice)
    assert saved.arrived_threshold_minutes == 20 and saved.threshold_for("checkout") == 5
    assert saved.online_check_in_hours == 72
    entry = AuditEntry.objects.get(object_type="frontdesk.flowsettings", actor_user=owner)
    assert entry.changes["arrived_threshold_minutes"] == {"from": 15, "to": 20}


@pytest.mark.parametrize(
    "field, value",
    [
        ("arrived_threshold_minutes", "0"),
        ("roomed_threshold_minutes", "241"),
        ("checkout_threshold_minutes", "soon"),
        ("online_check_in_hours", "169"),
        ("online_check_in_hours", ""),
    ],
)
def test_it_refuses_out_of_range_settings_and_changes_nothing(staff_client, practice, owner, field, value):
    before = flow_settings(practice)
    response = staff_client(owner).post(url(practice, "flow_settings"), {**SETTINGS, field: value})
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    after = FlowSettings.objects.get(practice=practice)
    assert (after.arrived_threshold_minutes, after.online_check_in_hours) == (
        before.arrived_threshold_minutes,
        before.online_check_in_hours,
    )
    assert not AuditEntry.objects.filter(object_type="frontdesk.flowsettings").exists()


def test_it_lets_the_front_desk_look_but_not_change(staff_client, practice, front_desk):
    client = staff_client(front_desk)
    for name in ("flow_settings", "intake_questions", "policies", "arrival_qr"):
        assert client.get(url(practice, name)).status_code == 200
        assert client.post(url(practice, name), SETTINGS).status_code == 403
    page = client.get(url(practice, "flow_settings")).content.decode()
    assert "disabled" in page and "Save settings" not in page
    assert "Make a new code" not in client.get(url(practice, "arrival_qr")).content.decode()
    assert not IntakeQuestion.objects.exists() and not PracticePolicy.objects.exists()
    question = IntakeQuestion.objects.create(practice=practice, text_en="Any allergies?", text_es="")
    policy = PracticePolicy.objects.create(practice=practice, title_en="P", title_es="", body_en="B", body_es="")
    for edit in (url(practice, "intake_question_edit", question.pk), url(practice, "policy_edit", policy.pk)):
        page = client.get(edit)
        assert page.status_code == 200 and "disabled" in page.content.decode()
        assert client.post(edit, {"action": "stop", "title_en": "X"}).status_code == 403
    question.refresh_from_db()
    policy.refresh_from_db()
    assert question.is_active and policy.title_en == "P"


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.BILLING, Role.EXPERIENCE_LEAD])
def test_it_refuses_the_other_roles(staff_client, practice, make_staff, role):
    client = staff_client(make_staff(practice, role))
    for name in ("flow_settings", "intake_questions", "policies", "arrival_qr"):
        assert client.get(url(practice, name)).status_code == 403


def test_it_gives_strangers_404(staff_client, practice, other_practice, make_staff):
    question = IntakeQuestion.objects.create(practice=practice, text_en="Any allergies?", text_es="")
    policy = PracticePolicy.objects.create(practice=practice, title_en="P", title_es="", body_en="B", body_es="")
    client = staff_client(make_staff(other_practice, Role.OWNER))
    for name in ("flow_settings", "intake_questions", "policies", "arrival_qr"):
        assert client.get(url(practice, name)).status_code == 404
    assert client.get(url(other_practice, "intake_question_edit", question.pk)).status_code == 404
    assert client.post(url(other_practice, "policy_edit", policy.pk), {"title_en": "Mine"}).status_code == 404
    policy.refresh_from_db()
    assert policy.title_en == "P"


def test_it_adds_a_question_with_spanish_falling_back_to_english(staff_client, practice, owner):
    data = {"text_en": "Any allergies?", "text_es": "", "kind": "short_text", "position": "1", "is_active": "on"}
    assert staff_client(owner).post(url(practice, "intake_questions"), data).status_code == 302
    question = IntakeQuestion.objects.get(practice=practice)
    assert question.text("es") == "Any allergies?" and question.is_active and not question.required
    assert AuditEntry.objects.filter(object_type="frontdesk.intakequestion", action="create").exists()
    page = staff_client(owner).get(url(practice, "intake_questions")).content.decode()
    assert "No Spanish text yet" in page


@pytest.mark.parametrize(
    "data",
    [
        {"text_en": "", "text_es": "¿Alergias?", "kind": "short_text", "position": "1"},
        {"text_en": "Q", "kind": "essay", "position": "1"},
        {"text_en": "Q", "kind": "yes_no", "position": "-1"},
    ],
)
def test_it_refuses_a_question_without_english_or_with_bad_choices(staff_client, practice, owner, data):
    response = staff_client(owner).post(url(practice, "intake_questions"), data)
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    assert not IntakeQuestion.objects.exists()


def test_it_edits_and_stops_asking_a_question(staff_client, practice, owner):
    question = IntakeQuestion.objects.create(practice=practice, text_en="Smoke?", text_es="")
    client = staff_client(owner)
    data = {"text_en": "Do you smoke?", "text_es": "¿Fuma?", "kind": "yes_no", "position": "2", "is_active": "on"}
    assert client.post(url(practice, "intake_question_edit", question.pk), data).status_code == 302
    question.refresh_from_db()
    assert (question.text_en, question.text("es"), question.kind) == ("Do you smoke?", "¿Fuma?", "yes_no")
    assert client.post(url(practice, "intake_question_edit", question.pk), {"action": "stop"}).status_code == 302
    question.refresh_from_db()
    assert not question.is_active
    entries = AuditEntry.objects.filter(object_type="frontdesk.intakequestion", action="update")
    assert entries.count() == 2


def test_it_makes_a_new_policy_version_when_the_wording_changes(staff_client, practice, owner):
    client = staff_client(owner)
    data = {
        "title_en": "Financial policy",
        "title_es": "",
        "body_en": "Pay at checkout.",
        "body_es": "",
        "position": "1",
        "is_active": "on",
    }
    assert client.post(url(practice, "policies"), data).status_code == 302
    policy = PracticePolicy.objects.get(practice=practice)
    assert policy.version == 1 and policy.body("es") == "Pay at checkout."

    client.post(url(practice, "policy_edit", policy.pk), {**data, "position": "4"})
    policy.refresh_from_db()
    assert policy.position == 4 and policy.version == 1  # the order is not the wording

    client.post(url(practice, "policy_edit", policy.pk), {**data, "body_es": "Pague al salir."})
    policy.refresh_from_db()
    assert policy.version == 2 and policy.body("es") == "Pague al salir."
    assert AuditEntry.objects.filter(object_type="frontdesk.practicepolicy", summary__contains="version 2").exists()


def test_it_refuses_a_policy_without_english_text(staff_client, practice, owner):
    data = {"title_en": "Financial", "title_es": "Financiera", "body_en": "", "body_es": "Pague.", "position": "1"}
    response = staff_client(owner).post(url(practice, "policies"), data)
    assert response.status_code == 400
    assert not PracticePolicy.objects.exists()


def test_it_prints_the_arrival_code_and_rotates_it(staff_client, client, practice, owner, settings):
    settings.SITE_URL = "https://touchpoints.example"
    key = flow_settings(practice).arrival_key
    arrive = reverse("frontdesk:arrive", kwargs={"practice_slug": practice.slug, "key": key})
    owner_client = staff_client(owner)
    page = owner_client.get(url(practice, "arrival_qr")).content.decode()
    assert "<svg" in page and f"https://touchpoints.example{arrive}" in page
    assert f"https://touchpoints.example{arrive}?kiosk=1" in page

    assert owner_client.post(url(practice, "arrival_qr")).status_code == 302
    new_key = FlowSettings.objects.get(practice=practice).arrival_key
    assert new_key != key
    assert new_key in owner_client.get(url(practice, "arrival_qr")).content.decode()
    entry = AuditEntry.objects.get(object_type="frontdesk.flowsettings", summary="arrival code replaced")
    assert key not in str(entry.changes) and new_key not in str(entry.changes)
    owner_client.logout()
    assert client.get(arrive).status_code == 404  # the old printed code no longer works
