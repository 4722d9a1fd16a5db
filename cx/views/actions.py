"""Actions: "My actions" for every team member, "Everyone's actions" for the owner and the experience
lead (filtered by person), marking an action done or open again, and a standalone action.

Who may do what (strangers get 404 from ``staff_view``):

- every team member sees their own actions and marks them done or open again;
- editors (owner, experience lead) see everyone's, create standalone actions, drop an action, and mark
  anyone's done; another member's action is 404 to anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from practices.access import StaffRequest, staff_view

from ..forms.actions import ActionForm, PersonFilterForm
from ..models import Action, ActionStatus
from ..roles import EDITORS, TEAM
from ..selectors import actions as action_selectors
from ..services import actions as action_services

DONE_SHOWN = 50


@dataclass(frozen=True)
class Origin:
    kind: str
    label: str
    url: str | None


def _url(name: str, request: StaffRequest, pk: int) -> str | None:
    return reverse(name, kwargs={"practice_slug": request.practice.slug, "pk": pk})


def origins(request: StaffRequest, action: Action) -> list[Origin]:
    """Where the action came from, in words, with a link to it."""
    found: list[Origin] = []
    if action.moment_id and action.moment:
        found.append(
            Origin(
                _("Experience moment"),
                _("Meeting of %(date)s") % {"date": date_format(action.moment.meeting_date, "DATE_FORMAT")},
                _url("cx:moment", request, action.moment.pk),
            )
        )
    if action.idea_id and action.idea:
        found.append(
            Origin(_("Idea from an empathy map"), action.idea.text, _url("cx:map", request, action.idea.empathy_map_id))
        )
    if action.recovery_case_id and action.recovery_case:
        found.append(
            Origin(
                _("Service recovery case"),
                _("Case opened %(date)s")
                % {"date": date_format(request.practice.local_date(action.recovery_case.opened_at), "DATE_FORMAT")},
                _url("feedback:recovery_case", request, action.recovery_case.pk),
            )
        )
    if action.project_id and action.project:
        found.append(
            Origin(_("Improvement project"), action.project.title, _url("cx:project", request, action.project.pk))
        )
    return found


def _is_editor(request: StaffRequest) -> bool:
    return request.membership.role in EDITORS


def _page(request: StaffRequest, *, form: ActionForm | None = None, status: int = 200) -> HttpResponse:
    practice = request.practice
    editor = _is_editor(request)
    everyone = editor and request.GET.get("who") == "everyone"
    filter_form = PersonFilterForm(request.GET or None, practice=practice) if everyone else None
    owner: User | None = request.user
    if everyone:
        owner = None
        if filter_form is not None and filter_form.is_valid() and filter_form.cleaned_data["person"]:
            owner = filter_form.cleaned_data["person"]
    today = practice.local_date(timezone.now())
    rows = action_selectors.with_overdue(action_selectors.actions_for(practice=practice, owner=owner), today=today)
    open_actions = list(rows.filter(status=ActionStatus.OPEN))
    done_actions = list(rows.exclude(status=ActionStatus.OPEN).order_by("-done_at", "-due_on", "-pk")[:DONE_SHOWN])
    for action in open_actions + done_actions:
        action.origins = origins(request, action)  # type: ignore[attr-defined]  # for the template
        action.can_change = editor or action.owner_id == request.user.pk  # type: ignore[attr-defined]
    context = {
        "everyone": everyone,
        "editor": editor,
        "filter_form": filter_form,
        "open_actions": open_actions,
        "done_actions": done_actions,
        "overdue_count": sum(1 for a in open_actions if getattr(a, "overdue", False)),
        "today": today,
        "form": form if form is not None else (ActionForm(practice=practice) if editor else None),
        "done_shown": DONE_SHOWN,
    }
    return render(request, "cx/actions/list.html", context, status=status)


@staff_view(TEAM)
@require_GET
def action_list(request: StaffRequest) -> HttpResponse:
    return _page(request)


@staff_view(EDITORS)
@require_POST
def action_create(request: StaffRequest) -> HttpResponse:
    form = ActionForm(request.POST, practice=request.practice)
    if form.is_valid():
        try:
            action_services.create_action(
                practice=request.practice,
                actor_user=request.user,
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except action_services.ActionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Action added."))
            return redirect(reverse("cx:actions", kwargs={"practice_slug": request.practice.slug}) + "?who=everyone")
    messages.error(request, _("The action was not added: see the form below."))
    return _page(request, form=form, status=400)


def _own_or_404(request: StaffRequest, pk: int) -> Action:
    action = action_selectors.action_or_404(practice=request.practice, pk=pk)
    if not _is_editor(request) and action.owner_id != request.user.pk:
        raise Http404
    return action


def _back(request: StaffRequest) -> HttpResponse:
    url = reverse("cx:actions", kwargs={"practice_slug": request.practice.slug})
    back = request.POST.get("next", "")
    if back.startswith(url) and "//" not in back:
        return redirect(back)
    return redirect(url)


@staff_view(TEAM)
@require_POST
def action_done(request: StaffRequest, pk: int) -> HttpResponse:
    action = _own_or_404(request, pk)
    if action.status == ActionStatus.DONE:
        messages.info(request, _("This action was already done; nothing changed."))
    else:
        action_services.complete_action(practice=request.practice, actor_user=request.user, action=action)
        messages.success(request, _("Marked done: %(title)s") % {"title": action.title})
    return _back(request)


@staff_view(TEAM)
@require_POST
def action_reopen(request: StaffRequest, pk: int) -> HttpResponse:
    action = _own_or_404(request, pk)
    if action.status == ActionStatus.OPEN:
        messages.info(request, _("This action is already open; nothing changed."))
    else:
        action_services.reopen_action(practice=request.practice, actor_user=request.user, action=action)
        messages.success(request, _("Open again: %(title)s") % {"title": action.title})
    return _back(request)


@staff_view(EDITORS)
@require_POST
def action_drop(request: StaffRequest, pk: int) -> HttpResponse:
    action = action_selectors.action_or_404(practice=request.practice, pk=pk)
    if action.status == ActionStatus.DROPPED:
        messages.info(request, _("This action was already dropped; nothing changed."))
    else:
        action_services.drop_action(practice=request.practice, actor_user=request.user, action=action)
        messages.success(request, _("Dropped: %(title)s") % {"title": action.title})
    return _back(request)
