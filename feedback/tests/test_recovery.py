"""Service-recovery cases: the list, the case page, its steps, contact, notes, reassignment, closing with
an outcome, who may do what, and the overdue notice for the staff home page. Assigning ("assign to me" and
reassigning), reopening and the case's history are at the end."""

from datetime import timedelta
from typing import cast

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone

from audit.models import Action, AuditEntry
from feedback.models import CaseEventKind, CaseReason, CaseStatus, RecoveryCase, RecoveryCaseEvent
from feedback.services import recovery
from journey.models import JourneyEvent
from practices.access import StaffRequest
from practices.models import Membership, Role
from tests.factories import make_response, make_survey

pytestmark = pytest.mark.django_db

COMMENT = "The receptionist was rude about my rash."


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD)


@pytest.fixture
def make_case(practice, make_patient, lead):
    version = make_survey(practice)

    def make(*, opened=None, target_practice=None, patient=None, assigned_to=None) -> RecoveryCase:
        target = target_practice or practice
        v = version if target == practice else make_survey(target)
        who = patient or make_patient(target)
        response = make_response(v, who, {"recommend": 3, "cg_access": 2, "comment": COMMENT})
        opened = opened or timezone.now()
        case = recovery.open_case(response=response, reason=CaseReason.DETRACTOR, now=opened)
        if assigned_to is not None:
            RecoveryCase.objects.filter(pk=case.pk).update(assigned_to=assigned_to)
            case.refresh_from_db()
        return case

    return make


def url(case, action=""):
    base = f"/staff/{case.practice.slug}/feedback/recovery/{case.pk}/"
    return base + (f"{action}/" if action else "")


def list_url(practice, view=""):
    return f"/staff/{practice.slug}/feedback/recovery/" + (f"?view={view}" if view else "")


# --- the list -------------------------------------------------------------------------------------


def test_it_lists_open_cases_first_and_flags_overdue_ones(staff_client, lead, practice, make_case):
    now = timezone.now()
    late = make_case(opened=now - timedelta(hours=53))
    fresh = make_case(opened=now - timedelta(hours=1))
    closed = make_case(opened=now - timedelta(hours=100))
    recovery.close_case(case=closed, outcome="resolved", actor_user=lead)
    body = staff_client(lead).get(list_url(practice, "all")).content.decode()
    positions = [body.index(c.patient.full_name) for c in (late, fresh, closed)]
    assert positions == sorted(positions)
    assert "Overdue by 5 hours" in body
    assert body.count("Overdue by") == 1


def test_it_filters_open_closed_and_mine(staff_client, lead, owner, practice, make_case):
    mine = make_case()
    theirs = make_case(assigned_to=owner)
    closed = make_case()
    recovery.close_case(case=closed, outcome="partly", actor_user=lead)
    client = staff_client(lead)
    open_page = client.get(list_url(practice)).content.decode()
    assert mine.patient.full_name in open_page and theirs.patient.full_name in open_page
    assert closed.patient.full_name not in open_page
    closed_page = client.get(list_url(practice, "closed")).content.decode()
    assert closed.patient.full_name in closed_page and mine.patient.full_name not in closed_page
    mine_page = client.get(list_url(practice, "mine")).content.decode()
    assert mine.patient.full_name in mine_page and closed.patient.full_name in mine_page
    assert theirs.patient.full_name not in mine_page


def test_it_audits_the_list(staff_client, lead, practice, make_case):
    make_case()
    staff_client(lead).get(list_url(practice))
    entry = AuditEntry.objects.get(action=Action.VIEW, object_type="feedback.recoverycase", object_id="")
    assert entry.actor_user == lead and "1 shown" in entry.summary


def test_it_shows_clinicians_only_their_own_cases(staff_client, practice, make_staff, make_case):
    clinician = make_staff(practice, Role.CLINICIAN)
    theirs = make_case(assigned_to=clinician)
    other = make_case()
    client = staff_client(clinician)
    body = client.get(list_url(practice, "all")).content.decode()
    assert theirs.patient.full_name in body and other.patient.full_name not in body
    assert client.get(url(theirs)).status_code == 200
    assert client.get(url(other)).status_code == 403
    assert client.post(url(other, "step"), {"step": "heard", "action": "done"}).status_code == 403


def test_it_answers_404_to_other_practices_staff(staff_client, other_practice, make_staff, make_case):
    case = make_case()
    stranger = make_staff(other_practice, Role.OWNER)
    client = staff_client(stranger)
    assert client.get(url(case)).status_code == 404
    assert client.get(f"/staff/{other_practice.slug}/feedback/recovery/{case.pk}/").status_code == 404
    assert (
        client.post(
            f"/staff/{other_practice.slug}/feedback/recovery/{case.pk}/close/", {"outcome": "resolved"}
        ).status_code
        == 404
    )
    assert RecoveryCase.objects.get(pk=case.pk).status == CaseStatus.OPEN


# --- the case page --------------------------------------------------------------------------------


def test_it_shows_the_answers_and_audits_the_view(staff_client, lead, make_case):
    case = make_case()
    page = staff_client(lead).get(url(case))
    body = page.content.decode()
    assert page.status_code == 200
    assert case.patient.full_name in body
    assert COMMENT in body
    assert "Sometimes" in body  # the frequency answer, as staff read it
    assert "3 of 10" in body
    entry = AuditEntry.objects.get(action=Action.VIEW, object_id=str(case.pk))
    assert entry.patient == case.patient and entry.actor_user == lead


def test_it_records_a_step_and_undoes_it(staff_client, lead, make_case):
    case = make_case()
    client = staff_client(lead)
    response = client.post(url(case, "step"), {"step": "empathized", "action": "done"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.empathized_at is not None and case.heard_at is None
    first = case.empathized_at
    client.post(url(case, "step"), {"step": "empathized", "action": "done"})
    case.refresh_from_db()
    assert case.empathized_at == first  # done twice keeps the first time
    client.post(url(case, "step"), {"step": "empathized", "action": "undo"})
    case.refresh_from_db()
    assert case.empathized_at is None
    summaries = list(
        AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(case.pk))
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == ["recovery step empathized done", "recovery step empathized undone"]


def test_it_refuses_an_unknown_step(staff_client, lead, make_case):
    case = make_case()
    response = staff_client(lead).post(url(case, "step"), {"step": "forgot", "action": "done"})
    assert response.status_code == 400
    assert "not one of the five" in response.content.decode()


def test_it_requires_how_the_patient_was_contacted(staff_client, lead, make_case):
    case = make_case()
    client = staff_client(lead)
    response = client.post(url(case, "contact"), {"contacted": "on", "contact_method": ""})
    assert response.status_code == 400
    assert "Say how the patient was contacted." in response.content.decode()
    assert not RecoveryCase.objects.get(pk=case.pk).contacted
    client.post(url(case, "contact"), {"contacted": "on", "contact_method": "phone"})
    case.refresh_from_db()
    assert case.contacted and case.contact_method == "phone"
    client.post(url(case, "contact"), {"contact_method": "phone"})  # not contacted after all
    case.refresh_from_db()
    assert not case.contacted and case.contact_method == ""


def test_it_saves_notes_without_putting_them_in_the_audit(staff_client, lead, make_case):
    case = make_case()
    staff_client(lead).post(url(case, "notes"), {"notes": "Called her; biopsy worry explained."})
    case.refresh_from_db()
    assert case.notes == "Called her; biopsy worry explained."
    entry = AuditEntry.objects.get(summary="recovery notes changed")
    assert "biopsy" not in str(entry.changes)


def test_it_reassigns_to_any_active_staff_member_of_the_practice(staff_client, lead, owner, front_desk, make_case):
    case = make_case()
    client = staff_client(lead)
    assert client.post(url(case, "reassign"), {"assigned_to": front_desk.pk}).status_code == 302
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == front_desk
    assert client.post(url(case, "reassign"), {"assigned_to": owner.pk}).status_code == 302
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == owner


def test_it_refuses_to_close_without_an_outcome(staff_client, lead, make_case):
    case = make_case()
    response = staff_client(lead).post(url(case, "close"), {"outcome": ""})
    assert response.status_code == 400
    assert "Choose an outcome before closing the case." in response.content.decode()
    assert RecoveryCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert staff_client(lead).post(url(case, "close"), {"outcome": "maybe"}).status_code == 400


def test_it_closes_with_an_outcome_and_then_refuses_changes(staff_client, lead, make_case):
    case = make_case()
    client = staff_client(lead)
    assert client.post(url(case, "close"), {"outcome": "resolved"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == "resolved" and case.closed_by == lead
    event = JourneyEvent.objects.get(kind="recovery.closed")
    assert event.data == {"outcome": "resolved"} and event.touchpoint == "service-recovery"
    response = client.post(url(case, "step"), {"step": "heard", "action": "done"})
    assert response.status_code == 400
    assert RecoveryCase.objects.get(pk=case.pk).heard_at is None
    assert client.post(url(case, "close"), {"outcome": "partly"}).status_code == 400
    assert RecoveryCase.objects.get(pk=case.pk).outcome == "resolved"


def test_it_lets_the_front_desk_read_but_not_change(staff_client, front_desk, make_case):
    case = make_case()
    client = staff_client(front_desk)
    page = client.get(url(case))
    assert page.status_code == 200
    assert "Mark “Hear” done" not in page.content.decode()
    assert client.post(url(case, "step"), {"step": "heard", "action": "done"}).status_code == 403
    assert client.post(url(case, "close"), {"outcome": "resolved"}).status_code == 403
    assert RecoveryCase.objects.get(pk=case.pk).heard_at is None


def test_it_lets_an_assigned_clinician_work_the_case(staff_client, practice, make_staff, make_case):
    clinician = make_staff(practice, Role.CLINICIAN)
    case = make_case(assigned_to=clinician)
    client = staff_client(clinician)
    assert client.post(url(case, "step"), {"step": "heard", "action": "done"}).status_code == 302
    assert client.post(url(case, "reassign"), {"assigned_to": clinician.pk}).status_code == 403
    assert RecoveryCase.objects.get(pk=case.pk).heard_at is not None


# --- the overdue notice ---------------------------------------------------------------------------


def render_notice(practice, user) -> str:
    request = cast(StaffRequest, RequestFactory().get("/"))  # what staff_view would make of it
    request.practice = practice
    request.membership = Membership.objects.get(practice=practice, user=user)
    return Template("{% load recovery %}{% recovery_overdue_notice %}").render(Context({"request": request}))


def test_it_counts_only_overdue_open_cases_of_this_practice(practice, other_practice, lead, make_staff, make_case):
    now = timezone.now()
    make_case(opened=now - timedelta(hours=49))
    make_case(opened=now - timedelta(hours=72))
    make_case(opened=now - timedelta(hours=47))  # not due yet
    closed = make_case(opened=now - timedelta(hours=80))
    recovery.close_case(case=closed, outcome="unreachable", actor_user=lead)
    make_staff(other_practice, Role.OWNER)
    make_case(opened=now - timedelta(hours=90), target_practice=other_practice)
    html = render_notice(practice, lead)
    assert "2 service-recovery cases are overdue" in html
    assert f'href="/staff/{practice.slug}/feedback/recovery/?view=open"' in html


def test_it_shows_no_notice_without_overdue_cases(practice, lead, make_case):
    make_case(opened=timezone.now() - timedelta(hours=2))
    assert "overdue" not in render_notice(practice, lead)


def test_it_shows_no_notice_to_the_front_desk(practice, front_desk, make_case):
    make_case(opened=timezone.now() - timedelta(hours=60))
    assert "overdue" not in render_notice(practice, front_desk)


def test_it_reads_one_overdue_case_in_the_singular(practice, owner, make_case):
    make_case(opened=timezone.now() - timedelta(hours=60))
    assert "1 service-recovery case is overdue" in render_notice(practice, owner)


# --- assigning: "assign to me" and reassigning ----------------------------------------------------


def named(user, name):
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


def history(case):
    return list(RecoveryCaseEvent.objects.filter(case=case).values_list("kind", "detail"))


def updates(case):
    return AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(case.pk))


def test_assign_gives_the_case_to_another_member_and_records_it(lead, front_desk, make_case):
    named(front_desk, "Dana Desk")
    case = make_case()
    case, changed = recovery.assign(case=case, user=front_desk, actor_user=lead)
    assert changed
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == front_desk
    entry = updates(case).get()
    assert entry.summary == "recovery case reassigned" and entry.actor_user == lead
    assert entry.changes == {"assigned_to": [lead.email, front_desk.email]}
    event = RecoveryCaseEvent.objects.filter(case=case, kind=CaseEventKind.ASSIGNED).last()
    assert event.by == lead and event.detail == "Dana Desk" and event.practice_id == case.practice_id


def test_assign_then_reassign_keeps_each_change_in_the_history(lead, owner, front_desk, make_case):
    named(lead, "Lee Lead")
    named(owner, "Olga Owner")
    named(front_desk, "Dana Desk")
    case = make_case()
    recovery.assign(case=case, user=front_desk, actor_user=front_desk)  # taken at the desk
    recovery.assign(case=case, user=owner, actor_user=lead)
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == owner
    assert [d for k, d in history(case) if k == CaseEventKind.ASSIGNED] == ["Lee Lead", "Dana Desk", "Olga Owner"]
    assert list(updates(case).order_by("pk").values_list("summary", flat=True)) == [
        "recovery case reassigned (taken by the assignee)",
        "recovery case reassigned",
    ]


def test_assign_to_the_current_assignee_changes_nothing(lead, make_case):
    case = make_case()
    before = history(case)
    case, changed = recovery.assign(case=case, user=lead, actor_user=lead)
    assert not changed
    assert history(case) == before and not updates(case).exists()


def test_assign_refuses_a_user_of_another_practice(lead, other_practice, make_staff, make_case):
    case = make_case()
    stranger = make_staff(other_practice, Role.OWNER)
    before = history(case)
    with pytest.raises(recovery.CaseRefused, match="active staff member of this practice; nothing was changed"):
        recovery.assign(case=case, user=stranger, actor_user=lead)
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead
    assert history(case) == before and not updates(case).exists()


def test_assign_refuses_a_deactivated_membership_or_user(lead, practice, make_staff, make_case):
    case = make_case()
    left = make_staff(practice, Role.FRONT_DESK)
    Membership.objects.filter(user=left, practice=practice).update(is_active=False)
    disabled = make_staff(practice, Role.OWNER)
    disabled.is_active = False
    disabled.save(update_fields=["is_active"])
    for user in (left, disabled):
        with pytest.raises(recovery.CaseRefused):
            recovery.assign(case=case, user=user, actor_user=lead)
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead and not updates(case).exists()


def test_assign_refuses_a_closed_case(lead, owner, make_case):
    case = make_case()
    recovery.close_case(case=case, outcome="resolved", actor_user=lead)
    with pytest.raises(recovery.CaseRefused, match="closed"):
        recovery.assign(case=case, user=owner, actor_user=lead)
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead


def test_the_lead_reassigns_and_is_told(staff_client, lead, front_desk, make_case):
    named(front_desk, "Dana Desk")
    case = make_case()
    page = staff_client(lead).post(url(case, "reassign"), {"assigned_to": front_desk.pk}, follow=True)
    assert "Case assigned to Dana Desk." in page.content.decode()
    page = staff_client(lead).post(url(case, "reassign"), {"assigned_to": front_desk.pk}, follow=True)
    assert "Dana Desk already has this case; nothing changed." in page.content.decode()
    assert updates(case).count() == 1
    # The new assignee may now work the case.
    assert staff_client(front_desk).post(url(case, "step"), {"step": "heard", "action": "done"}).status_code == 302


def test_reassigning_to_a_stranger_or_a_former_member_is_refused_with_a_message(
    staff_client, lead, practice, other_practice, make_staff, make_case
):
    case = make_case()
    stranger = make_staff(other_practice, Role.EXPERIENCE_LEAD)
    former = make_staff(practice, Role.CLINICIAN)
    Membership.objects.filter(user=former).update(is_active=False)
    client = staff_client(lead)
    for user in (stranger, former):
        response = client.post(url(case, "reassign"), {"assigned_to": user.pk})
        assert response.status_code == 400
        assert "Cases go to an active staff member of this practice; nothing was changed." in response.content.decode()
    assert client.post(url(case, "reassign"), {"assigned_to": ""}).status_code == 400
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead and not updates(case).exists()


def test_the_reassign_choices_list_every_active_member_and_nobody_else(
    staff_client, lead, practice, other_practice, make_staff, make_case
):
    case = make_case()
    billing = named(make_staff(practice, Role.BILLING), "Bea Billing")
    former = named(make_staff(practice, Role.FRONT_DESK), "Fern Former")
    Membership.objects.filter(user=former).update(is_active=False)
    named(make_staff(other_practice, Role.OWNER), "Otto Outsider")
    body = staff_client(lead).get(url(case)).content.decode()
    assert f'value="{billing.pk}"' in body and "Bea Billing (Billing)" in body
    assert "Fern Former" not in body and "Otto Outsider" not in body


def test_the_front_desk_takes_a_case_and_a_double_click_changes_nothing(staff_client, front_desk, make_case):
    case = make_case()
    client = staff_client(front_desk)
    assert 'id="take-case"' in client.get(url(case)).content.decode()
    assert client.post(url(case, "reassign"), {"assigned_to": front_desk.pk}).status_code == 403
    page = client.post(url(case, "take"), follow=True)
    body = page.content.decode()
    assert "The case is now assigned to you." in body
    assert 'id="take-case"' not in body  # theirs now: no "Assign to me" button
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == front_desk
    page = client.post(url(case, "take"), follow=True)
    assert "The case is already assigned to you; nothing changed." in page.content.decode()
    assert updates(case).count() == 1
    # Now theirs, the front desk may work it.
    assert client.post(url(case, "step"), {"step": "heard", "action": "done"}).status_code == 302


def test_a_clinician_cannot_take_a_case_they_cannot_see(staff_client, lead, practice, make_staff, make_case):
    case = make_case()
    clinician = make_staff(practice, Role.CLINICIAN)
    assert staff_client(clinician).post(url(case, "take")).status_code == 403
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead


def test_taking_a_closed_case_is_refused_with_a_message(staff_client, lead, front_desk, make_case):
    case = make_case()
    recovery.close_case(case=case, outcome="resolved", actor_user=lead)
    response = staff_client(front_desk).post(url(case, "take"))
    assert response.status_code == 400
    assert "This case is closed; it can no longer be changed." in response.content.decode()
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead


# --- reopening ------------------------------------------------------------------------------------


def test_reopen_opens_the_case_again_due_in_48_hours_and_keeps_the_earlier_outcome(lead, owner, make_case):
    opened = timezone.now() - timedelta(days=5)
    case = make_case(opened=opened)
    recovery.record_step(case=case, step="heard", done=True, actor_user=lead)
    recovery.close_case(case=case, outcome="partly", actor_user=lead)
    now = timezone.now()
    case, changed = recovery.reopen_case(case=case, actor_user=owner, now=now)
    assert changed
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.due_at == now + timedelta(hours=48)
    assert case.closed_at is None and case.closed_by is None and case.outcome == ""
    assert case.heard_at is not None and case.opened_at == opened  # the work done so far is kept
    event = RecoveryCaseEvent.objects.get(case=case, kind=CaseEventKind.REOPENED)
    assert event.detail == "partly" and event.by == owner and event.at == now
    entry = updates(case).get(summary="recovery case reopened (was partly)")
    assert entry.actor_user == owner
    assert entry.changes["status"] == ["closed", "open"] and entry.changes["outcome"] == ["partly", ""]
    journey_event = JourneyEvent.objects.get(kind="recovery.reopened")
    assert journey_event.data == {"earlier_outcome": "partly"} and journey_event.touchpoint == "service-recovery"
    # Open again, it can be worked and closed once more.
    recovery.close_case(case=case, outcome="resolved", actor_user=owner)
    assert RecoveryCase.objects.get(pk=case.pk).outcome == "resolved"


def test_reopening_an_open_case_changes_nothing(lead, make_case):
    case = make_case()
    recovery.close_case(case=case, outcome="resolved", actor_user=lead)
    case, first = recovery.reopen_case(case=case, actor_user=lead)
    due = RecoveryCase.objects.get(pk=case.pk).due_at
    before = (history(case), updates(case).count(), JourneyEvent.objects.count())
    case, second = recovery.reopen_case(case=case, actor_user=lead, now=timezone.now() + timedelta(hours=5))
    assert first and not second
    assert RecoveryCase.objects.get(pk=case.pk).due_at == due
    assert (history(case), updates(case).count(), JourneyEvent.objects.count()) == before


def test_the_history_records_each_change_in_order(lead, make_case):
    case = make_case()
    recovery.record_step(case=case, step="heard", done=True, actor_user=lead)
    recovery.record_step(case=case, step="heard", done=False, actor_user=lead)
    recovery.set_notes(case=case, notes="Called; she mentioned her biopsy.", actor_user=lead)
    recovery.close_case(case=case, outcome="resolved", actor_user=lead)
    recovery.reopen_case(case=case, actor_user=lead)
    assert history(case) == [
        ("opened", "detractor"),
        ("assigned", "Sam Staff"),
        ("step", "heard done"),
        ("step", "heard undone"),
        ("closed", "resolved"),
        ("reopened", "resolved"),
    ]
    assert not RecoveryCaseEvent.objects.filter(detail__icontains="biopsy").exists()


def test_the_lead_reopens_from_the_case_page_and_sees_the_history(staff_client, lead, make_case):
    case = make_case()
    client = staff_client(lead)
    client.post(url(case, "close"), {"outcome": "not_resolved"})
    body = client.get(url(case)).content.decode()
    assert "Reopen the case" in body and "Close the case" not in body
    page = client.post(url(case, "reopen"), follow=True)
    body = page.content.decode()
    assert "Case reopened. It is due again in 48 hours." in body
    assert "Closed: Not resolved" in body and "Reopened (earlier outcome: Not resolved)" in body
    assert "Opened: Would not recommend (0–6)" in body
    assert "Close the case" in body and "Reopen the case" not in body
    page = client.post(url(case, "reopen"), follow=True)
    assert "This case is already open; nothing changed." in page.content.decode()
    assert RecoveryCaseEvent.objects.filter(case=case, kind=CaseEventKind.REOPENED).count() == 1


def test_only_those_who_may_close_may_reopen(staff_client, lead, practice, front_desk, make_staff, make_case):
    clinician = make_staff(practice, Role.CLINICIAN)
    theirs = make_case(assigned_to=clinician)
    other = make_case()
    for case in (theirs, other):
        recovery.close_case(case=case, outcome="resolved", actor_user=lead)
    assert "Reopen the case" not in staff_client(front_desk).get(url(other)).content.decode()
    assert staff_client(front_desk).post(url(other, "reopen")).status_code == 403
    assert staff_client(clinician).post(url(other, "reopen")).status_code == 403
    assert RecoveryCase.objects.get(pk=other.pk).status == CaseStatus.CLOSED
    assert staff_client(clinician).post(url(theirs, "reopen")).status_code == 302  # the assignee may
    assert RecoveryCase.objects.get(pk=theirs.pk).status == CaseStatus.OPEN


def test_strangers_get_404_on_take_reassign_and_reopen(client, lead, other_practice, make_staff, make_case):
    case = make_case()
    open_case = make_case()
    recovery.close_case(case=case, outcome="resolved", actor_user=lead)
    stranger = make_staff(other_practice, Role.OWNER)
    client.force_login(stranger)
    for path in (url(case, "reopen"), url(open_case, "take"), url(open_case, "reassign")):
        assert client.post(path, {"assigned_to": stranger.pk}).status_code == 404
        foreign = path.replace(f"/staff/{case.practice.slug}/", f"/staff/{other_practice.slug}/")
        assert client.post(foreign, {"assigned_to": stranger.pk}).status_code == 404
    client.logout()
    for path in (url(case, "reopen"), url(open_case, "take")):
        response = client.post(path)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert RecoveryCase.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert RecoveryCase.objects.get(pk=open_case.pk).assigned_to == lead
    assert not AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(open_case.pk)).exists()


def test_take_and_reopen_need_a_post_with_a_csrf_token(lead, front_desk, make_case):
    case = make_case()
    closed = make_case()
    recovery.close_case(case=closed, outcome="resolved", actor_user=lead)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(front_desk)
    assert guarded.get(url(case, "take")).status_code == 405
    assert guarded.post(url(case, "take")).status_code == 403
    guarded.force_login(lead)
    assert guarded.post(url(closed, "reopen")).status_code == 403
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead
    assert RecoveryCase.objects.get(pk=closed.pk).status == CaseStatus.CLOSED
