"""Reads for improvement projects, scoped by practice: the measures the practice can use, each
measure's observations (read through the owning apps' selectors where one exists), a project's
before/after results with their weekly control-chart points, and the warnings about what else changed
in the compared weeks.

Definitions of the measures, the windows and the season rule: ``cx/project_measures.py``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

import journey.selectors as journey_selectors
from feedback import scores as feedback_scores
from feedback.models import Question, QuestionKind, Survey
from feedback.selectors import scores as score_selectors
from insights import measures as insights_measures
from insights import selectors as insights_selectors
from insights.measures import AppointmentRecord
from messaging.models import AppointmentResponse, InboundAction, Message, MessageKind, MessageStatus
from practices import selectors as practice_selectors
from practices.models import Practice

from .. import charts, stats
from .. import project_measures as pm
from ..models import Idea, ImprovementProject

BEFORE, AFTER = "before", "after"
# How far before the compared weeks to look for a provider's earlier appointments: one who saw
# nobody in these weeks and then starts inside the windows is a new provider for this comparison.
PROVIDER_LOOKBACK = timedelta(weeks=8)
# A provider whose last appointment is this long before the end of the data has stopped seeing patients.
PROVIDER_GONE_AFTER = timedelta(days=14)


# --- the catalogue ----------------------------------------------------------------------------------


def question_codes(*, practice: Practice) -> list[str]:
    """Codes of the scale questions the practice asks: those of its own surveys, and of the shipped
    templates for the kinds of survey it has no copy of yet (it copies them when it first sends one)."""
    own_kinds = set(Survey.objects.filter(practice=practice).values_list("kind", flat=True))
    rows = (
        Question.objects.filter(
            Q(version__survey__practice=practice)
            | (Q(version__survey__practice__isnull=True) & ~Q(version__survey__kind__in=own_kinds))
        )
        .exclude(kind=QuestionKind.TEXT)
        .order_by("version__survey__kind", "position", "pk")
        .values_list("code", flat=True)
    )
    return list(dict.fromkeys(rows))


def catalogue(*, practice: Practice) -> list[pm.Measure]:
    return pm.catalogue(question_codes(practice=practice))


@dataclass(frozen=True)
class MeasureChoice:
    measure: pm.Measure
    label: str  # translated; a top box names its question in the page's language


def measure_label(measure: pm.Measure, *, questions: dict[str, score_selectors.QuestionLabel], language: str) -> str:
    """The measure's name in the active language: "Top box: <the question's wording>" for a top box."""
    if not measure.is_top_box:
        return _(measure.label)
    found = questions.get(measure.question)
    wording = found.text(language) if found is not None else measure.question
    return _("Top box: %(question)s") % {"question": wording}


def measure_choices(*, practice: Practice, language: str, extra: Iterable[str] = ()) -> list[MeasureChoice]:
    """The practice's catalogue with translated labels (plus the stored codes ``extra`` of a project,
    kept even when the practice no longer asks that question)."""
    measures = catalogue(practice=practice)
    known = {m.code for m in measures}
    for code in extra:
        measure = pm.parse(code)
        if measure is not None and code not in known:
            measures.insert(0, measure)
            known.add(code)
    questions = score_selectors.question_labels(practice, [m.question for m in measures if m.is_top_box])
    return [MeasureChoice(m, measure_label(m, questions=questions, language=language)) for m in measures]


def labels_for(*, practice: Practice, codes: Iterable[str], language: str) -> dict[str, str]:
    """Translated labels of the measure codes (one query for the question wordings)."""
    measures = [m for m in (pm.parse(code) for code in dict.fromkeys(codes)) if m is not None]
    questions = score_selectors.question_labels(practice, [m.question for m in measures if m.is_top_box])
    return {m.code: measure_label(m, questions=questions, language=language) for m in measures}


# --- observations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    day: date  # the practice-local day it belongs to
    value: float  # 1.0 / 0.0 for proportions, minutes for minutes, 0–10 for NPS


@dataclass(frozen=True)
class Observations:
    measure: pm.Measure
    items: tuple[Observation, ...]

    @property
    def n(self) -> int:
        return len(self.items)

    def between(self, first: date, last: date) -> Observations:
        return Observations(self.measure, tuple(o for o in self.items if first <= o.day <= last))

    def flags(self) -> list[bool]:
        """For proportions: whether each observation counts (top box, a no-show, a confirmation...)."""
        return [o.value >= 0.5 for o in self.items]

    def minutes(self) -> list[float]:
        return [o.value for o in self.items]

    def scores(self) -> list[int]:
        """For NPS: the 0–10 answers."""
        return [round(o.value) for o in self.items]


def _local_days(practice: Practice, start: datetime, end: datetime) -> tuple[ZoneInfo, date, date]:
    zone = ZoneInfo(practice.timezone)
    return zone, start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def _survey_answers(practice: Practice, start: datetime, end: datetime) -> list[feedback_scores.ScoredAnswer]:
    _zone, first_day, last_day = _local_days(practice, start, end)
    answers = score_selectors.scored_answers(practice, score_selectors.Filters(first_day=first_day, last_day=last_day))
    return [a for a in answers if _within(a.at, start, end) and feedback_scores.is_scored(a.kind, a.value)]


def _top_box(practice: Practice, measure: pm.Measure, start: datetime, end: datetime) -> list[Observation]:
    zone = ZoneInfo(practice.timezone)
    return [
        Observation(a.at.astimezone(zone).date(), float(feedback_scores.is_top_box(a.kind, a.value)))
        for a in _survey_answers(practice, start, end)
        if a.code == measure.question and a.at is not None
    ]


def _nps(practice: Practice, measure: pm.Measure, start: datetime, end: datetime) -> list[Observation]:
    """One likelihood-to-recommend answer per response (as feedback's NPS counts them)."""
    zone = ZoneInfo(practice.timezone)
    seen: set[int] = set()
    result = []
    for a in _survey_answers(practice, start, end):
        if a.kind != feedback_scores.RECOMMEND or a.response_id in seen or a.at is None:
            continue
        seen.add(a.response_id)
        result.append(Observation(a.at.astimezone(zone).date(), float(a.value)))
    return result


def _appointments(practice: Practice, start: datetime, end: datetime) -> list[AppointmentRecord]:
    _zone, first_day, last_day = _local_days(practice, start, end)
    records = insights_selectors.appointment_records(practice=practice, first_day=first_day, last_day=last_day)
    return [r for r in records if _within(r.start, start, end)]


def _waiting(practice: Practice, measure: pm.Measure, start: datetime, end: datetime) -> list[Observation]:
    zone = ZoneInfo(practice.timezone)
    result = []
    for r in _appointments(practice, start, end):
        if r.arrived_at is None or r.with_provider_at is None or r.status == insights_measures.CANCELLED:
            continue
        minutes = (r.with_provider_at.astimezone(UTC) - r.arrived_at.astimezone(UTC)).total_seconds() / 60
        result.append(Observation(r.start.astimezone(zone).date(), minutes))
    return result


def _no_shows(practice: Practice, measure: pm.Measure, start: datetime, end: datetime) -> list[Observation]:
    zone = ZoneInfo(practice.timezone)
    now = datetime.now(UTC)
    result = []
    for r in _appointments(practice, start, end):
        if r.status == insights_measures.CANCELLED or r.start > now:
            continue
        if r.status == insights_measures.NOSHOW or r.flow_status == insights_measures.FLOW_NO_SHOW:
            result.append(Observation(r.start.astimezone(zone).date(), 1.0))
        elif r.status in insights_measures.CAME_STATUSES or r.arrived_at is not None:
            result.append(Observation(r.start.astimezone(zone).date(), 0.0))
    return result


def _late_cancellations(practice: Practice, measure: pm.Measure, start: datetime, end: datetime) -> list[Observation]:
    zone = ZoneInfo(practice.timezone)
    cutoff = timedelta(hours=insights_selectors.cancellation_cutoff_hours(practice))
    result = []
    for r in _appointments(practice, start, end):
        late = (
            r.status == insights_measures.CANCELLED and r.cancelled_at is not None and r.start - r.cancelled_at < cutoff
        )
        result.append(Observation(r.start.astimezone(zone).date(), float(late)))
    return result


STARTED_KINDS = ("booking.started",)
MADE_KINDS = ("appointment.booked", "booking_request.created")
WAITLIST_BOOKED = "waitlist.offer_accepted"


def _online_booking(practice: Practice, measure: pm.Measure, start: datetime, end: datetime) -> list[Observation]:
    zone = ZoneInfo(practice.timezone)
    started: dict[date, int] = defaultdict(int)
    made: dict[date, int] = defaultdict(int)
    events = (
        journey_selectors.events_for_practice(practice=practice)
        .filter(kind__in=(*STARTED_KINDS, *MADE_KINDS, WAITLIST_BOOKED), occurred_at__gte=start, occurred_at__lt=end)
        .values_list("kind", "occurred_at", "data")
    )
    for kind, at, data in events:
        day = at.astimezone(zone).date()
        data = data if isinstance(data, dict) else {}
        if kind in STARTED_KINDS:
            started[day] += 1
        elif kind == "booking_request.created" or (kind == "appointment.booked" and data.get("channel") == "online"):
            made[day] += 1
        elif kind == WAITLIST_BOOKED and not data.get("moves_visit"):
            made[day] -= 1  # booked online, but from a waitlist offer: never started on the booking pages
    result = []
    for day in sorted(started):
        completed = min(max(made.get(day, 0), 0), started[day])
        result.extend([Observation(day, 1.0)] * completed)
        result.extend([Observation(day, 0.0)] * (started[day] - completed))
    return result


def _reminder_confirmations(
    practice: Practice, measure: pm.Measure, start: datetime, end: datetime
) -> list[Observation]:
    """No messaging selector reads reminders over a range of days, so this reads the outbox directly."""
    zone = ZoneInfo(practice.timezone)
    reminded = dict(
        Message.objects.filter(
            practice=practice,
            kind=MessageKind.REMINDER,
            status__in=(MessageStatus.SENT, MessageStatus.DELIVERED),
            appointment__start__gte=start,
            appointment__start__lt=end,
        )
        .exclude(appointment__status=insights_measures.ENTERED_IN_ERROR)
        .values_list("appointment_id", "appointment__start")
        .distinct()
    )
    confirmed = set(
        AppointmentResponse.objects.filter(
            practice=practice, action=InboundAction.CONFIRM, appointment_id__in=list(reminded)
        ).values_list("appointment_id", flat=True)
    )
    return [
        Observation(at.astimezone(zone).date(), float(pk in confirmed))
        for pk, at in sorted(reminded.items(), key=lambda item: (item[1], item[0]))
    ]


_Loader = Callable[[Practice, pm.Measure, datetime, datetime], list[Observation]]
_LOADERS: dict[str, _Loader] = {
    pm.NPS_CODE: _nps,
    pm.ONLINE_BOOKING_COMPLETION: _online_booking,
    pm.WAITING_MINUTES: _waiting,
    pm.NO_SHOW_RATE: _no_shows,
    pm.LATE_CANCEL_RATE: _late_cancellations,
    pm.REMINDER_CONFIRMATION_RATE: _reminder_confirmations,
}


def observations(*, practice: Practice, measure: str | pm.Measure, start: datetime, end: datetime) -> Observations:
    """Every observation of ``measure`` (a code or a Measure) at or after ``start`` and before ``end``
    (aware instants), each with its practice-local day, in order of day."""
    found = pm.parse(measure) if isinstance(measure, str) else measure
    if found is None:
        raise ValueError(f"unknown measure {measure!r}")
    loader = _top_box if found.is_top_box else _LOADERS[found.code]
    items = sorted(loader(practice, found, start, end), key=lambda o: o.day)
    return Observations(found, tuple(items))


def observations_between(*, practice: Practice, measure: str | pm.Measure, first: date, last: date) -> Observations:
    """``observations`` over the practice-local days ``first..last``."""
    zone = ZoneInfo(practice.timezone)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return observations(practice=practice, measure=measure, start=start, end=end)


# --- projects ---------------------------------------------------------------------------------------


def projects(*, practice: Practice) -> QuerySet[ImprovementProject]:
    return ImprovementProject.objects.filter(practice=practice).select_related("owner", "idea")


def project_or_404(*, practice: Practice, pk: int) -> ImprovementProject:
    return get_object_or_404(projects(practice=practice), pk=pk)


def idea_or_404(*, practice: Practice, pk: object) -> Idea:
    """One of the practice's ideas (from an empathy map); 404 for another practice's or garbage."""
    try:
        number = int(str(pk))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Idea.objects.select_related("empathy_map"), practice=practice, pk=number)


def windows(project: ImprovementProject, *, today: date) -> pm.Windows:
    return pm.windows(went_live_on=project.went_live_on, window_weeks=project.window_weeks, today=today)


@dataclass(frozen=True)
class WeekPoint:
    first_day: date
    phase: str  # "before" | "after"
    point: charts.ChartPoint


@dataclass(frozen=True)
class MeasureResult:
    measure: pm.Measure
    primary: bool
    comparison: stats.Comparison
    weeks: tuple[WeekPoint, ...]


def compare(measure: pm.Measure, before: Observations, after: Observations) -> stats.Comparison:
    """The right comparison for the measure's kind."""
    if measure.kind == pm.PROPORTION:
        return stats.compare_proportions(before.flags(), after.flags(), higher_is_better=measure.higher_is_better)
    if measure.kind == pm.MINUTES:
        return stats.compare_minutes(before.minutes(), after.minutes(), higher_is_better=measure.higher_is_better)
    return stats.compare_nps(before.scores(), after.scores())


def _week_value(measure: pm.Measure, items: Sequence[Observation]) -> float | None:
    if not items:
        return None
    if measure.kind == pm.MINUTES:
        return statistics.median(o.value for o in items)
    if measure.kind == pm.NPS:
        return stats.nps([round(o.value) for o in items])
    return 100.0 * sum(1 for o in items if o.value >= 0.5) / len(items)


def weekly_points(measure: pm.Measure, obs: Observations, w: pm.Windows, *, anchor: date) -> tuple[WeekPoint, ...]:
    """One chart point per week (weeks counted from the change), before then after.

    Proportions make a p-chart, minutes and NPS an individuals (XmR) chart of the weekly median or NPS.
    The centre line and limits come from the before weeks alone and are carried into the after weeks
    (each after week judged against the baseline at its own n), so a change shows as points beyond them.
    """
    by_week: dict[date, list[Observation]] = defaultdict(list)
    for o in obs.items:
        by_week[pm.week_start(o.day, anchor=anchor)].append(o)
    before_weeks = pm.week_starts(w.before_first, w.before_last, anchor=anchor) if w.before_days else []
    after_weeks = pm.week_starts(w.after_first, w.after_last, anchor=anchor) if w.after_days else []
    points: list[WeekPoint] = []
    if measure.kind == pm.PROPORTION:
        counts = {week: (sum(1 for o in items if o.value >= 0.5), len(items)) for week, items in by_week.items()}
        before_p = [(week.isoformat(), *counts.get(week, (0, 0))) for week in before_weeks]
        points += [WeekPoint(d, BEFORE, p) for d, p in zip(before_weeks, charts.p_chart(before_p), strict=True)]
        for week in after_weeks:
            k, n = counts.get(week, (0, 0))
            points.append(WeekPoint(week, AFTER, charts.movement_p(before_p, (week.isoformat(), k, n)).latest))
        return tuple(points)
    values = {week: (_week_value(measure, items), len(items)) for week, items in by_week.items()}
    before_x = [(week.isoformat(), *values.get(week, (None, 0))) for week in before_weeks]
    points += [WeekPoint(d, BEFORE, p) for d, p in zip(before_weeks, charts.xmr_chart(before_x), strict=True)]
    for week in after_weeks:
        value, n = values.get(week, (None, 0))
        points.append(WeekPoint(week, AFTER, charts.movement_x(before_x, (week.isoformat(), value, n)).latest))
    return tuple(points)


def measure_result(
    *, practice: Practice, project: ImprovementProject, code: str, today: date, primary: bool, with_weeks: bool = True
) -> MeasureResult | None:
    """Before vs after for one of the project's measures; None for a code no measure has."""
    measure = pm.parse(code)
    if measure is None:
        return None
    w = windows(project, today=today)
    if w.last < w.first:
        empty = Observations(measure, ())
        return MeasureResult(measure, primary, compare(measure, empty, empty), ())
    obs = observations_between(practice=practice, measure=measure, first=w.first, last=w.last)
    before = obs.between(w.before_first, w.before_last)
    after = obs.between(w.after_first, w.after_last) if w.is_live else Observations(measure, ())
    weeks = weekly_points(measure, obs, w, anchor=project.went_live_on) if with_weeks else ()
    return MeasureResult(measure, primary, compare(measure, before, after), weeks)


def results(*, practice: Practice, project: ImprovementProject, today: date) -> list[MeasureResult]:
    """The primary measure's result, then each secondary measure's."""
    codes = [(project.primary_measure, True)] + [(code, False) for code in project.secondary_measures]
    found = [
        measure_result(practice=practice, project=project, code=code, today=today, primary=primary)
        for code, primary in codes
    ]
    return [r for r in found if r is not None]


# --- warnings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectWarning:
    kind: str  # "project" | "provider_started" | "provider_left" | "team_joined" | "season"
    text: str  # a plain sentence in the active language

    def __str__(self) -> str:
        return self.text


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def _other_projects(practice: Practice, project: ImprovementProject, w: pm.Windows) -> list[ProjectWarning]:
    touched = set(project.touchpoints)
    others = (
        ImprovementProject.objects.filter(practice=practice, went_live_on__gte=w.first, went_live_on__lte=w.last)
        .exclude(pk=project.pk)
        .order_by("went_live_on", "pk")
    )
    return [
        ProjectWarning(
            "project",
            _(
                "Another change on the same touch point went live on %(day)s, inside the compared weeks: "
                "“%(title)s”. Part of the difference may be that change."
            )
            % {"day": _day(other.went_live_on), "title": other.title},
        )
        for other in others
        if touched & set(other.touchpoints)
    ]


def _providers(practice: Practice, w: pm.Windows, today: date) -> list[ProjectWarning]:
    """Providers who started or stopped seeing patients inside the compared weeks, from appointments
    (a provider record carries no start or end date)."""
    lookback_first = w.first - PROVIDER_LOOKBACK
    # Appointments already booked after the windows show a provider is still there.
    data_last = max(w.last, today) + PROVIDER_GONE_AFTER
    records = insights_selectors.appointment_records(practice=practice, first_day=lookback_first, last_day=data_last)
    zone = ZoneInfo(practice.timezone)
    first_seen: dict[int, date] = {}
    last_seen: dict[int, date] = {}
    for r in records:
        if r.status == insights_measures.CANCELLED:
            continue
        day = r.start.astimezone(zone).date()
        first_seen[r.provider_id] = min(day, first_seen.get(r.provider_id, day))
        last_seen[r.provider_id] = max(day, last_seen.get(r.provider_id, day))
    names = insights_selectors.names(practice, "provider")
    found: list[ProjectWarning] = []
    for pid in sorted(first_seen, key=lambda p: (first_seen[p], p)):
        name = names.get(pid, "?")
        first, last = first_seen[pid], last_seen[pid]
        if w.first < first <= w.last:
            found.append(
                ProjectWarning(
                    "provider_started",
                    _(
                        "%(name)s started seeing patients on %(day)s, inside the compared weeks: part of the "
                        "difference may come from the change of provider."
                    )
                    % {"name": name, "day": _day(first)},
                )
            )
        if w.first <= last <= w.last and last + PROVIDER_GONE_AFTER < min(w.last, today):
            found.append(
                ProjectWarning(
                    "provider_left",
                    _(
                        "%(name)s has seen no patients since %(day)s, inside the compared weeks: part of the "
                        "difference may come from the change of provider."
                    )
                    % {"name": name, "day": _day(last)},
                )
            )
    return found


def _team(practice: Practice, w: pm.Windows) -> list[ProjectWarning]:
    zone = ZoneInfo(practice.timezone)
    found = []
    for membership in practice_selectors.staff_for_practice(practice=practice).order_by("created_at", "pk"):
        joined = membership.created_at.astimezone(zone).date()
        if w.first < joined <= w.last:
            found.append(
                ProjectWarning(
                    "team_joined",
                    _("%(name)s (%(role)s) joined the team on %(day)s, inside the compared weeks.")
                    % {
                        "name": membership.user.full_name or _("A new team member"),
                        "role": membership.get_role_display(),
                        "day": _day(joined),
                    },
                )
            )
    return found


def warnings(*, practice: Practice, project: ImprovementProject, today: date) -> list[ProjectWarning]:
    """What else changed in the compared weeks: another project on one of the same touch points, a
    provider or team member who started or left, and the December holidays in one window only."""
    if project.practice_id != practice.pk:
        raise Http404
    w = windows(project, today=today)
    if w.last < w.first:
        return []
    found = _other_projects(practice, project, w) + _providers(practice, w, today) + _team(practice, w)
    if pm.different_season(w):
        before = pm.december_share(w.before_first, w.before_last)
        after = pm.december_share(w.after_first, w.after_last)
        found.append(
            ProjectWarning(
                "season",
                _(
                    "%(before)s %% of the before weeks and %(after)s %% of the after weeks fall in December: the "
                    "holidays change who comes and how busy the office is, so part of the difference may be the "
                    "season."
                )
                % {"before": round(before), "after": round(after)},
            )
        )
    return found
