"""The meeting agenda: each section built from real rows, kept as a snapshot, drawn with links."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cx.models import (
    ChangeStatus,
    Committee,
    CommitteeMeeting,
    Goal,
    ImprovementProject,
    ProjectStatus,
    ProposedChange,
    RcaStatus,
)
from cx.selectors import agenda
from cx.views import governance as views
from practices.models import Role
from tests.factories import make_patient, make_survey
from tests.governance_data import analysis, closed_case, comment, signal, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(practice):
    return make_survey(practice), make_patient(practice), today(practice)


def build(practice, day, **committee_fields):
    committee = Committee.objects.create(practice=practice, **committee_fields)
    return agenda.build_agenda(practice, held_on=day, today=day, committee=committee)["sections"]


def test_failed_experiences_are_cases_closed_unresolved_in_the_period(practice, world):
    version, patient, day = world
    CommitteeMeeting.objects.create(practice=practice, held_on=day - timedelta(days=20))
    unresolved = closed_case(version, patient, closed_on=day - timedelta(days=5), outcome="not_resolved")
    unreachable = closed_case(version, patient, closed_on=day - timedelta(days=4), outcome="unreachable")
    closed_case(version, patient, closed_on=day - timedelta(days=3), outcome="resolved")
    closed_case(version, patient, closed_on=day - timedelta(days=25), outcome="not_resolved")  # before the last meeting
    found = build(practice, day)["failed"]
    assert [item["id"] for item in found] == [unresolved.pk, unreachable.pk]
    assert found[0] == {
        "id": unresolved.pk,
        "touchpoint": "phone-booking",
        "outcome": "not_resolved",
        "reason": "detractor",
        "closed_on": (day - timedelta(days=5)).isoformat(),
    }


def test_a_first_meeting_looks_back_one_cadence(practice, world):
    version, patient, day = world
    recent = closed_case(version, patient, closed_on=day - timedelta(days=80), outcome="partly")
    assert build(practice, day, cadence="quarterly")["failed"] == [
        {
            "id": recent.pk,
            "touchpoint": "phone-booking",
            "outcome": "partly",
            "reason": "detractor",
            "closed_on": (day - timedelta(days=80)).isoformat(),
        }
    ]
    Committee.objects.all().delete()
    assert build(practice, day, cadence="monthly")["failed"] == []


def test_recurring_themes_follow_the_committees_threshold_and_window(practice, world):
    version, patient, day = world
    for ago in (1, 5, 12):
        comment(version, patient, day=day - timedelta(days=ago))
    assert build(practice, day, recurring_threshold=3, recurring_window_days=30)["themes"] == [
        {"touchpoint": "phone-booking", "topic": "waiting", "n": 3, "latest": (day - timedelta(days=1)).isoformat()}
    ]
    Committee.objects.all().delete()
    assert build(practice, day, recurring_threshold=3, recurring_window_days=10)["themes"] == []


def test_lessons_from_handled_signals_are_grouped_by_kind(practice, world):
    _version, patient, day = world
    first = signal(patient, kind="online_to_phone", handled_on=day - timedelta(days=3), lesson="No Saturday times")
    second = signal(patient, kind="online_to_phone", handled_on=day - timedelta(days=2), lesson="Saturdays gone")
    single = signal(patient, kind="opted_out", handled_on=day - timedelta(days=1), lesson="Too many texts")
    signal(patient, kind="new_location", handled_on=day - timedelta(days=1), lesson="")  # nothing learned
    signal(patient, kind="more_no_shows", handled_on=None, lesson="")  # not handled
    signal(patient, kind="lapsed_gap", handled_on=day - timedelta(days=60), lesson="Moved away")  # too old
    found = build(practice, day)["lessons"]
    assert [(g["kind"], g["n"], [item["id"] for item in g["lessons"]]) for g in found] == [
        ("online_to_phone", 2, [first.pk, second.pk]),
        ("opted_out", 1, [single.pk]),
    ]


def test_open_analyses_and_recurrences_after_the_fixes(practice, world):
    version, patient, day = world
    still_open = analysis(practice, title="Hold music", status=RcaStatus.ACTIONS)
    done = analysis(practice, title="Phone queue", status=RcaStatus.DONE, actions_done_on=day - timedelta(days=9))
    comment(version, patient, day=day - timedelta(days=2))
    sections = build(practice, day)
    assert [item["id"] for item in sections["rcas"]] == [still_open.pk]
    assert [(item["id"], item["n"]) for item in sections["recurrences"]] == [(done.pk, 1)]


def test_projects_due_for_a_verdict_have_run_their_after_window_and_are_still_live(practice, world):
    _version, _patient, day = world

    def project(title, weeks_ago, status=ProjectStatus.LIVE):
        return ImprovementProject.objects.create(
            practice=practice,
            title=title,
            change="x",
            touchpoints=["reminders"],
            went_live_on=day - timedelta(weeks=weeks_ago),
            window_weeks=4,
            primary_measure="nps",
            status=status,
        )

    due = project("Due", 5)
    project("Still measuring", 2)
    project("Finished", 6, status=ProjectStatus.FINISHED)
    assert [item["id"] for item in build(practice, day)["projects"]] == [due.pk]


def test_goals_off_track_come_from_the_strategy_selector(practice, world, monkeypatch):
    _version, _patient, day = world
    goal = Goal.objects.create(practice=practice, title="Easiest to reach by phone")
    Goal.objects.create(practice=practice, title="On track")
    seen = {}

    def off_track(p, *, today):
        seen["args"] = (p, today)
        return [goal]

    monkeypatch.setattr("cx.selectors.strategy.goals_off_track", off_track)
    assert build(practice, day)["goals"] == [{"id": goal.pk, "title": "Easiest to reach by phone"}]
    assert seen["args"] == (practice, day)


def test_proposed_changes_waiting_for_a_decision(practice, world):
    waiting = ProposedChange.objects.create(
        practice=practice, title="Saturday hours", status=ChangeStatus.WAITING_FOR_INPUT
    )
    new = ProposedChange.objects.create(practice=practice, title="New form")
    ProposedChange.objects.create(practice=practice, title="Done", status=ChangeStatus.APPROVED)
    found = build(practice, world[2])["proposals"]
    assert {item["id"] for item in found} == {waiting.pk, new.pk}


def test_another_practices_rows_stay_off_the_agenda(practice, other_practice, world):
    day = world[2]
    other_version, other_patient = make_survey(other_practice), make_patient(other_practice)
    closed_case(other_version, other_patient, closed_on=day - timedelta(days=2), outcome="not_resolved")
    for _ in range(4):
        comment(other_version, other_patient, day=day)
    signal(other_patient, kind="opted_out", handled_on=day, lesson="x")
    analysis(other_practice)
    ProposedChange.objects.create(practice=other_practice, title="Theirs")
    assert all(items == [] for items in build(practice, day).values())


def test_preparing_a_meeting_stores_the_snapshot_and_the_page_links_each_item(client, practice, make_staff, world):
    version, patient, day = world
    owner = make_staff(practice, Role.OWNER)
    case = closed_case(version, patient, closed_on=day - timedelta(days=1), outcome="not_resolved")
    for ago in (0, 1, 2):
        comment(version, patient, day=day - timedelta(days=ago))
    rca = analysis(practice, title="Hold music")
    proposal = ProposedChange.objects.create(practice=practice, title="Saturday hours")
    client.force_login(owner)
    response = client.post(reverse("cx:meeting_new", args=[practice.slug]), {"held_on": day.isoformat()})
    meeting = CommitteeMeeting.objects.get(practice=practice)
    assert response.status_code == 302
    assert response["Location"] == reverse("cx:meeting", args=[practice.slug, meeting.pk])
    assert [item["id"] for item in meeting.agenda["sections"]["failed"]] == [case.pk]
    assert meeting.agenda["sections"]["themes"][0]["n"] == 3
    # A later case does not change the agenda already prepared: it is a snapshot.
    closed_case(version, patient, closed_on=day, outcome="not_resolved")
    page = client.get(reverse("cx:meeting", args=[practice.slug, meeting.pk])).content.decode()
    assert page.count("Recovery case ") == 1
    assert reverse("feedback:recovery_case", args=[practice.slug, case.pk]) in page
    assert reverse("cx:proposal", args=[practice.slug, proposal.pk]) in page
    assert "Hold music" in page
    rca_page = views.link("cx:rca", practice_slug=practice.slug, pk=rca.pk)
    start = views.link("cx:rca_new", practice_slug=practice.slug)
    if start:  # the RCA pages are merged: each failed experience and theme can start one
        assert f"{start}?case={case.pk}" in page
        assert f"{start}?touchpoint=phone-booking&amp;theme=waiting" in page
        assert rca_page in page
    else:
        assert "Start a root-cause analysis" not in page
    assert "Waiting, in surveys about Staff booking by phone" in page
    assert "Negative 3 times" in page


def test_the_same_day_twice_is_refused(client, practice, make_staff, world):
    day = world[2]
    client.force_login(make_staff(practice, Role.OWNER))
    address = reverse("cx:meeting_new", args=[practice.slug])
    assert client.post(address, {"held_on": day.isoformat()}).status_code == 302
    response = client.post(address, {"held_on": day.isoformat()})
    assert response.status_code == 200
    assert "There is already a meeting on that day." in response.content.decode()
    assert CommitteeMeeting.objects.filter(practice=practice).count() == 1
    for bad in ("", "tomorrow", "9999-01-01", (day + timedelta(days=400)).isoformat()):
        assert client.post(address, {"held_on": bad}).status_code == 200
    assert CommitteeMeeting.objects.filter(practice=practice).count() == 1


def test_the_link_helper_adds_the_query(practice):
    assert views.link("cx:committee", practice_slug=practice.slug, query={"a": "b c"}).endswith("?a=b+c")
