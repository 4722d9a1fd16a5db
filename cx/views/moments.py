"""The experience moment's pages: the history, the review page (the lead edits, the team reads), the
meeting-room screen and the print view, and the lead's changes (one small POST each).

Every page is scoped to the practice in the URL: another practice's moment is 404, and strangers get
404 from ``staff_view``. Patients appear only as the redacted words of a quote and, where the practice
chose it, a first name.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from journey.catalogue import BY_CODE
from practices.access import StaffRequest, staff_view

from ..forms.moments import (
    ActionForm,
    LessonForm,
    MeetingForm,
    PickForm,
    RecognitionDecisionForm,
    SearchForm,
    StoryForm,
)
from ..models import ExperienceMoment, MomentStatus, PatientShown
from ..roles import EDITORS, TEAM
from ..selectors import moments as selectors
from ..services import actions as action_services
from ..services import moments as services

PER_PAGE = 25


def _can_edit(request: StaffRequest) -> bool:
    return request.membership.role in EDITORS


def _touchpoint(code: str) -> str:
    touchpoint = BY_CODE.get(code)
    return gettext(touchpoint.name) if touchpoint else ""


def _language() -> str:
    return (get_language() or "en")[:2]


def _move_rows(moves: list[selectors.MeasureMove]) -> list[dict[str, Any]]:
    rows = []
    for move in moves:
        if move.kind == selectors.TOP_BOX:
            label = gettext("Survey top box: %(touchpoint)s") % {"touchpoint": _touchpoint(move.touchpoint)}
        elif move.kind == selectors.WAITING:
            label = gettext("Minutes waiting (arrival to the provider), mean")
        else:
            label = gettext("No-show rate")
        rows.append({"move": move, "label": label})
    return rows


def _summary(moves: list[selectors.MeasureMove]) -> list[str]:
    """Measures in one line each, the survey touch points' top boxes together."""
    touchpoints = [_touchpoint(m.touchpoint) for m in moves if m.kind == selectors.TOP_BOX]
    lines = [gettext("Survey top box: %(touchpoint)s") % {"touchpoint": ", ".join(touchpoints)}] if touchpoints else []
    return lines + [row["label"] for row in _move_rows([m for m in moves if m.kind != selectors.TOP_BOX])]


WAITING_SHOWN = 5  # recognitions waiting for the lead on the moment page; the rest on the recognition page


def _context(request: StaffRequest, moment: ExperienceMoment, *, candidates: bool) -> dict[str, Any]:
    draft = selectors.moment_draft(request.practice, moment, candidates=candidates, language=_language())
    movement = draft.movement
    return {
        "moment": moment,
        "draft": draft,
        "can_edit": _can_edit(request) and candidates,
        "story_touchpoint": _touchpoint(moment.story_touchpoint),
        "lesson_touchpoint": _touchpoint(moment.lesson_touchpoint),
        "stories": [
            {
                "option": o,
                "touchpoint": _touchpoint(o.touchpoint),
                "reasons": [gettext(r) for r in o.reasons],
                "chosen": (o.answer_id, o.case_id) == (moment.story_answer_id, moment.story_case_id),
            }
            for o in draft.stories
        ],
        "lessons": [
            {
                "option": o,
                "touchpoint": _touchpoint(o.touchpoint),
                "chosen": (o.answer_id, o.case_id) == (moment.lesson_answer_id, moment.lesson_case_id),
            }
            for o in draft.lessons
        ],
        "recognitions": [{"row": r, "touchpoint": _touchpoint(r.touchpoint)} for r in draft.recognitions],
        "moves": _move_rows(movement.moves) if movement else [],
        "steady": _summary(movement.steady) if movement else [],
        "too_few": _summary(movement.too_few) if movement else [],
        "waiting": draft.waiting[:WAITING_SHOWN],
        "waiting_more": max(0, len(draft.waiting) - WAITING_SHOWN),
        "record": selectors.meeting_record(practice=request.practice, moment=moment),
        "actions": moment.actions.select_related("owner").order_by("due_on", "pk"),
        "is_draft": moment.status == MomentStatus.DRAFT,
    }


# --- the history -------------------------------------------------------------------------------------


@staff_view(TEAM)
@require_GET
def moment_list(request: StaffRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    rows = selectors.moments(practice=request.practice, query=query)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    today = selectors.local_today(request.practice)
    context = {
        "form": form,
        "query": query,
        "page": page,
        "can_edit": _can_edit(request),
        "next_meeting": selectors.next_meeting_date(request.practice, today),
    }
    return render(request, "cx/moments/list.html", context)


@staff_view(EDITORS)
@require_POST
def moment_prepare(request: StaffRequest) -> HttpResponse:
    moment = services.prepare_next_moment(practice=request.practice, actor_user=request.user)
    messages.success(request, gettext("The moment of the next meeting is ready to review."))
    return redirect("cx:moment", practice_slug=request.practice.slug, pk=moment.pk)


# --- one moment --------------------------------------------------------------------------------------


def _page(request: StaffRequest, moment: ExperienceMoment, *, forms: dict[str, Any] | None = None, status: int = 200):
    editing = _can_edit(request)
    context = _context(request, moment, candidates=editing)
    forms = forms or {}
    if editing:
        show_patient = context["draft"].settings.patient_shown == PatientShown.FIRST_NAME
        context["story_form"] = forms.get("story") or StoryForm(
            show_patient=show_patient,
            initial={
                "touchpoint": moment.story_touchpoint,
                "patient": moment.story_patient,
                "quote": moment.story_quote,
                "note": moment.story_note,
            },
        )
        context["lesson_form"] = forms.get("lesson") or LessonForm(
            initial={"touchpoint": moment.lesson_touchpoint, "quote": moment.lesson_quote, "done": moment.lesson_done}
        )
        record = context["record"]
        context["meeting_form"] = forms.get("meeting") or MeetingForm(
            practice=request.practice,
            moment=moment,
            initial={
                "meeting_date": moment.meeting_date,
                "attendees": sorted(record.attendee_ids),
                "recognised": [r.pk for r in record.recognised],
                "decisions": moment.decisions,
            },
        )
        context["action_form"] = forms.get("action") or ActionForm(practice=request.practice)
    return render(request, "cx/moments/moment.html", context, status=status)


def _back(request: StaffRequest, moment: ExperienceMoment, anchor: str = "") -> HttpResponse:
    response = redirect("cx:moment", practice_slug=request.practice.slug, pk=moment.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@staff_view(TEAM)
@require_GET
def moment_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.moment_or_404(practice=request.practice, pk=pk))


@staff_view(TEAM)
@require_GET
def moment_screen(request: StaffRequest, pk: int) -> HttpResponse:
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    return render(request, "cx/moments/screen.html", _context(request, moment, candidates=False))


@staff_view(TEAM)
@require_GET
def moment_print(request: StaffRequest, pk: int) -> HttpResponse:
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    context = _context(request, moment, candidates=False)
    context["attendees"] = selectors.attendees(practice=request.practice, moment=moment)
    return render(request, "cx/moments/print.html", context)


@staff_view(EDITORS)
@require_POST
def moment_refresh(request: StaffRequest, pk: int) -> HttpResponse:
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    if moment.status != MomentStatus.DRAFT:
        messages.info(request, gettext("This moment was presented; its week and choices stay as they were."))
        return _back(request, moment)
    services.prepare_moment(practice=request.practice, actor_user=request.user, meeting_date=moment.meeting_date)
    messages.success(request, gettext("The moment was refreshed from the week's data. Your choices were kept."))
    return _back(request, moment)


@staff_view(EDITORS)
@require_POST
def moment_story(request: StaffRequest, pk: int) -> HttpResponse:
    """Pick a candidate (``key``), start again (``clear``), or save the lead's edit or own story."""
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    practice, user = request.practice, request.user
    if "clear" in request.POST:
        services.clear_story(practice=practice, actor_user=user, moment=moment)
        messages.success(request, gettext("The story was cleared. Pick a candidate or write your own."))
        return _back(request, moment, "story")
    if "key" in request.POST:
        pick = PickForm(request.POST)
        try:
            if not pick.is_valid():
                raise services.MomentError(
                    gettext("That story is not one of this week's candidates; nothing was changed.")
                )
            services.choose_story(practice=practice, actor_user=user, moment=moment, key=pick.cleaned_data["key"])
        except services.MomentError as refused:
            messages.error(request, str(refused))
            return _page(request, moment, status=400)
        messages.success(request, gettext("Story chosen. You can edit the words and the note below."))
        return _back(request, moment, "story")
    show_patient = selectors.cx_settings(practice).patient_shown == PatientShown.FIRST_NAME
    form = StoryForm(request.POST, show_patient=show_patient)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_story(
                practice=practice,
                actor_user=user,
                moment=moment,
                touchpoint=data["touchpoint"],
                quote=data["quote"],
                note=data["note"],
                patient=data.get("patient") if show_patient else None,
            )
        except services.MomentError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, gettext("Story saved."))
            return _back(request, moment, "story")
    return _page(request, moment, forms={"story": form}, status=400)


@staff_view(EDITORS)
@require_POST
def moment_lesson(request: StaffRequest, pk: int) -> HttpResponse:
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    practice, user = request.practice, request.user
    if "key" in request.POST:
        pick = PickForm(request.POST)
        try:
            if not pick.is_valid():
                raise services.MomentError(
                    gettext("That failed experience is not one of this week's; nothing was changed.")
                )
            services.choose_lesson(
                practice=practice, actor_user=user, moment=moment, key=pick.cleaned_data["key"], language=_language()
            )
        except services.MomentError as refused:
            messages.error(request, str(refused))
            return _page(request, moment, status=400)
        messages.success(request, gettext("Failed experience chosen."))
        return _back(request, moment, "lesson")
    form = LessonForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_lesson(
                practice=practice,
                actor_user=user,
                moment=moment,
                touchpoint=data["touchpoint"],
                quote=data["quote"],
                done=data["done"],
            )
        except services.MomentError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, gettext("Failed experience saved."))
            return _back(request, moment, "lesson")
    return _page(request, moment, forms={"lesson": form}, status=400)


@staff_view(EDITORS)
@require_POST
def moment_recognition(request: StaffRequest, pk: int) -> HttpResponse:
    """Confirm or dismiss a recognition of the week from the moment page (the recognition services decide)."""
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    form = RecognitionDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise services.MomentError(gettext("That recognition is not one of this week's; nothing was changed."))
        data = form.cleaned_data
        decided = services.decide_recognition(
            practice=request.practice,
            actor_user=request.user,
            moment=moment,
            recognition_id=data["recognition"],
            confirm=data["decision"] == "confirm",
            user_id=data["user"],
        )
    except services.MomentError as refused:
        messages.error(request, str(refused))
        return _page(request, moment, status=400)
    if decided.user is not None and data["decision"] == "confirm":
        messages.success(request, gettext("Confirmed: %(name)s is credited.") % {"name": decided.user})
    else:
        messages.success(request, gettext("Dismissed. Nobody is credited for it."))
    return _back(request, moment, "recognition")


@staff_view(EDITORS)
@require_POST
def moment_meeting(request: StaffRequest, pk: int) -> HttpResponse:
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    form = MeetingForm(request.POST, practice=request.practice, moment=moment)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_meeting(
                practice=request.practice,
                actor_user=request.user,
                moment=moment,
                meeting_date=data["meeting_date"],
                attendees=list(data["attendees"]),
                recognised=list(data["recognised"]),
                decisions=data["decisions"],
            )
        except services.MomentError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, gettext("Meeting record saved."))
            return _back(request, moment, "meeting")
    return _page(request, moment, forms={"meeting": form}, status=400)


@staff_view(EDITORS)
@require_POST
def moment_action(request: StaffRequest, pk: int) -> HttpResponse:
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    form = ActionForm(request.POST, practice=request.practice)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_action(
                practice=request.practice,
                actor_user=request.user,
                moment=moment,
                title=data["title"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except (services.MomentError, action_services.ActionError) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, gettext("Action added."))
            return _back(request, moment, "actions")
    return _page(request, moment, forms={"action": form}, status=400)


@staff_view(EDITORS)
@require_POST
def moment_presented(request: StaffRequest, pk: int) -> HttpResponse:
    moment = selectors.moment_or_404(practice=request.practice, pk=pk)
    _moment, changed = services.mark_presented(practice=request.practice, actor_user=request.user, moment=moment)
    if changed:
        messages.success(request, gettext("Marked as presented. It stays in the history."))
    else:
        messages.info(request, gettext("This moment was already presented; nothing changed."))
    return _back(request, moment)
