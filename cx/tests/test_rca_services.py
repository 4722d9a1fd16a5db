"""Root-cause analysis writes: prefilled timelines, causes saved with their failures, the gate before
actions are under way, action checks, and "done" when the last action is done."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from cx.models import CausalStatement, ImprovementProject, RcaAction, RcaStatus, RootCauseAnalysis
from cx.selectors import rca as selectors
from cx.services import rca as services
from feedback.models import CommentAnalysis, RecoveryCase, Sentiment
from practices.models import Membership, Role
from tests.factories import make_patient, make_response, make_staff, make_survey

pytestmark = pytest.mark.django_db

GOOD = (
    "The booking page showed no Saturday times, which increased the likelihood that working patients would "
    "call, which led to longer hold times."
)
BAD = "The receptionist forgot to call the patient back."


def fields(**overrides):
    values = {"title": "Hold time", "touchpoint": "phone-booking", "theme": "", "summary": "", "led_by": None}
    values.update(overrides)
    return services.RcaFields(**values)


def make_case(practice, *, closed=True):
    now = timezone.now()
    response = make_response(
        make_survey(practice),
        make_patient(practice, first_name="Rosa"),
        {"comment": "Dr. Lee prescribed metformin but nobody called back"},
        completed_at=now - timedelta(days=3),
        touchpoint="phone-booking",
    )
    case = RecoveryCase.objects.create(
        practice=practice,
        response=response,
        patient=response.patient,
        reason="negative_comment",
        opened_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
        heard_at=now - timedelta(days=2),
        notes="Patient upset about metformin refill",
    )
    if closed:
        case.status, case.closed_at, case.outcome = "closed", now - timedelta(days=1), "unresolved"
        case.save()
    return case


def action_fields(owner, **overrides):
    values = {
        "description": "Restore Saturday times on the booking page",
        "hierarchy_kind": "software",
        "owner": owner,
        "due_on": timezone.localdate() + timedelta(days=14),
        "measure": "Median hold time under 2 minutes",
    }
    values.update(overrides)
    return services.ActionFields(**values)


def test_an_analysis_from_a_case_gets_its_dates_and_nothing_clinical(practice, owner):
    case = make_case(practice)
    prefill = selectors.from_case(practice=practice, case=case)
    assert prefill.touchpoint == "phone-booking"
    rca = services.create_rca(
        practice=practice,
        actor_user=owner,
        fields=fields(title=prefill.title, touchpoint=prefill.touchpoint),
        recovery_case=case,
        timeline=prefill.timeline,
    )
    entries = list(rca.timeline.all())
    assert [e.happened_at for e in entries] == sorted(e.happened_at for e in entries)
    assert len(entries) == 4  # answered, opened, heard, closed
    text = " ".join(e.what for e in entries) + rca.title
    for private in ("Rosa", "metformin", "Lee", "upset"):
        assert private not in text
    assert "Recovery case closed" in text
    assert rca.recovery_case == case
    assert AuditEntry.objects.filter(summary="Root-cause analysis started").count() == 1


def test_a_case_of_another_practice_is_refused(practice, other_practice, owner):
    case = make_case(other_practice)
    with pytest.raises(services.RcaRefused):
        services.create_rca(practice=practice, actor_user=owner, fields=fields(), recovery_case=case)
    assert not RootCauseAnalysis.objects.exists()


def test_a_theme_timeline_lists_its_negative_comments_by_date(practice):
    version = make_survey(practice)
    patient = make_patient(practice)
    now = timezone.now()
    for days, topic, sentiment in (
        (3, "hold time", "negative"),
        (10, "hold time", "negative"),
        (12, "hold time", "positive"),
        (40, "hold time", "negative"),
        (5, "parking", "negative"),
    ):
        response = make_response(
            version,
            patient,
            {"comment": "Forty minutes on hold"},
            completed_at=now - timedelta(days=days),
            touchpoint="phone-booking",
        )
        CommentAnalysis.objects.create(
            practice=practice,
            answer=response.answers.get(question__code="comment"),
            sentiment=Sentiment.NEGATIVE,
            score=-0.5,
            touchpoints=[{"name": topic, "sentiment": sentiment}],
        )
    prefill = selectors.from_theme(
        practice=practice, touchpoint="phone-booking", theme="Hold time", today=practice.local_date(now)
    )
    assert len(prefill.timeline) == 2
    assert all("Forty" not in what for _at, what in prefill.timeline)
    assert prefill.theme == "Hold time"


def test_causes_are_saved_with_their_failures_and_block_the_actions(practice, owner):
    rca = services.create_rca(practice=practice, actor_user=owner, fields=fields())
    bad = services.add_cause(practice=practice, actor_user=owner, rca=rca, statement=BAD, category="people")
    services.add_action(practice=practice, actor_user=owner, rca=rca, fields=action_fields(owner))
    page = selectors.rca_page(rca=rca)
    assert page.failing == 1
    assert {f.rule for f in page.causes[0].failures} >= {1, 3}
    with pytest.raises(services.RcaRefused) as refused:
        services.start_actions(practice=practice, actor_user=owner, rca=rca)
    assert "rewrite" in refused.value.message
    rca.refresh_from_db()
    assert rca.status == RcaStatus.OPEN
    services.rewrite_cause(practice=practice, actor_user=owner, cause=bad, statement=GOOD, category="technology")
    services.start_actions(practice=practice, actor_user=owner, rca=rca)
    rca.refresh_from_db()
    assert rca.status == RcaStatus.ACTIONS


def test_no_cause_or_no_action_blocks_too(practice, owner):
    rca = services.create_rca(practice=practice, actor_user=owner, fields=fields())
    with pytest.raises(services.RcaRefused) as refused:
        services.start_actions(practice=practice, actor_user=owner, rca=rca)
    assert "causal statement" in refused.value.message and "action" in refused.value.message


def test_an_action_needs_a_team_member_a_kind_and_a_project_of_the_practice(practice, other_practice, owner):
    rca = services.create_rca(practice=practice, actor_user=owner, fields=fields())
    stranger = make_staff(other_practice, Role.OWNER)
    left = make_staff(practice, Role.FRONT_DESK)
    Membership.objects.filter(user=left).update(is_active=False)
    their_project = ImprovementProject.objects.create(
        practice=other_practice, title="x", change="x", touchpoints=[], went_live_on=timezone.localdate()
    )
    other_rca = services.create_rca(practice=practice, actor_user=owner, fields=fields())
    other_cause = services.add_cause(
        practice=practice, actor_user=owner, rca=other_rca, statement=GOOD, category="process"
    )
    for bad, field in (
        (action_fields(stranger), "owner"),
        (action_fields(left), "owner"),
        (action_fields(owner, hierarchy_kind="wishful"), "hierarchy_kind"),
        (action_fields(owner, project=their_project), "project"),
        (action_fields(owner, cause=other_cause), "cause"),
        (action_fields(owner, measure="  "), "measure"),
    ):
        with pytest.raises(services.RcaRefused) as refused:
            services.add_action(practice=practice, actor_user=owner, rca=rca, fields=bad)
        assert refused.value.field == field
    assert not RcaAction.objects.exists()
    action = services.add_action(
        practice=practice, actor_user=owner, rca=rca, fields=action_fields(owner, hierarchy_kind="training")
    )
    assert action.strength == "weaker"


def test_the_last_action_done_finishes_the_analysis_on_that_day(practice, owner):
    member = make_staff(practice, Role.FRONT_DESK)
    rca = services.create_rca(practice=practice, actor_user=owner, fields=fields())
    services.add_cause(practice=practice, actor_user=owner, rca=rca, statement=GOOD, category="technology")
    first = services.add_action(practice=practice, actor_user=owner, rca=rca, fields=action_fields(owner))
    second = services.add_action(
        practice=practice, actor_user=owner, rca=rca, fields=action_fields(member, hierarchy_kind="checklist")
    )
    services.start_actions(practice=practice, actor_user=owner, rca=rca)
    day_one, day_two = timezone.localdate() - timedelta(days=2), timezone.localdate()
    services.mark_action_done(practice=practice, actor_user=owner, action=first, today=day_one)
    rca.refresh_from_db()
    assert (rca.status, rca.actions_done_on) == (RcaStatus.ACTIONS, None)
    services.mark_action_done(practice=practice, actor_user=member, action=second, today=day_two)
    rca.refresh_from_db()
    assert (rca.status, rca.actions_done_on) == (RcaStatus.DONE, day_two)
    # A second click changes nothing.
    services.mark_action_done(practice=practice, actor_user=member, action=second, today=day_two + timedelta(days=1))
    second.refresh_from_db()
    assert second.done_on == day_two
    assert selectors.open_analyses(practice).count() == 0
    # A new action puts it back under way; the recurrence watch waits for it.
    services.add_action(practice=practice, actor_user=owner, rca=rca, fields=action_fields(owner))
    rca.refresh_from_db()
    assert (rca.status, rca.actions_done_on) == (RcaStatus.ACTIONS, None)
    assert list(selectors.open_analyses(practice)) == [rca]


def test_actions_done_while_analysing_finish_it_when_it_moves_on(practice, owner):
    rca = services.create_rca(practice=practice, actor_user=owner, fields=fields())
    services.add_cause(practice=practice, actor_user=owner, rca=rca, statement=GOOD, category="technology")
    action = services.add_action(practice=practice, actor_user=owner, rca=rca, fields=action_fields(owner))
    services.mark_action_done(practice=practice, actor_user=owner, action=action, today=timezone.localdate())
    rca.refresh_from_db()
    assert rca.status == RcaStatus.OPEN  # still analysing: not done before the analysis is
    services.start_actions(practice=practice, actor_user=owner, rca=rca)
    rca.refresh_from_db()
    assert (rca.status, rca.actions_done_on) == (RcaStatus.DONE, timezone.localdate())
    services.reopen_analysis(practice=practice, actor_user=owner, rca=rca)
    rca.refresh_from_db()
    assert (rca.status, rca.actions_done_on) == (RcaStatus.OPEN, None)


def test_open_analyses_are_the_practices_own(practice, other_practice, owner):
    mine = services.create_rca(practice=practice, actor_user=owner, fields=fields())
    services.create_rca(practice=other_practice, actor_user=make_staff(other_practice, Role.OWNER), fields=fields())
    assert list(selectors.open_analyses(practice)) == [mine]
    assert CausalStatement.objects.count() == 0
