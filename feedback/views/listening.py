"""Listening pages: survey responses and comments (with corrections), service-recovery cases, review sites
and feedback settings, and the patient's public page of review sites.

Who may do what (every staff view goes through ``staff_view``: strangers get 404):

- responses and comments: owner, experience lead, front desk and clinicians read; owner and experience lead
  correct a comment's reading; billing gets 403.
- recovery cases: owner and experience lead see and work every case and give any case to any active staff
  member of the practice; the front desk sees them, read-only (they often take the complaint at the desk),
  and may take an open case for themselves, which lets them work it; clinicians and billing see only cases
  assigned to them, and 403 on any other case. Whoever may close a case (owner, experience lead, the
  assignee) may reopen it.
- review sites and settings: the owner edits; the experience lead reads.

Every page that shows patients' names or answers leaves an audit entry.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practices.access import ALL_ROLES, staff_view
from practices.models import Role
from practices.selectors import practice_by_slug_or_404

from ..comments import TOUCHPOINT_NAMES
from ..forms.listening import (
    TOPIC_LABELS,
    CloseForm,
    ContactForm,
    CorrectionForm,
    FeedbackSettingsForm,
    NotesForm,
    ReassignForm,
    ResponseFilterForm,
    ReviewSiteForm,
)
from ..models import (
    Answer,
    CaseEventKind,
    CaseOutcome,
    CaseReason,
    CaseStatus,
    CommentAnalysis,
    QuestionKind,
    RecoveryCase,
    Response,
    ReviewSite,
)
from ..selectors import listening as listening_selectors
from ..selectors import recovery as recovery_selectors
from ..services import listening, recovery

PAGE_SIZE = 50
LEADS = frozenset({Role.OWNER, Role.EXPERIENCE_LEAD})
RESPONSE_READERS = LEADS | {Role.FRONT_DESK, Role.CLINICIAN}
CASE_READERS = LEADS | {Role.FRONT_DESK}
SETTINGS_READERS = LEADS


def _role(request: HttpRequest) -> str:
    return request.membership.role


# --- presentation helpers -------------------------------------------------------------------------

FREQUENCY_LABELS = {
    1: gettext_lazy("Never"),
    2: gettext_lazy("Sometimes"),
    3: gettext_lazy("Usually"),
    4: gettext_lazy("Always"),
}


def answer_label(answer: Answer) -> str:
    """An answer as staff read it ("Usually", "Yes", "3 of 5", "8 of 10")."""
    kind, value = answer.question.kind, answer.value
    if kind == QuestionKind.TEXT:
        return answer.text
    if value is None:
        return _("Not answered")
    if kind == QuestionKind.FREQUENCY:
        return str(FREQUENCY_LABELS.get(value, value))
    if kind == QuestionKind.YES_NO:
        return _("Yes") if value else _("No")
    if kind == QuestionKind.EASE:
        return _("%(value)s of 5") % {"value": value}
    return _("%(value)s of 10") % {"value": value}


def topics(touchpoints: list) -> list[dict]:
    """Touch-point tags with their staff labels, in the analyser's order."""
    return [
        {"name": t["name"], "label": TOPIC_LABELS.get(t["name"], t["name"]), "sentiment": t["sentiment"]}
        for t in touchpoints
        if t.get("name") in TOUCHPOINT_NAMES
    ]


# --- responses and comments -----------------------------------------------------------------------


@staff_view(RESPONSE_READERS)
@require_GET
def response_list(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    form = ResponseFilterForm(request.GET or None, practice=practice)
    status = 200
    if request.GET and not form.is_valid():
        page = Paginator(Response.objects.none(), PAGE_SIZE).get_page(1)
        status = 400
    else:
        filters = form.filters() if request.GET else listening_selectors.ResponseFilters()
        page = Paginator(listening_selectors.responses(practice=practice, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    recovery.record_list_viewed(
        practice=practice,
        actor_user=request.user,
        target=Response,
        what="survey responses",
        page_number=page.number,
        shown=len(page.object_list),
    )
    for row in page.object_list:
        for comment in row.comments:
            analysis = getattr(comment, "analysis", None)
            comment.topics = topics(analysis.effective_touchpoints) if analysis else []
        row.survey_name = row.version.survey.name(get_language() or "en")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/listening/responses.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_correct": _role(request) in LEADS},
        status=status,
    )


def _comment_page(request: HttpRequest, analysis: CommentAnalysis, form: CorrectionForm, status: int = 200):
    response = analysis.answer.response
    listening.record_comment_viewed(analysis=analysis, actor_user=request.user)
    context = {
        "analysis": analysis,
        "response": response,
        "machine_topics": topics(analysis.touchpoints),
        "corrected_topics": topics(analysis.corrected_touchpoints or []),
        "form": form,
    }
    return render(request, "feedback/listening/comment.html", context, status=status)


@staff_view(LEADS)
@require_http_methods(["GET", "POST"])
def comment_correct(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = listening_selectors.comment_or_404(practice=request.practice, pk=pk)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            listening.correct_comment(
                analysis=analysis,
                sentiment=form.cleaned_data["sentiment"],
                touchpoints=form.touchpoints(),
                actor_user=request.user,
            )
            messages.success(request, _("Correction saved. The machine's reading is kept beside it."))
            return redirect("feedback:comment_correct", practice_slug=request.practice.slug, pk=analysis.pk)
        return _comment_page(request, analysis, form, status=400)
    return _comment_page(request, analysis, CorrectionForm(initial=CorrectionForm.initial_for(analysis)))


# --- recovery cases -------------------------------------------------------------------------------


def _may_work(request: HttpRequest, case: RecoveryCase) -> bool:
    return _role(request) in LEADS or case.assigned_to_id == request.user.pk


def _case_for_reader(request: HttpRequest, pk: int) -> RecoveryCase:
    """404 outside the practice; 403 for roles that see only their own cases when it is not theirs."""
    case = recovery_selectors.case_or_404(practice=request.practice, pk=pk)
    if _role(request) not in CASE_READERS and case.assigned_to_id != request.user.pk:
        raise PermissionDenied
    return case


def _case_for_worker(request: HttpRequest, pk: int) -> RecoveryCase:
    case = _case_for_reader(request, pk)
    if not _may_work(request, case):
        raise PermissionDenied
    return case


@staff_view(ALL_ROLES)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    view = view if view in recovery_selectors.CASE_VIEWS else "open"
    only_mine = None if _role(request) in CASE_READERS else request.user
    rows = recovery_selectors.cases(practice=request.practice, view=view, user=request.user, only_assigned_to=only_mine)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    recovery.record_list_viewed(
        practice=request.practice,
        actor_user=request.user,
        target=RecoveryCase,
        what="recovery cases",
        page_number=page.number,
        shown=len(page.object_list),
    )
    now = timezone.now()
    for case in page.object_list:
        case.overdue_hours = int((now - case.due_at).total_seconds() // 3600) if case.is_overdue(now) else None
        case.steps_done = sum(1 for step in recovery.STEPS if getattr(case, f"{step}_at"))
    views = [("open", _("Open")), ("mine", _("Mine")), ("closed", _("Closed")), ("all", _("All"))]
    return render(
        request,
        "feedback/listening/cases.html",
        {"page": page, "view": view, "views": views, "steps_total": len(recovery.STEPS)},
    )


STEP_LABELS = {
    "heard": (gettext_lazy("Hear"), gettext_lazy("Listen to the whole story without interrupting.")),
    "empathized": (gettext_lazy("Empathize"), gettext_lazy("Say you understand how it felt.")),
    "apologized": (gettext_lazy("Apologize"), gettext_lazy("Apologize sincerely, without blame or excuses.")),
    "responded": (gettext_lazy("Respond"), gettext_lazy("Fix what can be fixed and say what will change.")),
    "thanked": (gettext_lazy("Thank"), gettext_lazy("Thank the patient for telling you.")),
}


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value or "—"))


def _event_text(event) -> str:
    """One history line as staff read it; ``detail`` holds only a code or a staff member's name."""
    if event.kind == CaseEventKind.OPENED:
        return _("Opened: %(reason)s") % {"reason": _label(CaseReason, event.detail)}
    if event.kind == CaseEventKind.ASSIGNED:
        return _("Assigned to %(name)s") % {"name": event.detail}
    if event.kind == CaseEventKind.STEP:
        step, _space, how = event.detail.partition(" ")
        label = STEP_LABELS[step][0] if step in STEP_LABELS else step
        if how == "undone":
            return _("Step undone: %(step)s") % {"step": label}
        return _("Step done: %(step)s") % {"step": label}
    if event.kind == CaseEventKind.CLOSED:
        return _("Closed: %(outcome)s") % {"outcome": _label(CaseOutcome, event.detail)}
    return _("Reopened (earlier outcome: %(outcome)s)") % {"outcome": _label(CaseOutcome, event.detail)}


def _history(case: RecoveryCase) -> list[dict]:
    return [
        {
            "at": event.at,
            "text": _event_text(event),
            "by": recovery.person_name(event.by) if event.by else None,
            "kind": event.kind,
        }
        for event in recovery_selectors.case_events(case=case)
    ]


def _case_page(request: HttpRequest, case: RecoveryCase, *, forms: dict | None = None, status: int = 200):
    recovery.record_case_viewed(case=case, actor_user=request.user)
    forms = forms or {}
    language = get_language() or "en"
    answers = recovery_selectors.case_answers(case=case)
    for answer in answers:
        answer.label = answer_label(answer)
        answer.question_text = answer.question.text(language)
        analysis = getattr(answer, "analysis", None) if answer.question.kind == QuestionKind.TEXT else None
        answer.reading = analysis
        answer.topics = topics(analysis.effective_touchpoints) if analysis else []
    steps = [
        {"name": step, "label": STEP_LABELS[step][0], "hint": STEP_LABELS[step][1], "at": getattr(case, f"{step}_at")}
        for step in recovery.STEPS
    ]
    now = timezone.now()
    is_open = case.status == CaseStatus.OPEN
    context = {
        "case": case,
        "answers": answers,
        "survey_name": case.response.version.survey.name(language),
        "steps": steps,
        "history": _history(case),
        "can_work": _may_work(request, case) and is_open,
        "can_reopen": _may_work(request, case) and not is_open,
        "can_take": is_open and case.assigned_to_id != request.user.pk,
        "can_assign": is_open and _role(request) in LEADS,
        "overdue_hours": int((now - case.due_at).total_seconds() // 3600) if case.is_overdue(now) else None,
        "contact_form": forms.get("contact")
        or ContactForm(initial={"contacted": case.contacted, "contact_method": case.contact_method}),
        "notes_form": forms.get("notes") or NotesForm(initial={"notes": case.notes}),
        "reassign_form": forms.get("reassign")
        or ReassignForm(practice=request.practice, initial={"assigned_to": case.assigned_to_id}),
        "close_form": forms.get("close") or CloseForm(),
    }
    return render(request, "feedback/listening/case.html", context, status=status)


@staff_view(ALL_ROLES)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case_for_reader(request, pk))


def _back_to_case(request: HttpRequest, case: RecoveryCase) -> HttpResponse:
    return redirect("feedback:recovery_case", practice_slug=request.practice.slug, pk=case.pk)


@staff_view(ALL_ROLES)
@require_POST
def case_step(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_worker(request, pk)
    step, action = request.POST.get("step", ""), request.POST.get("action", "")
    if step not in recovery.STEPS or action not in ("done", "undo"):
        messages.error(request, _("That step is not one of the five; nothing was changed."))
        return _case_page(request, case, status=400)
    try:
        recovery.record_step(case=case, step=step, done=action == "done", actor_user=request.user)
    except recovery.CaseRefused:
        messages.error(request, _("This case is closed; it can no longer be changed."))
        return _case_page(request, case, status=400)
    label = STEP_LABELS[step][0]
    if action == "done":
        messages.success(request, _("Step recorded: %(step)s.") % {"step": label})
    else:
        messages.success(request, _("Step undone: %(step)s.") % {"step": label})
    return _back_to_case(request, case)


def _case_form_post(request, pk, form_class, key, apply, success, **form_kwargs) -> HttpResponse:
    case = _case_for_worker(request, pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            apply(case, form.cleaned_data)
        except recovery.CaseRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, success)
            return _back_to_case(request, case)
    return _case_page(request, case, forms={key: form}, status=400)


@staff_view(ALL_ROLES)
@require_POST
def case_contact(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(case, data):
        recovery.set_contact(
            case=case, contacted=data["contacted"], method=data["contact_method"], actor_user=request.user
        )

    return _case_form_post(request, pk, ContactForm, "contact", apply, _("Contact recorded."))


@staff_view(ALL_ROLES)
@require_POST
def case_notes(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(case, data):
        recovery.set_notes(case=case, notes=data["notes"], actor_user=request.user)

    return _case_form_post(request, pk, NotesForm, "notes", apply, _("Notes saved."))


@staff_view(LEADS)
@require_POST
def case_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner or experience lead gives the case to any active staff member of the practice."""
    case = _case_for_worker(request, pk)
    form = ReassignForm(request.POST, practice=request.practice)
    if form.is_valid():
        user = form.cleaned_data["assigned_to"]
        try:
            case, changed = recovery.assign(case=case, user=user, actor_user=request.user)
        except recovery.CaseRefused as refused:
            form.add_error(None, str(refused))
        else:
            name = {"name": recovery.person_name(user)}
            if changed:
                messages.success(request, _("Case assigned to %(name)s.") % name)
            else:
                messages.info(request, _("%(name)s already has this case; nothing changed.") % name)
            return _back_to_case(request, case)
    return _case_page(request, case, forms={"reassign": form}, status=400)


@staff_view(ALL_ROLES)
@require_POST
def case_take(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone who may see the case takes it for themselves ("Assign to me")."""
    case = _case_for_reader(request, pk)
    try:
        case, changed = recovery.assign(case=case, user=request.user, actor_user=request.user)
    except recovery.CaseRefused as refused:
        messages.error(request, str(refused))
        return _case_page(request, case, status=400)
    if changed:
        messages.success(request, _("The case is now assigned to you."))
    else:
        messages.info(request, _("The case is already assigned to you; nothing changed."))
    return _back_to_case(request, case)


@staff_view(ALL_ROLES)
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(case, data):
        recovery.close_case(case=case, outcome=data["outcome"], actor_user=request.user)

    return _case_form_post(request, pk, CloseForm, "close", apply, _("Case closed."))


@staff_view(ALL_ROLES)
@require_POST
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Whoever may close the case reopens it: open again, due in 48 hours, the earlier outcome kept in its history."""
    case = _case_for_worker(request, pk)
    case, changed = recovery.reopen_case(case=case, actor_user=request.user)
    if changed:
        messages.success(request, _("Case reopened. It is due again in 48 hours."))
    else:
        messages.info(request, _("This case is already open; nothing changed."))
    return _back_to_case(request, case)


# --- review sites and settings --------------------------------------------------------------------


def _review_sites_page(request: HttpRequest, *, site_form=None, settings_form=None, editing=None, status=200):
    practice = request.practice
    can_edit = _role(request) == Role.OWNER
    current = listening_selectors.feedback_settings(practice=practice)
    context = {
        "sites": listening_selectors.review_sites(practice=practice),
        "can_edit": can_edit,
        "editing": editing,
        "site_form": site_form or ReviewSiteForm(instance=editing),
        "settings_form": settings_form or FeedbackSettingsForm(instance=current, practice=practice),
        "settings": current,
    }
    return render(request, "feedback/listening/review_sites.html", context, status=status)


@staff_view(SETTINGS_READERS)
@require_GET
def review_sites(request: HttpRequest) -> HttpResponse:
    editing = None
    if request.GET.get("edit"):
        try:
            editing = listening_selectors.review_site_or_404(practice=request.practice, pk=int(request.GET["edit"]))
        except ValueError:
            editing = None
    return _review_sites_page(request, editing=editing)


@staff_view({Role.OWNER})
@require_POST
def review_site_save(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    site: ReviewSite | None = listening_selectors.review_site_or_404(practice=request.practice, pk=pk) if pk else None
    form = ReviewSiteForm(request.POST, instance=site)
    if not form.is_valid():
        return _review_sites_page(request, site_form=form, editing=site, status=400)
    fields = {name: form.cleaned_data[name] for name in ReviewSiteForm.Meta.fields}
    if site is not None:  # the form wrote its values onto the instance; compare against the stored row
        site = listening_selectors.review_site_or_404(practice=request.practice, pk=site.pk)
    listening.save_review_site(practice=request.practice, actor_user=request.user, site=site, **fields)
    messages.success(request, _("Review site saved.") if site else _("Review site added."))
    return redirect("feedback:review_sites", practice_slug=request.practice.slug)


@staff_view({Role.OWNER})
@require_POST
def review_site_active(request: HttpRequest, pk: int) -> HttpResponse:
    site = listening_selectors.review_site_or_404(practice=request.practice, pk=pk)
    active = request.POST.get("is_active") == "1"
    listening.save_review_site(practice=request.practice, actor_user=request.user, site=site, is_active=active)
    if active:
        messages.success(request, _("%(name)s is offered to patients again.") % {"name": site.name})
    else:
        messages.success(request, _("%(name)s is no longer offered to patients.") % {"name": site.name})
    return redirect("feedback:review_sites", practice_slug=request.practice.slug)


@staff_view({Role.OWNER})
@require_POST
def feedback_settings_save(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    form = FeedbackSettingsForm(
        request.POST, instance=listening_selectors.feedback_settings(practice=practice), practice=practice
    )
    if not form.is_valid():
        return _review_sites_page(request, settings_form=form, status=400)
    listening.save_feedback_settings(
        practice=practice, actor_user=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
    )
    messages.success(request, _("Settings saved."))
    return redirect("feedback:review_sites", practice_slug=practice.slug)


# --- the patient's page of review sites ------------------------------------------------------------


@require_GET
def reviews(request: HttpRequest, practice_slug: str) -> HttpResponse:
    """Public: the practice's review sites. No patient data, no token: anyone may leave a review."""
    practice = practice_by_slug_or_404(slug=practice_slug)
    sites = listening_selectors.review_sites(practice=practice, active_only=True)
    return render(request, "feedback/listening/reviews.html", {"practice": practice, "sites": sites})
