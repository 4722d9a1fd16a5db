"""The scores page: NPS, the CG-CAHPS composites, each question, each touch point, per provider and
location, a monthly (or weekly) trend, and the response rate, for a date range and filters.

Aggregates only (no patient appears), so no audit entry; scoped to the practice in the URL. Every
figure shows its n, and a figure from fewer than 30 responses says in words that it is too few to trust.
"""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from journey.catalogue import BY_CODE, CATALOGUE
from practices.access import staff_view
from practices.models import Role

from .. import scores
from ..forms.scores import ScoresFilterForm
from ..models import Composite, QuestionKind
from ..selectors import scores as score_selectors

# Everyone who looks after patients may see how patients feel; billing staff have no use for it.
SCORES_ROLES = frozenset({Role.OWNER, Role.EXPERIENCE_LEAD, Role.FRONT_DESK, Role.CLINICIAN})


@dataclass(frozen=True)
class Chart:
    """One chart and the table under it, built from the same (rounded) numbers."""

    key: str
    title: str
    unit: str
    labels: list[str]
    series: list[dict]  # {"label": str, "data": [float | None], "n": [int]}
    places: int = 1

    @property
    def rows(self) -> list[tuple[str, list[tuple[float | None, int]]]]:
        return [(label, [(s["data"][i], s["n"][i]) for s in self.series]) for i, label in enumerate(self.labels)]

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "unit": self.unit,
            "labels": self.labels,
            "min": -100 if self.key == "nps" else 0,
            "series": [{"label": s["label"], "data": s["data"]} for s in self.series],
        }


@dataclass(frozen=True)
class Row:
    """A line of a score table: what it is, and its score."""

    label: str
    score: scores.CompositeScore | scores.ItemScore
    detail: str = ""
    nps: scores.NetPromoter | None = None


def _period_label(start: date, period: str) -> str:
    if period == scores.WEEK:
        return _("Week of %(day)s") % {"day": date_format(start, "M j, Y")}
    return date_format(start, "YEAR_MONTH_FORMAT")


def _trend_charts(trend: list[tuple[date, scores.Summary]], period: str, composite_names: dict) -> list[Chart]:
    labels = [_period_label(start, period) for start, _summary in trend]
    nps = Chart(
        "nps",
        _("Net Promoter Score"),
        _("score, −100 to 100"),
        labels,
        [
            {
                "label": _("Net Promoter Score"),
                "data": [scores.round_half_up(s.nps.score) for _start, s in trend],
                "n": [s.nps.n for _start, s in trend],
            }
        ],
        places=0,
    )
    composites = Chart(
        "composites",
        _("CG-CAHPS composites, top box"),
        "%",
        labels,
        [
            {
                "label": composite_names[code],
                "data": [
                    scores.round_half_up(next(c for c in s.composites if c.composite == code).top_box, 1)
                    for _start, s in trend
                ],
                "n": [next(c for c in s.composites if c.composite == code).n for _start, s in trend],
            }
            for code in scores.COMPOSITES
        ],
    )
    return [nps, composites]


def _filters(cleaned: dict) -> score_selectors.Filters:
    return score_selectors.Filters(
        first_day=cleaned["start"],
        last_day=cleaned["end"],
        provider_id=cleaned["provider"].pk if cleaned["provider"] else None,
        location_id=cleaned["location"].pk if cleaned["location"] else None,
        survey_kind=cleaned["survey_kind"] or "",
        touchpoint=cleaned["touchpoint"] or "",
    )


@staff_view(SCORES_ROLES)
@require_GET
def scores_page(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    today = practice.local_date(timezone.now())
    form = ScoresFilterForm(request.GET or None, practice=practice, today=today)
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
    else:
        cleaned = ScoresFilterForm.defaults(today)
        if form.is_bound:
            messages.error(request, _("Some filters could not be used; the page shows the last 90 days instead."))
    filters = _filters(cleaned)
    period = cleaned["period"]

    answers = score_selectors.scored_answers(practice, filters)
    summary = scores.summarize(answers)
    labels = score_selectors.question_labels(practice, [item.code for item in summary.items])
    counts = score_selectors.invitation_counts(practice, filters)
    provider_names, location_names = score_selectors.names(practice)
    language = get_language() or "en"
    composite_names = {code: str(label) for code, label in Composite.choices}
    kind_names = dict(QuestionKind.choices)

    def touchpoint_name(code: str) -> str:
        return _(BY_CODE[code].name) if code in BY_CODE else code

    items = [
        Row(
            label=labels[item.code].text(language) if item.code in labels else item.code,
            score=item,
            detail=" · ".join(
                part
                for part in (
                    str(kind_names.get(item.kind, item.kind)),
                    composite_names.get(item.composite, "") if item.composite else "",
                    touchpoint_name(item.touchpoint),
                )
                if part
            ),
        )
        for item in summary.items
    ]
    order = {tp.code: i for i, tp in enumerate(CATALOGUE)}
    touchpoints = [
        Row(label=touchpoint_name(code), score=scores.items_mean(code, rows), nps=scores.net_promoter(rows))
        for code, rows in sorted(scores.by_touchpoint(answers).items(), key=lambda kv: order.get(kv[0], 999))
    ]

    def groups(grouped: dict, names: dict, unknown: str) -> list[Row]:
        rows = [
            Row(
                label=names.get(key, unknown) if key else unknown,
                score=scores.items_mean("", r),
                nps=scores.net_promoter(r),
            )
            for key, r in grouped.items()
        ]
        return sorted(rows, key=lambda row: row.label)

    trend = scores.by_period(
        answers, period=period, zone=ZoneInfo(practice.timezone), first=filters.first_day, last=filters.last_day
    )
    charts = _trend_charts(trend, period, composite_names)
    return render(
        request,
        "feedback/scores/scores.html",
        {
            "form": form,
            "first_day": filters.first_day,
            "last_day": filters.last_day,
            "period": period,
            "summary": summary,
            "min_responses": scores.MIN_RESPONSES,
            "nps_rounded": scores.round_half_up(summary.nps.score),
            "composites": [Row(label=composite_names[c.composite], score=c) for c in summary.composites],
            "items": items,
            "touchpoints": touchpoints,
            "by_provider": groups(scores.by_provider(answers), provider_names, _("No provider recorded")),
            "by_location": groups(scores.by_location(answers), location_names, _("No location recorded")),
            "counts": counts,
            "charts": [(chart, chart.as_json()) for chart in charts],
        },
    )
