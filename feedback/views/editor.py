"""Staff survey editor: /staff/<practice>/feedback/surveys/...

The owner and the experience lead see the practice's surveys by kind, turn each kind on or off,
copy a shipped template (or an earlier survey), edit questions (add, remove, reorder, change texts
and kinds), see every version with its answer counts, and preview a survey as patients see it in
English or Spanish. Other staff get 403; strangers 404 (``staff_view``). No patient data here.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practices.access import staff_view
from practices.models import Role

from ..forms.editor import AddQuestionForm, NameForm, QuestionFormSet
from ..forms.survey import question_items
from ..models import SurveyKind
from ..selectors import surveys as survey_selectors
from ..services import surveys

EDITORS = frozenset({Role.OWNER, Role.EXPERIENCE_LEAD})
PREVIEW_LANGUAGES = {"en": "English", "es": "Español"}


@staff_view(EDITORS)
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    context = {"overview": survey_selectors.surveys_overview(practice)}
    return render(request, "feedback/editor/list.html", context)


@staff_view(EDITORS)
@require_POST
def survey_sending(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    kind, action = request.POST.get("kind"), request.POST.get("action")
    if kind not in SurveyKind.values or action not in ("on", "off"):
        messages.error(request, _("Nothing was changed."))
        return redirect("feedback:surveys", practice_slug=practice.slug)
    surveys.set_sending(practice=practice, kind=kind, on=action == "on", actor_user=request.user)
    label = SurveyKind(kind).label
    if action == "on":
        messages.success(request, _("“%(kind)s” surveys are sent again.") % {"kind": label})
    else:
        messages.success(request, _("“%(kind)s” surveys are no longer sent. Answers are kept.") % {"kind": label})
    return redirect("feedback:surveys", practice_slug=practice.slug)


@staff_view(EDITORS)
@require_POST
def survey_copy(request: HttpRequest) -> HttpResponse:
    """Start a new survey from a shipped template or one of the practice's surveys."""
    practice = request.practice
    source_pk = request.POST.get("source", "")
    if not source_pk.isdigit():
        raise Http404
    source = survey_selectors.viewable_survey_or_404(practice=practice, pk=int(source_pk))
    copy = surveys.copy_survey(practice=practice, source=source, actor_user=request.user)
    messages.success(request, _("A fresh copy is ready to edit. The survey it replaces keeps its answers."))
    return redirect("feedback:survey_edit", practice_slug=practice.slug, pk=copy.pk)


def _edit_context(request, survey, formset=None, add_form=None, name_form=None, errors=None) -> dict:
    version = surveys.current_version(survey)
    data = surveys.questions_data(version)
    return {
        "survey": survey,
        "version": version,
        "versions": survey_selectors.versions_with_counts(survey),
        "formset": formset or QuestionFormSet(initial=data, prefix="q"),
        "add_form": add_form or AddQuestionForm(prefix="new", initial={"touchpoint": "survey"}),
        "name_form": name_form or NameForm(initial={"name_en": survey.name_en, "name_es": survey.name_es}),
        "errors": errors or [],
        "languages": PREVIEW_LANGUAGES,
    }


def _moved(questions: list[dict], action: str) -> list[dict] | None:
    """Apply "up:<code>", "down:<code>" or "remove:<code>" to the list; None if it names no question."""
    verb, _sep, code = action.partition(":")
    index = next((i for i, q in enumerate(questions) if q["code"] == code), None)
    if index is None or verb not in ("up", "down", "remove"):
        return None
    questions = list(questions)
    if verb == "remove":
        del questions[index]
    elif verb == "up" and index > 0:
        questions[index - 1], questions[index] = questions[index], questions[index - 1]
    elif verb == "down" and index < len(questions) - 1:
        questions[index + 1], questions[index] = questions[index], questions[index + 1]
    return questions


def _saved_message(request, before_number: int, version) -> None:
    if version.number != before_number:
        messages.success(
            request,
            _("Saved as version %(new)s; new invitations use it. Answers to version %(old)s stay with it.")
            % {"new": version.number, "old": before_number},
        )
    else:
        messages.success(request, _("Survey saved."))


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = request.practice
    survey = survey_selectors.survey_or_404(practice=practice, pk=pk)
    if request.method == "GET":
        return render(request, "feedback/editor/edit.html", _edit_context(request, survey))
    action = request.POST.get("action", "")
    before = surveys.current_version(survey)
    current = surveys.questions_data(before)
    formset = add_form = name_form = None
    try:
        if action == "rename":
            name_form = NameForm(request.POST)
            if not name_form.is_valid():
                raise surveys.SurveyError([])
            surveys.rename_survey(survey=survey, actor_user=request.user, **name_form.cleaned_data)
            messages.success(request, _("Survey name saved."))
            return redirect("feedback:survey_edit", practice_slug=practice.slug, pk=survey.pk)
        if action == "add":
            add_form = AddQuestionForm(request.POST, prefix="new")
            if not add_form.is_valid():
                raise surveys.SurveyError([])
            questions = [*current, {**add_form.cleaned_data, "code": ""}]
        else:
            formset = QuestionFormSet(request.POST, prefix="q")
            if not formset.is_valid():
                raise surveys.SurveyError([])
            questions = [form.cleaned_data for form in formset.forms]
            if [q["code"] for q in questions] != [q["code"] for q in current]:
                formset = None
                raise surveys.SurveyError(
                    [_("Someone changed this survey while you were editing it. Here it is as it is now.")]
                )
            if action != "save":
                questions = _moved(questions, action)
                if questions is None:
                    raise surveys.SurveyError([_("Nothing was changed.")])
        version = surveys.update_questions(survey=survey, questions_data=questions, actor_user=request.user)
    except surveys.SurveyError as error:
        context = _edit_context(request, survey, formset, add_form, name_form, [str(m) for m in error.messages])
        return render(request, "feedback/editor/edit.html", context, status=400)
    _saved_message(request, before.number, version)
    return redirect("feedback:survey_edit", practice_slug=practice.slug, pk=survey.pk)


@staff_view(EDITORS)
@require_GET
def survey_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey as patients see it, in English or Spanish (?lang=), any version (?version=)."""
    practice = request.practice
    survey = survey_selectors.viewable_survey_or_404(practice=practice, pk=pk)
    language = request.GET.get("lang", "en")
    if language not in PREVIEW_LANGUAGES:
        language = "en"
    number = request.GET.get("version", "")
    if number:
        if not number.isdigit() or len(number) > 5:
            raise Http404
        version = survey_selectors.version_or_404(survey=survey, number=int(number))
    else:
        version = surveys.current_version(survey)
    with translation.override(language):
        items = question_items(survey_selectors.questions_of(version), language, id_prefix=f"preview-{language}-")
        survey_name = survey.name(language)
        questions_html = render_to_string(
            "feedback/survey/_questions.html", {"items": items, "preview": True}, request=request
        )
    context = {
        "survey": survey,
        "version": version,
        "questions_html": questions_html,
        "survey_name": survey_name,
        "language": language,
        "languages": PREVIEW_LANGUAGES,
    }
    return render(request, "feedback/editor/preview.html", context)
