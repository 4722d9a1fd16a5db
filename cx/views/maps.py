"""Empathy maps: the list by touch point and group, a map's page (what the team expected beside what
patients actually said, and the ideas with their 2×2 and RICE ranking), the map form, ideas and
their actions, and the practice's patient groups.

Who may do what (strangers get 404 from ``staff_view``): every team member reads the maps, the
ideas and the groups; editors (owner, experience lead) create and change them, choose or drop an
idea, and turn one into an action or an improvement project.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback.forms.listening import TOPIC_LABELS
from feedback.models import Sentiment
from journey.catalogue import BY_CODE, CATALOGUE, STAGES
from practices.access import StaffRequest, staff_view

from .. import empathy, prioritise
from ..forms.maps import GroupForm, IdeaActionForm, IdeaForm, MapForm, SaidRangeForm
from ..models import EmpathyMap, Feeling, Idea, IdeaStatus, PatientGroup
from ..roles import EDITORS, TEAM
from ..selectors import maps as map_selectors
from ..selectors import patients_said as said_selectors
from ..services import actions as action_services
from ..services import maps as map_services

FEELINGS = dict(Feeling.choices)
SENTIMENT_LABELS = dict(Sentiment.choices)
QUADRANTS = {
    prioritise.QUICK_WIN: (gettext_lazy("Quick win"), gettext_lazy("Worth doing soon.")),
    prioritise.BIG_BET: (gettext_lazy("Big bet"), gettext_lazy("Worth it, but plan it.")),
    prioritise.FILL_IN: (gettext_lazy("Fill-in"), gettext_lazy("Do it when there is a spare moment.")),
    prioritise.MONEY_PIT: (gettext_lazy("Money pit"), gettext_lazy("Costs a lot for little: probably skip.")),
}
# What the journey log's event kinds mean, for the "they do" row; other kinds show as recorded.
EVENT_LABELS = {
    "booking.started": gettext_lazy("Started booking online"),
    "booking.time_held": gettext_lazy("Held a time while booking"),
    "booking_request.created": gettext_lazy("Asked the front desk to book"),
    "appointment.booked": gettext_lazy("Booked an appointment"),
    "appointment.rescheduled": gettext_lazy("Moved an appointment"),
    "appointment.cancelled": gettext_lazy("Cancelled an appointment"),
    "waitlist.joined": gettext_lazy("Joined the waitlist"),
    "waitlist.offer_accepted": gettext_lazy("Took a waitlist offer"),
    "waitlist.offer_declined": gettext_lazy("Turned down a waitlist offer"),
    "reminder.confirmed": gettext_lazy("Confirmed from a reminder"),
    "reminder.reschedule_requested": gettext_lazy("Asked to move the visit from a reminder"),
    "checkin.completed": gettext_lazy("Checked in online"),
    "visit.arrived": gettext_lazy("Arrived"),
    "visit.roomed": gettext_lazy("Shown to a room"),
    "visit.done": gettext_lazy("Finished the visit"),
    "survey.invited": gettext_lazy("Were asked for feedback"),
    "survey.completed": gettext_lazy("Answered a survey"),
    "survey.skipped": gettext_lazy("Were not asked for feedback"),
    "recovery.opened": gettext_lazy("Had a recovery case opened"),
    "recovery.closed": gettext_lazy("Had a recovery case closed"),
    "recall.sent": gettext_lazy("Were sent a recall reminder"),
    "portal.signed_in": gettext_lazy("Signed in to the portal"),
    "patient.registered": gettext_lazy("Registered as a new patient"),
    "running_late.notified": gettext_lazy("Were told the practice ran late"),
}


def _is_editor(request: StaffRequest) -> bool:
    return request.membership.role in EDITORS


def _today(request: StaffRequest) -> date:
    return request.practice.local_date(timezone.now())


def _map_url(request: StaffRequest, empathy_map: EmpathyMap | int) -> str:
    pk = empathy_map if isinstance(empathy_map, int) else empathy_map.pk
    return reverse("cx:map", kwargs={"practice_slug": request.practice.slug, "pk": pk})


def _project_url(request: StaffRequest, idea: Idea) -> str | None:
    return reverse("cx:project_new", kwargs={"practice_slug": request.practice.slug}) + f"?idea={idea.pk}"


def _touchpoint_name(code: str) -> str:
    touchpoint = BY_CODE.get(code)
    return _(touchpoint.name) if touchpoint else code


def _group_name(group: PatientGroup | None) -> str:
    return group.name if group else _("Every patient")


def _apply_error(form: Any, refused: map_services.MapError) -> None:
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, refused.message)


# --- the list -------------------------------------------------------------------------------------


@staff_view(TEAM)
@require_GET
def map_list(request: StaffRequest) -> HttpResponse:
    rows = list(map_selectors.maps(practice=request.practice))
    order = {tp.code: i for i, tp in enumerate(CATALOGUE)}
    stage_names = dict(STAGES)
    rows.sort(
        key=lambda m: (order.get(m.touchpoint, len(order)), m.group_id is not None, m.group.name if m.group else "")
    )
    for row in rows:
        touchpoint = BY_CODE.get(row.touchpoint)
        row.touchpoint_name = _touchpoint_name(row.touchpoint)  # type: ignore[attr-defined]  # for the template
        row.stage_name = _(stage_names[touchpoint.stage]) if touchpoint else ""  # type: ignore[attr-defined]
        row.group_name = _group_name(row.group)  # type: ignore[attr-defined]
        row.expected_label = FEELINGS.get(row.expected_feeling, row.expected_feeling)  # type: ignore[attr-defined]
    return render(
        request,
        "cx/maps/list.html",
        {
            "maps": rows,
            "editor": _is_editor(request),
            "group_count": map_selectors.groups(practice=request.practice).count(),
        },
    )


# --- a map's form ---------------------------------------------------------------------------------


def _map_form_page(
    request: StaffRequest, form: MapForm, empathy_map: EmpathyMap | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "cx/maps/form.html",
        {
            "form": form,
            "empathy_map": empathy_map,
            "touchpoint_name": _touchpoint_name(empathy_map.touchpoint) if empathy_map else "",
        },
        status=status,
    )


def _map_fields(form: MapForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "touchpoint": data["touchpoint"],
        "group": data["group"],
        "thinks": data["thinks"],
        "feels": data["feels"],
        "says": data["says"],
        "does": data["does"],
        "expected_feeling": data["expected_feeling"],
    }


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def map_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    if request.method == "POST":
        form = MapForm(request.POST, practice=practice)
        if form.is_valid():
            try:
                empathy_map = map_services.create_map(practice=practice, actor_user=request.user, **_map_fields(form))
            except map_services.MapError as refused:
                _apply_error(form, refused)
            else:
                messages.success(request, _("Empathy map saved. Here is what patients actually said."))
                return redirect(_map_url(request, empathy_map))
        return _map_form_page(request, form, None, status=400)
    initial: dict[str, Any] = {"expected_feeling": Feeling.POSITIVE}
    if request.GET.get("touchpoint", "") in BY_CODE:
        initial["touchpoint"] = request.GET["touchpoint"]
    return _map_form_page(request, MapForm(initial=initial, practice=practice), None)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def map_edit(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    empathy_map = map_selectors.map_or_404(practice=practice, pk=pk)
    if request.method == "POST":
        form = MapForm(request.POST, practice=practice)
        if form.is_valid():
            try:
                map_services.update_map(
                    practice=practice, actor_user=request.user, empathy_map=empathy_map, **_map_fields(form)
                )
            except map_services.MapError as refused:
                _apply_error(form, refused)
            else:
                messages.success(request, _("Empathy map saved."))
                return redirect(_map_url(request, empathy_map))
        return _map_form_page(request, form, empathy_map, status=400)
    initial = {
        "touchpoint": empathy_map.touchpoint,
        "group": empathy_map.group,
        "thinks": empathy_map.thinks,
        "feels": empathy_map.feels,
        "says": empathy_map.says,
        "does": empathy_map.does,
        "expected_feeling": empathy_map.expected_feeling,
    }
    return _map_form_page(request, MapForm(initial=initial, practice=practice), empathy_map)


@staff_view(EDITORS)
@require_POST
def map_delete(request: StaffRequest, pk: int) -> HttpResponse:
    empathy_map = map_selectors.map_or_404(practice=request.practice, pk=pk)
    map_services.delete_map(practice=request.practice, actor_user=request.user, empathy_map=empathy_map)
    messages.success(request, _("Empathy map deleted."))
    return redirect("cx:maps", practice_slug=request.practice.slug)


# --- a map's page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """Where the team's expectation and the patients' answers meet: agree, disagree or too few."""

    gap: empathy.Gap
    expected_label: str
    actual_label: str
    because: str  # the figures behind the patients' side, in words

    @property
    def disagrees(self) -> bool:
        return self.gap.disagrees

    @property
    def too_few(self) -> bool:
        return self.gap.too_few


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _comments_because(said: said_selectors.PatientsSaid) -> str:
    shares = {s.sentiment: s.share for s in said.sentiments}
    return _("%(positive)s %% of %(n)s comments positive, %(negative)s %% negative.") % {
        "positive": _pct(shares[empathy.POSITIVE].percent),
        "negative": _pct(shares[empathy.NEGATIVE].percent),
        "n": said.comments,
    }


def _survey_because(said: said_selectors.PatientsSaid) -> str:
    if said.survey_top_box is None:
        return ""
    return _("Top box %(top)s %% on average, over the survey items with at least 30 answers.") % {
        "top": _pct(said.survey_top_box)
    }


def _mark(expected: str, actual: str | None, because: str) -> Mark:
    gap = empathy.gap(expected, actual)
    return Mark(
        gap=gap,
        expected_label=str(FEELINGS.get(expected, expected)),
        actual_label=str(FEELINGS.get(actual, actual)) if actual else "",
        because=because,
    )


@dataclass(frozen=True)
class IdeaRow:
    idea: Idea
    rank: int
    quadrant: str
    quadrant_label: str
    rice: float
    project_url: str | None


def _idea_rows(request: StaffRequest, ideas: list[Idea], reach: int) -> list[IdeaRow]:
    scores = [
        prioritise.IdeaScores(
            key=idea.pk,
            impact=idea.impact,
            effort=idea.effort,
            confidence=idea.confidence,
            effort_weeks=float(idea.effort_weeks),
        )
        for idea in ideas
    ]
    by_pk = {idea.pk: idea for idea in ideas}
    return [
        IdeaRow(
            idea=by_pk[item.idea.key],
            rank=item.rank,
            quadrant=item.quadrant,
            quadrant_label=str(QUADRANTS[item.quadrant][0]),
            rice=item.rice,
            project_url=_project_url(request, by_pk[item.idea.key]),
        )
        for item in prioritise.prioritise(scores, reach=reach)
    ]


def _grid(rows: list[IdeaRow]) -> list[dict[str, Any]]:
    """The 2×2 as table rows: high impact on top, low effort on the left."""
    cells = {name: [row for row in rows if row.quadrant == name] for name in prioritise.QUADRANTS}

    def cell(name: str) -> dict[str, Any]:
        label, advice = QUADRANTS[name]
        return {"name": name, "label": label, "advice": advice, "rows": cells[name]}

    return [
        {
            "label": _("High impact (3–5)"),
            "cells": [cell(prioritise.QUICK_WIN), cell(prioritise.BIG_BET)],
        },
        {
            "label": _("Lower impact (1–2)"),
            "cells": [cell(prioritise.FILL_IN), cell(prioritise.MONEY_PIT)],
        },
    ]


def _map_page(
    request: StaffRequest,
    empathy_map: EmpathyMap,
    *,
    idea_form: IdeaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    practice = request.practice
    today = _today(request)
    range_form = SaidRangeForm(request.GET or None, today=today)
    first_day, last_day = SaidRangeForm.default_range(today)
    if request.GET:
        if range_form.is_valid():
            first_day, last_day = range_form.cleaned_data["start"], range_form.cleaned_data["end"]
        else:
            status = 400
    said = said_selectors.patients_said(
        practice=practice,
        touchpoint=empathy_map.touchpoint,
        group=empathy_map.group,
        first_day=first_day,
        last_day=last_day,
    )
    activity = map_selectors.activity(practice=practice, touchpoint=empathy_map.touchpoint)
    expected = empathy_map.expected_feeling
    survey_because = _survey_because(said)
    comments_because = _comments_because(said) if said.comments else ""
    overall_because = " ".join(
        part
        for part in (comments_because if said.comment_feeling else "", survey_because if said.survey_feeling else "")
        if part
    )
    ideas = list(map_selectors.ideas(empathy_map=empathy_map))
    rows = _idea_rows(request, ideas, activity.patients)
    editor = _is_editor(request)
    context = {
        "empathy_map": empathy_map,
        "touchpoint_name": _touchpoint_name(empathy_map.touchpoint),
        "group_name": _group_name(empathy_map.group),
        "said": said,
        "range_form": range_form,
        "min_n": said_selectors.MIN_N,
        "overall": _mark(expected, said.feeling, overall_because),
        "think_mark": _mark(expected, said.survey_feeling, survey_because),
        "feel_mark": _mark(expected, said.comment_feeling, comments_because),
        "sentiment_rows": [
            {"label": SENTIMENT_LABELS.get(s.sentiment, s.sentiment), "sentiment": s.sentiment, "share": s.share}
            for s in said.sentiments
        ],
        "item_rows": [
            {
                "label": item.label.text(request.LANGUAGE_CODE) if item.label else item.code,
                "share": item.top_box,
            }
            for item in said.items
        ],
        "quotes": [
            {
                "text": quote.text,
                "sentiment": SENTIMENT_LABELS.get(quote.sentiment, quote.sentiment),
                "themes": ", ".join(str(TOPIC_LABELS.get(theme, theme)) for theme in quote.themes),
            }
            for quote in said.quotes
        ],
        "activity": activity,
        "event_rows": [(EVENT_LABELS.get(kind, kind), count) for kind, count in activity.events],
        "reach_days": map_selectors.REACH_DAYS,
        "idea_rows": rows,
        "grid": _grid(rows),
        "editor": editor,
        "idea_form": idea_form if idea_form is not None else (IdeaForm() if editor else None),
        "statuses": IdeaStatus,
        "thresholds": {
            "positive": empathy.TOP_BOX_POSITIVE,
            "negative": empathy.TOP_BOX_NEGATIVE,
        },
    }
    return render(request, "cx/maps/map.html", context, status=status)


@staff_view(TEAM)
@require_GET
def map_detail(request: StaffRequest, pk: int) -> HttpResponse:
    empathy_map = map_selectors.map_or_404(practice=request.practice, pk=pk)
    return _map_page(request, empathy_map)


# --- ideas ----------------------------------------------------------------------------------------


def _idea_fields(form: IdeaForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "text": data["text"],
        "impact": data["impact"],
        "effort": data["effort"],
        "confidence": data["confidence"],
        "effort_weeks": data["effort_weeks"],
    }


@staff_view(EDITORS)
@require_POST
def idea_add(request: StaffRequest, pk: int) -> HttpResponse:
    empathy_map = map_selectors.map_or_404(practice=request.practice, pk=pk)
    form = IdeaForm(request.POST)
    if form.is_valid():
        try:
            map_services.add_idea(
                practice=request.practice, actor_user=request.user, empathy_map=empathy_map, **_idea_fields(form)
            )
        except map_services.MapError as refused:
            _apply_error(form, refused)
        else:
            messages.success(request, _("Idea added."))
            return redirect(_map_url(request, empathy_map) + "#ideas-heading")
    messages.error(request, _("The idea was not added: see the form below."))
    return _map_page(request, empathy_map, idea_form=form, status=400)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def idea_edit(request: StaffRequest, pk: int) -> HttpResponse:
    idea = map_selectors.idea_of_practice_or_404(practice=request.practice, pk=pk)
    if request.method == "POST":
        form = IdeaForm(request.POST)
        if form.is_valid():
            try:
                map_services.update_idea(
                    practice=request.practice, actor_user=request.user, idea=idea, **_idea_fields(form)
                )
            except map_services.MapError as refused:
                _apply_error(form, refused)
            else:
                messages.success(request, _("Idea saved."))
                return redirect(_map_url(request, idea.empathy_map_id) + "#ideas-heading")
        status = 400
    else:
        form = IdeaForm(
            initial={
                "text": idea.text,
                "impact": idea.impact,
                "effort": idea.effort,
                "confidence": idea.confidence,
                "effort_weeks": idea.effort_weeks,
            }
        )
        status = 200
    return render(
        request,
        "cx/maps/idea_form.html",
        {"form": form, "idea": idea, "map_url": _map_url(request, idea.empathy_map_id)},
        status=status,
    )


def _idea_status(request: StaffRequest, pk: int, *, to: str) -> HttpResponse:
    idea = map_selectors.idea_of_practice_or_404(practice=request.practice, pk=pk)
    changes: dict[str, tuple[Callable[..., Idea], str]] = {
        IdeaStatus.CHOSEN.value: (map_services.choose_idea, _("Chosen: %(idea)s")),
        IdeaStatus.DROPPED.value: (map_services.drop_idea, _("Dropped: %(idea)s")),
        IdeaStatus.NEW.value: (map_services.reconsider_idea, _("Back on the list: %(idea)s")),
    }
    change, done = changes[to]
    if idea.status == to:
        messages.info(request, _("Nothing changed."))
    else:
        change(practice=request.practice, actor_user=request.user, idea=idea)
        messages.success(request, done % {"idea": idea.text})
    return redirect(_map_url(request, idea.empathy_map_id) + "#ideas-heading")


@staff_view(EDITORS)
@require_POST
def idea_choose(request: StaffRequest, pk: int) -> HttpResponse:
    return _idea_status(request, pk, to=IdeaStatus.CHOSEN)


@staff_view(EDITORS)
@require_POST
def idea_drop(request: StaffRequest, pk: int) -> HttpResponse:
    return _idea_status(request, pk, to=IdeaStatus.DROPPED)


@staff_view(EDITORS)
@require_POST
def idea_reconsider(request: StaffRequest, pk: int) -> HttpResponse:
    return _idea_status(request, pk, to=IdeaStatus.NEW)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def idea_action(request: StaffRequest, pk: int) -> HttpResponse:
    idea = map_selectors.idea_of_practice_or_404(practice=request.practice, pk=pk)
    today = _today(request)
    if request.method == "POST":
        form = IdeaActionForm(request.POST, practice=request.practice, today=today)
        if form.is_valid():
            try:
                map_services.idea_to_action(
                    practice=request.practice,
                    actor_user=request.user,
                    idea=idea,
                    owner=form.cleaned_data["owner"],
                    due_on=form.cleaned_data["due_on"],
                    title=form.cleaned_data["title"],
                )
            except (map_services.MapError, action_services.ActionError) as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Action added: it is on its owner's list of actions."))
                return redirect(_map_url(request, idea.empathy_map_id) + "#ideas-heading")
        status = 400
    else:
        form = IdeaActionForm(initial={"title": idea.text}, practice=request.practice, today=today)
        status = 200
    return render(
        request,
        "cx/maps/idea_action.html",
        {"form": form, "idea": idea, "map_url": _map_url(request, idea.empathy_map_id)},
        status=status,
    )


# --- patient groups -------------------------------------------------------------------------------


def _group_fields(form: GroupForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "visits": data["visits"],
        "language": data["language"],
        "min_age": data["min_age"],
        "max_age": data["max_age"],
    }


def _groups_page(
    request: StaffRequest, *, form: GroupForm | None = None, editing: PatientGroup | None = None, status: int = 200
) -> HttpResponse:
    editor = _is_editor(request)
    groups = list(map_selectors.groups(practice=request.practice))
    visits = dict(PatientGroup.Visits.choices)
    languages = {"": _("Any language"), "en": _("English"), "es": _("Spanish")}
    for group in groups:
        group.visits_label = visits.get(group.visits, group.visits)  # type: ignore[attr-defined]  # for the template
        group.language_label = languages.get(group.language, group.language)  # type: ignore[attr-defined]
    return render(
        request,
        "cx/maps/groups.html",
        {
            "groups": groups,
            "editor": editor,
            "form": form if form is not None else (GroupForm() if editor else None),
            "editing": editing,
        },
        status=status,
    )


@staff_view(TEAM)
@require_http_methods(["GET", "POST"])
def group_list(request: StaffRequest) -> HttpResponse:
    if request.method == "GET":
        return _groups_page(request)
    if not _is_editor(request):
        raise PermissionDenied
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            map_services.create_group(practice=request.practice, actor_user=request.user, **_group_fields(form))
        except map_services.MapError as refused:
            _apply_error(form, refused)
        else:
            messages.success(request, _("Patient group added."))
            return redirect("cx:groups", practice_slug=request.practice.slug)
    return _groups_page(request, form=form, status=400)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def group_edit(request: StaffRequest, pk: int) -> HttpResponse:
    group = map_selectors.group_or_404(practice=request.practice, pk=pk)
    if request.method == "POST":
        form = GroupForm(request.POST)
        if form.is_valid():
            try:
                map_services.update_group(
                    practice=request.practice, actor_user=request.user, group=group, **_group_fields(form)
                )
            except map_services.MapError as refused:
                _apply_error(form, refused)
            else:
                messages.success(request, _("Patient group saved."))
                return redirect("cx:groups", practice_slug=request.practice.slug)
        return _groups_page(request, form=form, editing=group, status=400)
    form = GroupForm(
        initial={
            "name": group.name,
            "visits": group.visits,
            "language": group.language,
            "min_age": group.min_age,
            "max_age": group.max_age,
        }
    )
    return _groups_page(request, form=form, editing=group)


@staff_view(EDITORS)
@require_POST
def group_delete(request: StaffRequest, pk: int) -> HttpResponse:
    group = map_selectors.group_or_404(practice=request.practice, pk=pk)
    try:
        map_services.delete_group(practice=request.practice, actor_user=request.user, group=group)
    except map_services.MapError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Patient group deleted."))
    return redirect("cx:groups", practice_slug=request.practice.slug)
