"""The measures page: office-visit cycle time, access (TNA, lead time, same day), no-shows, late
cancellations and how far to trust both wait estimates, per day or week, optionally split by one dimension.

Aggregates only (no patient appears), so no audit entry; scoped to the practice in the URL.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from practices.access import StaffRequest, staff_view
from practices.models import Practice, Role

from .. import measures, selectors
from ..forms import GROUP_BY_CHOICES, MeasuresFilterForm

# Everyone who runs the practice's day may see how it runs; billing staff have no use for it.
MEASURES_ROLES = frozenset({Role.OWNER, Role.EXPERIENCE_LEAD, Role.FRONT_DESK, Role.CLINICIAN})


class Series(TypedDict):
    label: str
    data: list[float | None]


@dataclass(frozen=True)
class Chart:
    """One chart and the table beside it, built from the same numbers."""

    key: str
    title: str
    unit: str
    labels: list[str]
    series: list[Series]

    @property
    def rows(self) -> list[tuple[str, list[float | None]]]:
        return [(label, [s["data"][i] for s in self.series]) for i, label in enumerate(self.labels)]

    def as_json(self) -> dict[str, object]:
        return {"title": self.title, "unit": self.unit, "labels": self.labels, "series": self.series}


def _round(value: float | None) -> float | None:
    """One decimal, halves up: the same figure ``floatformat:1`` shows in the tables."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _period_label(day: date, period: str) -> str:
    if period == measures.WEEK:
        return _("Week of %(day)s") % {"day": date_format(day, "M j")}
    return date_format(day, "D M j")


def _group_name(group_names: dict[int, str], group: int | None) -> str:
    return "?" if group is None else group_names.get(group, "?")


def _charts(
    summaries: list[measures.Summary], *, period: str, group_names: dict[int, str], grouped: bool
) -> list[Chart]:
    # measures.by_period gives every summary its period.
    periods = [p for p in dict.fromkeys(s.period for s in summaries) if p is not None]
    groups = list(dict.fromkeys(s.group for s in summaries))
    cell = {(s.period, s.group): s for s in summaries}
    labels = [_period_label(p, period) for p in periods]

    def chart(key: str, title: str, unit: str, value: Callable[[measures.Summary], float | None]) -> Chart:
        series = [
            Series(
                label=_group_name(group_names, g) if grouped else _("Whole practice"),
                data=[_round(value(cell[(p, g)])) for p in periods],
            )
            for g in groups
        ]
        return Chart(key, title, unit, labels, series)

    minutes, days, percent = _("minutes"), _("days"), "%"
    return [
        chart("cycle", _("Cycle time (arrival to departure), mean"), minutes, lambda s: s.cycle.mean),
        chart("waiting", _("Waiting (waiting room and exam room), mean"), minutes, lambda s: s.waiting.mean),
        chart("care", _("Time with the care team, mean"), minutes, lambda s: s.care_team.mean),
        chart("waiting_room", _("Waiting-room time, mean"), minutes, lambda s: s.waiting_room.mean),
        chart("lead", _("Lead time from booking to visit, mean"), days, lambda s: s.lead_days.mean),
        chart("same_day", _("Same-day access"), percent, lambda s: s.same_day.percent),
        chart("no_show", _("No-show rate"), percent, lambda s: s.no_show.percent),
        chart("late_cancel", _("Late-cancellation rate"), percent, lambda s: s.late_cancel.percent),
    ]


def _tna_history_chart(
    practice: Practice, *, first_day: date, last_day: date, visit_type_id: int | None, provider_id: int | None
) -> Chart | None:
    stored = list(
        selectors.third_next_available_history(
            practice=practice,
            first_day=first_day,
            last_day=last_day,
            visit_type_id=visit_type_id,
            provider_id=provider_id,
        )
    )
    if not stored:
        return None
    days = sorted({row.day for row in stored})
    types = list(dict.fromkeys(row.visit_type for row in stored))
    value = {(row.day, row.visit_type_id): row.days for row in stored}
    series = [Series(label=vt.name, data=[value.get((d, vt.pk)) for d in days]) for vt in types]
    return Chart(
        "tna_history",
        _("Time to third next available appointment, measured each morning"),
        _("days"),
        [date_format(d, "D M j") for d in days],
        series,
    )


@dataclass(frozen=True)
class Computed:
    first_day: date
    last_day: date
    period: str
    dimension: str | None
    ids: dict[str, int | None]
    filters: dict[str, Any]
    now: datetime
    records: list[measures.AppointmentRecord]
    cutoff: int
    summaries: list[measures.Summary]
    totals: list[tuple[str, measures.Summary]]
    group_names: dict[int, str]


def _compute(practice: Practice, filters: dict[str, Any], now: datetime) -> Computed:
    first_day, last_day, period, dimension = filters["start"], filters["end"], filters["period"], filters["group_by"]
    ids = {name: (filters[name].pk if filters[name] else None) for name in ("location", "provider", "visit_type")}
    records = selectors.appointment_records(
        practice=practice,
        first_day=first_day,
        last_day=last_day,
        location_id=ids["location"],
        provider_id=ids["provider"],
        visit_type_id=ids["visit_type"],
    )
    cutoff = selectors.cancellation_cutoff_hours(practice)
    options = {"zone": practice.timezone, "now": now, "cutoff_hours": cutoff, "dimension": dimension}
    summaries = measures.by_period(records, period=period, first_day=first_day, last_day=last_day, **options)
    group_names = selectors.names(practice, dimension)
    totals = [
        (_group_name(group_names, total.group) if dimension else _("Whole practice"), total)
        for total in measures.totals(records, **options)
    ]
    return Computed(
        first_day, last_day, period, dimension, ids, filters, now, records, cutoff, summaries, totals, group_names
    )


@staff_view(MEASURES_ROLES)
@require_GET
def measures_page(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    now = timezone.now()
    today = practice.local_date(now)
    form = MeasuresFilterForm(request.GET or None, practice=practice, today=today)
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
    else:
        filters = MeasuresFilterForm.defaults(today)
        if form.is_bound:
            messages.error(request, _("Some filters could not be used; the page shows the last four weeks instead."))
    c = _compute(practice, filters, now)
    first_day, last_day, period, dimension, ids = c.first_day, c.last_day, c.period, c.dimension, c.ids
    summaries, group_names, totals, records, cutoff = c.summaries, c.group_names, c.totals, c.records, c.cutoff

    tna_rows = selectors.live_third_next_available(
        practice=practice,
        now=now,
        visit_type_id=ids["visit_type"],
        provider_id=ids["provider"],
        location_id=ids["location"],
    )
    charts = _charts(summaries, period=period, group_names=group_names, grouped=dimension is not None)
    tna_history = _tna_history_chart(
        practice, first_day=first_day, last_day=last_day, visit_type_id=ids["visit_type"], provider_id=ids["provider"]
    )
    if tna_history:
        charts.append(tna_history)
    accuracy = selectors.estimate_accuracy(
        practice=practice, first_day=first_day, last_day=last_day, provider=filters["provider"]
    )
    return render(
        request,
        "insights/measures.html",
        {
            "form": form,
            "first_day": first_day,
            "last_day": last_day,
            "period": period,
            "dimension": dimension,
            "dimension_label": dict(GROUP_BY_CHOICES).get(dimension or "", ""),
            "charts": [(chart, chart.as_json()) for chart in charts],
            "totals": totals,
            "has_data": bool(records),
            "cutoff_hours": cutoff,
            "tna_rows": tna_rows,
            "today": today,
            "wait_trust": measures.wait_trust(accuracy),
            "min_scored": measures.MIN_SCORED,
            "csv_query": request.GET.urlencode() if form.is_bound and not form.errors else "",
        },
    )


_CSV_MEASURES = (
    ("cycle", "cycle_time_minutes"),
    ("waiting_room", "waiting_room_minutes"),
    ("exam_room", "exam_room_wait_minutes"),
    ("waiting", "waiting_minutes"),
    ("care_team", "care_team_minutes"),
    ("lead_days", "lead_time_days"),
)
_CSV_RATES = (("same_day", "same_day_access"), ("no_show", "no_show"), ("late_cancel", "late_cancellation"))


def _csv_text(value: str) -> str:
    """Names that a spreadsheet would run as a formula are quoted as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@staff_view(MEASURES_ROLES)
@require_GET
def measures_csv(request: StaffRequest) -> HttpResponse:
    """The page's per-period numbers as CSV (same filters, same rounding). Bad filters: 400."""
    practice = request.practice
    now = timezone.now()
    today = practice.local_date(now)
    form = MeasuresFilterForm(request.GET or None, practice=practice, today=today)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(
            _("Some filters could not be used: %(problems)s") % {"problems": problems}, content_type="text/plain"
        )
    c = _compute(practice, form.cleaned_data if form.is_bound else MeasuresFilterForm.defaults(today), now)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="measures-{c.first_day}-{c.last_day}.csv"'
    writer = csv.writer(response)
    header = ["period_start", "period", "group"]
    for _key, name in _CSV_MEASURES:
        header += [f"{name}_n", f"{name}_mean", f"{name}_median"]
    header.append("cycle_time_minutes_p90")
    for _key, name in _CSV_RATES:
        header += [f"{name}_count", f"{name}_of", f"{name}_percent"]
    writer.writerow(header)
    blank = ""
    for s in c.summaries:
        assert s.period is not None  # measures.by_period gives every summary its period
        group = _group_name(c.group_names, s.group) if c.dimension else _("Whole practice")
        row: list[object] = [s.period.isoformat(), c.period, _csv_text(group)]
        for key, _name in _CSV_MEASURES:
            d = getattr(s, key)
            row += [d.n, _round(d.mean), _round(d.median)]
        row.append(_round(s.cycle.p90))
        for key, _name in _CSV_RATES:
            r = getattr(s, key)
            row += [r.numerator, r.denominator, _round(r.percent)]
        writer.writerow([blank if v is None else v for v in row])
    return response
