"""What changed: the week's change signals with filters and the monthly counts per kind, one signal with
its evidence, the responses (a front-desk call, a one-question survey, a recovery case) and handling
it, what was learned, and a patient's change timeline. The owner, the experience lead and the front
desk (who makes the calls) use these pages; other roles are refused, strangers get 404."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from practices import selectors as practice_selectors
from practices.access import StaffRequest, staff_view
from practices.models import Practice

from ..forms.signals import HandleForm, LessonSearchForm, RespondForm, SignalFilterForm
from ..models import ChangeSignal, SignalKind, SignalStatus, SuggestedResponse
from ..roles import SIGNAL_HANDLERS
from ..selectors import signals as signal_selectors
from ..services import signals as signal_services

PAGE_SIZE = 50


def _today(practice: Practice) -> date:
    return practice.local_date(timezone.now())


def _chart(monthly: signal_selectors.MonthlyCounts) -> dict[str, object]:
    labels = dict(SignalKind.choices)
    return {
        "labels": [date_format(m.first_day, "YEAR_MONTH_FORMAT") for m in monthly.months],
        "series": [
            {"label": str(labels[kind]), "data": [m.counts[kind] for m in monthly.months]} for kind in monthly.kinds
        ],
        "unit": _("signals"),
    }


@staff_view(SIGNAL_HANDLERS)
@require_GET
def signal_list(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    today = _today(practice)
    form = SignalFilterForm(
        request.GET or None,
        locations=list(practice_selectors.locations_for_practice(practice=practice)),
        providers=list(practice_selectors.providers_for_practice(practice=practice)),
        today=today,
    )
    filters = form.filters()
    signals = signal_selectors.week_signals(practice=practice, filters=filters)
    # A first run over a long history, or a large practice's week, can find hundreds.
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    monthly = signal_selectors.monthly_counts(practice=practice, today=today)
    signal_services.record_list_viewed(
        practice=practice, user=request.user, week=filters.week.isoformat(), shown=len(rows)
    )
    next_week = filters.week + timedelta(days=7)
    query = request.GET.copy()
    query.pop("page", None)
    same_week = query.urlencode()
    query.pop("week", None)
    context = {
        "form": form,
        "filters": filters,
        "week_end": filters.week + timedelta(days=6),
        "previous_week": (filters.week - timedelta(days=7)).isoformat(),
        "next_week": next_week.isoformat() if next_week <= today else "",
        "this_week": filters.week == signal_selectors.week_start(today),
        "other_filters": query.urlencode(),
        "rows": rows,
        "page": page,
        "same_week": same_week,
        "counts": signal_selectors.status_counts(signals),
        "monthly": monthly,
        "kind_columns": [(kind, dict(SignalKind.choices)[kind]) for kind in monthly.kinds],
        "chart": _chart(monthly),
    }
    return render(request, "cx/signals/list.html", context)


def _detail(
    request: StaffRequest, signal: ChangeSignal, *, handle_form: HandleForm | None = None, status: int = 200
) -> HttpResponse:
    practice = request.practice
    now = timezone.now()
    patient = signal.patient
    language = patient.preferred_language if patient.preferred_language in ("en", "es") else "en"
    if handle_form is None:
        handle_form = HandleForm(
            initial={
                "outcome": "dismissed" if signal.status == SignalStatus.DISMISSED else "handled",
                "lesson": signal.lesson,
            }
        )
    context = {
        "signal": signal,
        "patient": patient,
        "handle_form": handle_form,
        "question": signal_selectors.change_question(practice=practice, kind=signal.kind, language=language),
        "question_language": language,
        "survey_off": signal_selectors.survey_switched_off(practice=practice),
        "in_cooldown": signal_selectors.in_survey_cooldown(practice=practice, patient=patient, now=now),
        "cooldown_days": signal_selectors.cooldown_days(practice=practice),
        "open_case": signal_selectors.open_recovery_case(practice=practice, patient=patient),
        "unhappy": signal_selectors.unhappy_answer(practice=practice, patient=patient, now=now),
        "survey_sent": (
            signal_services.survey_was_sent(signal.survey_invitation) if signal.survey_invitation else False
        ),
        "responses": SuggestedResponse,
    }
    signal_services.record_signal_viewed(practice=practice, signal=signal, user=request.user)
    return render(request, "cx/signals/detail.html", context, status=status)


@staff_view(SIGNAL_HANDLERS)
@require_GET
def signal_detail(request: StaffRequest, pk: int) -> HttpResponse:
    signal = signal_selectors.signal_or_404(practice=request.practice, pk=pk)
    return _detail(request, signal)


@staff_view(SIGNAL_HANDLERS)
@require_POST
def signal_respond(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    signal = signal_selectors.signal_or_404(practice=practice, pk=pk)
    form = RespondForm(request.POST)
    back = redirect("cx:signal", practice_slug=practice.slug, pk=signal.pk)
    if not form.is_valid():
        messages.error(request, _("Nothing was done: choose a call, a survey or a recovery case."))
        return back
    response = form.cleaned_data["response"]
    try:
        if response == SuggestedResponse.CALL:
            _signal, action = signal_services.respond_call(practice=practice, signal=signal, user=request.user)
            messages.success(
                request,
                _("The call is in %(name)s's actions, due %(day)s.")
                % {
                    "name": action.owner.get_full_name() or action.owner.email,
                    "day": date_format(action.due_on, "DATE_FORMAT"),
                },
            )
        elif response == SuggestedResponse.MICRO_SURVEY:
            _signal, invitation = signal_services.respond_survey(practice=practice, signal=signal, user=request.user)
            if signal_services.survey_was_sent(invitation):
                messages.success(request, _("The one-question survey is on its way to the patient."))
            else:
                messages.warning(
                    request,
                    _(
                        "Not sent: the patient has not agreed to texts or email, or we have no address. "
                        "Ask for a call instead."
                    ),
                )
        else:
            signal = signal_services.respond_recovery(practice=practice, signal=signal, user=request.user)
            messages.success(request, _("The change is linked to a recovery case."))
    except signal_services.SignalRefused as refused:
        messages.error(request, str(refused))
    return back


@staff_view(SIGNAL_HANDLERS)
@require_POST
def signal_handle(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    signal = signal_selectors.signal_or_404(practice=practice, pk=pk)
    if request.POST.get("action") == "reopen":
        signal_services.reopen_signal(signal, user=request.user)
        messages.success(request, _("The change is back on the list to handle."))
        return redirect("cx:signal", practice_slug=practice.slug, pk=signal.pk)
    form = HandleForm(request.POST)
    if not form.is_valid():
        return _detail(request, signal, handle_form=form, status=400)
    dismissed = form.cleaned_data["outcome"] == "dismissed"
    try:
        signal_services.handle_signal(
            signal, user=request.user, lesson=form.cleaned_data["lesson"], dismissed=dismissed
        )
    except signal_services.SignalRefused as refused:
        form.add_error("lesson", str(refused))
        return _detail(request, signal, handle_form=form, status=400)
    messages.success(request, _("Marked not a real change.") if dismissed else _("Marked handled. Thank you."))
    return redirect("cx:signal", practice_slug=practice.slug, pk=signal.pk)


@staff_view(SIGNAL_HANDLERS)
@require_GET
def signal_lessons(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = LessonSearchForm(request.GET or None)
    words, kind = "", ""
    if form.is_valid():
        words, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    found = signal_selectors.lessons(practice=practice, words=words, kind=kind)
    context = {
        "form": form,
        "searched": bool(words or kind),
        "lessons": list(found[:200]),
        "found": found.count(),
        "by_kind": signal_selectors.lessons_by_kind(practice=practice),
        "kind_labels": dict(SignalKind.choices),
    }
    return render(request, "cx/signals/lessons.html", context)


@staff_view(SIGNAL_HANDLERS)
@require_GET
def signal_patient(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    patient = signal_selectors.patient_or_404(practice=practice, pk=pk)
    signals = list(signal_selectors.patient_signals(practice=practice, patient=patient))
    signal_services.record_timeline_viewed(practice=practice, patient=patient, user=request.user)
    return render(request, "cx/signals/patient.html", {"patient": patient, "signals": signals})
