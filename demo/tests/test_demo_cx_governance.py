"""The demo practice's listening, strategy, governance and culture (the experience toolkit's second
part): the Saturday patients who moved from online to phone booking are found by the change detector
and three are handled with what was learned; a lapsed group; two goals, one off track; the committee
with a patient adviser, a finished phone-hold analysis of mostly stronger actions and one of weaker
actions only; last month's meeting with its minutes and decisions and the next one's agenda; a
hiring kit with two scored candidates; two closed quarters of the staff pulse.

The small demo is built once for the module and rolled back at the end.
"""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings

from cx import action_hierarchy
from cx.models import (
    Candidate,
    ChangeSignal,
    CommitteeMeeting,
    CommitteeMember,
    Decision,
    Goal,
    HiringDecision,
    InterviewScore,
    MemberRole,
    PulseAnswer,
    PulseParticipation,
    PulseRound,
    RcaStatus,
    RootCauseAnalysis,
    SignalKind,
    SignalStatus,
)
from cx.selectors import agenda as agenda_selectors
from cx.selectors import strategy as strategy_selectors
from demo import practices as demo
from demo.cx_listening import SWITCHED_PATIENTS
from patients.models import Patient
from scheduling.models import Appointment, BookedVia

TODAY = date(2026, 3, 2)
SEED = 5


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield demo.build_demo(size="small", seed=SEED, today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def practice(seeded, db):
    return seeded


def _saturday_patients(practice) -> list[Patient]:
    return list(Patient.objects.filter(practice=practice, email__contains=".sat"))


def test_the_saturday_patients_booked_online_on_saturdays_then_by_phone(practice):
    patients = _saturday_patients(practice)
    assert len(patients) == SWITCHED_PATIENTS
    for patient in patients:
        bookings = list(Appointment.objects.filter(patient=patient).order_by("created_at"))
        online = [b for b in bookings if b.booked_via == BookedVia.ONLINE]
        phone = [b for b in bookings if b.booked_via == BookedVia.PHONE]
        assert len(online) >= 5 and len(phone) == 2
        assert all(b.start.astimezone(ZoneInfo(practice.timezone)).weekday() == 5 for b in online)
        assert max(b.created_at for b in online) < min(b.created_at for b in phone)


def test_the_detector_finds_every_saturday_patient_and_three_are_handled(practice):
    patients = _saturday_patients(practice)
    found = ChangeSignal.objects.filter(practice=practice, patient__in=patients, kind=SignalKind.ONLINE_TO_PHONE)
    assert found.values("patient").distinct().count() == len(patients)
    handled = found.filter(status=SignalStatus.HANDLED)
    assert handled.count() == 3
    assert all("Saturday" in signal.lesson for signal in handled)


def test_a_lapsed_group_is_found(practice):
    lapsed = ChangeSignal.objects.filter(practice=practice, kind__in=[SignalKind.LAPSED_RECALL, SignalKind.LAPSED_GAP])
    assert lapsed.count() >= 5


def test_two_goals_one_off_track(practice):
    goals = list(Goal.objects.filter(practice=practice))
    off = strategy_selectors.goals_off_track(practice, today=TODAY)
    assert len(goals) == 2
    assert [goal.title for goal in off] == ["Be the easiest dermatology practice in town to reach"]


def test_the_phone_hold_analysis_is_mostly_stronger_and_the_forms_one_all_weaker(practice):
    phone = RootCauseAnalysis.objects.get(practice=practice, touchpoint="phone-booking")
    forms = RootCauseAnalysis.objects.get(practice=practice, touchpoint="self-check-in")
    strengths = [action_hierarchy.strength_of(kind) for kind in phone.actions.values_list("hierarchy_kind", flat=True)]
    assert phone.status == RcaStatus.DONE and phone.actions_done_on is not None
    assert strengths.count(action_hierarchy.STRONGER) > len(strengths) / 2
    assert action_hierarchy.all_weaker(forms.actions.values_list("hierarchy_kind", flat=True))
    assert not action_hierarchy.all_weaker(phone.actions.values_list("hierarchy_kind", flat=True))


def test_the_committee_met_with_minutes_and_decisions_and_the_next_agenda_is_ready(practice):
    assert CommitteeMember.objects.filter(practice=practice, role=MemberRole.PATIENT_ADVISER, user=None).exists()
    held, upcoming = CommitteeMeeting.objects.filter(practice=practice).order_by("held_on")
    assert held.held and held.minutes and held.held_on < TODAY < upcoming.held_on
    assert Decision.objects.filter(meeting=held).count() == 2
    sections = agenda_selectors.sections(upcoming)
    assert sections["goals"] and sections["lessons"] and sections["rcas"] and sections["proposals"]


def test_a_hiring_kit_with_two_scored_candidates(practice):
    candidates = list(Candidate.objects.filter(practice=practice).order_by("name"))
    assert [c.decision for c in candidates] == [HiringDecision.NO_HIRE, HiringDecision.HIRE]
    for candidate in candidates:
        assert InterviewScore.objects.filter(candidate=candidate).values("interviewer").distinct().count() == 2


def test_two_closed_quarters_of_pulse_with_unlinked_answers(practice):
    rounds = list(PulseRound.objects.filter(practice=practice).order_by("quarter_start"))
    assert len(rounds) == 2 and all(r.closed for r in rounds)
    for pulse in rounds:
        answers = PulseAnswer.objects.filter(round=pulse).count()
        assert answers >= 5
        assert answers == PulseParticipation.objects.filter(round=pulse).count()
