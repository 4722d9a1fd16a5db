"""The patient's survey link /p/<practice>/s/<token>/: the questions, each answer saved as it is
given (htmx), "Send", and the thank-you page.

No sign-in: the single-use token is the key. A forged or foreign token answers 404; an expired
link says so (410); a used one says thank you and takes nothing more. Pages are never cached and
send no Referer, so the token stays in the patient's own browser.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients.language import patient_language
from practices.selectors import practice_by_slug_or_404

from .. import survey_links
from ..forms.survey import answers_from_post, question_items
from ..models import Invitation, SurveyKind
from ..selectors import surveys as survey_selectors
from ..services import responses


def _invitation_or_404(practice_slug: str, token: str):
    practice = practice_by_slug_or_404(slug=practice_slug)
    invitation = survey_links.invitation_for_token(practice, token)
    if invitation is None:
        raise Http404
    return practice, invitation


def _patient_language(request: HttpRequest, invitation: Invitation) -> str:
    """The language the patient chose on the site, else the one they were invited in."""
    return patient_language(request, invitation.language if invitation.language in responses.LANGUAGES else "en")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer; forms keep their Origin
    return response


def _urls(practice_slug: str, token: str) -> dict:
    kwargs = {"practice_slug": practice_slug, "token": token}
    return {
        "survey_url": reverse("feedback:survey", kwargs=kwargs),
        "answer_url": reverse("feedback:survey_answer", kwargs=kwargs),
    }


def _closed(request, practice, invitation, state: str, language: str) -> HttpResponse:
    """The page a used or expired link shows instead of the questions."""
    template = "feedback/survey/thanks.html" if state == survey_links.COMPLETED else "feedback/survey/expired.html"
    context = {"practice": practice, "already": True, "survey_name": invitation.version.survey.name(language)}
    with translation.override(language):
        page = render(request, template, context, status=200 if state == survey_links.COMPLETED else 410)
    return _private(page)


def _survey_page(request, practice, invitation, response, token, language, *, errors=None, general="", status=200):
    with translation.override(language):
        questions = survey_selectors.questions_for(invitation)
        saved = survey_selectors.saved_answers(response)
        if errors and request.method == "POST":
            # Show what the patient sent (not only what was saved) beside the errors.
            saved.update({k: v for k, v in answers_from_post(request.POST).items() if isinstance(k, int)})
        items = question_items(questions, language, saved=saved, errors=errors)
        visit = invitation.appointment if invitation.version.survey.kind == SurveyKind.POST_VISIT else None
        context = {
            "practice": practice,
            "survey_name": invitation.version.survey.name(language),
            "visit": visit,
            "visit_day": visit.start if visit else None,
            "items": items,
            "errors": errors or {},
            "general_error": general,
            "form": {"errors": bool(errors or general)},
            **_urls(practice.slug, token),
        }
        with timezone.override(ZoneInfo(practice.timezone)):
            page = render(request, "feedback/survey/survey.html", context, status=status)
    return _private(page)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice, invitation = _invitation_or_404(practice_slug, token)
    language = _patient_language(request, invitation)
    now = timezone.now()
    state = survey_links.link_state(invitation, now=now)
    if state != survey_links.OPEN:
        return _closed(request, practice, invitation, state, language)
    try:
        response = responses.open_response(invitation=invitation, language=language, now=now)
    except responses.SurveyClosed as closed:
        return _closed(request, practice, invitation, closed.state, language)
    if request.method == "GET":
        return _survey_page(request, practice, invitation, response, token, language)
    with translation.override(language):
        try:
            responses.save_answers(
                response=response, answers=answers_from_post(request.POST), language=language, now=now
            )
            if request.POST.get("action") == "send":
                responses.complete_response(response=response, now=now)
                return _private(redirect("feedback:survey_thanks", practice_slug=practice.slug, token=token))
            messages.success(request, _("Your answers are saved. You can finish later with the same link."))
        except responses.SurveyClosed as closed:
            return _closed(request, practice, invitation, closed.state, language)
        except responses.AnswersInvalid as invalid:
            return _survey_page(
                request, practice, invitation, response, token, language, errors=invalid.errors, status=400
            )
        except responses.AnswersMissing as missing:
            errors = {q.pk: _("Please answer this question.") for q in missing.questions}
            general = "" if errors else _("Please answer at least one question before sending.")
            return _survey_page(
                request, practice, invitation, response, token, language, errors=errors, general=general, status=400
            )
    return _private(redirect("feedback:survey", practice_slug=practice.slug, token=token))


@require_POST
def survey_answer(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    """The htmx call made on each change: saves the answers sent (usually one) and says so."""
    practice, invitation = _invitation_or_404(practice_slug, token)
    language = _patient_language(request, invitation)
    now = timezone.now()
    with translation.override(language):
        status, message, ok = 200, _("Saved"), True
        try:
            response = responses.open_response(invitation=invitation, language=language, now=now)
            answers = answers_from_post(request.POST)
            if not answers:
                status, message, ok = 400, _("Nothing was sent. Please choose an answer."), False
            else:
                responses.save_answers(response=response, answers=answers, language=language, now=now)
        except responses.SurveyClosed as closed:
            ok = False
            if closed.state == survey_links.COMPLETED:
                status, message = 409, _("You already sent this survey, so this answer was not saved.")
            else:
                status, message = 410, _("This survey link has expired, so this answer was not saved.")
        except responses.AnswersInvalid as invalid:
            status, ok = 400, False
            message = str(next(iter(invalid.errors.values())))
        page = render(request, "feedback/survey/_saved.html", {"message": message, "ok": ok}, status=status)
    return _private(page)


@require_GET
def survey_thanks(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice, invitation = _invitation_or_404(practice_slug, token)
    language = _patient_language(request, invitation)
    state = survey_links.link_state(invitation)
    if state == survey_links.OPEN:
        return _private(redirect("feedback:survey", practice_slug=practice.slug, token=token))
    if state == survey_links.EXPIRED:
        return _closed(request, practice, invitation, state, language)
    context = {
        "practice": practice,
        "already": False,
        "survey_name": invitation.version.survey.name(language),
        "response": getattr(invitation, "response", None),
        "invitation": invitation,
    }
    with translation.override(language):
        page = render(request, "feedback/survey/thanks.html", context)
    return _private(page)
