"""The committee, its checklist, proposed changes gated on patient input, decisions linked to what
they were about, minutes and attendees; who may do what; bad input changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from cx.models import (
    ChangeStatus,
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    Decision,
    PatientInputCriterion,
    ProposedChange,
)
from cx.selectors.governance import DEFAULT_CRITERIA
from practices.models import Role
from tests.factories import make_patient, make_survey
from tests.governance_data import closed_case, comment, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, practice, make_staff):
    owner = make_staff(practice, Role.OWNER)
    client.force_login(owner)
    client.owner = owner
    return client


def url(name, practice, *args):
    return reverse(name, args=[practice.slug, *args])


def state(practice):
    return {
        "proposals": list(ProposedChange.objects.filter(practice=practice).order_by("pk").values()),
        "decisions": list(Decision.objects.filter(practice=practice).order_by("pk").values()),
        "meetings": list(CommitteeMeeting.objects.filter(practice=practice).order_by("pk").values()),
        "members": list(CommitteeMember.objects.filter(practice=practice).order_by("pk").values()),
        "criteria": list(PatientInputCriterion.objects.filter(practice=practice).order_by("pk").values()),
    }


# --- the committee ----------------------------------------------------------------------------------


def test_members_and_patient_advisers(owner_client, practice, make_staff, other_practice):
    client = owner_client
    desk = make_staff(practice, Role.FRONT_DESK)
    stranger = make_staff(other_practice, Role.OWNER)
    add = url("cx:committee_member_add", practice)
    assert client.post(add, {"role": "chair", "user": str(client.owner.pk)}).status_code == 302
    assert client.post(add, {"role": "member", "user": str(desk.pk)}).status_code == 302
    assert client.post(add, {"role": "adviser", "name": "Rosa M."}).status_code == 302
    before = state(practice)
    # An adviser without a name, a staff role without a person, someone from elsewhere, twice the same.
    for data in (
        {"role": "adviser", "name": "  "},
        {"role": "adviser", "name": "Ana", "user": str(desk.pk)},
        {"role": "member", "name": "Ana"},
        {"role": "member", "user": str(stranger.pk)},
        {"role": "member", "user": str(desk.pk)},
        {"role": "boss", "user": str(desk.pk)},
        {"role": "member", "user": "abc"},
    ):
        response = client.post(add, data)
        assert response.status_code == 400, data
        assert 'class="errors"' in response.content.decode() or "form-errors" in response.content.decode()
    assert state(practice) == before
    page = client.get(url("cx:committee", practice)).content.decode()
    assert "Rosa M." in page
    assert "no login to Touchpoints and no access to patient records" in page
    adviser = CommitteeMember.objects.get(practice=practice, name="Rosa M.")
    assert adviser.user_id is None
    assert client.post(url("cx:committee_member_remove", practice, adviser.pk)).status_code == 302
    adviser.refresh_from_db()
    assert not adviser.active  # kept: past minutes still name who attended
    assert "Rosa M." not in client.get(url("cx:committee", practice)).content.decode()


def test_charter_cadence_and_theme_settings(owner_client, practice):
    client = owner_client
    address = url("cx:committee_edit", practice)
    data = {"charter": "We decide.", "cadence": "quarterly", "recurring_threshold": "4", "recurring_window_days": "60"}
    assert client.post(address, data).status_code == 302
    committee = Committee.objects.get(practice=practice)
    assert (committee.charter, committee.cadence, committee.recurring_threshold, committee.recurring_window_days) == (
        "We decide.",
        "quarterly",
        4,
        60,
    )
    for bad in ({"recurring_threshold": "1"}, {"recurring_window_days": "9999"}, {"cadence": "daily"}):
        response = client.post(address, {**data, "charter": "changed", **bad})
        assert response.status_code == 200
        assert Committee.objects.get(practice=practice).charter == "We decide."


def test_the_checklist_is_seeded_then_the_committees_own(owner_client, practice):
    client = owner_client
    assert client.get(url("cx:criteria", practice)).status_code == 200
    seeded = list(PatientInputCriterion.objects.filter(practice=practice))
    assert [c.text for c in seeded] == list(DEFAULT_CRITERIA)
    assert client.get(url("cx:criteria", practice)).status_code == 200  # not seeded twice
    assert PatientInputCriterion.objects.filter(practice=practice).count() == len(DEFAULT_CRITERIA)
    kept = seeded[1]
    lines = f"{kept.text}\nchanges the parking\n\nchanges the parking"
    assert client.post(url("cx:criteria", practice), {"criteria": lines}).status_code == 302
    active = list(PatientInputCriterion.objects.filter(practice=practice, active=True))
    assert [c.text for c in active] == [kept.text, "changes the parking"]
    assert active[0].pk == kept.pk
    assert PatientInputCriterion.objects.filter(practice=practice, active=False).count() == len(DEFAULT_CRITERIA) - 1
    before = state(practice)
    for bad in ("", " \n ", "x" * 201):
        assert client.post(url("cx:criteria", practice), {"criteria": bad}).status_code == 200
    assert state(practice) == before


# --- proposed changes -------------------------------------------------------------------------------


def _meeting(practice):
    return CommitteeMeeting.objects.create(practice=practice, held_on=today(practice))


def test_a_change_that_meets_a_criterion_waits_for_patient_input(owner_client, practice):
    client = owner_client
    response = client.post(
        url("cx:proposal_new", practice),
        {"title": "Close on Saturdays", "description": "From January", "touchpoints": ["self-scheduling"]},
    )
    proposal = ProposedChange.objects.get(practice=practice)
    assert response["Location"] == url("cx:proposal", practice, proposal.pk)
    meeting = _meeting(practice)
    decide = url("cx:proposal_decide", practice, proposal.pk)
    decision = {"meeting": str(meeting.pk), "outcome": "approve", "text": "Go ahead"}

    # Not screened yet: no decision.
    response = client.post(decide, decision)
    assert "Run the change through the checklist for patient input first." in response.content.decode()
    assert not Decision.objects.exists()

    page = client.get(url("cx:proposal", practice, proposal.pk)).content.decode()
    access = PatientInputCriterion.objects.get(practice=practice, text__startswith="changes access")
    screen = url("cx:proposal_screen", practice, proposal.pk)
    assert f'value="{access.pk}"' in page

    # A criterion applies but no way to get the input is chosen: refused, nothing changes.
    before = state(practice)
    response = client.post(screen, {"criteria": [str(access.pk)], "input_method": ""})
    assert response.status_code == 400
    assert "Patient input is needed: choose how to get it" in response.content.decode()
    assert state(practice) == before

    assert client.post(screen, {"criteria": [str(access.pk)], "input_method": "survey_sample"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.input_needed, proposal.input_method, proposal.status, proposal.criteria_met) == (
        True,
        "survey_sample",
        ChangeStatus.WAITING_FOR_INPUT,
        [access.pk],
    )
    page = client.get(url("cx:proposal", practice, proposal.pk)).content.decode()
    assert "Patient input needed." in page
    assert "A survey to a sample of patients" in page

    # Input needed and nothing recorded: the decision is refused with a clear message, nothing changes.
    before = state(practice)
    response = client.post(decide, decision)
    assert response.status_code == 400
    assert "Patient input is needed before a decision: record what patients said first." in response.content.decode()
    assert state(practice) == before

    summary = "38 of 50 patients asked would rather have evening hours."
    data = {"criteria": [str(access.pk)], "input_method": "survey_sample", "input_summary": summary}
    assert client.post(screen, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ChangeStatus.READY
    assert client.post(decide, {**decision, "outcome": "decline", "text": "Keep Saturdays"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ChangeStatus.DECLINED
    made = Decision.objects.get(practice=practice)
    assert (made.meeting, made.subject_kind, made.subject_id, made.text) == (
        meeting,
        "change",
        proposal.pk,
        "Keep Saturdays",
    )
    # Decided: neither screened nor decided again.
    before = state(practice)
    assert client.post(screen, {"criteria": [], "input_method": ""}).status_code == 400
    assert client.post(decide, decision).status_code == 400
    assert state(practice) == before
    meeting_page = client.get(url("cx:meeting", practice, meeting.pk)).content.decode()
    assert url("cx:proposal", practice, proposal.pk) in meeting_page
    assert "Keep Saturdays" in meeting_page


def test_a_change_no_criterion_applies_to_can_be_decided_at_once(owner_client, practice):
    client = owner_client
    proposal = ProposedChange.objects.create(practice=practice, title="New staff room chairs")
    meeting = _meeting(practice)
    assert client.post(url("cx:proposal_screen", practice, proposal.pk), {"criteria": []}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.input_needed, proposal.status) == (False, ChangeStatus.READY)
    response = client.post(
        url("cx:proposal_decide", practice, proposal.pk),
        {"meeting": str(meeting.pk), "outcome": "approve", "text": "Yes"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ChangeStatus.APPROVED


def test_bad_screening_and_decisions_change_nothing(owner_client, practice, other_practice):
    client = owner_client
    proposal = ProposedChange.objects.create(practice=practice, title="X")
    theirs = CommitteeMeeting.objects.create(practice=other_practice, held_on=today(practice))
    client.get(url("cx:proposal", practice, proposal.pk))
    before = state(practice)
    screen = url("cx:proposal_screen", practice, proposal.pk)
    for data in ({"criteria": ["999999"]}, {"criteria": ["x"]}, {"input_method": "telepathy"}):
        assert client.post(screen, data).status_code == 400, data
    decide = url("cx:proposal_decide", practice, proposal.pk)
    for data in ({"meeting": str(theirs.pk), "outcome": "approve", "text": "x"}, {"meeting": "x"}, {}):
        assert client.post(decide, data).status_code == 400, data
    assert state(practice) == before
    assert client.post(url("cx:proposal_new", practice), {"title": " "}).status_code == 200
    assert client.post(url("cx:proposal_new", practice), {"title": "x", "touchpoints": ["nowhere"]}).status_code == 200
    assert state(practice) == before


# --- meetings, minutes and decisions ----------------------------------------------------------------


def test_decisions_link_to_what_they_were_about(owner_client, practice):
    client = owner_client
    version, patient, day = make_survey(practice), make_patient(practice), today(practice)
    case = closed_case(version, patient, closed_on=day - timedelta(days=1), outcome="not_resolved")
    for ago in (0, 1, 2):
        comment(version, patient, day=day - timedelta(days=ago))
    client.post(url("cx:meeting_new", practice), {"held_on": day.isoformat()})
    meeting = CommitteeMeeting.objects.get(practice=practice)
    add = url("cx:meeting_decision_add", practice, meeting.pk)
    page = client.get(url("cx:meeting", practice, meeting.pk)).content.decode()
    assert f'value="case:{case.pk}"' in page
    assert 'value="theme:phone-booking|waiting"' in page
    assert client.post(add, {"subject": f"case:{case.pk}", "decision": "Call the patient back"}).status_code == 302
    assert client.post(add, {"subject": "theme:phone-booking|waiting", "decision": "Analyse it"}).status_code == 302
    about_case, about_theme = Decision.objects.filter(meeting=meeting).order_by("pk")
    assert (about_case.subject_kind, about_case.subject_id) == ("case", case.pk)
    assert (about_theme.subject_kind, about_theme.subject_id, about_theme.subject_label) == (
        "theme",
        None,
        "phone-booking · waiting",
    )
    page = client.get(url("cx:meeting", practice, meeting.pk)).content.decode()
    assert reverse("feedback:recovery_case", args=[practice.slug, case.pk]) in page
    assert "Staff booking by phone · Waiting" in page
    # Something not on this meeting's agenda, or nothing at all: refused.
    other_case = closed_case(version, patient, closed_on=day, outcome="not_resolved")
    before = state(practice)
    for data in (
        {"subject": f"case:{other_case.pk}", "decision": "x"},
        {"subject": "case:abc", "decision": "x"},
        {"subject": f"case:{case.pk}", "decision": "  "},
        {"subject": "", "decision": "x"},
    ):
        assert client.post(add, data).status_code == 400, data
    assert state(practice) == before


def test_minutes_and_attendees(owner_client, practice, make_staff):
    client = owner_client
    committee = Committee.objects.create(practice=practice)
    chair = CommitteeMember.objects.create(practice=practice, committee=committee, user=client.owner, role="chair")
    adviser = CommitteeMember.objects.create(practice=practice, committee=committee, name="Rosa M.", role="adviser")
    meeting = _meeting(practice)
    minutes = url("cx:meeting_minutes", practice, meeting.pk)
    data = {"minutes": "We looked at the phone queue.", "attendees": [str(chair.pk), str(adviser.pk)], "held": "on"}
    assert client.post(minutes, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.attendees, meeting.held) == (
        "We looked at the phone queue.",
        [chair.pk, adviser.pk],
        True,
    )
    assert AuditEntry.objects.filter(summary="committee minutes").exists()
    page = client.get(url("cx:meeting", practice, meeting.pk)).content.decode()
    assert "Rosa M." in page and "We looked at the phone queue." in page
    before = state(practice)
    assert client.post(minutes, {**data, "attendees": ["99999"]}).status_code == 400
    ahead = CommitteeMeeting.objects.create(practice=practice, held_on=today(practice) + timedelta(days=7))
    assert client.post(url("cx:meeting_minutes", practice, ahead.pk), data).status_code == 400
    after = state(practice)
    after["meetings"] = [m for m in after["meetings"] if m["id"] != ahead.pk]
    assert after == before


# --- who may do what --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING])
def test_the_team_reads_and_proposes_the_editors_decide(client, practice, make_staff, role):
    owner = make_staff(practice, Role.OWNER)
    member = make_staff(practice, role)
    committee = Committee.objects.create(practice=practice)
    seat = CommitteeMember.objects.create(practice=practice, committee=committee, user=owner, role="chair")
    meeting = _meeting(practice)
    proposal = ProposedChange.objects.create(practice=practice, title="X")
    client.force_login(member)
    for name, args in (
        ("cx:committee", ()),
        ("cx:meetings", ()),
        ("cx:meeting", (meeting.pk,)),
        ("cx:proposals", ()),
        ("cx:proposal", (proposal.pk,)),
        ("cx:proposal_new", ()),
    ):
        assert client.get(url(name, practice, *args)).status_code == 200, name
    page = client.get(url("cx:meeting", practice, meeting.pk)).content.decode()
    assert "Save the minutes" not in page and "Record the decision" not in page
    before = state(practice)
    for name, args in (
        ("cx:committee_edit", ()),
        ("cx:committee_member_add", ()),
        ("cx:committee_member_remove", (seat.pk,)),
        ("cx:criteria", ()),
        ("cx:proposal_screen", (proposal.pk,)),
        ("cx:proposal_decide", (proposal.pk,)),
        ("cx:meeting_new", ()),
        ("cx:meeting_minutes", (meeting.pk,)),
        ("cx:meeting_decision_add", (meeting.pk,)),
    ):
        assert client.post(url(name, practice, *args), {"minutes": "x", "role": "adviser"}).status_code == 403, name
    assert state(practice) == before
    assert client.post(url("cx:proposal_new", practice), {"title": "Evening hours"}).status_code == 302
    assert ProposedChange.objects.filter(practice=practice, title="Evening hours", proposed_by=member).exists()


def test_ids_of_another_practice_are_404(owner_client, practice, other_practice):
    client = owner_client
    committee = Committee.objects.create(practice=other_practice)
    theirs = CommitteeMember.objects.create(practice=other_practice, committee=committee, name="Zed", role="adviser")
    meeting = CommitteeMeeting.objects.create(practice=other_practice, held_on=today(practice))
    proposal = ProposedChange.objects.create(practice=other_practice, title="Theirs")
    assert client.post(url("cx:committee_member_remove", practice, theirs.pk)).status_code == 404
    assert client.get(url("cx:meeting", practice, meeting.pk)).status_code == 404
    assert client.get(url("cx:proposal", practice, proposal.pk)).status_code == 404
    assert client.get(url("cx:proposal", practice, 2**63 + 5)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
