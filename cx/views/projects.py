"""Improvement projects: the list with each project's verdict, a project's before/after page, and the
form to start (optionally from an empathy map's idea) or change one. The owner and the experience lead
edit; every team member reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from journey.catalogue import BY_CODE
from practices import selectors as practice_selectors
from practices.access import StaffRequest, staff_view
from practices.models import Practice

from .. import project_measures as pm
from .. import project_verdicts as verdicts
from .. import stats
from ..forms.projects import ProjectForm
from ..models import ImprovementProject, ProjectStatus
from ..roles import EDITORS, TEAM
from ..selectors import projects as project_selectors
from ..services import projects as project_services


def _today(practice: Practice) -> date:
    return practice.local_date(timezone.now())


def _language() -> str:
    return (get_language() or "en")[:2]


def _touchpoint_names(codes: list[str]) -> list[str]:
    return [_(BY_CODE[code].name) if code in BY_CODE else code for code in codes]


def _one_decimal(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _week_label(day: date) -> str:
    return _("Week of %(day)s") % {"day": date_format(day, "M j")}


def _unit(measure: pm.Measure) -> str:
    if measure.kind == pm.PROPORTION:
        return "%"
    if measure.kind == pm.MINUTES:
        return _("minutes")
    return _("NPS")


@dataclass(frozen=True)
class ResultView:
    """One measure's result as the page shows it."""

    key: str
    label: str
    definition: str
    result: project_selectors.MeasureResult
    sentence: str
    before: str
    after: str
    difference: str
    interval: str
    chart: dict[str, object]

    @property
    def measure(self) -> pm.Measure:
        return self.result.measure

    @property
    def comparison(self) -> stats.Comparison:
        return self.result.comparison

    @property
    def verdict(self) -> str:
        return self.result.comparison.verdict

    @property
    def has_data(self) -> bool:
        """Some week has an observation: worth a chart."""
        return any(w.point.n for w in self.result.weeks)


def _chart(result: project_selectors.MeasureResult, *, unit: str) -> dict[str, object]:
    weeks = result.weeks
    change_index = next((i for i, w in enumerate(weeks) if w.phase == project_selectors.AFTER), None)
    return {
        "labels": [_week_label(w.first_day) for w in weeks],
        "values": [_one_decimal(w.point.value) for w in weeks],
        "n": [w.point.n for w in weeks],
        "centre": [_one_decimal(w.point.center) for w in weeks],
        "lower": [_one_decimal(w.point.lower) for w in weeks],
        "upper": [_one_decimal(w.point.upper) for w in weeks],
        "beyond": [w.point.beyond for w in weeks],
        "after": [w.phase == project_selectors.AFTER for w in weeks],
        "change_index": change_index,
        "unit": unit,
        "percent": result.measure.kind == pm.PROPORTION,
        "names": {
            "values": _("Week's value"),
            "centre": _("Centre line (before the change)"),
            "lower": _("Lower limit"),
            "upper": _("Upper limit"),
            "change": _("The change went live"),
            "beyond": _("Beyond the limits"),
        },
    }


def _result_view(result: project_selectors.MeasureResult, *, label: str, windows: pm.Windows, index: int) -> ResultView:
    c, m = result.comparison, result.measure
    dash = "–"
    places = verdicts.value_places(m, c)
    return ResultView(
        key=f"m{index}",
        label=label,
        # Translated here: a msgid with "%" is looked up doubled by the template tag.
        definition=_(m.definition),
        result=result,
        sentence=verdicts.verdict_sentence(m, c, live=windows.is_live, starts_on=windows.after_first),
        before=verdicts.value_text(m, c.before, places=places) if c.before is not None else dash,
        after=verdicts.value_text(m, c.after, places=places) if c.after is not None else dash,
        difference=verdicts.difference_text(m, c.difference) if c.difference is not None else dash,
        interval=(
            _("%(low)s to %(high)s") % {"low": verdicts.signed(c.low), "high": verdicts.signed(c.high)}
            if c.low is not None and c.high is not None
            else dash
        ),
        chart=_chart(result, unit=_unit(m)),
    )


def _members(practice: Practice) -> list[User]:
    return [
        m.user for m in practice_selectors.staff_for_practice(practice=practice) if m.is_active and m.user.is_active
    ]


def _form(
    request: StaffRequest,
    *,
    data: object = None,
    initial: dict[str, object],
    extra: list[str],
    owner: User | None = None,
) -> ProjectForm:
    practice = request.practice
    members = _members(practice)
    if owner is not None and owner not in members:
        members.append(owner)  # someone who has left the team stays the owner until changed
    return ProjectForm(
        data,
        practice=practice,
        measures=project_selectors.measure_choices(practice=practice, language=_language(), extra=extra),
        members=members,
        initial=initial,
    )


def _refused(form: ProjectForm, refused: project_services.ProjectRefused) -> None:
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, refused.message)


@staff_view(TEAM)
@require_GET
def project_list(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    today = _today(practice)
    projects = list(project_selectors.projects(practice=practice))
    labels = project_selectors.labels_for(
        practice=practice, codes=[p.primary_measure for p in projects], language=_language()
    )
    rows = []
    for project in projects:
        w = project_selectors.windows(project, today=today)
        result = project_selectors.measure_result(
            practice=practice,
            project=project,
            code=project.primary_measure,
            today=today,
            primary=True,
            with_weeks=False,
        )
        sentence = (
            verdicts.verdict_sentence(result.measure, result.comparison, live=w.is_live, starts_on=w.after_first)
            if result is not None
            else ""
        )
        rows.append(
            {
                "project": project,
                "touchpoints": _touchpoint_names(project.touchpoints),
                "measure": labels.get(project.primary_measure, project.primary_measure),
                "sentence": sentence,
                "verdict": result.comparison.verdict if result is not None and w.is_live else "not_live",
            }
        )
    context = {"rows": rows, "can_edit": request.membership.role in EDITORS}
    return render(request, "cx/projects/list.html", context)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def project_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    idea_pk = request.GET.get("idea") or request.POST.get("idea")
    idea = project_selectors.idea_or_404(practice=practice, pk=idea_pk) if idea_pk else None
    initial: dict[str, object] = {"went_live_on": _today(practice), "window_weeks": 12, "owner": str(request.user.pk)}
    if idea is not None:
        initial.update(title=idea.text[:120], change=idea.text, touchpoints=[idea.empathy_map.touchpoint])
    form = _form(request, data=request.POST if request.method == "POST" else None, initial=initial, extra=[])
    if request.method == "POST" and form.is_valid():
        try:
            project = project_services.create_project(
                practice=practice, actor_user=request.user, fields=form.project_fields(), idea=idea
            )
        except project_services.ProjectRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Project saved."))
            return redirect("cx:project", practice_slug=practice.slug, pk=project.pk)
    return render(request, "cx/projects/form.html", {"form": form, "idea": idea, "project": None})


@staff_view(TEAM)
@require_GET
def project_detail(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    project = project_selectors.project_or_404(practice=practice, pk=pk)
    today = _today(practice)
    w = project_selectors.windows(project, today=today)
    found = project_selectors.results(practice=practice, project=project, today=today)
    labels = project_selectors.labels_for(
        practice=practice, codes=[r.measure.code for r in found], language=_language()
    )
    results = [
        _result_view(r, label=labels.get(r.measure.code, r.measure.code), windows=w, index=i)
        for i, r in enumerate(found)
    ]
    context = {
        "project": project,
        "touchpoints": _touchpoint_names(project.touchpoints),
        "windows": w,
        "results": results,
        "warnings": project_selectors.warnings(practice=practice, project=project, today=today),
        "can_edit": request.membership.role in EDITORS,
        "finished": project.status == ProjectStatus.FINISHED,
    }
    return render(request, "cx/projects/detail.html", context)


def _status_change(request: StaffRequest, project: ImprovementProject, action: str) -> HttpResponse:
    practice = request.practice
    try:
        if action == "finish":
            project_services.finish_project(practice=practice, actor_user=request.user, project=project)
            messages.success(request, _("Project marked finished."))
        else:
            project_services.reopen_project(practice=practice, actor_user=request.user, project=project)
            messages.success(request, _("Project measured again."))
    except project_services.ProjectRefused as refused:
        messages.error(request, refused.message)
    return redirect("cx:project", practice_slug=practice.slug, pk=project.pk)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def project_edit(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    project = project_selectors.project_or_404(practice=practice, pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("finish", "reopen"):
        return _status_change(request, project, action)
    if action:
        messages.error(request, _("Nothing was changed: unknown action."))
        return redirect("cx:project", practice_slug=practice.slug, pk=project.pk)
    initial: dict[str, object] = {
        "title": project.title,
        "change": project.change,
        "touchpoints": project.touchpoints,
        "went_live_on": project.went_live_on,
        "window_weeks": project.window_weeks,
        "primary_measure": project.primary_measure,
        "secondary_measures": project.secondary_measures,
        "owner": str(project.owner_id or ""),
    }
    extra = [project.primary_measure, *project.secondary_measures]
    form = _form(
        request,
        data=request.POST if request.method == "POST" else None,
        initial=initial,
        extra=extra,
        owner=project.owner,
    )
    if request.method == "POST" and form.is_valid():
        try:
            project_services.update_project(
                practice=practice, actor_user=request.user, project=project, fields=form.project_fields()
            )
        except project_services.ProjectRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Project saved."))
            return redirect("cx:project", practice_slug=practice.slug, pk=project.pk)
    return render(request, "cx/projects/form.html", {"form": form, "idea": project.idea, "project": project})
