"""Writes for the staff engagement pulse: open a quarter's round, close it, and answer it.

Answering writes two rows in one transaction that share nothing but the round: a
``PulseParticipation`` (this person answered, so they cannot answer twice) and a ``PulseAnswer`` (the
scores and the broad group chosen, a random UUID, no person, no time). The round's answers are then
deleted and written again in a random order with new random ids, so neither the ids nor the order the
rows sit in the table (SQLite's rowid, PostgreSQL's ctid) follow the order people answered in. Nothing
about an answer is audited or logged: opening and closing a round are audited, answering is not.

Every refusal is a ``PulseRefused`` with a message for the page; it changes nothing.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from practices.models import Membership, Practice

from .. import anonymity
from ..models import PulseAnswer, PulseParticipation, PulseRound
from ..selectors import pulse as pulse_selectors
from . import Refused


class PulseRefused(Refused):
    pass


@dataclass(frozen=True)
class Scores:
    group: str
    recommend_work: int
    can_serve_patients: int
    systems_help: int
    recognised: int


def open_round(
    *, practice: Practice, actor_user: User, quarter_start: date, closes_on: date, today: date
) -> PulseRound:
    """A round for the quarter starting on ``quarter_start`` (this quarter or the next), closing on
    ``closes_on`` (inside that quarter, not before today)."""
    if quarter_start != pulse_selectors.quarter_start(quarter_start):
        raise PulseRefused(_("Choose a quarter from the list."), field="quarter")
    this_quarter = pulse_selectors.quarter_start(today)
    if quarter_start not in (this_quarter, pulse_selectors.next_quarter(this_quarter)):
        raise PulseRefused(_("A round can be opened for this quarter or the next one only."), field="quarter")
    if not quarter_start <= closes_on <= pulse_selectors.quarter_end(quarter_start):
        raise PulseRefused(_("The closing day must be inside the round's quarter."), field="closes_on")
    if closes_on < today:
        raise PulseRefused(_("The closing day cannot be in the past."), field="closes_on")
    with transaction.atomic():
        if PulseRound.objects.filter(practice=practice, quarter_start=quarter_start).exists():
            raise PulseRefused(_("That quarter already has a round."), field="quarter")
        try:
            with transaction.atomic():
                pulse_round = PulseRound.objects.create(
                    practice=practice, quarter_start=quarter_start, closes_on=closes_on, created_by=actor_user
                )
        except IntegrityError:
            raise PulseRefused(_("That quarter already has a round."), field="quarter") from None
        audit.record(
            practice=practice,
            action=AuditAction.CREATE,
            target=pulse_round,
            actor_user=actor_user,
            summary="staff pulse round opened",
            changes={"quarter_start": {"from": None, "to": quarter_start.isoformat()}},
        )
    return pulse_round


def close_round(*, practice: Practice, actor_user: User, pulse_round: PulseRound) -> PulseRound:
    if pulse_round.practice_id != practice.pk:
        raise PulseRefused(_("That round is not this practice's."))
    with transaction.atomic():
        locked = PulseRound.objects.select_for_update().get(practice=practice, pk=pulse_round.pk)
        if locked.closed:
            raise PulseRefused(_("The round is already closed."))
        locked.closed = True
        locked.save(update_fields=["closed"])
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=locked,
            actor_user=actor_user,
            summary="staff pulse round closed",
            changes={"closed": {"from": False, "to": True}},
        )
    return locked


def _checked(scores: Scores) -> Scores:
    answer = anonymity.Answer(
        group=scores.group,
        recommend_work=scores.recommend_work,
        can_serve_patients=scores.can_serve_patients,
        systems_help=scores.systems_help,
        recognised=scores.recognised,
    )
    if not anonymity.valid_answer(answer):
        raise PulseRefused(_("Nothing was saved: a score is outside its range."))
    return scores


def _reshuffle(pulse_round: PulseRound) -> None:
    """Write the round's answers again in a random order with new random ids."""
    rows = list(
        PulseAnswer.objects.filter(practice=pulse_round.practice, round=pulse_round).values(
            "group", "recommend_work", "can_serve_patients", "systems_help", "recognised"
        )
    )
    secrets.SystemRandom().shuffle(rows)
    PulseAnswer.objects.filter(practice=pulse_round.practice, round=pulse_round).delete()
    PulseAnswer.objects.bulk_create(
        [PulseAnswer(id=uuid.uuid4(), practice=pulse_round.practice, round=pulse_round, **row) for row in rows]
    )


def answer_round(*, practice: Practice, user: User, pulse_round: PulseRound, scores: Scores, today: date) -> None:
    """Record that ``user`` answered and, unlinked, what was answered. Returns nothing on purpose."""
    if pulse_round.practice_id != practice.pk:
        raise PulseRefused(_("That round is not this practice's."))
    scores = _checked(scores)
    if not Membership.objects.filter(practice=practice, user=user, is_active=True).exists():
        raise PulseRefused(_("Only members of the team answer the pulse."))
    with transaction.atomic():
        # One answer at a time per round, so the reshuffle below sees every answer.
        locked = PulseRound.objects.select_for_update().get(practice=practice, pk=pulse_round.pk)
        if not pulse_selectors.is_open(locked, today=today):
            raise PulseRefused(_("This round is closed."))
        try:
            with transaction.atomic():
                PulseParticipation.objects.create(practice=practice, round=locked, user=user)
        except IntegrityError:
            raise PulseRefused(_("You have already answered this round.")) from None
        PulseAnswer.objects.create(
            id=uuid.uuid4(),
            practice=practice,
            round=locked,
            group=scores.group,
            recommend_work=scores.recommend_work,
            can_serve_patients=scores.can_serve_patients,
            systems_help=scores.systems_help,
            recognised=scores.recognised,
        )
        _reshuffle(locked)
