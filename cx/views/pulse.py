"""The staff engagement pulse: the rounds, the anonymous answering page, a round's results (through
``cx/anonymity.py``) beside the quarter before, and opening and closing a round (owner and experience
lead). Every team member answers once per round and reads published results."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practices.access import StaffRequest, staff_view

from .. import anonymity
from ..forms.pulse import GROUP_LABELS, QUESTION_LABELS, RECOMMEND_LABEL, AnswerForm, RoundForm, quarter_label
from ..models import PulseRound
from ..roles import EDITORS, TEAM
from ..selectors import pulse as pulse_selectors
from ..services import pulse as pulse_services


def _today(request: StaffRequest) -> date:
    return request.practice.local_date(timezone.now())


def _summary_rows(summary: anonymity.Summary) -> dict[str, object]:
    return {
        "n": summary.n,
        "enps": summary.enps,
        "items": [{"label": QUESTION_LABELS[item.question], "item": item} for item in summary.items],
    }


@staff_view(TEAM)
@require_GET
def pulse_home(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    today = _today(request)
    answered = pulse_selectors.answered_rounds(practice=practice, user=request.user)
    rows = []
    for pulse_round in pulse_selectors.rounds(practice=practice):
        is_open = pulse_selectors.is_open(pulse_round, today=today)
        rows.append(
            {
                "round": pulse_round,
                "label": quarter_label(pulse_round.quarter_start),
                "open": is_open,
                "answered": pulse_round.pk in answered,
                "participants": pulse_selectors.participant_count(pulse_round=pulse_round),
            }
        )
    context = {
        "rows": rows,
        "can_edit": request.membership.role in EDITORS,
        "min_answers": anonymity.MIN_ANSWERS,
    }
    return render(request, "cx/pulse/home.html", context)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def pulse_round_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    today = _today(request)
    this_quarter = pulse_selectors.quarter_start(today)
    initial = {"quarter": this_quarter.isoformat(), "closes_on": pulse_selectors.quarter_end(this_quarter)}
    form = RoundForm(request.POST if request.method == "POST" else None, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pulse_round = pulse_services.open_round(
                practice=practice,
                actor_user=request.user,
                quarter_start=form.cleaned_data["quarter"],
                closes_on=form.cleaned_data["closes_on"],
                today=today,
            )
        except pulse_services.PulseRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("The round is open. Team members can answer it from the Team pulse page."))
            return redirect("cx:pulse_round", practice_slug=practice.slug, pk=pulse_round.pk)
    return render(request, "cx/pulse/round_form.html", {"form": form})


@staff_view(TEAM)
@require_http_methods(["GET", "POST"])
def pulse_answer(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    today = _today(request)
    pulse_round = pulse_selectors.round_or_404(practice=practice, pk=pk)
    answered = pulse_selectors.has_answered(pulse_round=pulse_round, user=request.user)
    is_open = pulse_selectors.is_open(pulse_round, today=today)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not answered and is_open and form.is_valid():
        data = form.cleaned_data
        try:
            pulse_services.answer_round(
                practice=practice,
                user=request.user,
                pulse_round=pulse_round,
                scores=pulse_services.Scores(
                    group=data["group"],
                    recommend_work=data["recommend_work"],
                    can_serve_patients=data["can_serve_patients"],
                    systems_help=data["systems_help"],
                    recognised=data["recognised"],
                ),
                today=today,
            )
        except pulse_services.PulseRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Thank you. Your answer is saved, with no name and no time on it."))
            return redirect("cx:pulse", practice_slug=practice.slug)
    elif request.method == "POST" and (answered or not is_open):
        messages.error(
            request,
            _("You have already answered this round.") if answered else _("This round is closed."),
        )
    context = {
        "round": pulse_round,
        "label": quarter_label(pulse_round.quarter_start),
        "form": form,
        "answered": answered,
        "open": is_open,
        "recommend_label": RECOMMEND_LABEL,
        "min_answers": anonymity.MIN_ANSWERS,
    }
    return render(request, "cx/pulse/answer.html", context)


@staff_view(TEAM)
@require_GET
def pulse_round(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    today = _today(request)
    the_round = pulse_selectors.round_or_404(practice=practice, pk=pk)
    found = pulse_selectors.results(the_round, today=today)
    comparison = pulse_selectors.latest_comparison(practice=practice, today=today, later=the_round)
    if comparison is not None and comparison.later.pk != the_round.pk:
        comparison = None  # this round itself has no published results to compare
    context = {
        "round": the_round,
        "label": quarter_label(the_round.quarter_start),
        "open": pulse_selectors.is_open(the_round, today=today),
        "answered": pulse_selectors.has_answered(pulse_round=the_round, user=request.user),
        "participants": pulse_selectors.participant_count(pulse_round=the_round),
        "results": found,
        "total": _summary_rows(found.total) if found.total is not None else None,
        "groups": [
            {"label": GROUP_LABELS[row.group], "key": f"group{i}", **_summary_rows(row.summary)}
            for i, row in enumerate(found.groups)
        ],
        "comparison": _comparison_rows(comparison),
        "can_edit": request.membership.role in EDITORS,
        "min_answers": anonymity.MIN_ANSWERS,
        "recommend_label": RECOMMEND_LABEL,
    }
    return render(request, "cx/pulse/round.html", context)


def _comparison_rows(found: pulse_selectors.RoundComparison | None) -> dict[str, object] | None:
    if found is None:
        return None
    rows = [{"label": _("eNPS"), "comparison": found.comparison.enps, "unit": "points"}]
    rows += [{"label": QUESTION_LABELS[q], "comparison": c, "unit": "percent"} for q, c in found.comparison.items]
    return {
        "earlier": quarter_label(found.earlier.quarter_start),
        "later": quarter_label(found.later.quarter_start),
        "rows": rows,
    }


@staff_view(EDITORS)
@require_POST
def pulse_round_close(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    the_round: PulseRound = pulse_selectors.round_or_404(practice=practice, pk=pk)
    try:
        pulse_services.close_round(practice=practice, actor_user=request.user, pulse_round=the_round)
    except pulse_services.PulseRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The round is closed. Its results show if at least five people answered."))
    return redirect("cx:pulse_round", practice_slug=practice.slug, pk=the_round.pk)
