"""Strategy: goals with their intended experiences and measures, judged on or off track.

Each measure of a goal is read over the last ``measure_status.CURRENT_WEEKS`` weeks (its current value
with n and a 95 % interval) and the ``measure_status.BASELINE_WEEKS`` weeks before (the control limits
of its trend), through ``selectors/projects.observations_between`` so the definitions are the
catalogue's (``cx/project_measures.py``). The judgement is ``cx/measure_status.py``'s.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from journey.catalogue import BY_CODE
from practices.models import Practice

from .. import charts, stats
from .. import measure_status as ms
from .. import project_measures as pm
from ..models import Goal, GoalMeasure, GoalStatus, IntendedExperience, StrategyReview
from . import projects as project_selectors

# --- periods ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """The practice-local days read for a measure: the baseline weeks, then the current weeks ending today."""

    baseline_first: date
    current_first: date
    today: date

    @property
    def week_starts(self) -> list[date]:
        return [self.baseline_first + timedelta(weeks=i) for i in range(ms.BASELINE_WEEKS + ms.CURRENT_WEEKS)]


def periods(today: date) -> Periods:
    current_first = today - timedelta(weeks=ms.CURRENT_WEEKS) + timedelta(days=1)
    return Periods(current_first - timedelta(weeks=ms.BASELINE_WEEKS), current_first, today)


def quarter_start(day: date) -> date:
    """The first day of ``day``'s calendar quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


# --- one measure ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureState:
    goal_measure: GoalMeasure
    measure: pm.Measure | None  # None for a code no measure has any more
    label: str  # translated
    current: stats.Estimate
    trend: ms.Trend
    status: ms.Status
    periods: Periods

    @property
    def state(self) -> str:
        return self.status.state

    @property
    def weeks(self) -> list[tuple[date, bool, charts.ChartPoint]]:
        """(first day, recent?, chart point) for each week of the trend."""
        starts = self.periods.week_starts
        return [
            (starts[i], i >= self.trend.recent_from, point)
            for i, point in enumerate(self.trend.points)
            if i < len(starts)
        ]


_EMPTY_TREND = ms.Trend("too_few", None, 0.0, (), 0)


def estimate(measure: pm.Measure, obs: project_selectors.Observations) -> stats.Estimate:
    """The value of the observations with its n and 95 % interval, by the measure's kind."""
    if measure.kind == pm.PROPORTION:
        return stats.estimate_proportion(obs.flags())
    if measure.kind == pm.MINUTES:
        return stats.estimate_minutes(obs.minutes())
    return stats.estimate_nps(obs.scores())


def trend(measure: pm.Measure, obs: project_selectors.Observations, p: Periods) -> ms.Trend:
    """The weekly points and their direction (weeks counted back from today, whole weeks of seven days)."""
    by_week: dict[date, list[project_selectors.Observation]] = defaultdict(list)
    for o in obs.items:
        by_week[pm.week_start(o.day, anchor=p.current_first)].append(o)
    starts = p.week_starts
    baseline, recent = starts[: ms.BASELINE_WEEKS], starts[ms.BASELINE_WEEKS :]
    if measure.kind == pm.PROPORTION:

        def counts(week: date) -> tuple[str, int, int]:
            items = by_week.get(week, [])
            return week.isoformat(), sum(1 for o in items if o.value >= 0.5), len(items)

        return ms.trend_p([counts(w) for w in baseline], [counts(w) for w in recent])

    def value(week: date) -> tuple[str, float | None, int]:
        items = by_week.get(week, [])
        if not items:
            return week.isoformat(), None, 0
        if measure.kind == pm.MINUTES:
            return week.isoformat(), statistics.median(o.value for o in items), len(items)
        return week.isoformat(), stats.nps([round(o.value) for o in items]), len(items)

    return ms.trend_x([value(w) for w in baseline], [value(w) for w in recent])


class _Observations:
    """Observations per measure code over the periods, read once per page."""

    def __init__(self, practice: Practice, p: Periods) -> None:
        self.practice = practice
        self.periods = p
        self.found: dict[str, project_selectors.Observations] = {}

    def get(self, measure: pm.Measure) -> project_selectors.Observations:
        if measure.code not in self.found:
            self.found[measure.code] = project_selectors.observations_between(
                practice=self.practice, measure=measure, first=self.periods.baseline_first, last=self.periods.today
            )
        return self.found[measure.code]


def _state(gm: GoalMeasure, *, label: str, loaded: _Observations) -> MeasureState:
    p = loaded.periods
    measure = pm.parse(gm.measure)
    if measure is None:
        empty = stats.Estimate(None, 0, None, None)
        return MeasureState(gm, None, gm.measure, empty, _EMPTY_TREND, ms.Status(ms.TOO_FEW, ms.TOO_FEW), p)
    obs = loaded.get(measure)
    current = estimate(measure, obs.between(p.current_first, p.today))
    found = trend(measure, obs, p)
    status = ms.judge(
        higher_is_better=measure.higher_is_better,
        target=gm.target,
        target_on=gm.target_on,
        today=p.today,
        current=current,
        trend=found,
    )
    return MeasureState(gm, measure, label, current, found, status, p)


def measure_states(
    *, practice: Practice, goal_measures: Iterable[GoalMeasure], today: date, language: str = "en"
) -> dict[int, MeasureState]:
    """{GoalMeasure pk: its state}; each measure's observations are read once."""
    chosen = [gm for gm in goal_measures if gm.practice_id == practice.pk]
    labels = project_selectors.labels_for(practice=practice, codes=[gm.measure for gm in chosen], language=language)
    loaded = _Observations(practice, periods(today))
    return {gm.pk: _state(gm, label=labels.get(gm.measure, gm.measure), loaded=loaded) for gm in chosen}


# --- goals ------------------------------------------------------------------------------------------


def goals(*, practice: Practice) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(practice=practice)
        .select_related("owner")
        .prefetch_related(
            Prefetch("experiences", queryset=IntendedExperience.objects.filter(practice=practice)),
            Prefetch("measures", queryset=GoalMeasure.objects.filter(practice=practice)),
        )
    )


def goal_or_404(*, practice: Practice, pk: int) -> Goal:
    return get_object_or_404(goals(practice=practice), pk=pk)


def reviews(*, practice: Practice) -> QuerySet[StrategyReview]:
    return StrategyReview.objects.filter(practice=practice).select_related("recorded_by")


def touchpoint_name(code: str) -> str:
    found = BY_CODE.get(code)
    return _(found.name) if found is not None else code


@dataclass
class ExperienceView:
    experience: IntendedExperience | None  # None: the goal's measures not tied to one experience
    touchpoint: str  # translated name; "" for the goal's own measures
    measures: list[MeasureState] = field(default_factory=list)


@dataclass
class GoalView:
    goal: Goal
    experiences: list[ExperienceView]

    @property
    def states(self) -> list[MeasureState]:
        return [m for e in self.experiences for m in e.measures]

    @property
    def off_track(self) -> int:
        return sum(1 for m in self.states if m.state == ms.OFF_TRACK)

    @property
    def on_track(self) -> int:
        return sum(1 for m in self.states if m.state == ms.ON_TRACK)

    @property
    def too_few(self) -> int:
        return sum(1 for m in self.states if m.state == ms.TOO_FEW)


def goal_views(*, practice: Practice, goals: Iterable[Goal], today: date, language: str = "en") -> list[GoalView]:
    """Each goal → its intended experiences (a touch point and a sentence) → their measures with their state;
    measures tied to no experience come last, under the goal itself."""
    chosen = [g for g in goals if g.practice_id == practice.pk]
    all_measures = [gm for g in chosen for gm in g.measures.all()]
    states = measure_states(practice=practice, goal_measures=all_measures, today=today, language=language)
    views = []
    for goal in chosen:
        experiences = [ExperienceView(e, touchpoint_name(e.touchpoint)) for e in goal.experiences.all()]
        by_pk = {e.experience.pk: e for e in experiences if e.experience is not None}
        loose = ExperienceView(None, "")
        for gm in goal.measures.all():
            target = by_pk.get(gm.experience_id) if gm.experience_id is not None else None
            (target or loose).measures.append(states[gm.pk])
        if loose.measures:
            experiences.append(loose)
        views.append(GoalView(goal, experiences))
    return views


def goals_off_track(practice: Practice, *, today: date) -> list[Goal]:
    """Active goals with at least one measure off track against noise (the governance agenda's list)."""
    active = list(goals(practice=practice).filter(status=GoalStatus.ACTIVE))
    return [view.goal for view in goal_views(practice=practice, goals=active, today=today) if view.off_track]
