"""Root-cause analyses (RCA²): the list, starting one from a recovery case (``?case=<pk>``) or a recurring
theme (``?touchpoint=<code>&theme=<name>``), the analysis page (timeline, causal statements checked
against the five rules of causation, actions by strength), and its changes.

Who may do what (strangers get 404 from ``staff_view``): every team member reads the list and the
analyses; the owner and the experience lead start, change and add to them; an action's owner (and the
editors) mark it done, anyone else gets 404 for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from journey.catalogue import BY_CODE
from practices.access import StaffRequest, staff_view

from .. import action_hierarchy, causation
from ..forms.rca import ActionForm, CauseForm, RcaForm, TimelineForm, staff_members
from ..models import RcaStatus, RootCauseAnalysis
from ..roles import EDITORS, TEAM
from ..selectors import rca as rca_selectors
from ..services import rca as rca_services


def _is_editor(request: StaffRequest) -> bool:
    return request.membership.role in EDITORS


def _pk(value: str | None) -> int | None:
    """A positive id from the query string, or None for anything else."""
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    number = int(value)
    return number if number > 0 else None


def _back_to(request: StaffRequest, rca: RootCauseAnalysis, anchor: str = "") -> HttpResponse:
    response = redirect("cx:rca", practice_slug=request.practice.slug, pk=rca.pk)
    response["Location"] += anchor
    return response


def _touchpoint_name(code: str) -> str:
    return _(BY_CODE[code].name) if code in BY_CODE else code


@staff_view(TEAM)
@require_GET
def rca_list(request: StaffRequest) -> HttpResponse:
    rows = list(rca_selectors.analyses(practice=request.practice))
    for rca in rows:
        rca.touchpoint_name = _touchpoint_name(rca.touchpoint)  # type: ignore[attr-defined]  # for the template
    context = {
        "open_rows": [r for r in rows if r.status != RcaStatus.DONE],
        "done_rows": [r for r in rows if r.status == RcaStatus.DONE],
        "can_edit": _is_editor(request),
        "my_actions": list(rca_selectors.open_actions_of(practice=request.practice, user_id=request.user.pk)),
    }
    return render(request, "cx/rca/list.html", context)


def _refused(form: Any, refused: rca_services.RcaRefused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def rca_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    source = request.POST if request.method == "POST" else request.GET
    case = None
    prefill = None
    if source.get("case"):
        case_pk = _pk(source.get("case"))
        if case_pk is None:
            raise Http404
        case = rca_selectors.recovery_case_or_404(practice=practice, pk=case_pk)
        prefill = rca_selectors.from_case(practice=practice, case=case)
    elif request.method == "GET" and (source.get("touchpoint") or source.get("theme")):
        touchpoint, theme = source.get("touchpoint", ""), " ".join(source.get("theme", "").split())[:60]
        if touchpoint not in BY_CODE or not theme:
            messages.error(request, _("That theme could not be found: choose the touch point and theme below."))
        else:
            today = practice.local_date(timezone.now())
            prefill = rca_selectors.from_theme(practice=practice, touchpoint=touchpoint, theme=theme, today=today)
    initial: dict[str, object] = {"led_by": str(request.user.pk)}
    if prefill is not None:
        initial.update(title=prefill.title, touchpoint=prefill.touchpoint, theme=prefill.theme)
    form = RcaForm(request.POST if request.method == "POST" else None, members=staff_members(practice), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.rca_fields()
        timeline = prefill.timeline if prefill is not None else None
        if case is None and fields.theme and fields.touchpoint in BY_CODE:
            # A theme: its negative comments of the last 30 days start the timeline (dates only).
            timeline = rca_selectors.theme_timeline(
                practice=practice,
                touchpoint=fields.touchpoint,
                theme=fields.theme,
                today=practice.local_date(timezone.now()),
            )
        try:
            rca = rca_services.create_rca(
                practice=practice, actor_user=request.user, fields=fields, recovery_case=case, timeline=timeline
            )
        except rca_services.RcaRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Root-cause analysis started."))
            return redirect("cx:rca", practice_slug=practice.slug, pk=rca.pk)
    context = {
        "form": form,
        "rca": None,
        "case": case,
        "prefill": prefill,
        "theme_source": prefill is not None and case is None,
    }
    return render(request, "cx/rca/form.html", context, status=400 if request.method == "POST" else 200)


def _failure_view(failure: causation.RuleFailure) -> dict[str, object]:
    return {
        "rule": failure.rule,
        "name": _(failure.rule_name),
        "explanation": _(failure.explanation) % {"words": failure.words},
        "fix": _(failure.fix),
    }


def _detail(
    request: StaffRequest,
    rca: RootCauseAnalysis,
    *,
    timeline_form: TimelineForm | None = None,
    cause_form: CauseForm | None = None,
    action_form: ActionForm | None = None,
    suggestion: str | None = None,
    status: int = 200,
) -> HttpResponse:
    practice = request.practice
    page = rca_selectors.rca_page(rca=rca)
    editor = _is_editor(request)
    causes = [
        {
            "cause": checked.cause,
            "failures": [_failure_view(f) for f in checked.failures],
            "form": (
                CauseForm(
                    initial={
                        "statement": checked.cause.statement,
                        "category": checked.cause.category,
                        "cause": checked.cause.pk,
                    },
                    auto_id=f"id_cause{checked.cause.pk}_%s",
                )
                if editor
                else None
            ),
        }
        for checked in page.causes
    ]
    actions = []
    for action in page.actions:
        kind = action_hierarchy.BY_CODE.get(action.hierarchy_kind)
        actions.append(
            {
                "action": action,
                "kind": _(kind.label) if kind else action.hierarchy_kind,
                "strength": action.strength,
                "strength_label": _(action_hierarchy.STRENGTH_LABELS.get(action.strength, action.strength)),
                "can_mark": action.done_on is None and (editor or action.owner_id == request.user.pk),
            }
        )
    if editor and action_form is None:
        action_form = ActionForm(
            members=staff_members(practice),
            projects=list(rca_selectors.projects(practice=practice)),
            causes=[c.cause for c in page.causes],
            initial={"owner": "", "due_on": ""},
        )
    suggested_kind = action_hierarchy.BY_CODE.get(suggestion or "")
    context = {
        "rca": rca,
        "page": page,
        "touchpoint_name": _touchpoint_name(rca.touchpoint),
        "causes": causes,
        "actions": actions,
        "editor": editor,
        "timeline_form": timeline_form or (TimelineForm() if editor else None),
        "cause_form": cause_form or (CauseForm() if editor else None),
        "action_form": action_form,
        "suggested": (
            {"label": _(suggested_kind.label), "strength": suggested_kind.strength}
            if suggested_kind is not None
            else None
        ),
        "strength_labels": {k: _(v) for k, v in action_hierarchy.STRENGTH_LABELS.items()},
        "can_start": editor and rca.status == RcaStatus.OPEN,
        "can_reopen": editor and rca.status != RcaStatus.OPEN,
    }
    return render(request, "cx/rca/detail.html", context, status=status)


@staff_view(TEAM)
@require_GET
def rca_detail(request: StaffRequest, pk: int) -> HttpResponse:
    rca = rca_selectors.rca_or_404(practice=request.practice, pk=pk)
    return _detail(request, rca)


def _status_change(request: StaffRequest, rca: RootCauseAnalysis, action: str) -> HttpResponse:
    practice = request.practice
    try:
        if action == "start":
            changed = rca_services.start_actions(practice=practice, actor_user=request.user, rca=rca)
            if changed.status == RcaStatus.DONE:
                messages.success(request, _("Every action is already done: watching for recurrence."))
            else:
                messages.success(request, _("Actions under way."))
        else:
            rca_services.reopen_analysis(practice=practice, actor_user=request.user, rca=rca)
            messages.success(request, _("Back to analysing."))
    except rca_services.RcaRefused as refused:
        messages.error(request, _("Actions cannot be under way yet: %(why)s") % {"why": refused.message})
    return _back_to(request, rca)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def rca_edit(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    rca = rca_selectors.rca_or_404(practice=practice, pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("start", "reopen"):
        return _status_change(request, rca, action)
    if action:
        messages.error(request, _("Nothing was changed: unknown action."))
        return _back_to(request, rca)
    members = staff_members(practice)
    if rca.led_by is not None and rca.led_by not in members:
        members.append(rca.led_by)
    initial: dict[str, object] = {
        "title": rca.title,
        "touchpoint": rca.touchpoint,
        "theme": rca.theme,
        "summary": rca.summary,
        "led_by": str(rca.led_by_id or ""),
    }
    form = RcaForm(request.POST if request.method == "POST" else None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rca_services.update_rca(practice=practice, actor_user=request.user, rca=rca, fields=form.rca_fields())
        except rca_services.RcaRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Analysis saved."))
            return _back_to(request, rca)
    context = {"form": form, "rca": rca, "case": None, "prefill": None, "theme_source": False}
    return render(request, "cx/rca/form.html", context, status=400 if request.method == "POST" else 200)


@staff_view(EDITORS)
@require_POST
def rca_timeline_add(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    rca = rca_selectors.rca_or_404(practice=practice, pk=pk)
    form = TimelineForm(request.POST)
    if form.is_valid():
        try:
            rca_services.add_timeline_entry(
                practice=practice,
                actor_user=request.user,
                rca=rca,
                happened_at=form.happened_at(practice),
                what=form.cleaned_data["what"],
            )
        except rca_services.RcaRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Added to the timeline."))
            return _back_to(request, rca, "#timeline-heading")
    messages.error(request, _("Nothing was added to the timeline: see the form below."))
    return _detail(request, rca, timeline_form=form, status=400)


@staff_view(EDITORS)
@require_POST
def rca_cause_add(request: StaffRequest, pk: int) -> HttpResponse:
    """A new causal statement; with ``cause`` (one of this analysis's) it is rewritten, and with
    ``remove`` it is removed."""
    practice = request.practice
    rca = rca_selectors.rca_or_404(practice=practice, pk=pk)
    remove_pk = request.POST.get("remove")
    if remove_pk is not None:
        number = _pk(remove_pk)
        removed = rca_selectors.cause_of(rca=rca, pk=number) if number is not None else None
        if removed is None:
            messages.error(request, _("That causal statement is not part of this analysis; nothing changed."))
            return _back_to(request, rca, "#causes-heading")
        rca_services.remove_cause(practice=practice, actor_user=request.user, cause=removed)
        messages.success(request, _("Causal statement removed."))
        return _back_to(request, rca, "#causes-heading")
    form = CauseForm(request.POST)
    if form.is_valid():
        existing = None
        if form.cleaned_data.get("cause"):
            existing = rca_selectors.cause_of(rca=rca, pk=form.cleaned_data["cause"])
            if existing is None:
                messages.error(request, _("That causal statement is not part of this analysis; nothing changed."))
                return _back_to(request, rca, "#causes-heading")
        try:
            if existing is not None:
                saved = rca_services.rewrite_cause(
                    practice=practice,
                    actor_user=request.user,
                    cause=existing,
                    statement=form.cleaned_data["statement"],
                    category=form.cleaned_data["category"],
                )
            else:
                saved = rca_services.add_cause(
                    practice=practice,
                    actor_user=request.user,
                    rca=rca,
                    statement=form.cleaned_data["statement"],
                    category=form.cleaned_data["category"],
                )
        except rca_services.RcaRefused as refused:
            _refused(form, refused)
        else:
            failures = causation.check(saved.statement)
            if failures:
                messages.warning(
                    request,
                    _("Saved, but it breaks %(n)s rule(s) of causation: see beside it.") % {"n": len(failures)},
                )
            else:
                messages.success(request, _("Saved: it passes the five rules of causation."))
            return _back_to(request, rca, f"#cause-{saved.pk}")
    messages.error(request, _("The causal statement was not saved: see the form below."))
    return _detail(request, rca, cause_form=form, status=400)


@staff_view(EDITORS)
@require_POST
def rca_action_add(request: StaffRequest, pk: int) -> HttpResponse:
    """Add an action. Without a kind, the classifier's suggestion comes back preselected to check."""
    practice = request.practice
    rca = rca_selectors.rca_or_404(practice=practice, pk=pk)
    page_causes = list(rca.causes.order_by("pk"))
    form = ActionForm(
        request.POST,
        members=staff_members(practice),
        projects=list(rca_selectors.projects(practice=practice)),
        causes=page_causes,
    )
    if not form.is_valid():
        messages.error(request, _("The action was not added: see the form below."))
        return _detail(request, rca, action_form=form, status=400)
    kind = form.cleaned_data.get("hierarchy_kind") or ""
    if not kind:
        suggestion = action_hierarchy.suggest(form.cleaned_data["description"])
        data = request.POST.copy()
        data["hierarchy_kind"] = suggestion or ""
        again = ActionForm(
            data,
            members=staff_members(practice),
            projects=list(rca_selectors.projects(practice=practice)),
            causes=page_causes,
        )
        again.is_valid()
        if suggestion is None:
            again.add_error("hierarchy_kind", _("Choose the kind of action: its words did not suggest one."))
            return _detail(request, rca, action_form=again, status=400)
        messages.info(request, _("Check the suggested kind of action, then add the action."))
        return _detail(request, rca, action_form=again, suggestion=suggestion)
    try:
        rca_services.add_action(practice=practice, actor_user=request.user, rca=rca, fields=form.action_fields(kind))
    except rca_services.RcaRefused as refused:
        _refused(form, refused)
        messages.error(request, _("The action was not added: see the form below."))
        return _detail(request, rca, action_form=form, status=400)
    if action_hierarchy.strength_of(kind) == action_hierarchy.WEAKER:
        messages.warning(request, _("Action added. It is a weaker action: pair it with a stronger one if you can."))
    else:
        messages.success(request, _("Action added."))
    return _back_to(request, rca, "#actions-heading")


@staff_view(TEAM)
@require_POST
def rca_action_done(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    action = rca_selectors.action_or_404(practice=practice, pk=pk)
    user: User = request.user
    if not _is_editor(request) and action.owner_id != user.pk:
        raise Http404
    if action.done_on is not None:
        messages.info(request, _("This action was already done; nothing changed."))
    else:
        rca_services.mark_action_done(
            practice=practice, actor_user=user, action=action, today=practice.local_date(timezone.now())
        )
        action.rca.refresh_from_db()
        if action.rca.status == RcaStatus.DONE:
            messages.success(request, _("Every action is done: Touchpoints now watches whether it happens again."))
        else:
            messages.success(request, _("Action marked done."))
    return _back_to(request, action.rca, "#actions-heading")
