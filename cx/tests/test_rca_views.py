"""The root-cause analysis pages: start from a case or a theme, the page with failures beside each
statement and the all-weaker warning, the suggested kind preselected, who may mark an action done,
and bad input."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cx.models import CausalStatement, RcaAction, RcaStatus, RootCauseAnalysis, TimelineEntry
from cx.services import rca as services
from feedback.models import RecoveryCase
from practices.models import Role
from tests.factories import make_patient, make_response, make_staff, make_survey

pytestmark = pytest.mark.django_db

GOOD = (
    "The booking page showed no Saturday times, which increased the likelihood that working patients would "
    "call, which led to longer hold times."
)


def url(name, practice, **kwargs):
    return reverse(f"cx:{name}", kwargs={"practice_slug": practice.slug, **kwargs})


def make_case(practice):
    now = timezone.now()
    response = make_response(
        make_survey(practice),
        make_patient(practice, first_name="Rosa"),
        {"comment": "Nobody called back"},
        completed_at=now - timedelta(days=2),
        touchpoint="phone-booking",
    )
    return RecoveryCase.objects.create(
        practice=practice,
        response=response,
        patient=response.patient,
        reason="negative_comment",
        opened_at=now - timedelta(days=2),
        due_at=now,
    )


def make_rca(practice, owner, **extra):
    return services.create_rca(
        practice=practice,
        actor_user=owner,
        fields=services.RcaFields(
            title="Hold time on the phone", touchpoint="phone-booking", theme="hold time", summary="", led_by=None
        ),
        **extra,
    )


def add_action(practice, owner, rca, kind="training", who=None):
    return services.add_action(
        practice=practice,
        actor_user=owner,
        rca=rca,
        fields=services.ActionFields(
            description="Train the front desk on the phone system",
            hierarchy_kind=kind,
            owner=who or owner,
            due_on=timezone.localdate() + timedelta(days=7),
            measure="Hold time under 2 minutes",
        ),
    )


def test_start_from_a_recovery_case(client, practice, owner):
    case = make_case(practice)
    client.force_login(owner)
    page = client.get(url("rca_new", practice) + f"?case={case.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Staff booking by phone" in body and "Recovery case opened" in body
    assert "Rosa" not in body and "Nobody called back" not in body
    form = page.context["form"]
    response = client.post(
        url("rca_new", practice),
        {
            "case": case.pk,
            "title": form.initial["title"],
            "touchpoint": form.initial["touchpoint"],
            "theme": "",
            "summary": "",
            "led_by": str(owner.pk),
        },
    )
    rca = RootCauseAnalysis.objects.get()
    assert response.status_code == 302 and response["Location"] == url("rca", practice, pk=rca.pk)
    assert rca.recovery_case == case and rca.led_by == owner
    assert TimelineEntry.objects.filter(rca=rca).count() == 2


def test_another_practices_case_is_404_and_nothing_is_made(client, practice, other_practice, owner):
    case = make_case(other_practice)
    client.force_login(owner)
    assert client.get(url("rca_new", practice) + f"?case={case.pk}").status_code == 404
    for bad in ("abc", "-1", "0", "99999999999999999999999"):
        assert client.get(url("rca_new", practice) + f"?case={bad}").status_code == 404
    response = client.post(url("rca_new", practice), {"case": case.pk, "title": "x", "touchpoint": "phone-booking"})
    assert response.status_code == 404
    assert not RootCauseAnalysis.objects.exists()


def test_start_from_a_theme_and_a_bad_theme_says_so(client, practice, owner):
    client.force_login(owner)
    page = client.get(url("rca_new", practice) + "?touchpoint=phone-booking&theme=hold+time")
    assert page.context["form"].initial["theme"] == "hold time"
    assert page.context["form"].initial["touchpoint"] == "phone-booking"
    page = client.get(url("rca_new", practice) + "?touchpoint=nowhere&theme=hold+time", follow=True)
    assert page.status_code == 200
    assert "That theme could not be found" in page.content.decode()


def test_the_page_shows_failures_beside_each_statement_and_the_weaker_warning(client, practice, owner):
    rca = make_rca(practice, owner)
    client.force_login(owner)
    response = client.post(
        url("rca_cause_add", practice, pk=rca.pk),
        {"statement": "The receptionist poorly handled the calls.", "category": "people"},
    )
    assert response.status_code == 302
    client.post(url("rca_cause_add", practice, pk=rca.pk), {"statement": GOOD, "category": "technology"})
    assert CausalStatement.objects.filter(rca=rca).count() == 2
    add_action(practice, owner, rca, "training")
    add_action(practice, owner, rca, "policy")
    body = client.get(url("rca", practice, pk=rca.pk)).content.decode()
    assert "1 of 2 statements breaks a rule of causation." in body
    assert "“poorly” judges what happened instead of describing it." in body
    assert "Passes the five rules." in body
    assert "Every action is a weaker one" in body
    assert "Write at least one" not in body and "rewrite them first" in body
    # Spanish
    client.cookies["django_language"] = "es"
    body = client.get(url("rca", practice, pk=rca.pk)).content.decode()
    assert "Todas las acciones son débiles" in body
    assert "“poorly” juzga lo que pasó en lugar de describirlo." in body


def test_a_stronger_action_removes_the_warning(client, practice, owner):
    rca = make_rca(practice, owner)
    add_action(practice, owner, rca, "training")
    add_action(practice, owner, rca, "forcing_function")
    client.force_login(owner)
    assert "Every action is a weaker one" not in client.get(url("rca", practice, pk=rca.pk)).content.decode()


def test_without_a_kind_the_suggestion_comes_back_preselected(client, practice, owner):
    rca = make_rca(practice, owner)
    client.force_login(owner)
    data = {
        "description": "Install a second phone line at the front desk",
        "hierarchy_kind": "",
        "owner": str(owner.pk),
        "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "measure": "Hold time under 2 minutes",
        "project": "",
        "cause": "",
    }
    page = client.post(url("rca_action_add", practice, pk=rca.pk), data)
    assert page.status_code == 200
    assert not RcaAction.objects.exists()
    assert page.context["action_form"]["hierarchy_kind"].value() == "physical"
    assert 'value="physical" selected' in page.content.decode()
    data["hierarchy_kind"] = "physical"
    assert client.post(url("rca_action_add", practice, pk=rca.pk), data).status_code == 302
    action = RcaAction.objects.get()
    assert (action.hierarchy_kind, action.strength) == ("physical", "stronger")
    # No words to go on: the person must choose.
    data.update(description="Talk about it", hierarchy_kind="")
    page = client.post(url("rca_action_add", practice, pk=rca.pk), data)
    assert page.status_code == 400 and RcaAction.objects.count() == 1


def test_an_owner_outside_the_team_is_refused_with_a_message(client, practice, other_practice, owner):
    rca = make_rca(practice, owner)
    stranger = make_staff(other_practice, Role.OWNER)
    client.force_login(owner)
    page = client.post(
        url("rca_action_add", practice, pk=rca.pk),
        {
            "description": "Hire a receptionist",
            "hierarchy_kind": "staffing",
            "owner": str(stranger.pk),
            "due_on": "2027-01-01",
            "measure": "x",
        },
    )
    assert page.status_code == 400
    assert "Choose someone on the team." in page.content.decode()
    assert not RcaAction.objects.exists()


def test_the_gate_and_the_last_action_done(client, practice, owner):
    member = make_staff(practice, Role.FRONT_DESK)
    rca = make_rca(practice, owner)
    client.force_login(owner)
    client.post(url("rca_cause_add", practice, pk=rca.pk), {"statement": "Bad phones.", "category": "technology"})
    action = add_action(practice, owner, rca, "software", who=member)
    response = client.post(url("rca_edit", practice, pk=rca.pk), {"action": "start"}, follow=True)
    assert "Actions cannot be under way yet" in response.content.decode()
    rca.refresh_from_db()
    assert rca.status == RcaStatus.OPEN
    cause = CausalStatement.objects.get(rca=rca)
    client.post(
        url("rca_cause_add", practice, pk=rca.pk), {"statement": GOOD, "category": "technology", "cause": cause.pk}
    )
    client.post(url("rca_edit", practice, pk=rca.pk), {"action": "start"})
    rca.refresh_from_db()
    assert rca.status == RcaStatus.ACTIONS
    # The action's owner (front desk) marks it done; the analysis is done and watched from today.
    client.force_login(member)
    assert client.get(url("rca", practice, pk=rca.pk)).status_code == 200
    response = client.post(url("rca_action_done", practice, pk=action.pk), follow=True)
    assert "watches whether it happens again" in response.content.decode()
    rca.refresh_from_db()
    assert rca.status == RcaStatus.DONE and rca.actions_done_on == practice.local_date(timezone.now())


def test_someone_elses_action_is_404_to_a_team_member(client, practice, owner):
    member = make_staff(practice, Role.CLINICIAN)
    rca = make_rca(practice, owner)
    action = add_action(practice, owner, rca)
    client.force_login(member)
    assert client.post(url("rca_action_done", practice, pk=action.pk)).status_code == 404
    assert client.post(url("rca_cause_add", practice, pk=rca.pk), {"statement": GOOD}).status_code == 403
    action.refresh_from_db()
    assert action.done_on is None
    body = client.get(url("rca", practice, pk=rca.pk)).content.decode()
    assert "Mark this action done" not in body and "Add a causal statement" not in body


def test_removing_and_rewriting_only_this_analysiss_statements(client, practice, owner):
    rca = make_rca(practice, owner)
    other = make_rca(practice, owner)
    theirs = services.add_cause(practice=practice, actor_user=owner, rca=other, statement=GOOD, category="process")
    client.force_login(owner)
    client.post(url("rca_cause_add", practice, pk=rca.pk), {"remove": theirs.pk})
    client.post(
        url("rca_cause_add", practice, pk=rca.pk), {"statement": "x y z", "category": "process", "cause": theirs.pk}
    )
    theirs.refresh_from_db()
    assert theirs.statement == GOOD
    client.post(url("rca_cause_add", practice, pk=other.pk), {"remove": theirs.pk})
    assert not CausalStatement.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rca_timeline_add", {"day": "2026-13-40", "what": "x"}),
        ("rca_timeline_add", {"day": "9999-01-01", "what": "x"}),
        ("rca_timeline_add", {"day": "2026-01-01", "what": ""}),
        ("rca_cause_add", {"statement": "", "category": "people"}),
        ("rca_cause_add", {"statement": "x", "category": "nonsense"}),
        ("rca_cause_add", {"statement": "x", "category": "people", "cause": "abc"}),
        ("rca_cause_add", {"remove": "abc"}),
        ("rca_action_add", {"description": "x", "hierarchy_kind": "nonsense", "owner": "1", "due_on": "x"}),
        ("rca_edit", {"title": "", "touchpoint": "nowhere"}),
        ("rca_edit", {"action": "explode"}),
    ],
)
def test_bad_input_changes_nothing(client, practice, owner, name, data):
    rca = make_rca(practice, owner)
    client.force_login(owner)
    before = (TimelineEntry.objects.count(), CausalStatement.objects.count(), RcaAction.objects.count())
    response = client.post(url(name, practice, pk=rca.pk), data)
    assert response.status_code in (302, 400)
    after = (TimelineEntry.objects.count(), CausalStatement.objects.count(), RcaAction.objects.count())
    assert before == after
    rca.refresh_from_db()
    assert rca.title == "Hold time on the phone" and rca.status == RcaStatus.OPEN


def test_the_timeline_takes_a_day_and_a_time_in_the_practices_zone(client, practice, owner):
    rca = make_rca(practice, owner)
    client.force_login(owner)
    client.post(
        url("rca_timeline_add", practice, pk=rca.pk), {"day": "2026-11-03", "at": "08:05", "what": "Lines full"}
    )
    entry = TimelineEntry.objects.get(rca=rca)
    local = timezone.localtime(entry.happened_at, timezone=ZoneInfo(practice.timezone))
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-11-03", 8, 5)


def test_the_list_shows_open_and_done(client, practice, owner):
    rca = make_rca(practice, owner)
    RootCauseAnalysis.objects.create(
        practice=practice,
        title="Parking",
        touchpoint="public-page",
        status=RcaStatus.DONE,
        actions_done_on=timezone.localdate(),
    )
    client.force_login(make_staff(practice, Role.BILLING))
    body = client.get(url("rcas", practice)).content.decode()
    assert rca.title in body and "Parking" in body
    assert "Start an analysis" not in body


def test_the_list_shows_a_members_own_open_actions(client, practice, owner):
    member = make_staff(practice, Role.FRONT_DESK)
    rca = make_rca(practice, owner)
    add_action(practice, owner, rca, "software", who=member)
    add_action(practice, owner, rca, "training", who=owner)
    client.force_login(member)
    page = client.get(url("rcas", practice))
    assert [a.owner for a in page.context["my_actions"]] == [member]
    assert "Your actions from these analyses" in page.content.decode()
