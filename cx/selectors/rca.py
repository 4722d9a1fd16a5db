"""Reads of root-cause analyses, scoped by practice: the list, the open ones (for the committee's
agenda), one analysis with its causal statements checked against the five rules and its actions by
strength, and what starting one from a recovery case or a recurring theme prefills."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from feedback.models import CaseOutcome, CaseReason, CommentAnalysis, RecoveryCase
from journey.catalogue import BY_CODE
from practices.models import Practice

from .. import action_hierarchy, causation
from ..models import CausalStatement, ImprovementProject, RcaAction, RcaStatus, RootCauseAnalysis, TimelineEntry

THEME_DAYS = 30
THEME_ENTRIES = 20


def analyses(*, practice: Practice) -> QuerySet[RootCauseAnalysis]:
    """The practice's analyses, newest first, with how many causes and actions (done) each has."""
    return (
        RootCauseAnalysis.objects.filter(practice=practice)
        .select_related("led_by")
        .annotate(
            cause_count=Count("causes", distinct=True),
            action_count=Count("actions", distinct=True),
            actions_done=Count("actions", filter=Q(actions__done_on__isnull=False), distinct=True),
        )
        .order_by("-started_on", "-pk")
    )


def open_analyses(practice: Practice) -> QuerySet[RootCauseAnalysis]:
    """Analyses still analysing or with actions under way (the committee's agenda lists them)."""
    return analyses(practice=practice).exclude(status=RcaStatus.DONE)


def open_actions_of(*, practice: Practice, user_id: int) -> QuerySet[RcaAction]:
    """One person's actions not done yet, of every analysis, soonest due first."""
    return (
        RcaAction.objects.filter(practice=practice, owner_id=user_id, done_on__isnull=True)
        .select_related("rca")
        .order_by("due_on", "pk")
    )


def rca_or_404(*, practice: Practice, pk: int) -> RootCauseAnalysis:
    return get_object_or_404(
        RootCauseAnalysis.objects.filter(practice=practice).select_related("led_by", "recovery_case"), pk=pk
    )


def action_or_404(*, practice: Practice, pk: int) -> RcaAction:
    return get_object_or_404(RcaAction.objects.filter(practice=practice).select_related("rca", "owner"), pk=pk)


def cause_of(*, rca: RootCauseAnalysis, pk: int) -> CausalStatement | None:
    return CausalStatement.objects.filter(practice_id=rca.practice_id, rca=rca, pk=pk).first()


def recovery_case_or_404(*, practice: Practice, pk: int) -> RecoveryCase:
    """The practice's recovery case (another practice's is not found)."""
    return get_object_or_404(RecoveryCase.objects.filter(practice=practice).select_related("response"), pk=pk)


def projects(*, practice: Practice) -> QuerySet[ImprovementProject]:
    """Improvement projects an action may be linked to."""
    return ImprovementProject.objects.filter(practice=practice).order_by("title", "pk")


@dataclass(frozen=True)
class CheckedCause:
    cause: CausalStatement
    failures: list[causation.RuleFailure]


@dataclass(frozen=True)
class RcaPage:
    rca: RootCauseAnalysis
    timeline: list[TimelineEntry]
    causes: list[CheckedCause]
    actions: list[RcaAction]
    failing: int  # causal statements that break at least one rule
    strengths: dict[str, int]
    all_weaker: bool
    blockers: list[str] = field(default_factory=list)  # why actions cannot be declared under way yet

    @property
    def actions_done(self) -> int:
        return sum(1 for a in self.actions if a.done_on is not None)


def start_blockers(*, causes: list[CheckedCause], action_count: int) -> list[str]:
    """Why the analysis cannot move to "actions under way" yet (translated; empty: it can)."""
    reasons = []
    if not causes:
        reasons.append(_("Write at least one causal statement."))
    failing = sum(1 for c in causes if c.failures)
    if failing:
        reasons.append(_("%(n)s causal statement(s) break a rule of causation: rewrite them first.") % {"n": failing})
    if not action_count:
        reasons.append(_("Add at least one action."))
    return reasons


def rca_page(*, rca: RootCauseAnalysis) -> RcaPage:
    causes = [CheckedCause(c, causation.check(c.statement)) for c in rca.causes.order_by("pk")]
    actions = list(rca.actions.select_related("owner", "project", "cause").order_by("due_on", "pk"))
    kinds = [a.hierarchy_kind for a in actions]
    return RcaPage(
        rca=rca,
        timeline=list(rca.timeline.order_by("happened_at", "pk")),
        causes=causes,
        actions=actions,
        failing=sum(1 for c in causes if c.failures),
        strengths=action_hierarchy.counts(kinds),
        all_weaker=action_hierarchy.all_weaker(kinds),
        blockers=start_blockers(causes=causes, action_count=len(actions)),
    )


@dataclass(frozen=True)
class Prefill:
    """What a new analysis starts with: its fields and a timeline (when, what), nothing clinical."""

    title: str
    touchpoint: str
    theme: str
    timeline: list[tuple[datetime, str]]


def _reason(code: str) -> str:
    return str(CaseReason(code).label) if code in CaseReason.values else code


def case_timeline(case: RecoveryCase) -> list[tuple[datetime, str]]:
    """The case's dates in words: no patient name, no comment text, no notes."""
    response = case.response
    entries: list[tuple[datetime, str | None]] = [
        (response.completed_at or response.started_at, _("The patient answered the survey.")),
        (case.opened_at, _("Recovery case opened: %(reason)s.") % {"reason": _reason(case.reason)}),
        (case.heard_at, _("The patient was heard.")) if case.heard_at else (case.opened_at, None),
        (case.apologized_at, _("The practice apologised.")) if case.apologized_at else (case.opened_at, None),
        (case.responded_at, _("The practice responded.")) if case.responded_at else (case.opened_at, None),
    ]
    if case.closed_at:
        outcome = str(CaseOutcome(case.outcome).label) if case.outcome in CaseOutcome.values else case.outcome
        entries.append((case.closed_at, _("Recovery case closed: %(outcome)s.") % {"outcome": outcome}))
    return sorted(((at, what) for at, what in entries if what and at), key=lambda e: e[0])


def from_case(*, practice: Practice, case: RecoveryCase) -> Prefill:
    touchpoint = case.response.touchpoint
    name = _(BY_CODE[touchpoint].name) if touchpoint in BY_CODE else touchpoint
    opened = practice.local_date(case.opened_at)
    return Prefill(
        title=_("Failed experience at %(touchpoint)s, case opened %(date)s")
        % {"touchpoint": name, "date": opened.isoformat()},
        touchpoint=touchpoint,
        theme="",
        timeline=case_timeline(case),
    )


def theme_timeline(*, practice: Practice, touchpoint: str, theme: str, today: date) -> list[tuple[datetime, str]]:
    """The negative comments on ``theme`` at ``touchpoint`` in the last 30 days, by date (no text)."""
    since = datetime.combine(today - timedelta(days=THEME_DAYS), time.min, tzinfo=ZoneInfo(practice.timezone))
    rows = (
        CommentAnalysis.objects.filter(
            practice=practice,
            answer__response__touchpoint=touchpoint,
            answer__response__started_at__gte=since,
        )
        .select_related("answer__response")
        .order_by("answer__response__started_at", "pk")
    )
    wanted = theme.casefold()
    found: list[tuple[datetime, str]] = []
    for row in rows[:2000]:
        topics = row.effective_touchpoints or []
        if any(
            isinstance(t, dict) and str(t.get("name", "")).casefold() == wanted and t.get("sentiment") == "negative"
            for t in topics
        ):
            response = row.answer.response
            found.append(
                (
                    response.completed_at or response.started_at,
                    _("A negative comment about “%(theme)s”.") % {"theme": theme},
                )
            )
    return found[-THEME_ENTRIES:]


def from_theme(*, practice: Practice, touchpoint: str, theme: str, today: date) -> Prefill:
    name = _(BY_CODE[touchpoint].name) if touchpoint in BY_CODE else touchpoint
    return Prefill(
        title=_("Recurring theme: %(theme)s at %(touchpoint)s") % {"theme": theme, "touchpoint": name},
        touchpoint=touchpoint,
        theme=theme,
        timeline=theme_timeline(practice=practice, touchpoint=touchpoint, theme=theme, today=today),
    )
