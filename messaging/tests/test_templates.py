"""Templates (validation, live preview, reset), messaging settings, reminder plans and the staff pages' access."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from messaging import rendering
from messaging.defaults import DEFAULTS
from messaging.models import MessageTemplate, MessagingSettings, ReminderPlan
from messaging.services import reminders
from practices.models import Role
from tests.factories import make_visit_type


def url(name, practice, **kwargs):
    return reverse(f"messaging:{name}", kwargs={"practice_slug": practice.slug, **kwargs})


EDIT = {"kind": "reminder", "channel": "sms", "language": "en"}
EMAIL = {"kind": "reminder", "channel": "email", "language": "en"}


# --- validation -------------------------------------------------------------------------------


def test_every_shipped_template_passes_its_own_checks(practice):
    for (kind, channel, language), (subject, body) in DEFAULTS.items():
        errors = rendering.template_errors(
            practice=practice, channel=channel, language=language, subject=subject, body=body
        )
        assert errors == {}, (kind, channel, language, errors)


def test_it_refuses_unknown_variables_naming_them_and_the_allowed_ones(practice):
    errors = rendering.template_errors(
        practice=practice, channel="email", language="en", subject="Hi", body="Your {{ visit_type }} on {{ date }}"
    )
    [message] = errors["body"]
    assert "{{ visit_type }}" in message
    assert "{{ practice }}" in message and "{{ link }}" in message and "{{ minutes }}" in message


def test_it_refuses_half_written_variables(practice):
    errors = rendering.template_errors(
        practice=practice, channel="sms", language="en", subject="", body="See you {{ date at {{ time }}"
    )
    assert "two braces" in errors["body"][0]


def test_it_refuses_a_text_message_longer_than_the_limit_once_filled_in(practice):
    body = "{{ practice }}: " + "x" * 400 + " {{ link }}"  # under 480 as typed, over once the link is in
    assert len(body) < rendering.SMS_MAX_LENGTH
    errors = rendering.template_errors(practice=practice, channel="sms", language="en", subject="", body=body)
    assert "limit is 480" in errors["body"][0]


def test_rendering_leaves_out_anything_but_the_fixed_variables(practice):
    MessageTemplate.objects.create(
        practice=practice, kind="reminder", channel="sms", language="en", body="{{ date }} {{ visit_type }} {{ notes }}"
    )
    assert (
        rendering.render(practice, "reminder", "sms", "en", {"date": "Tuesday", "visit_type": "Mohs", "notes": "x"})[1]
        == "Tuesday"
    )


def test_the_service_refuses_an_invalid_template_and_stores_nothing(practice, owner):
    with pytest.raises(reminders.TemplateInvalid):
        reminders.save_template(practice=practice, **EDIT, subject="", body="{{ reason }}", actor_user=owner)
    assert not MessageTemplate.objects.exists()


# --- the editor -------------------------------------------------------------------------------


def test_it_lists_every_kind_channel_and_language(staff_client, owner, practice):
    page = staff_client(owner).get(url("message_templates", practice))
    assert page.status_code == 200
    html = page.content.decode()
    for kind, channel, language in DEFAULTS:
        assert url("message_template_edit", practice, kind=kind, channel=channel, language=language) in html


def test_the_owner_saves_their_own_wording_audited(staff_client, owner, practice):
    client = staff_client(owner)
    page = client.post(url("message_template_edit", practice, **EDIT), {"body": "{{ practice }}: see you {{ date }}"})
    assert page.status_code == 302
    row = MessageTemplate.objects.get(practice=practice, **EDIT)
    assert row.body == "{{ practice }}: see you {{ date }}" and row.updated_by == owner
    assert AuditEntry.objects.filter(practice=practice, object_type="messaging.messagetemplate").exists()
    assert "Your own" in client.get(url("message_templates", practice)).content.decode()


def test_an_unknown_variable_is_refused_on_the_page_with_a_clear_message(staff_client, owner, practice):
    page = staff_client(owner).post(
        url("message_template_edit", practice, **EMAIL), {"subject": "Hi", "body": "Your {{ diagnosis }} visit"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "{{ diagnosis }} is not a variable you can use" in html and "{{ date }}" in html
    assert not MessageTemplate.objects.exists()


def test_the_live_preview_renders_sample_values_and_errors(staff_client, owner, practice):
    client = staff_client(owner)
    preview = client.post(
        url("message_template_preview", practice, **EDIT),
        {"body": "{{ practice }} on {{ date }} at {{ time }}"},
        headers={"HX-Request": "true"},
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'id="template-preview"' in html and "<html" not in html
    assert f"{practice.name} on Tuesday, March 5 at 10:30 AM" in html
    bad = client.post(url("message_template_preview", practice, **EDIT), {"body": "{{ notes }}"}).content.decode()
    assert "{{ notes }} is not a variable" in bad
    assert not MessageTemplate.objects.exists(), "a preview saves nothing"


def test_reset_to_default_deletes_the_row(staff_client, owner, practice):
    reminders.save_template(practice=practice, **EDIT, subject="", body="{{ practice }} {{ date }}", actor_user=owner)
    page = staff_client(owner).post(url("message_template_edit", practice, **EDIT), {"action": "reset"})
    assert page.status_code == 302
    assert not MessageTemplate.objects.exists()
    assert AuditEntry.objects.filter(
        practice=practice, action="delete", object_type="messaging.messagetemplate"
    ).exists()


def test_the_front_desk_may_look_but_not_change(staff_client, front_desk, practice):
    client = staff_client(front_desk)
    assert client.get(url("message_template_edit", practice, **EDIT)).status_code == 200
    assert client.post(url("message_template_edit", practice, **EDIT), {"body": "{{ date }}"}).status_code == 403
    assert client.get(url("messaging_settings", practice)).status_code == 200
    assert client.post(url("messaging_settings", practice), {"sender_name": "X"}).status_code == 403
    assert client.post(url("reminder_plans", practice), {"action": "turn_off"}).status_code == 403
    assert not MessageTemplate.objects.exists() and not MessagingSettings.objects.exists()


def test_an_unknown_template_key_is_404(staff_client, owner, practice):
    client = staff_client(owner)
    assert (
        client.get(url("message_template_edit", practice, kind="notes", channel="sms", language="en")).status_code
        == 404
    )
    assert (
        client.get(url("message_template_edit", practice, kind="opt_out", channel="email", language="en")).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("messaging_settings", {}),
        ("message_templates", {}),
        ("message_template_edit", EDIT),
        ("reminder_plans", {}),
        ("reminders_sent", {}),
    ],
)
def test_strangers_get_404(client, make_staff, other_practice, practice, name, kwargs):
    stranger = make_staff(other_practice, Role.OWNER)
    client.force_login(stranger)
    assert client.get(url(name, practice, **kwargs)).status_code == 404
    assert client.post(url(name, practice, **kwargs), {"body": "x", "action": "turn_off"}).status_code in (404, 405)


def test_clinicians_do_not_see_the_settings(staff_client, make_staff, practice):
    clinician = make_staff(practice, Role.CLINICIAN)
    assert staff_client(clinician).get(url("messaging_settings", practice)).status_code == 403


# --- settings ---------------------------------------------------------------------------------


def test_the_settings_show_the_defaults_without_a_row_and_save_audited(staff_client, owner, practice):
    client = staff_client(owner)
    html = client.get(url("messaging_settings", practice)).content.decode()
    assert 'value="21:00"' in html and 'value="08:00"' in html
    data = {
        "sender_name": "ClearSkin",
        "from_email": "hello@clearskin.example",
        "sms_number": "+1 512 555 0100",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
        "recall_max_messages": "3",
        "recall_days_between": "30",
    }
    assert client.post(url("messaging_settings", practice), data).status_code == 302
    row = MessagingSettings.objects.get(practice=practice)
    assert row.sms_number == "+15125550100" and str(row.quiet_end) == "07:30:00"
    assert AuditEntry.objects.filter(practice=practice, object_type="messaging.messagingsettings").exists()


def test_bad_settings_are_refused_with_a_message(staff_client, owner, practice):
    page = staff_client(owner).post(
        url("messaging_settings", practice),
        {
            "sms_number": "call me",
            "quiet_start": "25:00",
            "quiet_end": "07:00",
            "recall_max_messages": "3",
            "recall_days_between": "1",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "international form" in html and "at least 7 days" in html
    assert not MessagingSettings.objects.exists()


# --- plans ------------------------------------------------------------------------------------


def test_the_plans_page_ships_the_default_plan(staff_client, owner, practice):
    html = staff_client(owner).get(url("reminder_plans", practice)).content.decode()
    assert "7 days before" in html and "48 hours before" in html and "2 hours before" in html
    plan = ReminderPlan.objects.get(practice=practice, visit_type__isnull=True)
    assert sorted(plan.steps.values_list("minutes_before", "channel")) == [
        (120, "sms"),
        (2880, "sms"),
        (10080, "email"),
    ]


def test_the_owner_edits_steps_and_gives_a_visit_type_its_own_plan(staff_client, owner, practice, provider, location):
    client = staff_client(owner)
    plan = reminders.default_plan_for(practice=practice)
    page = client.post(
        url("reminder_plans", practice),
        {"action": "add_step", "plan": plan.pk, "amount": "3", "unit": "days", "channel": "sms"},
    )
    assert page.status_code == 302
    assert plan.steps.filter(minutes_before=3 * 24 * 60, channel="sms").exists()
    step = plan.steps.get(minutes_before=120)
    client.post(url("reminder_plans", practice), {"action": "remove_step", "step": step.pk})
    assert not plan.steps.filter(pk=step.pk).exists()
    visit_type = make_visit_type(
        practice, name="Mohs surgery follow-up for melanoma", slug="mohs", offered_by=[provider], offered_at=[location]
    )
    client.post(url("reminder_plans", practice), {"action": "own_plan", "visit_type": visit_type.pk})
    own = ReminderPlan.objects.get(visit_type=visit_type)
    assert own.steps.count() == plan.steps.count()
    bad = client.post(
        url("reminder_plans", practice),
        {"action": "add_step", "plan": plan.pk, "amount": "40", "unit": "days", "channel": "sms"},
    )
    assert bad.status_code == 400 and "30 days" in bad.content.decode()


def test_another_practices_plan_cannot_be_touched(staff_client, owner, practice, other_practice):
    foreign = reminders.default_plan_for(practice=other_practice)
    page = staff_client(owner).post(url("reminder_plans", practice), {"action": "turn_off", "plan": foreign.pk})
    assert page.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active
