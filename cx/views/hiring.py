"""Hiring through the experience lens: interview kits per role, candidates and their scores.

Who may do what (strangers get 404 from ``staff_view``):

- every team member sees the kits (the questions and their rubric, in their own language), and the
  candidates they interview;
- the owner edits kits, adds candidates, sees every candidate and records the decision;
- a candidate is 404 to anyone who is neither an owner nor one of its interviewers, the experience
  lead included; only interviewers score, each their own scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practices.access import OWNER_ONLY, StaffRequest, staff_view

from ..forms.hiring import CandidateForm, DecisionForm, EditQuestionForm, QuestionForm, ScoreForm
from ..models import Candidate, Competency, HiringKit, InterviewQuestion
from ..roles import TEAM
from ..selectors import hiring as hiring_selectors
from ..selectors import settings as settings_selectors
from ..services import hiring as hiring_services

COMPETENCY_LABELS = dict(Competency.choices)


@dataclass(frozen=True)
class ShownQuestion:
    """A question as the reader sees it: in their language when it is written in it, else English
    (``lang`` says which, for the ``lang`` attribute)."""

    question: InterviewQuestion
    text: str
    anchors: list[tuple[int, str]]
    lang: str
    competency_label: str


def _spanish() -> bool:
    return (get_language() or "en").startswith("es")


def shown(question: InterviewQuestion) -> ShownQuestion:
    anchors_es = question.anchors_es if isinstance(question.anchors_es, list) else []
    anchors_en = question.anchors_en if isinstance(question.anchors_en, list) else []
    if _spanish() and question.text_es.strip() and len(anchors_es) == 4:
        text, anchors, lang = question.text_es, anchors_es, "es"
    else:
        text, anchors, lang = question.text_en, anchors_en, "en"
    return ShownQuestion(
        question=question,
        text=text,
        anchors=[(n, str(a)) for n, a in enumerate(anchors, start=1)],
        lang=lang,
        competency_label=str(COMPETENCY_LABELS.get(question.competency, question.competency)),
    )


def _is_owner(request: StaffRequest) -> bool:
    return hiring_selectors.is_owner(request.membership)


@staff_view(TEAM)
@require_GET
def hiring(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    hiring_services.ensure_default_kits(practice=practice)
    context = {
        "kits": list(hiring_selectors.kits(practice=practice)),
        "candidates": hiring_selectors.visible_candidates(practice=practice, membership=request.membership),
        "is_owner": _is_owner(request),
        "retention_days": settings_selectors.cx_settings(practice=practice).candidate_retention_days,
    }
    return render(request, "cx/hiring/hiring.html", context)


@staff_view(TEAM)
@require_GET
def hiring_kit(request: StaffRequest, pk: int) -> HttpResponse:
    kit = hiring_selectors.kit_or_404(practice=request.practice, pk=pk)
    questions = [shown(q) for q in hiring_selectors.questions_of(kit=kit)]
    return render(
        request,
        "cx/hiring/kit.html",
        {"kit": kit, "questions": questions, "is_owner": _is_owner(request), "add_form": None},
    )


def _edit_forms(
    request: StaffRequest, kit: HiringKit, questions: list[InterviewQuestion]
) -> list[tuple[InterviewQuestion, EditQuestionForm]]:
    data = request.POST if request.method == "POST" else None
    return [
        (
            q,
            EditQuestionForm(data, prefix=f"q{q.pk}", initial=QuestionForm.initial_for(q), auto_id=f"id_q{q.pk}_%s"),
        )
        for q in questions
    ]


def _edit_page(
    request: StaffRequest,
    kit: HiringKit,
    *,
    forms: list[tuple[InterviewQuestion, EditQuestionForm]] | None = None,
    add_form: QuestionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    questions = hiring_selectors.questions_of(kit=kit)
    context = {
        "kit": kit,
        "forms": forms if forms is not None else _edit_forms(request, kit, questions),
        "add_form": add_form or QuestionForm(prefix="new", initial={"competency": Competency.LISTENING}),
        "scored": hiring_selectors.scored_question_ids(kit=kit),
        "error": error,
    }
    return render(request, "cx/hiring/kit_edit.html", context, status=status)


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def hiring_kit_edit(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    kit = hiring_selectors.kit_or_404(practice=practice, pk=pk)
    if request.method == "GET":
        return _edit_page(request, kit)
    forms = _edit_forms(request, kit, hiring_selectors.questions_of(kit=kit))
    error = ""
    if all(form.is_valid() for _q, form in forms):
        remove = [q.pk for q, form in forms if form.cleaned_data["remove"]]
        changes = {q.pk: form.fields_value() for q, form in forms if not form.cleaned_data["remove"]}
        try:
            changed = hiring_services.update_kit(
                practice=practice, actor_user=request.user, kit=kit, changes=changes, remove=remove
            )
        except hiring_services.HiringError as refused:
            error = str(refused)
        else:
            if changed:
                messages.success(request, _("The kit is saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("cx:hiring_kit", practice_slug=practice.slug, pk=kit.pk)
    messages.error(request, _("Nothing was saved: see the form below."))
    return _edit_page(request, kit, forms=forms, error=error, status=400)


@staff_view(OWNER_ONLY)
@require_POST
def hiring_question_add(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    kit = hiring_selectors.kit_or_404(practice=practice, pk=pk)
    form = QuestionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            hiring_services.add_question(
                practice=practice, actor_user=request.user, kit=kit, fields=form.fields_value()
            )
        except hiring_services.HiringError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Question added."))
            return redirect("cx:hiring_kit_edit", practice_slug=practice.slug, pk=kit.pk)
    messages.error(request, _("The question was not added: see the form below."))
    return _edit_page(request, kit, add_form=form, status=400)


# --- candidates ---------------------------------------------------------------------------------------


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def candidate_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    today = practice.local_date(timezone.now())
    form = CandidateForm(request.POST or None, practice=practice, initial={"interviewed_on": today})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                candidate = hiring_services.create_candidate(
                    practice=practice,
                    actor_user=request.user,
                    name=form.cleaned_data["name"],
                    job_title=form.cleaned_data["job_title"],
                    interviewed_on=form.cleaned_data["interviewed_on"],
                    interviewers=list(form.cleaned_data["interviewers"]),
                    today=today,
                )
            except hiring_services.HiringError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Candidate added. Their interviewers can score them now."))
                return redirect("cx:candidate", practice_slug=practice.slug, pk=candidate.pk)
        messages.error(request, _("The candidate was not added: see the form below."))
        status = 400
    context = {
        "form": form,
        "retention_days": settings_selectors.cx_settings(practice=practice).candidate_retention_days,
    }
    return render(request, "cx/hiring/candidate_new.html", context, status=status)


def _candidate_page(
    request: StaffRequest, candidate: Candidate, *, form: ScoreForm | None = None, status: int = 200
) -> HttpResponse:
    practice = request.practice
    layout = hiring_selectors.candidate_scores(practice=practice, candidate=candidate)
    is_interviewer = request.user.pk in hiring_selectors.interviewer_ids(candidate)
    kit = hiring_selectors.kit_for_role(practice=practice, job_title=candidate.job_title)
    kit_questions = hiring_selectors.questions_of(kit=kit) if kit is not None else []
    if is_interviewer and form is None:
        own = {q_id: cell for (q_id, who), cell in layout.cells.items() if who == request.user.pk}
        initial: dict[str, object] = {}
        for q_id, cell in own.items():
            initial[f"score_{q_id}"] = str(cell.score)
            initial[f"note_{q_id}"] = cell.note
        form = ScoreForm(questions=kit_questions, initial=initial)
    rows = [
        (shown(q), [layout.cells.get((q.pk, person.pk)) for person in layout.interviewers]) for q in layout.questions
    ]
    score_rows = []
    if form is not None:
        score_rows = [(shown(q), score, note) for q, score, note in form.pairs()]
    context = {
        "candidate": candidate,
        "kit": kit,
        "interviewers": layout.interviewers,
        "rows": rows,
        "summaries": [(COMPETENCY_LABELS.get(s.competency, s.competency), s) for s in layout.summaries],
        "form": form,
        "score_rows": score_rows,
        "is_interviewer": is_interviewer,
        "is_owner": _is_owner(request),
        "decision_form": DecisionForm(initial={"decision": candidate.decision}) if _is_owner(request) else None,
    }
    return render(request, "cx/hiring/candidate.html", context, status=status)


@staff_view(TEAM)
@require_http_methods(["GET", "POST"])
def candidate(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    found = hiring_selectors.candidate_or_404(practice=practice, pk=pk, membership=request.membership)
    if request.method == "GET":
        return _candidate_page(request, found)
    if request.user.pk not in hiring_selectors.interviewer_ids(found):
        raise PermissionDenied
    kit = hiring_selectors.kit_for_role(practice=practice, job_title=found.job_title)
    form = ScoreForm(request.POST, questions=hiring_selectors.questions_of(kit=kit) if kit is not None else [])
    if form.is_valid():
        entries = {
            q_id: hiring_services.ScoreEntry(score=score, note=note) for q_id, (score, note) in form.entries().items()
        }
        try:
            changed = hiring_services.record_scores(
                practice=practice, interviewer=request.user, candidate=found, entries=entries
            )
        except hiring_services.HiringError as refused:
            form.add_error(None, str(refused))
        else:
            if changed:
                messages.success(request, _("Your scores are saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("cx:candidate", practice_slug=practice.slug, pk=found.pk)
    messages.error(request, _("Your scores were not saved: see the form below."))
    return _candidate_page(request, found, form=form, status=400)


@staff_view(OWNER_ONLY)
@require_POST
def candidate_decide(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    found = hiring_selectors.candidate_or_404(practice=practice, pk=pk, membership=request.membership)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision from the list."))
        return _candidate_page(request, found, status=400)
    hiring_services.decide(
        practice=practice, actor_user=request.user, candidate=found, decision=form.cleaned_data["decision"]
    )
    messages.success(request, _("Decision saved."))
    return redirect("cx:candidate", practice_slug=practice.slug, pk=found.pk)
