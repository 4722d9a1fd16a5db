"""Creating, changing and finishing an improvement project: validation that changes nothing, audit entries."""

from datetime import date, timedelta

import pytest

from audit.models import AuditEntry
from cx.models import EmpathyMap, Idea, IdeaStatus, ImprovementProject, ProjectStatus
from cx.services import projects as project_services
from cx.services.projects import ProjectFields, ProjectRefused
from practices.models import Role
from tests.factories import make_staff, make_survey

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 2)


def fields(**overrides):
    values = {
        "title": "New check-in instructions",
        "change": "Clearer online check-in instructions in the reminder",
        "touchpoints": ["online-check-in", "reminders"],
        "went_live_on": date(2025, 5, 5),
        "primary_measure": "no_show_rate",
        "secondary_measures": ["waiting_minutes"],
        "window_weeks": 8,
    }
    values.update(overrides)
    return ProjectFields(**values)


def create(practice, actor, **overrides):
    return project_services.create_project(practice=practice, actor_user=actor, fields=fields(**overrides), today=TODAY)


def test_it_creates_a_live_project_and_audits_it(practice, owner):
    project = create(practice, owner, owner=owner)
    assert project.status == ProjectStatus.LIVE
    assert project.touchpoints == ["online-check-in", "reminders"]
    assert project.secondary_measures == ["waiting_minutes"]
    entry = AuditEntry.objects.get(practice=practice, object_id=str(project.pk), action="create")
    assert entry.actor_user == owner
    assert entry.changes["primary_measure"]["to"] == "no_show_rate"


def test_a_change_ahead_is_planned(practice, owner):
    assert create(practice, owner, went_live_on=TODAY + timedelta(days=10)).status == ProjectStatus.PLANNED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"primary_measure": "happiness"}, "primary_measure", "Choose a primary measure from the list."),
        ({"primary_measure": "top_box:not_asked"}, "primary_measure", "Choose a primary measure from the list."),
        ({"secondary_measures": ["nps", "bogus"]}, "secondary_measures", "Choose secondary measures from the list."),
        ({"touchpoints": []}, "touchpoints", "Choose at least one touch point."),
        ({"touchpoints": ["moon-landing"]}, "touchpoints", "Unknown touch point: moon-landing."),
        ({"went_live_on": TODAY + timedelta(days=400)}, "went_live_on", "more than a year from today"),
        ({"went_live_on": date(2001, 1, 1)}, "went_live_on", "more than 10 years ago"),
        ({"window_weeks": 1}, "window_weeks", "between 2 and 52 weeks"),
        ({"window_weeks": 53}, "window_weeks", "between 2 and 52 weeks"),
        ({"title": "   "}, "title", "Give the project a name."),
        ({"change": ""}, "change", "Say what changes."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(practice, owner, overrides, field, message):
    with pytest.raises(ProjectRefused) as refused:
        create(practice, owner, **overrides)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not ImprovementProject.objects.exists()
    assert not AuditEntry.objects.filter(practice=practice).exists()


def test_top_box_measures_come_from_the_practices_questions(practice, owner):
    make_survey(practice)
    project = create(practice, owner, primary_measure="top_box:cg_access", secondary_measures=["top_box:recommend"])
    assert project.primary_measure == "top_box:cg_access"
    # A text question has no top box.
    with pytest.raises(ProjectRefused):
        create(practice, owner, primary_measure="top_box:comment")


def test_the_owner_must_be_on_the_team(practice, other_practice, owner):
    stranger = make_staff(other_practice, Role.OWNER)
    with pytest.raises(ProjectRefused) as refused:
        create(practice, owner, owner=stranger)
    assert refused.value.field == "owner"


def test_the_primary_measure_is_not_repeated_as_secondary(practice, owner):
    project = create(practice, owner, secondary_measures=["no_show_rate", "nps", "nps"])
    assert project.secondary_measures == ["nps"]


def test_a_project_from_an_idea_marks_the_idea_chosen(practice, other_practice, owner):
    empathy_map = EmpathyMap.objects.create(practice=practice, touchpoint="self-scheduling")
    idea = Idea.objects.create(practice=practice, empathy_map=empathy_map, text="Show Saturday times first")
    project = project_services.create_project(
        practice=practice, actor_user=owner, fields=fields(), idea=idea, today=TODAY
    )
    idea.refresh_from_db()
    assert project.idea == idea and idea.status == IdeaStatus.CHOSEN
    assert AuditEntry.objects.filter(practice=practice, object_id=str(idea.pk), action="update").exists()

    other_map = EmpathyMap.objects.create(practice=other_practice, touchpoint="self-scheduling")
    other_idea = Idea.objects.create(practice=other_practice, empathy_map=other_map, text="Not ours")
    with pytest.raises(ProjectRefused):
        project_services.create_project(
            practice=practice, actor_user=owner, fields=fields(), idea=other_idea, today=TODAY
        )
    assert ImprovementProject.objects.count() == 1


def test_an_update_audits_only_what_changed(practice, owner):
    project = create(practice, owner)
    updated = project_services.update_project(
        practice=practice,
        actor_user=owner,
        project=project,
        fields=fields(title="Check-in instructions, take two", window_weeks=6),
        today=TODAY,
    )
    assert updated.title == "Check-in instructions, take two"
    entry = AuditEntry.objects.filter(practice=practice, action="update").get()
    assert set(entry.changes) == {"title", "window_weeks"}


def test_a_refused_update_changes_nothing(practice, owner):
    project = create(practice, owner)
    with pytest.raises(ProjectRefused):
        project_services.update_project(
            practice=practice, actor_user=owner, project=project, fields=fields(primary_measure="bogus"), today=TODAY
        )
    project.refresh_from_db()
    assert project.primary_measure == "no_show_rate"
    assert not AuditEntry.objects.filter(practice=practice, action="update").exists()


def test_another_practice_cannot_change_the_project(practice, other_practice, owner):
    project = create(practice, owner)
    other_owner = make_staff(other_practice, Role.OWNER)
    with pytest.raises(ProjectRefused):
        project_services.update_project(
            practice=other_practice, actor_user=other_owner, project=project, fields=fields(), today=TODAY
        )
    with pytest.raises(ProjectRefused):
        project_services.finish_project(practice=other_practice, actor_user=other_owner, project=project)


def test_finish_and_reopen(practice, owner):
    project = create(practice, owner)
    finished = project_services.finish_project(practice=practice, actor_user=owner, project=project, today=TODAY)
    assert finished.status == ProjectStatus.FINISHED
    # An edit keeps it finished.
    edited = project_services.update_project(
        practice=practice, actor_user=owner, project=finished, fields=fields(title="Renamed"), today=TODAY
    )
    assert edited.status == ProjectStatus.FINISHED
    reopened = project_services.reopen_project(practice=practice, actor_user=owner, project=edited, today=TODAY)
    assert reopened.status == ProjectStatus.LIVE
    summaries = list(AuditEntry.objects.filter(practice=practice).order_by("pk").values_list("summary", flat=True))
    assert "improvement project finished" in summaries and "improvement project reopened" in summaries


def test_a_planned_project_cannot_finish(practice, owner):
    project = create(practice, owner, went_live_on=TODAY + timedelta(days=3))
    with pytest.raises(ProjectRefused):
        project_services.finish_project(practice=practice, actor_user=owner, project=project, today=TODAY)
    project.refresh_from_db()
    assert project.status == ProjectStatus.PLANNED
