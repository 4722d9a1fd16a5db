"""Writes of the empathy maps area (cx/services/maps.py): validation in words, audit entries, actions."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from cx.models import Action, EmpathyMap, Idea, IdeaStatus, PatientGroup
from cx.services import maps as map_services
from cx.services.actions import ActionError
from cx.services.maps import MapError
from practices.models import Membership, Role


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")


def audits(target):
    return list(
        AuditEntry.objects.filter(object_type=target._meta.label_lower, object_id=str(target.pk))
        .order_by("pk")
        .values_list("action", "summary")
    )


def new_group(practice, lead, **fields):
    fields.setdefault("name", "Spanish-speaking")
    return map_services.create_group(practice=practice, actor_user=lead, **fields)


def new_map(practice, lead, touchpoint="self-scheduling", group=None, **fields):
    return map_services.create_map(practice=practice, actor_user=lead, touchpoint=touchpoint, group=group, **fields)


# --- groups ---------------------------------------------------------------------------------------


def test_a_group_is_created_and_audited(practice, lead):
    group = new_group(practice, lead, name="  Over   65 ", min_age=65, language="es", visits="returning")
    assert (group.name, group.min_age, group.max_age, group.language, group.visits) == (
        "Over 65",
        65,
        None,
        "es",
        "returning",
    )
    assert audits(group) == [("create", "Patient group created")]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "   "}, "name", "Give the group a name."),
        ({"name": "x" * 81}, "name", "under 80 characters"),
        ({"min_age": 70, "max_age": 20}, "max_age", "The youngest age (70) must not be above the oldest (20)."),
        ({"min_age": -1}, "min_age", "from 0 to 120"),
        ({"max_age": 121}, "max_age", "from 0 to 120"),
        ({"language": "fr"}, "language", "English, Spanish or any language"),
        ({"visits": "sometimes"}, "visits", "new, returning, or both"),
    ],
)
def test_a_group_is_refused_in_words(practice, lead, fields, field, message):
    with pytest.raises(MapError, match=re.escape(message)) as refused:
        new_group(practice, lead, **fields)
    assert refused.value.field == field
    assert not PatientGroup.objects.exists()


def test_group_names_are_unique_whatever_the_case(practice, other_practice, lead):
    new_group(practice, lead, name="New patients")
    with pytest.raises(MapError, match="There is already a group called “new PATIENTS”."):
        new_group(practice, lead, name="new PATIENTS")
    map_services.create_group(practice=other_practice, actor_user=None, name="New patients")  # another practice's


def test_a_group_is_changed_and_only_changes_are_audited(practice, lead):
    group = new_group(practice, lead)
    same = map_services.update_group(practice=practice, actor_user=lead, group=group, name="Spanish-speaking")
    assert audits(same) == [("create", "Patient group created")]
    changed = map_services.update_group(
        practice=practice, actor_user=lead, group=group, name="Spanish speakers", language="es", min_age=18
    )
    assert (changed.name, changed.language, changed.min_age) == ("Spanish speakers", "es", 18)
    entry = AuditEntry.objects.filter(object_id=str(group.pk), action="update").get()
    assert entry.changes["name"] == ["Spanish-speaking", "Spanish speakers"]
    other = new_group(practice, lead, name="Other")
    with pytest.raises(MapError, match="already a group"):
        map_services.update_group(practice=practice, actor_user=lead, group=other, name="spanish speakers")


def test_a_group_a_map_uses_cannot_be_deleted(practice, lead):
    group = new_group(practice, lead)
    new_map(practice, lead, group=group)
    with pytest.raises(MapError, match="1 empathy map is for this group"):
        map_services.delete_group(practice=practice, actor_user=lead, group=group)
    unused = new_group(practice, lead, name="Unused")
    map_services.delete_group(practice=practice, actor_user=lead, group=unused)
    assert not PatientGroup.objects.filter(pk=unused.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(unused.pk), action="delete").exists()


def test_another_practices_group_is_refused(practice, other_practice, lead):
    theirs = map_services.create_group(practice=other_practice, actor_user=None, name="Theirs")
    with pytest.raises(MapError, match="another practice"):
        map_services.update_group(practice=practice, actor_user=lead, group=theirs, name="Mine")
    with pytest.raises(MapError, match="another practice"):
        map_services.delete_group(practice=practice, actor_user=lead, group=theirs)
    with pytest.raises(MapError, match="another practice"):
        new_map(practice, lead, group=theirs)


# --- maps -----------------------------------------------------------------------------------------


def test_one_map_per_touch_point_and_group(practice, lead):
    group = new_group(practice, lead)
    first = new_map(practice, lead, thinks="It is easy", expected_feeling="positive")
    assert audits(first) == [("create", "Empathy map created")]
    with pytest.raises(MapError, match="already a map for this touch point and these patients") as refused:
        new_map(practice, lead)
    assert refused.value.field == "touchpoint"
    for_group = new_map(practice, lead, group=group)
    with pytest.raises(MapError, match="already a map"):
        new_map(practice, lead, group=group)
    other = new_map(practice, lead, touchpoint="online-check-in")
    with pytest.raises(MapError, match="already a map"):
        map_services.update_map(
            practice=practice, actor_user=lead, empathy_map=other, touchpoint="self-scheduling", group=group
        )
    assert EmpathyMap.objects.count() == 3
    assert for_group.group == group


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"touchpoint": "the-moon"}, "touchpoint"),
        ({"expected_feeling": "ecstatic"}, "expected_feeling"),
        ({"thinks": "x" * 2001}, "thinks"),
    ],
)
def test_a_map_is_refused_in_words(practice, lead, fields, field):
    kwargs = {"touchpoint": "self-scheduling", **fields}
    with pytest.raises(MapError) as refused:
        map_services.create_map(practice=practice, actor_user=lead, group=None, **kwargs)
    assert refused.value.field == field


def test_a_map_change_keeps_the_teams_words_out_of_the_audit(practice, lead):
    the_map = new_map(practice, lead, thinks="Easy")
    map_services.update_map(
        practice=practice,
        actor_user=lead,
        empathy_map=the_map,
        touchpoint="self-scheduling",
        group=None,
        thinks="Hard to find a Saturday",
        expected_feeling="mixed",
    )
    the_map.refresh_from_db()
    assert (the_map.thinks, the_map.expected_feeling) == ("Hard to find a Saturday", "mixed")
    entry = AuditEntry.objects.get(object_id=str(the_map.pk), action="update")
    assert "Saturday" not in str(entry.changes)
    assert entry.changes["expected_feeling"] == ["positive", "mixed"]


def test_deleting_a_map_takes_its_ideas_and_keeps_their_actions(practice, lead):
    the_map = new_map(practice, lead)
    idea = map_services.add_idea(practice=practice, actor_user=lead, empathy_map=the_map, text="Saturday hours")
    action = map_services.idea_to_action(
        practice=practice, actor_user=lead, idea=idea, owner=lead, due_on=timezone.localdate() + timedelta(days=7)
    )
    map_services.delete_map(practice=practice, actor_user=lead, empathy_map=the_map)
    assert not Idea.objects.exists()
    action.refresh_from_db()
    assert action.idea is None


# --- ideas ----------------------------------------------------------------------------------------


def test_an_idea_is_added_changed_chosen_and_dropped(practice, lead):
    the_map = new_map(practice, lead)
    idea = map_services.add_idea(
        practice=practice,
        actor_user=lead,
        empathy_map=the_map,
        text=" Open on   Saturday mornings ",
        impact=5,
        effort=4,
        confidence=60,
        effort_weeks=Decimal("2.25"),
    )
    assert (idea.text, idea.impact, idea.effort, idea.confidence, idea.effort_weeks) == (
        "Open on Saturday mornings",
        5,
        4,
        60,
        Decimal("2.2"),
    )
    map_services.update_idea(
        practice=practice,
        actor_user=lead,
        idea=idea,
        text=idea.text,
        impact=4,
        effort=2,
        confidence=90,
        effort_weeks=Decimal(1),
    )
    idea.refresh_from_db()
    assert (idea.impact, idea.effort) == (4, 2)
    map_services.choose_idea(practice=practice, actor_user=lead, idea=idea)
    map_services.choose_idea(practice=practice, actor_user=lead, idea=idea)  # twice: one entry
    map_services.drop_idea(practice=practice, actor_user=lead, idea=idea)
    map_services.reconsider_idea(practice=practice, actor_user=lead, idea=idea)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW
    assert [summary for _action, summary in audits(idea)] == [
        "Idea added to an empathy map",
        "Idea changed",
        "Idea chosen",
        "Idea dropped",
        "Idea reconsidered",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": " "}, "text"),
        ({"text": "x" * 301}, "text"),
        ({"impact": 0}, "impact"),
        ({"impact": 6}, "impact"),
        ({"effort": 0}, "effort"),
        ({"confidence": 101}, "confidence"),
        ({"confidence": -1}, "confidence"),
        ({"effort_weeks": Decimal("0")}, "effort_weeks"),
        ({"effort_weeks": Decimal("521")}, "effort_weeks"),
    ],
)
def test_an_idea_is_refused_in_words(practice, lead, fields, field):
    the_map = new_map(practice, lead)
    kwargs = {"text": "Saturday hours", **fields}
    with pytest.raises(MapError) as refused:
        map_services.add_idea(practice=practice, actor_user=lead, empathy_map=the_map, **kwargs)
    assert refused.value.field == field
    assert not Idea.objects.exists()


def test_an_idea_becomes_an_action_and_is_chosen(practice, lead, make_staff):
    desk = make_staff(practice, Role.FRONT_DESK, full_name="Rita Desk")
    the_map = new_map(practice, lead)
    idea = map_services.add_idea(practice=practice, actor_user=lead, empathy_map=the_map, text="Saturday hours")
    due = timezone.localdate() + timedelta(days=14)
    action = map_services.idea_to_action(practice=practice, actor_user=lead, idea=idea, owner=desk, due_on=due)
    assert (action.title, action.owner, action.due_on, action.idea) == ("Saturday hours", desk, due, idea)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.CHOSEN
    titled = map_services.idea_to_action(
        practice=practice, actor_user=lead, idea=idea, owner=desk, due_on=due, title="Ask the providers"
    )
    assert titled.title == "Ask the providers"


def test_an_action_for_someone_off_the_team_changes_nothing(practice, lead, make_staff):
    former = make_staff(practice, Role.FRONT_DESK)
    Membership.objects.filter(user=former).update(is_active=False)
    the_map = new_map(practice, lead)
    idea = map_services.add_idea(practice=practice, actor_user=lead, empathy_map=the_map, text="Saturday hours")
    with pytest.raises(ActionError):
        map_services.idea_to_action(
            practice=practice, actor_user=lead, idea=idea, owner=former, due_on=timezone.localdate()
        )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW and not Action.objects.exists()


def test_another_practices_idea_is_refused(practice, other_practice, lead):
    their_map = map_services.create_map(
        practice=other_practice, actor_user=None, touchpoint="self-scheduling", group=None
    )
    theirs = map_services.add_idea(practice=other_practice, actor_user=None, empathy_map=their_map, text="Theirs")
    with pytest.raises(MapError, match="another practice"):
        map_services.choose_idea(practice=practice, actor_user=lead, idea=theirs)
    with pytest.raises(MapError, match="another practice"):
        map_services.add_idea(practice=practice, actor_user=lead, empathy_map=their_map, text="Mine")
    with pytest.raises(MapError, match="another practice"):
        map_services.idea_to_action(
            practice=practice, actor_user=lead, idea=theirs, owner=lead, due_on=timezone.localdate()
        )
