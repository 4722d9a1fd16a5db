"""A staff member's experience record, for reviews and promotions: read from other tables over a chosen
period (local days, both included). It has no table of its own.

- **Recognitions**: their confirmed ``Recognition`` rows (said in the period): thanks the experience
  lead checked.
- **What patients said about them**: every comment of the period that names them and only them,
  found the way recognition finds thanks (``cx.recognition.find_mentions``: names, nicknames, and role
  words for the visit's on-duty member), by the comment's sentiment (the staff's correction first):
  positive, mixed or negative. Recognition only scans positive and mixed comments; here negative ones
  are read too. Nobody has checked these: a mention that could be two people (a shared name, "the
  nurse" when two nurses were on duty) is left out, and only current team members are matched. The
  quotes are redacted (``cx.redaction``): the patient's and other people's names, dates and clinical
  detail replaced. At most ``MENTION_SCAN`` comments (the newest) are read.
- **Recovery cases** assigned to them or closed by them, opened or closed in the period.
- **Actions** (``cx.Action``) they completed in the period, and **RCA actions** they own: done in the
  period, or still open and due from the period's first day on (later due dates included: work in hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from accounts.models import User
from feedback.models import Answer, QuestionKind, RecoveryCase, Sentiment
from feedback.selectors.scores import local_bounds
from practices.models import Membership, Practice

from ..models import Action, ActionStatus, RcaAction, Recognition, RecognitionStatus
from ..recognition import find_mentions
from ..redaction import redact
from ..staff_mentions import could_name, name_keys
from . import recognition as recognition_selectors

MENTION_SCAN = 5000
QUOTES_SHOWN = 30
ROWS_SHOWN = 100


@dataclass(frozen=True)
class Said:
    """One comment naming the person."""

    answer_id: int
    quote: str
    mention: str
    sentiment: str
    touchpoint: str
    said_on: date


@dataclass
class Mentions:
    positive: list[Said] = field(default_factory=list)
    mixed: list[Said] = field(default_factory=list)
    negative: list[Said] = field(default_factory=list)
    neutral: int = 0
    comments_read: int = 0
    capped: bool = False  # more comments than MENTION_SCAN in the period: only the newest were read
    on_team: bool = True  # a former member is not matched at all


@dataclass(frozen=True)
class CaseRow:
    case: RecoveryCase
    assigned: bool
    closed_by_them: bool


@dataclass(frozen=True)
class Record:
    person: User
    first_day: date
    last_day: date
    recognitions: list[Recognition]
    recognition_count: int
    mentions: Mentions
    cases: list[CaseRow]
    case_count: int
    cases_closed: int
    cases_resolved: int
    actions_done: list[Action]
    actions_done_count: int
    rca_actions: list[RcaAction]
    rca_actions_count: int
    rca_actions_done: int


def _effective(sentiment: str, corrected: str) -> str:
    return corrected or sentiment


def mentions_of(*, practice: Practice, user: User, first_day: date, last_day: date) -> Mentions:
    """The period's comments that name ``user`` alone, by sentiment (see the module's docstring)."""
    found = Mentions()
    rows = recognition_selectors.team_rows(practice=practice)
    team = [row.member for row in rows]
    me = next((member for member in team if member.user_id == user.pk), None)
    if me is None:
        found.on_team = False
        return found
    keys = name_keys(me)
    start, end = local_bounds(practice, first_day, last_day)
    comments = (
        Answer.objects.filter(
            response__practice=practice,
            question__kind=QuestionKind.TEXT,
            answered_at__gte=start,
            answered_at__lt=end,
            analysis__isnull=False,
        )
        .exclude(text="")
        .select_related("response", "response__patient", "response__invitation", "analysis")
        .order_by("-answered_at", "-pk")
    )
    answers = list(comments[: MENTION_SCAN + 1])
    if len(answers) > MENTION_SCAN:
        found.capped = True
        answers = answers[:MENTION_SCAN]
    found.comments_read = len(answers)
    # The quick loose test first: the exact matcher then reads only comments that could name them.
    answers = [a for a in answers if could_name(a.text, me, keys=keys)]
    duty = recognition_selectors.on_duty(practice=practice, responses=[a.response for a in answers])
    keep = recognition_selectors.staff_names(team)
    for answer in answers:
        response = answer.response
        own_names = recognition_selectors.patient_names(response.patient)
        mentions = find_mentions(
            answer.text,
            team=team,
            on_duty=duty.get(response.pk, frozenset()),
            patient_names=own_names,
            language=response.language,
        )
        theirs = [m for m in mentions if m.user_ids == (user.pk,)]
        if not theirs:
            continue
        sentiment = _effective(answer.analysis.sentiment, answer.analysis.corrected_sentiment)
        if sentiment == Sentiment.NEUTRAL:
            found.neutral += 1
            continue
        said = Said(
            answer_id=answer.pk,
            quote=redact(answer.text, staff_names=keep, patient_names=own_names),
            mention=theirs[0].text,
            sentiment=sentiment,
            touchpoint=response.touchpoint,
            said_on=practice.local_date(answer.answered_at),
        )
        if sentiment == Sentiment.POSITIVE:
            found.positive.append(said)
        elif sentiment == Sentiment.NEGATIVE:
            found.negative.append(said)
        else:
            found.mixed.append(said)
    return found


def _cases(practice: Practice, user: User, first_day: date, last_day: date) -> QuerySet[RecoveryCase]:
    start, end = local_bounds(practice, first_day, last_day)
    in_period = Q(opened_at__gte=start, opened_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
    return (
        RecoveryCase.objects.filter(practice=practice)
        .filter(Q(assigned_to=user) | Q(closed_by=user))
        .filter(in_period)
        .order_by("-opened_at", "-pk")
    )


def experience_record(*, practice: Practice, membership: Membership, first_day: date, last_day: date) -> Record:
    person = membership.user
    start, end = local_bounds(practice, first_day, last_day)
    recognitions = Recognition.objects.filter(
        practice=practice, user=person, status=RecognitionStatus.CONFIRMED, said_at__gte=start, said_at__lt=end
    ).order_by("-said_at", "-pk")
    cases = _cases(practice, person, first_day, last_day)
    closed = cases.filter(closed_by=person, closed_at__isnull=False)
    actions = Action.objects.filter(
        practice=practice, owner=person, status=ActionStatus.DONE, done_at__gte=start, done_at__lt=end
    ).order_by("-done_at", "-pk")
    rca_actions = (
        RcaAction.objects.filter(practice=practice, owner=person)
        .filter(Q(done_on__gte=first_day, done_on__lte=last_day) | Q(done_on__isnull=True, due_on__gte=first_day))
        .select_related("rca")
        .order_by("due_on", "pk")
    )
    return Record(
        person=person,
        first_day=first_day,
        last_day=last_day,
        recognitions=list(recognitions[:ROWS_SHOWN]),
        recognition_count=recognitions.count(),
        mentions=mentions_of(practice=practice, user=person, first_day=first_day, last_day=last_day),
        cases=[
            CaseRow(case, assigned=case.assigned_to_id == person.pk, closed_by_them=case.closed_by_id == person.pk)
            for case in cases[:ROWS_SHOWN]
        ],
        case_count=cases.count(),
        cases_closed=closed.count(),
        cases_resolved=closed.filter(outcome="resolved").count(),
        actions_done=list(actions[:ROWS_SHOWN]),
        actions_done_count=actions.count(),
        rca_actions=list(rca_actions[:ROWS_SHOWN]),
        rca_actions_count=rca_actions.count(),
        rca_actions_done=rca_actions.filter(done_on__isnull=False).count(),
    )
