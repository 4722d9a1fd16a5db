"""Service-recovery cases: the list, the case page, its steps, contact, notes, reassignment, closing with
an outcome, who may do what, and the overdue notice for the staff home page."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from audit.models import Action, AuditEntry
from feedback import recovery
from feedback.models import CaseReason, CaseStatus, RecoveryCase
from journey.models import JourneyEvent
from practices.models import Membership, Role

from .listening_data import make_response, make_survey

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


def test_it_reassigns_to_an_owner_or_experience_lead_only(staff_client, lead, owner, front_desk, make_case):
    case = make_case()
    client = staff_client(lead)
    assert client.post(url(case, "reassign"), {"assigned_to": front_desk.pk}).status_code == 400
    assert RecoveryCase.objects.get(pk=case.pk).assigned_to == lead
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
    request = RequestFactory().get("/")
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
