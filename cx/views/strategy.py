"""Strategy: the page of goals → intended experiences → touch points → measures, each judged on or off
track against the noise; the measure catalogue; the forms for goals, experiences, measures and the
quarterly review. The owner and the experience lead write; every team member reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from practices import selectors as practice_selectors
from practices.access import StaffRequest, staff_view
from practices.models import Practice

from .. import charts
from .. import measure_status as ms
from .. import project_measures as pm
from .. import project_verdicts as verdicts
from ..forms.strategy import ExperienceForm, GoalForm, GoalMeasureForm, ReviewForm
from ..models import Goal, GoalStatus
from ..roles import EDITORS, TEAM
from ..selectors import projects as project_selectors
from ..selectors import strategy as strategy_selectors
from ..services import strategy as strategy_services

REVIEW_QUARTERS = 8  # the quarters offered in the review form: this one and the seven before


def _today(practice: Practice) -> date:
    return practice.local_date(timezone.now())


def _language() -> str:
    return (get_language() or "en")[:2]


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


# --- a measure as the page shows it -----------------------------------------------------------------


def state_label(state: str) -> str:
    return {
        ms.ON_TRACK: _("On track"),
        ms.OFF_TRACK: _("Off track"),
        ms.TOO_FEW: _("Too few to judge"),
    }[state]


def reason_sentence(m: strategy_selectors.MeasureState) -> str:
    """Why the measure is on or off track, in a sentence."""
    status, gm, measure = m.status, m.goal_measure, m.measure
    if measure is None:
        return _("This measure is no longer in the catalogue.")
    reason = status.reason
    if reason == ms.TOO_FEW:
        return _("Fewer than %(min)s %(noun)s in the last four weeks (%(n)s): too few to judge.") % {
            "min": ms.MIN_N,
            "noun": verdicts.noun(measure, ms.MIN_N),
            "n": m.current.n,
        }
    if reason == ms.MET:
        return _("The whole 95 %% confidence interval is at or beyond the target.") % {}
    if reason == ms.MOVING_AWAY:
        return _("Recent weeks went beyond the control limits, away from the target.")
    if reason == ms.WITHIN_NOISE:
        return _("The target is inside the 95 %% confidence interval: the value cannot be told apart from it yet.") % {}
    if reason == ms.MISSED:
        return _("The date has passed and the value is short of the target by more than the noise.")
    projected = verdicts.value_text(measure, status.projected) if status.projected is not None else "–"
    values = {"projected": projected, "day": _day(gm.target_on)}
    if reason == ms.IMPROVING:
        return _("Moving toward the target beyond the noise; at this rate about %(projected)s by %(day)s.") % values
    if reason == ms.TOO_SLOW:
        return (
            _("Moving toward the target beyond the noise, but at this rate only about %(projected)s by %(day)s.")
            % values
        )
    return _("Short of the target by more than the noise, and no recent week beyond the control limits toward it.")


def trend_sentence(m: strategy_selectors.MeasureState) -> str:
    direction = m.trend.direction
    if direction == charts.UP:
        return _("Up: a recent week is above the control limits of the twelve weeks before.")
    if direction == charts.DOWN:
        return _("Down: a recent week is below the control limits of the twelve weeks before.")
    if direction == charts.FLAT:
        return _("No recent week beyond the control limits of the twelve weeks before: only noise.")
    return _("Too few weeks with data to set control limits.")


def _value(measure: pm.Measure | None, value: float | None) -> str:
    if measure is None or value is None:
        return "–"
    return verdicts.value_text(measure, value)


@dataclass(frozen=True)
class SparkLine:
    """A small trend drawn server-side (no script): the weekly values, the baseline's centre line and
    the target, in a 160 × 40 box; the numbers are in the table beside it. Coordinates are strings with
    a decimal point whatever the language (the template would localise a float to "4,5")."""

    values: str  # polyline points
    dots: list[tuple[str, str, bool]]  # x, y, recent?
    center: str | None
    target: str
    recent_x: str


WIDTH, HEIGHT, PAD = 160.0, 40.0, 4.0


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def sparkline(m: strategy_selectors.MeasureState) -> SparkLine | None:
    points = m.trend.points
    values = [p.value for p in points if p.value is not None]
    if not values:
        return None
    center = m.trend.center
    scale = [*values, m.goal_measure.target, *([center] if center is not None else [])]
    low, high = min(scale), max(scale)
    span = (high - low) or 1.0

    def y(v: float) -> str:
        return _coordinate(PAD + (HEIGHT - 2 * PAD) * (1.0 - (v - low) / span))

    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)
    dots = [
        (_coordinate(PAD + i * step), y(p.value), i >= m.trend.recent_from)
        for i, p in enumerate(points)
        if p.value is not None
    ]
    return SparkLine(
        values=" ".join(f"{x},{yy}" for x, yy, _recent in dots),
        dots=dots,
        center=y(center) if center is not None else None,
        target=y(m.goal_measure.target),
        recent_x=_coordinate(PAD + (m.trend.recent_from - 0.5) * step),
    )


@dataclass(frozen=True)
class MeasureView:
    state: strategy_selectors.MeasureState
    key: str
    state_label: str
    reason: str
    current: str
    interval: str
    target: str
    trend: str
    spark: SparkLine | None
    unit: str

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def css(self) -> str:
        return self.state.state.replace("_", "-")


def measure_view(m: strategy_selectors.MeasureState) -> MeasureView:
    measure, c = m.measure, m.current
    interval = (
        _("95 %% CI %(low)s to %(high)s") % {"low": _value(measure, c.low), "high": _value(measure, c.high)}
        if c.low is not None and c.high is not None
        else "–"
    )
    return MeasureView(
        state=m,
        key=f"gm{m.goal_measure.pk}",
        state_label=state_label(m.state),
        reason=reason_sentence(m),
        current=_value(measure, c.value),
        interval=interval,
        target=_("%(value)s by %(day)s")
        % {"value": _value(measure, m.goal_measure.target), "day": _day(m.goal_measure.target_on)},
        trend=trend_sentence(m),
        spark=sparkline(m),
        unit=_(measure.unit_name) if measure is not None else "",
    )


def _views(practice: Practice, goals: list[Goal]) -> list[dict[str, object]]:
    found = strategy_selectors.goal_views(practice=practice, goals=goals, today=_today(practice), language=_language())
    return [
        {
            "goal": view.goal,
            "view": view,
            "experiences": [
                {
                    "experience": e.experience,
                    "touchpoint": e.touchpoint,
                    "measures": [measure_view(m) for m in e.measures],
                }
                for e in view.experiences
            ],
        }
        for view in found
    ]


# --- pages ------------------------------------------------------------------------------------------


@staff_view(TEAM)
@require_GET
def strategy(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    all_goals = list(strategy_selectors.goals(practice=practice))
    active = [g for g in all_goals if g.status == GoalStatus.ACTIVE]
    context = {
        "goals": _views(practice, active),
        "closed": [g for g in all_goals if g.status != GoalStatus.ACTIVE],
        "reviews": list(strategy_selectors.reviews(practice=practice)),
        "can_edit": request.membership.role in EDITORS,
        "periods": strategy_selectors.periods(_today(practice)),
    }
    return render(request, "cx/strategy/page.html", context)


@staff_view(TEAM)
@require_GET
def measure_catalogue(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    choices = project_selectors.measure_choices(practice=practice, language=_language())
    rows = [
        {
            "code": c.measure.code,
            "label": c.label,
            # Translated here: a msgid with "%" is looked up doubled by the template tag.
            "definition": _(c.measure.definition),
            "unit": _(c.measure.unit_name),
            "source": _(c.measure.source),
            "counts": _(c.measure.counts),
            "better": _("Higher is better.") if c.measure.higher_is_better else _("Lower is better."),
            "chart": _("p-chart (weekly proportions)") if c.measure.chart == "p" else _("XmR chart (weekly values)"),
        }
        for c in choices
    ]
    return render(request, "cx/strategy/catalogue.html", {"rows": rows})


@staff_view(TEAM)
@require_GET
def goal_detail(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    goal = strategy_selectors.goal_or_404(practice=practice, pk=pk)
    context = {
        "item": _views(practice, [goal])[0],
        "goal": goal,
        "can_edit": request.membership.role in EDITORS,
        "periods": strategy_selectors.periods(_today(practice)),
    }
    return render(request, "cx/strategy/goal.html", context)


def _members(practice: Practice, keep: User | None = None) -> list[User]:
    members = [
        m.user for m in practice_selectors.staff_for_practice(practice=practice) if m.is_active and m.user.is_active
    ]
    if keep is not None and keep not in members:
        members.append(keep)
    return members


def _refused(form: forms.Form, refused: strategy_services.StrategyRefused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def goal_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    data = request.POST if request.method == "POST" else None
    form = GoalForm(data, members=_members(practice), initial={"owner": str(request.user.pk)})
    if request.method == "POST" and form.is_valid():
        try:
            goal = strategy_services.create_goal(practice=practice, actor_user=request.user, fields=form.goal_fields())
        except strategy_services.StrategyRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Goal saved. Now say what experience it intends, and how it is measured."))
            return redirect("cx:goal", practice_slug=practice.slug, pk=goal.pk)
    return render(request, "cx/strategy/form.html", {"form": form, "goal": None, "title": _("New goal")})


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def goal_edit(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    goal = strategy_selectors.goal_or_404(practice=practice, pk=pk)
    data = request.POST if request.method == "POST" else None
    initial = {"title": goal.title, "why": goal.why, "owner": str(goal.owner_id or ""), "status": goal.status}
    form = GoalForm(data, members=_members(practice, goal.owner), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            strategy_services.update_goal(
                practice=practice, actor_user=request.user, goal=goal, fields=form.goal_fields()
            )
        except strategy_services.StrategyRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("cx:goal", practice_slug=practice.slug, pk=goal.pk)
    return render(request, "cx/strategy/form.html", {"form": form, "goal": goal, "title": _("Change the goal")})


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def goal_experience_add(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    goal = strategy_selectors.goal_or_404(practice=practice, pk=pk)
    form = ExperienceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy_services.add_experience(
                practice=practice,
                actor_user=request.user,
                goal=goal,
                touchpoint=form.cleaned_data["touchpoint"],
                sentence=form.cleaned_data["sentence"],
            )
        except strategy_services.StrategyRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Intended experience saved."))
            return redirect("cx:goal", practice_slug=practice.slug, pk=goal.pk)
    context = {"form": form, "goal": goal, "title": _("Add an intended experience")}
    return render(request, "cx/strategy/form.html", context)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def goal_measure_add(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    goal = strategy_selectors.goal_or_404(practice=practice, pk=pk)
    experiences = list(goal.experiences.all())
    initial: dict[str, object] = {"target_on": date(_today(practice).year, 12, 31)}
    experience_pk = request.GET.get("experience", "")
    if experience_pk in {str(e.pk) for e in experiences}:
        initial["experience"] = experience_pk
    form = GoalMeasureForm(
        request.POST if request.method == "POST" else None,
        measures=project_selectors.measure_choices(practice=practice, language=_language()),
        experiences=experiences,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            strategy_services.add_measure(
                practice=practice,
                actor_user=request.user,
                goal=goal,
                measure=form.cleaned_data["measure"],
                target=form.cleaned_data["target"],
                target_on=form.cleaned_data["target_on"],
                experience=form.chosen_experience(),
            )
        except strategy_services.StrategyRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Measure saved."))
            return redirect("cx:goal", practice_slug=practice.slug, pk=goal.pk)
    context = {"form": form, "goal": goal, "title": _("Add a measure"), "catalogue_link": True}
    return render(request, "cx/strategy/form.html", context)


def review_quarters(today: date) -> list[date]:
    """This quarter and the ones before it, newest first."""
    quarters = [strategy_selectors.quarter_start(today)]
    while len(quarters) < REVIEW_QUARTERS:
        quarters.append(strategy_selectors.quarter_start(quarters[-1] - timedelta(days=1)))
    return quarters


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def strategy_review_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    today = _today(practice)
    done = set(strategy_selectors.reviews(practice=practice).values_list("quarter_start", flat=True))
    quarters = [q for q in review_quarters(today) if q not in done]
    form = ReviewForm(request.POST if request.method == "POST" else None, quarters=quarters)
    if request.method == "POST" and form.is_valid():
        try:
            strategy_services.record_review(
                practice=practice,
                actor_user=request.user,
                quarter=form.chosen_quarter(),
                what_moved=form.cleaned_data["what_moved"],
                what_will_change=form.cleaned_data["what_will_change"],
                today=today,
            )
        except strategy_services.StrategyRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Quarterly review saved."))
            return redirect("cx:strategy", practice_slug=practice.slug)
    context = {"form": form, "goal": None, "title": _("Quarterly review"), "no_quarters": not quarters}
    return render(request, "cx/strategy/form.html", context)
