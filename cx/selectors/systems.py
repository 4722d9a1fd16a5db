"""Reads for "using our systems well", scoped by practice: each role's checklist (the practice's own
lines, or the defaults of ``cx/systems_measures.py`` until an editor saves one), and the tracked
figure of each measure a line names, from records other apps already keep (definitions in
``cx/systems_measures.py``): the audit entries of staff opening a patient's online check-in, the
flow board's step times, patients' texts and the team's replies, and recovery cases.

Every figure is a share with its n and a Wilson 95 % interval; under 30 it is "too few to trust".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from audit.models import Action as AuditAction
from audit.models import AuditEntry
from feedback.models import RecoveryCase
from frontdesk.models import OnlineCheckIn, Visit
from messaging.models import InboundAction, InboundMessage, Message, MessageKind
from practices.models import Location, OpeningHours, Practice

from .. import stats
from .. import systems_measures as sm
from ..models import JobTitle, SystemsPractice

MIN_TRUST = 30
STEPS = ("heard", "empathized", "apologized", "responded", "thanked")  # a recovery case's steps
CHECKIN_TYPE = OnlineCheckIn._meta.label_lower
# Check-in opens 48 hours before a visit by default; a view this long before the window still counts.
VIEW_LOOKBACK = timedelta(days=14)


@dataclass(frozen=True)
class Figure:
    code: str
    count: int
    n: int
    percent: float | None
    low: float | None
    high: float | None
    first_day: date
    last_day: date

    @property
    def too_few(self) -> bool:
        return self.n < MIN_TRUST

    @classmethod
    def of(cls, code: str, count: int, n: int, first_day: date, last_day: date) -> Figure:
        interval = stats.wilson(count, n)
        if interval is None:
            return cls(code, count, n, None, None, None, first_day, last_day)
        return cls(code, count, n, 100.0 * count / n, 100.0 * interval.low, 100.0 * interval.high, first_day, last_day)


@dataclass(frozen=True)
class Line:
    text: str
    measure: str  # a code of sm.MEASURES, or "" (not tracked)
    position: int


@dataclass(frozen=True)
class RoleChecklist:
    job_title: str
    label: str
    lines: tuple[Line, ...]


def uses_defaults(*, practice: Practice) -> bool:
    return not SystemsPractice.objects.filter(practice=practice).exists()


def lines_for(*, practice: Practice, job_title: str) -> list[Line]:
    if uses_defaults(practice=practice):
        return [Line(text, code, i) for i, (text, code) in enumerate(sm.DEFAULTS.get(job_title, ()))]
    return [
        Line(p.text, p.measure, p.position)
        for p in SystemsPractice.objects.filter(practice=practice, job_title=job_title).order_by("position", "pk")
    ]


def checklists(*, practice: Practice) -> list[RoleChecklist]:
    """Every role's lines, in the order of the job titles. Default lines are English msgids (the page
    translates them); a practice's own lines are shown as written."""
    defaults = uses_defaults(practice=practice)
    saved: dict[str, list[Line]] = defaultdict(list)
    if not defaults:
        for p in SystemsPractice.objects.filter(practice=practice).order_by("job_title", "position", "pk"):
            saved[p.job_title].append(Line(p.text, p.measure, p.position))
    out = []
    for value, label in JobTitle.choices:
        if defaults:
            lines = [Line(text, code, i) for i, (text, code) in enumerate(sm.DEFAULTS.get(value, ()))]
        else:
            lines = saved.get(value, [])
        out.append(RoleChecklist(job_title=value, label=str(label), lines=tuple(lines)))
    return out


def _window(practice: Practice, today: date) -> tuple[date, date, datetime, datetime]:
    zone = ZoneInfo(practice.timezone)
    first = today - timedelta(days=sm.WINDOW_DAYS - 1)
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return first, today, start, end


def _first_views(
    practice: Practice, check_in_ids: Iterable[int], start: datetime, end: datetime
) -> dict[tuple[str, int], datetime]:
    """(check-in id, user id) -> the first time that staff user opened that check-in's answers.

    Read by time (the audit table's practice + time index) rather than by a list of ids, which can
    be thousands long: views from ``VIEW_LOOKBACK`` before the window to its end."""
    ids = {str(i) for i in check_in_ids}
    found: dict[tuple[str, int], datetime] = {}
    if not ids:
        return found
    rows = AuditEntry.objects.filter(
        practice=practice,
        at__gte=start - VIEW_LOOKBACK,
        at__lt=end,
        action=AuditAction.VIEW,
        object_type=CHECKIN_TYPE,
        actor_user__isnull=False,
    ).values_list("object_id", "actor_user_id", "at")
    for object_id, user_id, at in rows.iterator():
        if object_id not in ids or user_id is None:
            continue
        key = (object_id, user_id)
        if key not in found or at < found[key]:
            found[key] = at
    return found


def _checkin_before_rooming(practice: Practice, start: datetime, end: datetime) -> tuple[int, int]:
    visits = list(
        Visit.objects.filter(
            practice=practice,
            roomed_at__gte=start,
            roomed_at__lt=end,
            appointment__online_check_in__completed_at__lt=F("roomed_at"),
        ).values_list("appointment__online_check_in__id", "roomed_at")
    )
    views = _first_views(practice, (c for c, _ in visits), start, end)
    earliest: dict[str, datetime] = {}
    for (object_id, _user), at in views.items():
        if object_id not in earliest or at < earliest[object_id]:
            earliest[object_id] = at
    count = 0
    for check_in, roomed in visits:
        seen = earliest.get(str(check_in))
        if seen is not None and roomed is not None and seen <= roomed:
            count += 1
    return count, len(visits)


def _checkin_by_provider(practice: Practice, start: datetime, end: datetime) -> tuple[int, int]:
    visits = list(
        Visit.objects.filter(
            practice=practice,
            with_provider_at__gte=start,
            with_provider_at__lt=end,
            appointment__online_check_in__completed_at__lt=F("with_provider_at"),
            appointment__provider__user__isnull=False,
        ).values_list("appointment__online_check_in__id", "appointment__provider__user_id", "with_provider_at")
    )
    views = _first_views(practice, (c for c, _, _ in visits), start, end)
    count = 0
    for check_in, user_id, went_in in visits:
        seen = views.get((str(check_in), user_id))
        if seen is not None and went_in is not None and seen <= went_in:
            count += 1
    return count, len(visits)


def _opening_hours(practice: Practice) -> dict[int, list[tuple[time, time]]]:
    hours: dict[int, list[tuple[time, time]]] = defaultdict(list)
    active = Location.objects.filter(practice=practice, is_active=True).values_list("pk", flat=True)
    for weekday, opens, closes in OpeningHours.objects.filter(practice=practice, location__in=active).values_list(
        "weekday", "opens", "closes"
    ):
        hours[weekday].append((opens, closes))
    return hours


def _text_replies(practice: Practice, start: datetime, end: datetime, now: datetime) -> tuple[int, int]:
    inbound = list(
        InboundMessage.objects.filter(
            practice=practice,
            action=InboundAction.NONE,
            conversation__isnull=False,
            received_at__gte=start,
            received_at__lt=end,
        )
        .order_by("received_at", "pk")
        .values_list("conversation_id", "received_at")
    )
    if not inbound:
        return 0, 0
    conversations = {c for c, _ in inbound}
    replies: dict[int, list[datetime]] = defaultdict(list)
    for conversation_id, at in (
        Message.objects.filter(
            practice=practice, conversation_id__in=conversations, kind=MessageKind.CONVERSATION, created_at__gte=start
        )
        .order_by("created_at")
        .values_list("conversation_id", "created_at")
    ):
        replies[conversation_id].append(at)
    by_conversation: dict[int, list[datetime]] = defaultdict(list)
    for conversation_id, at in inbound:
        by_conversation[conversation_id].append(at)
    hours = _opening_hours(practice)
    zone = ZoneInfo(practice.timezone)
    count = n = 0
    for conversation_id, received in by_conversation.items():
        answered_until: datetime | None = None  # texts up to the last reply are answered by it
        for at in received:
            if answered_until is not None and at <= answered_until:
                continue  # a second text before the reply: the wait started with the first
            reply = next((r for r in replies[conversation_id] if r >= at), None)
            if reply is None:
                if sm.business_minutes(at, now, hours, zone) <= sm.REPLY_MINUTES:
                    answered_until = now  # still inside its hour: not counted yet
                    continue
                n += 1
                answered_until = now
                continue
            n += 1
            if sm.business_minutes(at, reply, hours, zone) <= sm.REPLY_MINUTES:
                count += 1
            answered_until = reply
    return count, n


def _recovery(practice: Practice, start: datetime, end: datetime, now: datetime) -> tuple[int, int]:
    count = n = 0
    rows = RecoveryCase.objects.filter(practice=practice, opened_at__gte=start, opened_at__lt=end).values_list(
        "due_at", *(f"{step}_at" for step in STEPS)
    )
    for due_at, *step_times in rows:
        steps = [at for at in step_times if at is not None]
        first = min(steps) if steps else None
        if first is None and due_at > now:
            continue  # not due yet and nothing done: too early to say
        n += 1
        if first is not None and first <= due_at:
            count += 1
    return count, n


def figures(*, practice: Practice, codes: Iterable[str], today: date, now: datetime) -> dict[str, Figure]:
    """The figure of each known measure code (unknown codes are left out), over the last 90 days."""
    first, last, start, end = _window(practice, today)
    out: dict[str, Figure] = {}
    for code in dict.fromkeys(codes):
        if code == sm.CHECKIN_READ_BEFORE_ROOMING:
            count, n = _checkin_before_rooming(practice, start, end)
        elif code == sm.CHECKIN_READ_BY_PROVIDER:
            count, n = _checkin_by_provider(practice, start, end)
        elif code == sm.TEXT_REPLY_BUSINESS_HOUR:
            count, n = _text_replies(practice, start, end, now)
        elif code == sm.RECOVERY_BEFORE_DUE:
            count, n = _recovery(practice, start, end, now)
        else:
            continue
        out[code] = Figure.of(code, count, n, first, last)
    return out
