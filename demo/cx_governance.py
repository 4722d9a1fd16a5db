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
from cx import project_measures as pm
from cx.models import (
    ActionStrength,
    CausalStatement,
    ChangeStatus,
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    Decision,
    DecisionSubject,
    FactorCategory,
    Goal,
    GoalMeasure,
    InputMethod,
    IntendedExperience,
    MemberRole,
    ProposedChange,
    RcaAction,
    RcaStatus,
    RootCauseAnalysis,
    StrategyReview,
    TimelineEntry,
)
from cx.selectors import projects as project_selectors
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
    no_shows = _current(practice, pm.NO_SHOW_RATE, today)
    wait = _current(practice, pm.WAITING_MINUTES, today)
    if no_shows is not None:
        GoalMeasure.objects.create(
            practice=practice,
            goal=grow,
            experience=online,
            measure=pm.NO_SHOW_RATE,
            target=round(no_shows + 2),
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
        "simplify_process",
        ActionStrength.STRONGER,
        "Patients confirm or move visits by one tap in the text "
        "reminder; the phone tree no longer offers confirmations.",
        "Calls between 8 and 9 am per week",
    ),
    (
        "forcing_function",
        ActionStrength.STRONGER,
        "Turn on automatic call-back: after 2 minutes on hold the "
        "system offers to call the patient back, keeping their place.",
        "Share of callers waiting over 5 minutes",
    ),
    (
        "standardize_process",
        ActionStrength.STRONGER,
        "Desk rota built from the call volume: two people on the phones from 8 to 10 every weekday.",
        "Hold time in the 8–10 window",
    ),
    ("training", ActionStrength.WEAKER, "Refresher for the desk on the call-back screen.", "All desk staff trained"),
)
FORMS_RCA_ACTIONS = (
    (
        "new_policy",
        ActionStrength.WEAKER,
        "New policy: the desk checks the tablet saved the form before handing it back.",
        "Forms lost per month",
    ),
    ("training", ActionStrength.WEAKER, "Train the front desk on the tablet's save screen.", "All desk staff trained"),
    (
        "warning",
        ActionStrength.WEAKER,
        "A sign on the tablet: 'press Save before you hand it back'.",
        "Forms lost per month",
    ),
)


def _rca(
    practice, *, title, touchpoint, theme, led_by, started_on, status, done_on=None, summary=""
) -> RootCauseAnalysis:
    return RootCauseAnalysis.objects.create(
        practice=practice,
        title=title,
        touchpoint=touchpoint,
        theme=theme,
        summary=summary,
        status=status,
        led_by=led_by,
        started_on=started_on,
        actions_done_on=done_on,
    )


def build_governance(*, practice: Practice, today: date) -> dict[str, int]:
    owner = _user("owner@demo.touchpoints.test")
    lead = _user("experience@demo.touchpoints.test")
    desk = _user("frontdesk@demo.touchpoints.test")
    clinician = _user("clinician@demo.touchpoints.test")
    committee = Committee.objects.create(
        practice=practice,
        charter=(
            "We meet monthly to look at the experiences that failed our patients, find their root causes and fix "
            "them in the system, not by blaming people. We decide when a change needs patients' input before "
            "we make it, and we check that our goals are on track."
        ),
    )
    for user, role in (
        (owner, MemberRole.CHAIR),
        (lead, MemberRole.MEMBER),
        (desk, MemberRole.MEMBER),
        (clinician, MemberRole.MEMBER),
    ):
        CommitteeMember.objects.create(practice=practice, committee=committee, user=user, role=role)
    CommitteeMember.objects.create(
        practice=practice, committee=committee, name="Rosa Delgado", role=MemberRole.PATIENT_ADVISER
    )
    saturdays = ProposedChange.objects.create(
        practice=practice,
        title="Bring back Saturday morning times on the online booking page",
        description="Since the Saturday clinic moved to phone-only booking, regular Saturday patients call instead.",
        touchpoints=["self-scheduling"],
        input_needed=True,
        input_method=InputMethod.SURVEY_SAMPLE,
        input_summary="41 of 60 Saturday patients asked said they would book online again if Saturdays were there.",
        status=ChangeStatus.READY,
        proposed_by=lead,
        proposed_at=_at(practice, today - timedelta(days=20), 10),
    )
    ProposedChange.objects.create(
        practice=practice,
        title="Replace the phone menu's first option with 'to book, press 1'",
        touchpoints=["phone-booking"],
        input_needed=True,
        input_method=InputMethod.ADVISER_REVIEW,
        status=ChangeStatus.WAITING_FOR_INPUT,
        proposed_by=desk,
        proposed_at=_at(practice, today - timedelta(days=6), 11),
    )
    phone = _rca(
        practice,
        title="Patients on hold for 15 minutes or more when calling to book",
        touchpoint="phone-booking",
        theme=PHONE_THEME,
        led_by=lead,
        started_on=today - timedelta(days=68),
        status=RcaStatus.DONE,
        done_on=today - timedelta(days=30),
        summary="A recurring theme: callers on hold at the Monday-morning peak. The calls came from the process "
        "(confirmations on the booking lines) and the phone system, not from the people answering.",
    )
    for days, hour, what in PHONE_RCA_TIMELINE:
        TimelineEntry.objects.create(
            practice=practice, rca=phone, happened_at=_at(practice, today + timedelta(days=days), hour), what=what
        )
    causes = [
        CausalStatement.objects.create(practice=practice, rca=phone, statement=text, category=category)
        for category, text in PHONE_RCA_CAUSES
    ]
    for index, (kind, strength, text, measure) in enumerate(PHONE_RCA_ACTIONS):
        RcaAction.objects.create(
            practice=practice,
            rca=phone,
            cause=causes[min(index, len(causes) - 1)],
            description=text,
            hierarchy_kind=kind,
            strength=strength,
            owner=desk if index else lead,
            due_on=today - timedelta(days=45 - 5 * index),
            measure=measure,
            done_on=today - timedelta(days=30 + 3 * (3 - index)),
        )
    forms = _rca(
        practice,
        title="Check-in answers lost when the waiting-room tablet restarts",
        touchpoint="self-check-in",
        theme="records and information",
        led_by=desk,
        started_on=today - timedelta(days=12),
        status=RcaStatus.ACTIONS,
        summary="Two patients filled in the tablet check-in twice in one week.",
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
        "restarted mid-form, which led to patients' answers being lost and asked again.",
    )
    for index, (kind, strength, text, measure) in enumerate(FORMS_RCA_ACTIONS):
        RcaAction.objects.create(
            practice=practice,
            rca=forms,
            cause=cause,
            description=text,
            hierarchy_kind=kind,
            strength=strength,
            owner=desk,
            due_on=today + timedelta(days=7 + index),
            measure=measure,
        )
    held_on = today - timedelta(days=27)
    meeting = CommitteeMeeting.objects.create(
        practice=practice,
        held_on=held_on,
        minutes=(
            "Present: Morgan (chair), Priya, Luis, Dr. Cole, Rosa (patient adviser).\n"
            "The phone-hold analysis is finished: its three stronger actions are done; we watch for the theme "
            "coming back. Saturday online booking: Rosa asked that we ask Saturday patients first; Priya will "
            "send a one-question survey to a sample before the next meeting."
        ),
        held=True,
        created_by=owner,
        created_at=_at(practice, held_on - timedelta(days=2), 16),
    )
    Decision.objects.create(
        practice=practice,
        meeting=meeting,
        text="Close the phone-hold analysis's actions; review recurrence at each meeting for three months.",
        subject_kind=DecisionSubject.RCA,
        subject_id=phone.pk,
        decided_at=_at(practice, held_on, 8, 30),
    )
    Decision.objects.create(
        practice=practice,
        meeting=meeting,
        text="Ask a sample of Saturday patients before deciding on Saturday online booking.",
        subject_kind=DecisionSubject.CHANGE,
        subject_id=saturdays.pk,
        decided_at=_at(practice, held_on, 8, 45),
    )
    return {"rcas": 2, "meetings": 1, "proposals": 2}
