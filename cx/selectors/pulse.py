"""Reads for the staff engagement pulse, scoped by practice: the rounds, whether a round is open, who
may still answer, and a round's results through the anonymity rules (``cx/anonymity.py``).

Answers are read as bare values (group and scores): a ``PulseAnswer`` has no person, no time and a
random id, so nothing read here can name who gave an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from practices.models import Practice

from .. import anonymity
from ..models import PulseAnswer, PulseParticipation, PulseRound


def quarter_start(day: date) -> date:
    """The first day of the quarter ``day`` is in."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: date) -> date:
    """The last day of the quarter that starts on ``start``."""
    month = start.month + 3
    year = start.year + (month > 12)
    month = month - 12 if month > 12 else month
    return date.fromordinal(date(year, month, 1).toordinal() - 1)


def next_quarter(start: date) -> date:
    return date.fromordinal(quarter_end(start).toordinal() + 1)


def rounds(*, practice: Practice) -> QuerySet[PulseRound]:
    return PulseRound.objects.filter(practice=practice).order_by("-quarter_start")


def round_or_404(*, practice: Practice, pk: int) -> PulseRound:
    return get_object_or_404(PulseRound, practice=practice, pk=pk)


def is_open(pulse_round: PulseRound, *, today: date) -> bool:
    """Open for answers: not closed by an editor and its closing day not passed."""
    return not pulse_round.closed and today <= pulse_round.closes_on


def has_answered(*, pulse_round: PulseRound, user: User) -> bool:
    return PulseParticipation.objects.filter(practice=pulse_round.practice, round=pulse_round, user=user).exists()


def participant_count(*, pulse_round: PulseRound) -> int:
    return PulseParticipation.objects.filter(practice=pulse_round.practice, round=pulse_round).count()


def answered_rounds(*, practice: Practice, user: User) -> set[int]:
    return set(PulseParticipation.objects.filter(practice=practice, user=user).values_list("round_id", flat=True))


def answers(*, pulse_round: PulseRound) -> list[anonymity.Answer]:
    """The round's answers as bare values, in a fixed order that says nothing about who answered when."""
    rows = PulseAnswer.objects.filter(practice=pulse_round.practice, round=pulse_round).values_list(
        "group", "recommend_work", "can_serve_patients", "systems_help", "recognised"
    )
    found = [
        anonymity.Answer(
            group=group,
            recommend_work=recommend,
            can_serve_patients=serve,
            systems_help=systems,
            recognised=recognised,
        )
        for group, recommend, serve, systems, recognised in rows
    ]
    found.sort(key=lambda a: (a.group, a.recommend_work, a.can_serve_patients, a.systems_help, a.recognised))
    return found


def results(pulse_round: PulseRound, *, today: date) -> anonymity.RoundResults:
    closed = not is_open(pulse_round, today=today)
    if not closed:
        return anonymity.round_results([], closed=False)  # answers are not even read while open
    return anonymity.round_results(answers(pulse_round=pulse_round), closed=True)


@dataclass(frozen=True)
class RoundComparison:
    earlier: PulseRound
    later: PulseRound
    comparison: anonymity.QuarterComparison


def latest_comparison(*, practice: Practice, today: date, later: PulseRound | None = None) -> RoundComparison | None:
    """The newest two closed rounds with results (or ``later`` and the closed round before it)."""
    closed = [r for r in rounds(practice=practice) if not is_open(r, today=today)]
    if later is not None:
        if is_open(later, today=today):
            return None
        closed = [r for r in closed if r.quarter_start <= later.quarter_start]
    published: list[tuple[PulseRound, list[anonymity.Answer]]] = []
    for pulse_round in closed:
        found = answers(pulse_round=pulse_round)
        if len(found) >= anonymity.MIN_ANSWERS:
            published.append((pulse_round, found))
        if len(published) == 2:
            break
    if len(published) < 2:
        return None
    (new, new_answers), (old, old_answers) = published
    comparison = anonymity.compare_rounds(old_answers, new_answers)
    if comparison is None:
        return None
    return RoundComparison(earlier=old, later=new, comparison=comparison)
