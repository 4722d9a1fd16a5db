"""What happens when a patient finishes a survey: their comments are read, a failed experience opens a
service-recovery case, and the patient may be offered the link to leave a public review. Also the staff's writes
around listening: corrections of the machine's reading of a comment, review sites and the settings.

``response_completed`` is the one entry point, called inside the transaction that completes a response.
It is safe to call twice: each comment is analysed once, a response has at most one case, and the review
invitation has a dedupe key.

When a response opens a case (first rule that applies, in this order):

- **detractor**: the answer to a "likelihood to recommend" question is 0–6 (the NPS detractor band);
- **bottom box**: the lowest answers a scale allows that clearly say the experience failed: "never" on a
  never/sometimes/usually/always item (CG-CAHPS bottom box), 0–6 on a 0–10 rating (the band the NPS and
  CG-CAHPS reports count as the bottom of a 0–10 scale), 1 ("very hard") on a 1–5 ease item. Yes/no items
  never open a case: whether "no" is bad depends on how the question is worded;
- **negative comment**: a comment whose overall score is at most ``STRONGLY_NEGATIVE`` (−0.5), clearly past
  the analyser's neutral band (±0.25), so a mildly critical suggestion does not open a case.

The public review link is offered to every patient who answers a survey, when the practice offers it, or to
nobody: never chosen by score, comment or open case. Google's review policy forbids asking only satisfied
customers ("review gating"), and reviews gathered that way mislead readers. Recovery is separate: a detractor
gets both the case (someone calls them) and the same review link everyone gets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit import services as audit
from audit.models import Action
from messaging.models import Channel, Message, MessageKind, MessageStatus
from messaging.services.outbox import contact_channel, queue_from_template
from practices.models import Practice

from ..comments import TOUCHPOINT_NAMES, analyze, spanish
from ..comments.analysis import language_of
from ..comments.model import MODEL_FILE
from ..models import (
    Answer,
    CaseReason,
    CommentAnalysis,
    FeedbackSettings,
    QuestionKind,
    Response,
    ReviewSite,
    Sentiment,
)
from . import recovery

DETRACTOR_MAX = 6
STRONGLY_NEGATIVE = -0.5
# The bottom box of each scale (see the module docstring); yes/no and free text have none.
BOTTOM_BOX: dict[str, int] = {
    QuestionKind.FREQUENCY: 1,  # never
    QuestionKind.RATING: 6,  # 0–6 on a 0–10 rating
    QuestionKind.EASE: 1,  # very hard
}
# A patient is invited to review at most once in this many days, however often they answer a survey.
REVIEW_INVITATION_EVERY_DAYS = 365


@cache
def model_version(language: str = "en") -> str:
    """What read a comment in ``language``: the shipped English model or the Spanish lexicon module, each with the
    first digits of its file's SHA-256, so exported corrections of Spanish comments never train the English model."""
    if language_of("", language) == "es":
        return f"spanish/1-{hashlib.sha256(Path(spanish.__file__).read_bytes()).hexdigest()[:12]}"
    return f"sentiment/1-{hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()[:12]}"


class _QuestionLike(Protocol):
    @property
    def kind(self) -> str: ...


class AnswerLike(Protocol):
    """What ``case_reason`` reads of an answer (an ``Answer``, or the demo builder's stand-in)."""

    @property
    def question(self) -> _QuestionLike: ...

    @property
    def value(self) -> int | None: ...


class ReadingLike(Protocol):
    """What ``case_reason`` reads of a comment's reading (a ``CommentAnalysis`` or the analyser's result)."""

    @property
    def score(self) -> float: ...


# --- the hook -------------------------------------------------------------------------------------


def response_completed(*, response: Response, now: datetime | None = None) -> None:
    """Called inside the transaction that completes ``response``."""
    now = now or timezone.now()
    answers = list(Answer.objects.filter(response=response).select_related("question"))
    analyses = analyse_comments(response=response, answers=answers, now=now)
    reason = case_reason(answers, analyses)
    if reason:
        recovery.open_case(response=response, reason=reason, now=now)
    invite_to_review(response=response, now=now)


def analyse_comments(*, response: Response, answers: Sequence[Answer], now: datetime) -> list[CommentAnalysis]:
    """One ``CommentAnalysis`` per non-blank text answer; an existing one (maybe corrected) is kept."""
    existing = {a.answer_id: a for a in CommentAnalysis.objects.filter(answer__response=response)}
    analyses = []
    for answer in answers:
        if answer.question.kind != QuestionKind.TEXT or not answer.text.strip():
            continue
        if answer.pk in existing:
            analyses.append(existing[answer.pk])
            continue
        # The response's language, unless the patient plainly wrote Spanish in an English survey.
        language = "es" if spanish.detect_language(answer.text) == "es" else language_of("", response.language)
        reading = analyze(answer.text, language=language)
        analyses.append(
            CommentAnalysis.objects.create(
                practice_id=response.practice_id,
                answer=answer,
                sentiment=Sentiment.MIXED if reading.mixed else reading.sentiment,
                score=reading.score,
                touchpoints=[{"name": t.name, "sentiment": t.sentiment} for t in reading.touchpoints],
                model_version=model_version(language),
                analysed_at=now,
            )
        )
    return analyses


def _recommend_values(answers: Sequence[AnswerLike]) -> list[int]:
    return [a.value for a in answers if a.question.kind == QuestionKind.RECOMMEND and a.value is not None]


def case_reason(answers: Sequence[AnswerLike], analyses: Sequence[ReadingLike]) -> str | None:
    """Why this response opens a case (detractor, bottom box, negative comment, in that order), or None."""
    if any(value <= DETRACTOR_MAX for value in _recommend_values(answers)):
        return CaseReason.DETRACTOR
    for answer in answers:
        floor = BOTTOM_BOX.get(answer.question.kind)
        if floor is not None and answer.value is not None and answer.value <= floor:
            return CaseReason.BOTTOM_BOX
    if any(analysis.score <= STRONGLY_NEGATIVE for analysis in analyses):
        return CaseReason.NEGATIVE_COMMENT
    return None


# --- review invitations ---------------------------------------------------------------------------


def reviews_url(practice: Practice) -> str:
    return settings.SITE_URL + reverse("feedback:reviews", kwargs={"practice_slug": practice.slug})


def invite_to_review(*, response: Response, now: datetime) -> Message | None:
    """Offer the patient who answered ``response`` the public review link, when the practice offers it and has
    review sites, whatever the answers were (see the module docstring: no review gating).

    At most once per response (``review:<response>``) and once per patient in ``REVIEW_INVITATION_EVERY_DAYS``.
    None when no invitation is queued.
    """
    practice, patient = response.practice, response.patient
    feedback_settings = FeedbackSettings.objects.filter(practice=practice).first()
    if feedback_settings is None or not feedback_settings.review_invitations:
        return None
    if not ReviewSite.objects.filter(practice=practice, is_active=True).exists():
        return None
    dedupe_key = f"review:{response.pk}"
    recent = Message.objects.filter(
        practice=practice,
        patient=patient,
        kind=MessageKind.REVIEW_INVITATION,
        created_at__gt=now - timedelta(days=REVIEW_INVITATION_EVERY_DAYS),
    ).exclude(status=MessageStatus.SKIPPED)  # one never sent (no consent then) does not count
    if recent.exclude(dedupe_key=dedupe_key).exists():
        return None
    channel = contact_channel(patient) or Channel.EMAIL  # without consent the row is kept as "not sent"
    return queue_from_template(
        practice=practice,
        kind=MessageKind.REVIEW_INVITATION,
        channel=channel,
        language=patient.preferred_language,
        values={"link": reviews_url(practice)},
        dedupe_key=dedupe_key,
        patient=patient,
        now=now,
    )


# --- corrections of the machine's reading ---------------------------------------------------------


class CorrectionRefused(ValueError):
    pass


@transaction.atomic
def correct_comment(
    *,
    analysis: CommentAnalysis,
    sentiment: str,
    touchpoints: list[dict[str, str]],
    actor_user: User,
    now: datetime | None = None,
) -> CommentAnalysis:
    """Keep the staff's reading beside the machine's. ``touchpoints`` is [{"name", "sentiment"}, ...]."""
    if sentiment not in Sentiment.values:
        raise CorrectionRefused(f"Unknown sentiment {sentiment!r}.")
    seen = set()
    for item in touchpoints:
        if item.get("name") not in TOUCHPOINT_NAMES or item.get("sentiment") not in Sentiment.values:
            raise CorrectionRefused("Unknown touch point or sentiment.")
        if item["name"] in seen:
            raise CorrectionRefused("A touch point appears twice.")
        seen.add(item["name"])
    ordered = sorted(
        ({"name": t["name"], "sentiment": t["sentiment"]} for t in touchpoints),
        key=lambda t: TOUCHPOINT_NAMES.index(t["name"]),
    )
    before = {"sentiment": analysis.effective_sentiment, "touchpoints": analysis.effective_touchpoints}
    analysis.corrected_sentiment = sentiment
    analysis.corrected_touchpoints = ordered
    analysis.corrected_by = actor_user
    analysis.corrected_at = now or timezone.now()
    analysis.save(update_fields=["corrected_sentiment", "corrected_touchpoints", "corrected_by", "corrected_at"])
    answer = analysis.answer
    audit.record(
        practice=analysis.practice,
        action=Action.UPDATE,
        target=analysis,
        actor_user=actor_user,
        patient=answer.response.patient,
        summary="comment reading corrected",
        # Labels only, never the comment's words.
        changes={
            "sentiment": [before["sentiment"], sentiment],
            "touchpoints": [
                ", ".join(f"{t['name']}: {t['sentiment']}" for t in before["touchpoints"]),
                ", ".join(f"{t['name']}: {t['sentiment']}" for t in ordered),
            ],
        },
    )
    return analysis


def record_comment_viewed(*, analysis: CommentAnalysis, actor_user: User) -> None:
    audit.record(
        practice=analysis.practice,
        action=Action.VIEW,
        target=analysis,
        actor_user=actor_user,
        patient=analysis.answer.response.patient,
        summary="survey comment viewed",
    )


def record_corrections_exported(*, practice_id: int, count: int) -> None:
    """``manage.py export_comment_corrections`` wrote this practice's corrections (with comment text) out."""
    audit.record(
        practice=Practice.objects.get(pk=practice_id),
        action=Action.EXPORT,
        target=CommentAnalysis,
        summary=f"comment corrections exported for training, {count} rows",
    )


# --- review sites and settings --------------------------------------------------------------------


@transaction.atomic
def save_review_site(
    *, practice: Practice, actor_user: User, site: ReviewSite | None = None, **fields: Any
) -> ReviewSite:
    """Add a review site (``site`` None) or change one of the practice's (name, url, position, is_active)."""
    creating = site is None
    site = site or ReviewSite(practice=practice)
    if site.practice_id != practice.pk:
        raise ValueError("The review site belongs to another practice.")
    changes = {}
    for name, value in fields.items():
        if getattr(site, name) != value or creating:
            changes[name] = [None if creating else getattr(site, name), value]
        setattr(site, name, value)
    site.save()
    audit.record(
        practice=practice,
        action=Action.CREATE if creating else Action.UPDATE,
        target=site,
        actor_user=actor_user,
        summary=f"review site {'added' if creating else 'changed'}: {site.name}",
        changes=changes,
    )
    return site


def feedback_settings_for(*, practice: Practice) -> FeedbackSettings:
    """The practice's settings row, created with the defaults the first time it is needed."""
    return FeedbackSettings.objects.get_or_create(practice=practice)[0]


@transaction.atomic
def save_feedback_settings(*, practice: Practice, actor_user: User, **fields: Any) -> FeedbackSettings:
    row = FeedbackSettings.objects.select_for_update().get_or_create(practice=practice)[0]
    changes = {}
    for name, value in fields.items():
        old = getattr(row, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
        setattr(row, name, value)
    row.save()
    if changes:
        audit.record(
            practice=practice,
            action=Action.UPDATE,
            target=row,
            actor_user=actor_user,
            summary="feedback settings changed",
            changes=changes,
        )
    return row
