"""A committee meeting's agenda, prepared from the practice's rows and kept as a snapshot
(``CommitteeMeeting.agenda``) so the minutes keep what was on the table that day.

The period runs from the day after the previous meeting (by date) to the meeting's day, or to the
day the agenda is prepared when the meeting is ahead; for a first meeting, one cadence back (31, 61
or 92 days). Sections, each from real rows:

- ``failed``: recovery cases closed in the period with any outcome but "resolved" (not resolved,
  partly resolved, or the patient could not be reached): experiences that failed and stayed failed;
- ``themes``: recurring themes (``selectors/themes.recurring_themes`` with the committee's threshold
  and window, up to the day prepared);
- ``lessons``: change signals handled in the period with a lesson written, grouped by kind, the
  kinds with most lessons first (a kind with two or more is a recurring lesson);
- ``rcas``: root-cause analyses not done yet;
- ``recurrences``: done analyses whose failure came back (``selectors/themes.recurrences``);
- ``projects``: improvement projects still "live" whose after-window has run its full length: due
  for the committee's verdict;
- ``goals``: goals off track (``selectors/strategy.goals_off_track``);
- ``proposals``: proposed changes waiting for a decision.

The snapshot is plain JSON (ids, codes, dates as ISO strings, counts): labels and links are made
when the page is drawn, in the reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from feedback.models import CaseOutcome, CaseStatus, RecoveryCase
from feedback.selectors.scores import local_bounds
from practices.models import Practice

from ..models import (
    Cadence,
    ChangeSignal,
    Committee,
    CommitteeMeeting,
    ProjectStatus,
    RcaStatus,
    RootCauseAnalysis,
    SignalStatus,
)
from . import governance, projects, strategy, themes

VERSION = 1
CADENCE_DAYS = {Cadence.MONTHLY: 31, Cadence.EVERY_TWO_MONTHS: 61, Cadence.QUARTERLY: 92}
SECTIONS = ("failed", "themes", "lessons", "rcas", "recurrences", "projects", "goals", "proposals")
MAX_ITEMS = 50  # per section: an agenda is read aloud


def period(practice: Practice, *, held_on: date, today: date, committee: Committee) -> tuple[date, date]:
    """The local days the agenda covers (see the module docstring)."""
    last = min(held_on, today)
    previous = (
        governance.meetings(practice).filter(held_on__lt=held_on).order_by("-held_on").values_list("held_on", flat=True)
    ).first()
    if previous is not None:
        first = previous + timedelta(days=1)
    else:
        first = held_on - timedelta(days=CADENCE_DAYS.get(Cadence(committee.cadence), 31))
    return min(first, last), last


def _failed(practice: Practice, first: date, last: date) -> list[dict[str, Any]]:
    start, end = local_bounds(practice, first, last)
    rows = (
        RecoveryCase.objects.filter(
            practice=practice, status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end
        )
        .exclude(outcome=CaseOutcome.RESOLVED)
        .order_by("closed_at", "pk")
        .values_list("pk", "response__touchpoint", "outcome", "reason", "closed_at")[:MAX_ITEMS]
    )
    return [
        {
            "id": pk,
            "touchpoint": touchpoint,
            "outcome": outcome,
            "reason": reason,
            "closed_on": practice.local_date(closed_at).isoformat(),
        }
        for pk, touchpoint, outcome, reason, closed_at in rows
        if closed_at is not None
    ]


def _themes(practice: Practice, today: date, committee: Committee) -> list[dict[str, Any]]:
    found = themes.recurring_themes(
        practice, today=today, threshold=committee.recurring_threshold, window_days=committee.recurring_window_days
    )
    return [
        {"touchpoint": t.touchpoint, "topic": t.topic, "n": t.n, "latest": t.latest.isoformat()}
        for t in found[:MAX_ITEMS]
    ]


def _lessons(practice: Practice, first: date, last: date) -> list[dict[str, Any]]:
    start, end = local_bounds(practice, first, last)
    rows = (
        ChangeSignal.objects.filter(
            practice=practice, status=SignalStatus.HANDLED, handled_at__gte=start, handled_at__lt=end
        )
        .exclude(lesson="")
        .order_by("handled_at", "pk")
        .values_list("pk", "kind", "lesson", "handled_at")
    )
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pk, kind, lesson, handled_at in rows:
        text = lesson.strip()
        if text and handled_at is not None:
            by_kind[kind].append({"id": pk, "lesson": text, "handled_on": practice.local_date(handled_at).isoformat()})
    ordered = sorted(by_kind.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    return [{"kind": kind, "n": len(items), "lessons": items[-MAX_ITEMS:]} for kind, items in ordered]


def _rcas(practice: Practice) -> list[dict[str, Any]]:
    rows = (
        RootCauseAnalysis.objects.filter(practice=practice)
        .exclude(status=RcaStatus.DONE)
        .order_by("started_on", "pk")
        .values_list("pk", "title", "status", "touchpoint", "theme", "started_on")[:MAX_ITEMS]
    )
    return [
        {
            "id": pk,
            "title": title,
            "status": status,
            "touchpoint": touchpoint,
            "theme": theme,
            "started_on": started_on.isoformat(),
        }
        for pk, title, status, touchpoint, theme, started_on in rows
    ]


def _recurrences(practice: Practice, today: date) -> list[dict[str, Any]]:
    return [
        {
            "id": r.rca.pk,
            "title": r.rca.title,
            "touchpoint": r.touchpoint,
            "theme": r.theme,
            "since": r.since.isoformat(),
            "n": r.n,
            "latest": r.latest.isoformat(),
        }
        for r in themes.recurrences(practice, today=today)[:MAX_ITEMS]
    ]


def _projects(practice: Practice, today: date) -> list[dict[str, Any]]:
    due = []
    for project in projects.projects(practice=practice).filter(status=ProjectStatus.LIVE).order_by("went_live_on"):
        w = projects.windows(project, today=today)
        if w.is_live and w.after_complete:
            due.append({"id": project.pk, "title": project.title, "after_last": w.full_after_last.isoformat()})
    return due[:MAX_ITEMS]


def _goals(practice: Practice, today: date) -> list[dict[str, Any]]:
    return [{"id": goal.pk, "title": goal.title} for goal in strategy.goals_off_track(practice, today=today)][
        :MAX_ITEMS
    ]


def _proposals(practice: Practice) -> list[dict[str, Any]]:
    return [
        {"id": p.pk, "title": p.title, "status": p.status} for p in governance.waiting_proposals(practice)[:MAX_ITEMS]
    ]


def build_agenda(practice: Practice, *, held_on: date, today: date, committee: Committee) -> dict[str, Any]:
    """The agenda of a meeting on ``held_on``, prepared on ``today`` (a JSON-ready dict)."""
    first, last = period(practice, held_on=held_on, today=today, committee=committee)
    return {
        "version": VERSION,
        "prepared_on": today.isoformat(),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "threshold": committee.recurring_threshold,
        "window_days": committee.recurring_window_days,
        "sections": {
            "failed": _failed(practice, first, last),
            "themes": _themes(practice, today, committee),
            "lessons": _lessons(practice, first, last),
            "rcas": _rcas(practice),
            "recurrences": _recurrences(practice, today),
            "projects": _projects(practice, today),
            "goals": _goals(practice, today),
            "proposals": _proposals(practice),
        },
    }


def sections(meeting: CommitteeMeeting) -> dict[str, list[dict[str, Any]]]:
    """The snapshot's sections, each a list (an empty or foreign snapshot reads as empty)."""
    agenda = meeting.agenda if isinstance(meeting.agenda, dict) else {}
    found = agenda.get("sections")
    found = found if isinstance(found, dict) else {}
    return {
        name: [item for item in found.get(name, []) if isinstance(item, dict)]
        if isinstance(found.get(name), list)
        else []
        for name in SECTIONS
    }
