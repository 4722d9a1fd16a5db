"""The demo's strategy and governance: two goals (one off track), the governance committee with its
charter, members and a patient adviser, two proposed changes, root-cause analyses of the recurring
"hold time on the phone" theme (finished, mostly stronger actions) and of lost check-in forms (all
weaker actions: the page warns), and last month's committee meeting with its agenda and minutes.

Targets are set from the demo's own measured values (``cx.selectors.projects``), so whatever the
seed, the first goal is within reach and the second is not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import User
from cx import action_hierarchy as hierarchy
from cx import project_measures as pm
from cx.models import (
    Cadence,
    CausalStatement,
    DecisionSubject,
    FactorCategory,
    Goal,
    GoalMeasure,
    InputMethod,
    IntendedExperience,
    MemberRole,
    RcaAction,
    RcaStatus,
    RootCauseAnalysis,
    StrategyReview,
    TimelineEntry,
)
from cx.selectors import projects as project_selectors
from cx.services import governance
from practices.models import Practice

PHONE_THEME = "booking and access"


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _at(practice: Practice, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(practice.timezone)).astimezone(UTC)


def _current(practice: Practice, code: str, today: date) -> float | None:
    """The measure's value over the last twelve weeks, in its unit (percent for proportions)."""
    obs = project_selectors.observations_between(
        practice=practice, measure=code, first=today - timedelta(weeks=12), last=today - timedelta(days=1)
    )
    if not obs.n:
        return None
    if obs.measure.kind == pm.PROPORTION:
        return 100 * sum(obs.flags()) / obs.n
    values = sorted(obs.minutes())
    return values[len(values) // 2]


def build_strategy(*, practice: Practice, today: date) -> list[Goal]:
    """Two goals: the first's measure is already near its target (on track), the second's far from it."""
    owner = _user("owner@demo.touchpoints.test")
    lead = _user("experience@demo.touchpoints.test")
    set_on = today - timedelta(days=200)
    grow = Goal.objects.create(
        practice=practice,
        title="Grow new patients 10 % this year",
        why="Most new patients look us up on a phone after work; a patient who can't book goes elsewhere.",
        owner=owner,
        position=1,
        created_by=owner,
        created_at=_at(practice, set_on, 9),
    )
    online = IntendedExperience.objects.create(
        practice=practice,
        goal=grow,
        touchpoint="self-scheduling",
        sentence="A new patient books online in under two minutes, any day of the week.",
    )
    waiting = IntendedExperience.objects.create(
        practice=practice,
        goal=grow,
        touchpoint="wait-estimate",
        sentence="A patient is with their provider within 20 minutes of arriving, and hears from us if we run late.",
    )
    completed = _current(practice, pm.ONLINE_BOOKING_COMPLETION, today)
    wait = _current(practice, pm.WAITING_MINUTES, today)
    if completed is not None:
        GoalMeasure.objects.create(
            practice=practice,
            goal=grow,
            experience=online,
            measure=pm.ONLINE_BOOKING_COMPLETION,
            target=round(completed),
            target_on=today + timedelta(days=120),
        )
    if wait is not None:
        GoalMeasure.objects.create(
            practice=practice,
            goal=grow,
            experience=waiting,
            measure=pm.WAITING_MINUTES,
            target=round(wait + 3),
            target_on=today + timedelta(days=120),
        )
    reach = Goal.objects.create(
        practice=practice,
        title="Be the easiest dermatology practice in town to reach",
        why="Patients tell us the phone is the hardest part of coming here.",
        owner=lead,
        position=2,
        created_by=owner,
        created_at=_at(practice, set_on, 9, 30),
    )
    reminders = IntendedExperience.objects.create(
        practice=practice,
        goal=reach,
        touchpoint="reminders",
        sentence="Every patient confirms or moves their visit from the reminder in one tap, without calling.",
    )
    confirmed = _current(practice, pm.REMINDER_CONFIRMATION_RATE, today)
    if confirmed is not None:
        GoalMeasure.objects.create(
            practice=practice,
            goal=reach,
            experience=reminders,
            measure=pm.REMINDER_CONFIRMATION_RATE,
            target=min(98, round(confirmed + 25)),
            target_on=today + timedelta(days=45),
        )
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    previous = (quarter - timedelta(days=1)).replace(day=1)
    previous = date(previous.year, 3 * ((previous.month - 1) // 3) + 1, 1)
    StrategyReview.objects.create(
        practice=practice,
        quarter_start=previous,
        what_moved="Waits came down after the second medical assistant started; reminder confirmations did not move.",
        what_will_change="Confirm by one tap in the text reminder; ask the committee whether Saturday online "
        "booking should come back.",
        recorded_by=owner,
        recorded_at=_at(practice, quarter + timedelta(days=6), 17),
    )
    return [grow, reach]


PHONE_RCA_TIMELINE = (
    (-70, 8, "Monday 8:00: the phones open; 31 calls in the first hour, two people on the desk."),
    (-70, 8, "Reminder confirmations are taken by phone, on the same lines as new bookings."),
    (-70, 9, "Average hold reaches 14 minutes; 9 callers hang up."),
    (-69, 12, "Three survey comments that week say the caller was on hold for 15 minutes or more."),
)
PHONE_RCA_CAUSES = (
    (
        FactorCategory.PROCESS,
        "Taking reminder confirmations on the booking lines increased the number of calls at the 8:00 peak, "
        "which increased the time new callers waited on hold, which led patients to hang up and complain.",
    ),
    (
        FactorCategory.TECHNOLOGY,
        "The phone system had no call-back option, so every caller at the peak had to stay on hold, which "
        "increased the likelihood that patients gave up before booking.",
    ),
    (
        FactorCategory.POLICY,
        "The desk schedule put one person on lunch cover at 8:00 because it followed the clinic's hours rather "
        "than the call volume, which left one person to answer the peak and lengthened holds.",
    ),
)
PHONE_RCA_ACTIONS = (
    (
        "simplify",
        "Patients confirm or move visits by one tap in the text reminder; the phone tree no longer takes "
        "confirmations.",
        "Calls between 8 and 9 am per week",
    ),
    (
        "forcing_function",
        "Automatic call-back: after 2 minutes on hold the system offers to call the patient back, keeping their place.",
        "Share of callers waiting over 5 minutes",
    ),
    (
        "standardise",
        "The desk rota is built from the call volume: two people on the phones from 8 to 10 every weekday.",
        "Hold time between 8 and 10",
    ),
    ("training", "Refresher for the desk on the call-back screen.", "All desk staff trained"),
)
FORMS_RCA_ACTIONS = (
    (
        "policy",
        "New policy: the desk checks that the tablet saved the form before handing it back.",
        "Forms lost per month",
    ),
    ("training", "Train the front desk on the tablet's save screen.", "All desk staff trained"),
    ("warning", "A sign on the tablet: 'press Save before you hand it back'.", "Forms lost per month"),
)


def build_governance(*, practice: Practice, today: date) -> dict[str, int]:
    """Through the committee's own services: the committee, its checklist, two proposals, the two
    analyses, last month's meeting with its agenda, minutes and decisions, and the next meeting's
    agenda prepared. Run after the goals and the handled change signals, which the agenda reads."""
    owner = _user("owner@demo.touchpoints.test")
    lead = _user("experience@demo.touchpoints.test")
    desk = _user("frontdesk@demo.touchpoints.test")
    clinician = _user("clinician@demo.touchpoints.test")
    governance.update_committee(
        practice=practice,
        actor_user=owner,
        fields=governance.CommitteeFields(
            charter=CHARTER, cadence=Cadence.MONTHLY, recurring_threshold=3, recurring_window_days=30
        ),
    )
    members = [
        governance.add_member(practice=practice, actor_user=owner, user=user, name="", role=role)
        for user, role in (
            (owner, MemberRole.CHAIR),
            (lead, MemberRole.MEMBER),
            (desk, MemberRole.MEMBER),
            (clinician, MemberRole.MEMBER),
        )
    ]
    members.append(
        governance.add_member(
            practice=practice, actor_user=owner, user=None, name="Rosa Delgado", role=MemberRole.PATIENT_ADVISER
        )
    )
    criteria = governance.ensure_criteria(practice)
    saturdays = governance.create_proposal(
        practice=practice,
        actor_user=lead,
        title="Bring back Saturday morning times on the online booking page",
        description="Since Saturday mornings went phone-only, regular Saturday patients call instead.",
        touchpoints=["self-scheduling"],
    )
    governance.screen_proposal(
        practice=practice,
        actor_user=lead,
        proposal=saturdays,
        criteria_ids=[criteria[0].pk],
        input_method=InputMethod.SURVEY_SAMPLE,
        input_summary="41 of 60 Saturday patients asked said they would book online again if Saturdays were there.",
    )
    phone_menu = governance.create_proposal(
        practice=practice,
        actor_user=desk,
        title="Make 'to book, press 1' the phone menu's first option",
        description="",
        touchpoints=["phone-booking"],
    )
    governance.screen_proposal(
        practice=practice,
        actor_user=lead,
        proposal=phone_menu,
        criteria_ids=[criteria[0].pk],
        input_method=InputMethod.ADVISER_REVIEW,
        input_summary="",
    )
    phone = _phone_rca(practice, today=today, lead=lead, desk=desk)
    _forms_rca(practice, today=today, desk=desk)
    held_on = today - timedelta(days=27)
    meeting = governance.prepare_meeting(
        practice=practice, actor_user=owner, held_on=held_on, today=held_on - timedelta(days=2)
    )
    governance.record_minutes(
        practice=practice,
        actor_user=owner,
        meeting=meeting,
        minutes=MINUTES,
        attendee_ids=[member.pk for member in members],
        held=True,
    )
    governance.add_decision(
        practice=practice,
        actor_user=owner,
        meeting=meeting,
        subject_kind=DecisionSubject.RCA,
        subject_id=phone.pk,
        subject_label="",
        text="Close the phone-hold analysis's actions; check at each meeting for three months that it stays away.",
    )
    governance.add_decision(
        practice=practice,
        actor_user=owner,
        meeting=meeting,
        subject_kind=DecisionSubject.CHANGE,
        subject_id=saturdays.pk,
        subject_label="",
        text="Ask a sample of Saturday patients before deciding on Saturday online booking.",
    )
    governance.prepare_meeting(practice=practice, actor_user=lead, held_on=today + timedelta(days=3), today=today)
    return {"rcas": 2, "meetings": 2, "proposals": 2}


CHARTER = (
    "We meet monthly to look at the experiences that failed our patients, find their root causes and fix them in "
    "the system, not by blaming people. We decide when a change needs patients' input before we make it, and we "
    "check that our goals are on track."
)
MINUTES = (
    "The phone-hold analysis is finished: its three stronger actions are done, and we watch for the theme coming "
    "back. Saturday online booking: Rosa asked that we ask Saturday patients first; Priya sends a one-question "
    "survey to a sample before the next meeting."
)


def _phone_rca(practice: Practice, *, today: date, lead: User, desk: User) -> RootCauseAnalysis:
    phone = RootCauseAnalysis.objects.create(
        practice=practice,
        title="Patients on hold for 15 minutes or more when calling to book",
        touchpoint="phone-booking",
        theme=PHONE_THEME,
        summary="A recurring theme: callers on hold at the Monday-morning peak. The holds came from the process "
        "(confirmations on the booking lines) and the phone system, not from the people answering.",
        status=RcaStatus.DONE,
        led_by=lead,
        started_on=today - timedelta(days=68),
        actions_done_on=today - timedelta(days=30),
    )
    for days, hour, what in PHONE_RCA_TIMELINE:
        TimelineEntry.objects.create(
            practice=practice, rca=phone, happened_at=_at(practice, today + timedelta(days=days), hour), what=what
        )
    causes = [
        CausalStatement.objects.create(practice=practice, rca=phone, statement=text, category=category)
        for category, text in PHONE_RCA_CAUSES
    ]
    for index, (kind, text, measure) in enumerate(PHONE_RCA_ACTIONS):
        RcaAction.objects.create(
            practice=practice,
            rca=phone,
            cause=causes[min(index, len(causes) - 1)],
            description=text,
            hierarchy_kind=kind,
            strength=hierarchy.strength_of(kind),
            owner=desk if index else lead,
            due_on=today - timedelta(days=45 - 5 * index),
            measure=measure,
            done_on=today - timedelta(days=30 + 3 * (3 - index)),
        )
    return phone


def _forms_rca(practice: Practice, *, today: date, desk: User) -> RootCauseAnalysis:
    forms = RootCauseAnalysis.objects.create(
        practice=practice,
        title="Check-in answers lost when the waiting-room tablet restarts",
        touchpoint="self-check-in",
        theme="records and information",
        summary="Two patients filled in the tablet check-in twice in one week.",
        status=RcaStatus.ACTIONS,
        led_by=desk,
        started_on=today - timedelta(days=12),
    )
    TimelineEntry.objects.create(
        practice=practice,
        rca=forms,
        happened_at=_at(practice, today - timedelta(days=15), 10),
        what="The tablet restarts for an update while a patient is answering; the answers are gone.",
    )
    cause = CausalStatement.objects.create(
        practice=practice,
        rca=forms,
        category=FactorCategory.TECHNOLOGY,
        statement="The tablet installed updates during clinic hours, which increased the likelihood that it "
        "restarted mid-form, which led to patients' answers being lost and asked for again.",
    )
    for index, (kind, text, measure) in enumerate(FORMS_RCA_ACTIONS):
        RcaAction.objects.create(
            practice=practice,
            rca=forms,
            cause=cause,
            description=text,
            hierarchy_kind=kind,
            strength=hierarchy.strength_of(kind),
            owner=desk,
            due_on=today + timedelta(days=7 + index),
            measure=measure,
        )
    return forms
