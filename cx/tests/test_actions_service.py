from datetime import date

import pytest

from audit.models import AuditEntry
from cx.models import Action, ActionStatus, EmpathyMap, Idea
from cx.selectors import actions as action_selectors
from cx.services import actions as action_services
from practices.models import Membership, Role


@pytest.fixture
def nurse(practice, make_staff):
    return make_staff(practice, Role.CLINICIAN, full_name="Nina Nurse")


def test_create_action_for_a_member_is_audited(practice, owner, nurse):
    action = action_services.create_action(
        practice=practice, actor_user=owner, title="  Call the  lab ", owner=nurse, due_on=date(2030, 1, 2)
    )
    assert action.title == "Call the lab"
    assert action.status == ActionStatus.OPEN
    assert action.created_by == owner
    assert AuditEntry.objects.filter(practice=practice, object_type="cx.action", object_id=str(action.pk)).exists()


def test_owner_must_be_an_active_member(practice, other_practice, owner, nurse, make_staff):
    stranger = make_staff(other_practice, Role.OWNER)
    with pytest.raises(action_services.ActionError, match="active member"):
        action_services.create_action(
            practice=practice, actor_user=owner, title="x", owner=stranger, due_on=date(2030, 1, 2)
        )
    Membership.objects.filter(user=nurse).update(is_active=False)
    with pytest.raises(action_services.ActionError):
        action_services.create_action(
            practice=practice, actor_user=owner, title="x", owner=nurse, due_on=date(2030, 1, 2)
        )
    assert not Action.objects.exists()


def test_blank_title_refused(practice, owner):
    with pytest.raises(action_services.ActionError, match="what will be done"):
        action_services.create_action(
            practice=practice, actor_user=owner, title="   ", owner=owner, due_on=date(2030, 1, 2)
        )


def test_link_to_another_practice_refused(practice, other_practice, owner):
    other_map = EmpathyMap.objects.create(practice=other_practice, touchpoint="self-scheduling")
    idea = Idea.objects.create(practice=other_practice, empathy_map=other_map, text="Saturday hours")
    with pytest.raises(action_services.ActionError, match="another practice"):
        action_services.create_action(
            practice=practice, actor_user=owner, title="x", owner=owner, due_on=date(2030, 1, 2), idea=idea
        )
    assert not Action.objects.exists()


def test_complete_reopen_drop(practice, owner, nurse):
    action = action_services.create_action(
        practice=practice, actor_user=owner, title="Call", owner=nurse, due_on=date(2030, 1, 2)
    )
    done = action_services.complete_action(practice=practice, actor_user=nurse, action=action)
    assert done.status == ActionStatus.DONE and done.done_at is not None
    again = action_services.complete_action(practice=practice, actor_user=nurse, action=done)
    assert again.done_at == done.done_at
    assert AuditEntry.objects.filter(object_type="cx.action", summary="Action done").count() == 1
    reopened = action_services.reopen_action(practice=practice, actor_user=owner, action=action)
    assert reopened.status == ActionStatus.OPEN and reopened.done_at is None
    dropped = action_services.drop_action(practice=practice, actor_user=owner, action=action)
    assert dropped.status == ActionStatus.DROPPED


def test_complete_refuses_another_practices_action(practice, other_practice, owner, make_staff):
    other_owner = make_staff(other_practice, Role.OWNER)
    theirs = action_services.create_action(
        practice=other_practice, actor_user=other_owner, title="Theirs", owner=other_owner, due_on=date(2030, 1, 2)
    )
    with pytest.raises(action_services.ActionError):
        action_services.complete_action(practice=practice, actor_user=owner, action=theirs)
    theirs.refresh_from_db()
    assert theirs.status == ActionStatus.OPEN


def test_selectors_scope_and_overdue(practice, other_practice, owner, nurse, make_staff):
    other_owner = make_staff(other_practice, Role.OWNER)
    mine = action_services.create_action(
        practice=practice, actor_user=owner, title="Mine", owner=nurse, due_on=date(2030, 1, 1)
    )
    action_services.create_action(
        practice=practice, actor_user=owner, title="Owner's", owner=owner, due_on=date(2030, 1, 3)
    )
    theirs = action_services.create_action(
        practice=other_practice, actor_user=other_owner, title="Theirs", owner=other_owner, due_on=date(2030, 1, 2)
    )
    assert list(action_selectors.actions_for(practice=practice, owner=nurse)) == [mine]
    assert action_selectors.actions_for(practice=practice).count() == 2
    assert action_selectors.is_overdue(mine, date(2030, 1, 2))
    assert not action_selectors.is_overdue(mine, date(2030, 1, 1))
    flagged = action_selectors.with_overdue(action_selectors.actions_for(practice=practice), today=date(2030, 1, 2))
    assert [a.overdue for a in flagged] == [True, False]
    from django.http import Http404

    with pytest.raises(Http404):
        action_selectors.action_or_404(practice=practice, pk=theirs.pk)
