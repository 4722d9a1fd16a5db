"""Every experience-toolkit URL, enumerated from the URLconf: a member of another practice gets 404
and changes nothing, through their own practice's address too; each role opens what it may.

A new cx URL with a pk must say which record it names in ``PK_RECORD``, or these tests fail.
"""

from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx import models as cx
from cx.roles import EDITORS
from feedback.models import Answer, Response
from practices.models import Membership, Role
from tests.factories import make_patient, make_response, make_survey

# The record a URL's pk names, by the URL name's start (the longest prefix wins).
PK_RECORD = {
    "cx:moment": "moment",
    "cx:recognition": "recognition",
    "cx:team_member": "membership",
    "cx:action": "action",
    "cx:map": "map",
    "cx:idea_add": "map",
    "cx:idea": "idea",
    "cx:group": "group",
    "cx:project": "project",
    "cx:rca": "rca",
    "cx:rca_action_done": "rca_action",
    "cx:goal": "goal",  # cx:goal, cx:goal_edit, cx:goal_measure_add, cx:goal_experience_add
    "cx:committee_member": "committee_member",
    "cx:proposal": "proposal",
    "cx:meeting": "meeting",
    "cx:signal": "signal",
    "cx:signal_patient": "patient",
    "cx:pulse_round": "pulse_round",
    "cx:pulse_answer": "pulse_round",
    "cx:hiring_kit": "kit",
    "cx:hiring_question_add": "kit",
    "cx:candidate": "candidate",
    "cx:staff_record": "membership",
}

# Pages every member of the team may open (the rest are the owner's and the experience lead's).
TEAM_PAGES = {
    "cx:home",
    "cx:settings",
    "cx:moments",
    "cx:moment",
    "cx:moment_screen",
    "cx:moment_print",
    "cx:recognitions",
    "cx:actions",
    "cx:my_profile",
    "cx:maps",
    "cx:map",
    "cx:groups",
    "cx:projects",
    "cx:project",
    "cx:rcas",
    "cx:rca",
    "cx:strategy",
    "cx:goal",
    "cx:measure_catalogue",
    "cx:team_member",  # their own page only: another member's is 404 (below)
    "cx:committee",  # governance: the whole team reads the committee, agendas and minutes
    "cx:proposals",
    "cx:proposal",
    "cx:proposal_new",  # anyone may propose a change; the committee screens and decides
    "cx:meetings",
    "cx:meeting",
    "cx:pulse",
    "cx:pulse_answer",
    "cx:pulse_round",
    "cx:systems",
    "cx:hiring",  # the kits, and only the candidates they interview
    "cx:hiring_kit",
    "cx:staff_record",  # their own record only: another member's is 404 (below)
}

# Pages the front desk opens besides the team's: what changed (they make the calls).
FRONT_DESK_PAGES = {"cx:signals", "cx:signal", "cx:signal_lessons", "cx:signal_patient"}


def cx_patterns() -> list[URLPattern]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "cx":
            return [p for p in entry.url_patterns if isinstance(p, URLPattern)]
    raise AssertionError("no cx namespace")


def cx_names() -> list[str]:
    return [f"cx:{p.name}" for p in cx_patterns()]


def takes_pk(name: str) -> bool:
    pattern = next(p for p in cx_patterns() if f"cx:{p.name}" == name)
    return "pk" in pattern.pattern.converters


def record_for(name: str) -> str:
    prefix = max((p for p in PK_RECORD if name.startswith(p)), key=len)
    return PK_RECORD[prefix]


def url(name: str, slug: str, records: dict) -> str:
    kwargs = {"practice_slug": slug}
    if takes_pk(name):
        kwargs["pk"] = records[record_for(name)].pk
    return reverse(name, kwargs=kwargs)


def make_records(practice, owner) -> dict:
    response = make_response(make_survey(practice), make_patient(practice), {"comment": "Maria was so kind."})
    answer = Answer.objects.get(response=response, question__code="comment")
    now = timezone.now()
    signal_patient = make_patient(practice)
    group = cx.PatientGroup.objects.create(practice=practice, name="Over 65", min_age=65)
    empathy_map = cx.EmpathyMap.objects.create(practice=practice, touchpoint="self-scheduling", group=group)
    rca = cx.RootCauseAnalysis.objects.create(practice=practice, title="Hold time", touchpoint="phone-booking")
    kit = cx.HiringKit.objects.create(practice=practice, job_title="receptionist")
    question = cx.InterviewQuestion.objects.create(
        practice=practice,
        kit=kit,
        competency="empathy",
        text_en="Tell me about a wait.",
        anchors_en=["a", "b", "c", "d"],
    )
    candidate = cx.Candidate.objects.create(
        practice=practice,
        name="Carla",
        job_title="receptionist",
        interviewed_on=timezone.localdate(),
        interviewers=[owner.pk],
    )
    cx.InterviewScore.objects.create(
        practice=practice, candidate=candidate, question=question, interviewer=owner, score=3
    )
    return {
        "rca": rca,
        "rca_action": cx.RcaAction.objects.create(
            practice=practice,
            rca=rca,
            description="Second phone line",
            hierarchy_kind="physical",
            strength="stronger",
            owner=owner,
            due_on=timezone.localdate(),
            measure="Hold time",
        ),
        "kit": kit,
        "candidate": candidate,
        "membership": Membership.objects.get(user=owner, practice=practice),
        "moment": cx.ExperienceMoment.objects.create(
            practice=practice, meeting_date=timezone.localdate(), period_start=now - timedelta(days=7), period_end=now
        ),
        "recognition": cx.Recognition.objects.create(
            practice=practice,
            answer=answer,
            user=owner,
            possible_users=[owner.pk],
            mention="Maria",
            evidence="Maria was so kind.",
            said_at=now,
        ),
        "action": cx.Action.objects.create(
            practice=practice, title="Call back", owner=owner, due_on=timezone.localdate()
        ),
        "group": group,
        "map": empathy_map,
        "idea": cx.Idea.objects.create(practice=practice, empathy_map=empathy_map, text="Saturday clinic"),
        "project": cx.ImprovementProject.objects.create(
            practice=practice,
            title="Retraining",
            change="Front-desk retraining",
            touchpoints=["flow-board"],
            went_live_on=timezone.localdate() - timedelta(days=30),
            primary_measure="nps",
        ),
        "goal": _goal(practice, owner),
        **_governance_records(practice, owner),
        "signal": cx.ChangeSignal.objects.create(
            practice=practice,
            patient=signal_patient,
            kind=cx.SignalKind.ONLINE_TO_PHONE,
            evidence="Booked online 6 times; by phone twice.",
            changed_on=timezone.localdate(),
        ),
        "patient": signal_patient,
        "pulse_round": cx.PulseRound.objects.create(
            practice=practice,
            quarter_start=date(timezone.localdate().year, 1, 1),
            closes_on=timezone.localdate() + timedelta(days=10),
        ),
    }


def _governance_records(practice, owner) -> dict:
    committee = cx.Committee.objects.create(practice=practice)
    meeting = cx.CommitteeMeeting.objects.create(practice=practice, held_on=timezone.localdate())
    proposal = cx.ProposedChange.objects.create(practice=practice, title="Saturday hours")
    cx.Decision.objects.create(
        practice=practice, meeting=meeting, text="Pilot it", subject_kind="change", subject_id=proposal.pk
    )
    return {
        "committee_member": cx.CommitteeMember.objects.create(
            practice=practice, committee=committee, user=owner, role="chair"
        ),
        "proposal": proposal,
        "meeting": meeting,
    }


def _goal(practice, owner) -> cx.Goal:
    goal = cx.Goal.objects.create(practice=practice, title="Easiest to reach by phone", owner=owner)
    experience = cx.IntendedExperience.objects.create(
        practice=practice, goal=goal, touchpoint="self-scheduling", sentence="Books online in two minutes."
    )
    cx.GoalMeasure.objects.create(
        practice=practice,
        goal=goal,
        experience=experience,
        measure="nps",
        target=50,
        target_on=timezone.localdate() + timedelta(days=90),
    )
    cx.StrategyReview.objects.create(
        practice=practice,
        quarter_start=timezone.localdate().replace(day=1, month=1),
        what_moved="x",
        what_will_change="y",
    )
    return goal


def snapshot() -> dict:
    tables = [
        cx.CxSettings,
        cx.TeamMemberProfile,
        cx.ExperienceMoment,
        cx.MomentAttendee,
        cx.Recognition,
        cx.PatientGroup,
        cx.EmpathyMap,
        cx.Idea,
        cx.ImprovementProject,
        cx.Action,
        cx.RootCauseAnalysis,
        cx.TimelineEntry,
        cx.CausalStatement,
        cx.RcaAction,
        cx.Goal,
        cx.IntendedExperience,
        cx.GoalMeasure,
        cx.StrategyReview,
        cx.Committee,
        cx.CommitteeMember,
        cx.PatientInputCriterion,
        cx.ProposedChange,
        cx.CommitteeMeeting,
        cx.Decision,
        cx.ChangeSignal,
        cx.PulseRound,
        cx.PulseParticipation,
        cx.PulseAnswer,
        cx.SystemsPractice,
        cx.HiringKit,
        cx.InterviewQuestion,
        cx.Candidate,
        cx.InterviewScore,
    ]
    state: dict = {t.__name__: list(t._default_manager.order_by("pk").values()) for t in tables}
    state["audit"] = AuditEntry.objects.count()
    state["responses"] = Response.objects.count()
    return state


@pytest.fixture
def two_practices(practice, other_practice, make_staff):
    owner_a = make_staff(practice, Role.OWNER)
    owner_b = make_staff(other_practice, Role.OWNER)
    return owner_a, make_records(practice, owner_a), make_records(other_practice, owner_b)


def test_it_enumerates_every_cx_url():
    names = cx_names()
    assert len(names) >= 40
    for name in names:
        if takes_pk(name):
            assert any(name.startswith(p) for p in PK_RECORD), f"{name} takes a pk; say which record in PK_RECORD"
    assert set(names) >= TEAM_PAGES


def test_a_stranger_gets_404_on_every_cx_url_and_changes_nothing(client, two_practices, other_practice):
    owner_a, _, b = two_practices
    client.force_login(owner_a)
    before = snapshot()
    for name in cx_names():
        address = url(name, other_practice.slug, b)
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"title": "x", "text": "x", "name": "x"}).status_code == 404, address
    assert snapshot() == before


def test_another_practices_records_are_404_under_ones_own_address(client, two_practices, practice):
    owner_a, a, b = two_practices
    client.force_login(owner_a)
    pk_names = [name for name in cx_names() if takes_pk(name)]
    # The same pages with A's own records open, so the 404s below are about B's ids.
    for name in pk_names:
        assert client.get(url(name, practice.slug, a)).status_code in (200, 405), name
    before = snapshot()
    for name in pk_names:
        address = url(name, practice.slug, b)
        # A page that only answers GET (or only POST) says 405 whatever the id: that tells nothing.
        assert client.get(address).status_code in (404, 405), address
        assert client.post(address, {"title": "x", "text": "x", "name": "x"}).status_code in (404, 405), address
    assert snapshot() == before


@pytest.mark.parametrize("role", [r for r in Role.values if r not in EDITORS])
def test_the_team_opens_the_team_pages_and_nothing_else(client, practice, make_staff, role):
    owner = make_staff(practice, Role.OWNER)
    records = make_records(practice, owner)
    member = make_staff(practice, role)
    records["membership"] = Membership.objects.get(user=member, practice=practice)
    client.force_login(member)
    for name in cx_names():
        status = client.get(url(name, practice.slug, records)).status_code
        if name in TEAM_PAGES or (role == Role.FRONT_DESK and name in FRONT_DESK_PAGES):
            assert status == 200, (name, role, status)
        else:
            # Editors' pages and another member's records: refused, or a POST-only action.
            assert status in (403, 404, 405), (name, role, status)
    colleague = Membership.objects.get(user=owner, practice=practice)
    assert client.get(reverse("cx:team_member", args=[practice.slug, colleague.pk])).status_code == 404
    assert client.get(reverse("cx:staff_record", args=[practice.slug, colleague.pk])).status_code == 404


# Pages only the owner may open, and pages only the owner and one person (the record's person, the
# candidate's interviewers) may open: refused to everyone else, the experience lead included.
OWNER_ONLY_PAGES = {"cx:hiring_kit_edit", "cx:hiring_question_add", "cx:candidate_new", "cx:candidate_decide"}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.OWNER])
def test_owner_only_and_person_only_pages_are_refused_to_others(client, practice, make_staff, role):
    owner = make_staff(practice, Role.OWNER)
    records = make_records(practice, owner)  # the candidate's only interviewer is the owner
    client.force_login(make_staff(practice, role))
    before = snapshot()
    for name in OWNER_ONLY_PAGES:
        address = url(name, practice.slug, records)
        assert client.get(address).status_code in (403, 405), (name, role)
        assert client.post(address, {"decision": "hire", "name": "x"}).status_code == 403, (name, role)
    for name in ("cx:candidate", "cx:staff_record"):
        address = url(name, practice.slug, records)  # the owner's record, the owner's candidate
        assert client.get(address).status_code == 404, (name, role)
        assert client.post(address, {}).status_code in (404, 405), (name, role)
    assert snapshot() == before


def test_the_owner_opens_every_owner_only_and_person_only_page(client, practice, make_staff):
    owner = make_staff(practice, Role.OWNER)
    records = make_records(practice, owner)
    member = make_staff(practice, Role.FRONT_DESK)
    records["membership"] = Membership.objects.get(user=member, practice=practice)  # someone else's record
    records["candidate"].interviewers = [member.pk]  # a candidate the owner does not interview
    records["candidate"].save()
    client.force_login(owner)
    for name in OWNER_ONLY_PAGES | {"cx:candidate", "cx:staff_record"}:
        assert client.get(url(name, practice.slug, records)).status_code in (200, 405), name
