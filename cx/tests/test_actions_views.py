from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cx.models import Action, ActionStatus, EmpathyMap, Idea
from cx.services import actions as action_services
from practices.models import Role


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")


@pytest.fixture
def desk(practice, make_staff):
    return make_staff(practice, Role.FRONT_DESK, full_name="Rita Desk")


@pytest.fixture
def clinician(practice, make_staff):
    return make_staff(practice, Role.CLINICIAN, full_name="Carl Clinic")


def _today(practice):
    return practice.local_date(timezone.now())


def _add(practice, actor, owner, title, days=3, **links):
    return action_services.create_action(
        practice=practice,
        actor_user=actor,
        title=title,
        owner=owner,
        due_on=_today(practice) + timedelta(days=days),
        **links,
    )


def _url(practice, name="cx:actions", **kwargs):
    return reverse(name, kwargs={"practice_slug": practice.slug, **kwargs})


def test_my_actions_shows_only_mine_with_overdue_flag_and_origin(practice, lead, desk, clinician, staff_client):
    the_map = EmpathyMap.objects.create(practice=practice, touchpoint="self-scheduling")
    idea = Idea.objects.create(practice=practice, empathy_map=the_map, text="Offer Saturday mornings")
    _add(practice, lead, desk, "Call the lab back", days=-2)
    _add(practice, lead, desk, "Reword the check-in text", idea=idea)
    _add(practice, lead, clinician, "Someone else's task")
    page = staff_client(desk).get(_url(practice)).content.decode()
    assert "Call the lab back" in page and "Reword the check-in text" in page
    assert "Someone else&#x27;s task" not in page and "Someone else's task" not in page
    assert "1 action is overdue." in page
    assert "action-overdue" in page and "Overdue" in page
    assert "Offer Saturday mornings" in page  # where it came from
    assert "Everyone&#x27;s actions" not in page  # no switch for the front desk


def test_everyone_view_is_for_editors_only(practice, lead, desk, clinician, staff_client):
    _add(practice, lead, clinician, "Carl's task")
    _add(practice, lead, desk, "Rita's task")
    client = staff_client(lead)
    page = client.get(_url(practice) + "?who=everyone").content.decode()
    assert "Carl" in page and "Rita&#x27;s task" in page
    filtered = client.get(_url(practice) + f"?who=everyone&person={clinician.pk}").content.decode()
    assert "Carl&#x27;s task" in filtered and "Rita&#x27;s task" not in filtered
    client.logout()
    # A front-desk member asking for everyone's still sees only their own.
    page = staff_client(desk).get(_url(practice) + "?who=everyone").content.decode()
    assert "Rita&#x27;s task" in page and "Carl&#x27;s task" not in page


def test_owner_marks_own_action_done(practice, lead, desk, staff_client):
    action = _add(practice, lead, desk, "Call")
    response = staff_client(desk).post(_url(practice, "cx:action_done", pk=action.pk))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    staff_client(desk).post(_url(practice, "cx:action_reopen", pk=action.pk))
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_other_members_action_is_404_for_non_editors(practice, lead, desk, clinician, staff_client):
    action = _add(practice, lead, clinician, "Carl's")
    client = staff_client(desk)
    for name in ("cx:action_done", "cx:action_reopen"):
        assert client.post(_url(practice, name, pk=action.pk)).status_code == 404
    assert client.post(_url(practice, "cx:action_drop", pk=action.pk)).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_editor_marks_anyones_done_and_drops(practice, lead, owner, clinician, staff_client):
    one = _add(practice, lead, clinician, "One")
    two = _add(practice, lead, clinician, "Two")
    client = staff_client(owner)
    client.post(_url(practice, "cx:action_done", pk=one.pk))
    client.post(_url(practice, "cx:action_drop", pk=two.pk))
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == (ActionStatus.DONE, ActionStatus.DROPPED)


def test_editor_creates_a_standalone_action(practice, lead, desk, staff_client):
    due = _today(practice) + timedelta(days=7)
    response = staff_client(lead).post(
        _url(practice, "cx:action_create"),
        {"title": "Tidy the waiting room", "owner": desk.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.due_on, action.created_by) == (desk, due, lead)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "due_on": "2030-01-01"}, "This field is required."),
        ({"title": "x", "due_on": "not a date"}, "Enter a valid date."),
        ({"title": "x", "due_on": "2030-01-01", "owner": 999999}, "Choose someone on the team."),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(practice, lead, desk, staff_client, data, message):
    data = {"owner": desk.pk, **data}
    response = staff_client(lead).post(_url(practice, "cx:action_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_member_of_another_practice_cannot_be_owner(practice, other_practice, lead, make_staff, staff_client):
    outsider = make_staff(other_practice, Role.FRONT_DESK)
    response = staff_client(lead).post(
        _url(practice, "cx:action_create"), {"title": "x", "owner": outsider.pk, "due_on": "2030-01-01"}
    )
    assert response.status_code == 400
    assert not Action.objects.exists()


def test_non_editor_cannot_create(practice, desk, staff_client):
    response = staff_client(desk).post(
        _url(practice, "cx:action_create"), {"title": "x", "owner": desk.pk, "due_on": "2030-01-01"}
    )
    assert response.status_code == 403
    assert not Action.objects.exists()


def test_stranger_gets_404_everywhere(practice, other_practice, lead, desk, make_staff, staff_client):
    action = _add(practice, lead, desk, "Call")
    stranger = make_staff(other_practice, Role.OWNER)
    client = staff_client(stranger)
    assert client.get(_url(practice)).status_code == 404
    assert client.post(_url(practice, "cx:action_create"), {"title": "x"}).status_code == 404
    for name in ("cx:action_done", "cx:action_reopen", "cx:action_drop"):
        assert client.post(_url(practice, name, pk=action.pk)).status_code == 404
    # And through their own practice's address, our action is not found either.
    for name in ("cx:action_done", "cx:action_reopen", "cx:action_drop"):
        assert client.post(_url(other_practice, name, pk=action.pk)).status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
