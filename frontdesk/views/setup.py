"""The flow board's set-up pages: thresholds and check-in hours, intake questions, policies and the
printable arrival QR code. The owner edits; the front desk may look."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from practices.access import StaffRequest, staff_view
from practices.models import Role

from ..forms.setup import FlowSettingsForm, IntakeQuestionForm, PolicyForm
from ..models import IntakeQuestion, PracticePolicy
from ..services import setup as setup_services
from ..services.setup import flow_settings as flow_settings_of

SETUP_VIEWERS = frozenset({Role.OWNER, Role.FRONT_DESK})


def _can_edit(request: StaffRequest) -> bool:
    return request.membership.role == Role.OWNER


def _editor_only(request: StaffRequest) -> None:
    if request.method == "POST" and not _can_edit(request):
        raise PermissionDenied


def _disable(form) -> None:
    for field in form.fields.values():
        field.disabled = True


@staff_view(SETUP_VIEWERS)
@require_http_methods(["GET", "POST"])
def flow_settings(request: StaffRequest) -> HttpResponse:
    _editor_only(request)
    current = flow_settings_of(request.practice)
    form = FlowSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        # The form's instance already holds the new values; the service compares with a fresh copy.
        setup_services.update_flow_settings(practice=request.practice, actor_user=request.user, **form.cleaned_data)
        messages.success(request, _("Flow board settings saved."))
        return redirect("frontdesk:flow_settings", practice_slug=request.practice.slug)
    if not _can_edit(request):
        _disable(form)
    context = {"form": form, "can_edit": _can_edit(request)}
    return render(request, "frontdesk/setup/settings.html", context, status=400 if form.errors else 200)


def _list_and_add(request: StaffRequest, *, model, form_class, create, added: str, template: str, name: str):
    """A set-up list (intake questions, policies) with the owner's "add one" form under it."""
    _editor_only(request)
    form = form_class(request.POST or None, initial={"position": _next_position(request, model)})
    if request.method == "POST" and form.is_valid():
        create(practice=request.practice, actor_user=request.user, **form.cleaned_data)
        messages.success(request, added)
        return redirect(f"frontdesk:{name}", practice_slug=request.practice.slug)
    context = {"form": form, "can_edit": _can_edit(request), "items": model.objects.filter(practice=request.practice)}
    return render(request, template, context, status=400 if form.errors else 200)


@staff_view(SETUP_VIEWERS)
@require_http_methods(["GET", "POST"])
def intake_questions(request: StaffRequest) -> HttpResponse:
    return _list_and_add(
        request,
        model=IntakeQuestion,
        form_class=IntakeQuestionForm,
        create=setup_services.create_intake_question,
        added=_("Question added."),
        template="frontdesk/setup/questions.html",
        name="intake_questions",
    )


@staff_view(SETUP_VIEWERS)
@require_http_methods(["GET", "POST"])
def intake_question_edit(request: StaffRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    question = get_object_or_404(IntakeQuestion, practice=request.practice, pk=pk)
    if request.method == "POST" and request.POST.get("action") in ("stop", "resume"):
        asked = request.POST["action"] == "resume"
        setup_services.update_intake_question(question=question, actor_user=request.user, is_active=asked)
        messages.success(request, _("Patients will be asked this question.") if asked else _("No longer asked."))
        return redirect("frontdesk:intake_questions", practice_slug=request.practice.slug)
    form = IntakeQuestionForm(request.POST or None, instance=IntakeQuestion.objects.get(pk=question.pk))
    if request.method == "POST" and form.is_valid():
        setup_services.update_intake_question(question=question, actor_user=request.user, **form.cleaned_data)
        messages.success(request, _("Question saved."))
        return redirect("frontdesk:intake_questions", practice_slug=request.practice.slug)
    if not _can_edit(request):
        _disable(form)
    context = {"form": form, "question": question, "can_edit": _can_edit(request)}
    return render(request, "frontdesk/setup/question_edit.html", context, status=400 if form.errors else 200)


@staff_view(SETUP_VIEWERS)
@require_http_methods(["GET", "POST"])
def policies(request: StaffRequest) -> HttpResponse:
    return _list_and_add(
        request,
        model=PracticePolicy,
        form_class=PolicyForm,
        create=setup_services.create_policy,
        added=_("Policy added."),
        template="frontdesk/setup/policies.html",
        name="policies",
    )


@staff_view(SETUP_VIEWERS)
@require_http_methods(["GET", "POST"])
def policy_edit(request: StaffRequest, pk: int) -> HttpResponse:
    _editor_only(request)
    policy = get_object_or_404(PracticePolicy, practice=request.practice, pk=pk)
    form = PolicyForm(request.POST or None, instance=PracticePolicy.objects.get(pk=policy.pk))
    if request.method == "POST" and form.is_valid():
        saved = setup_services.update_policy(policy=policy, actor_user=request.user, **form.cleaned_data)
        if saved.version != policy.version:
            text = _("Policy saved as version %(version)s; patients acknowledge the new wording from now on.")
            messages.success(request, text % {"version": saved.version})
        else:
            messages.success(request, _("Policy saved."))
        return redirect("frontdesk:policies", practice_slug=request.practice.slug)
    if not _can_edit(request):
        _disable(form)
    context = {"form": form, "policy": policy, "can_edit": _can_edit(request)}
    return render(request, "frontdesk/setup/policy_edit.html", context, status=400 if form.errors else 200)


@staff_view(SETUP_VIEWERS)
@require_http_methods(["GET", "POST"])
def arrival_qr(request: StaffRequest) -> HttpResponse:
    _editor_only(request)
    if request.method == "POST":
        setup_services.rotate_arrival_key(practice=request.practice, actor_user=request.user)
        messages.success(request, _("A new code is ready. Print it: the old printed code no longer works."))
        return redirect("frontdesk:arrival_qr", practice_slug=request.practice.slug)
    key = flow_settings_of(request.practice).arrival_key
    address = settings.SITE_URL + reverse(
        "frontdesk:arrive", kwargs={"practice_slug": request.practice.slug, "key": key}
    )
    context = {
        "address": address,
        "kiosk_address": address + "?kiosk=1",
        "qr_svg": segno.make(address, error="m").svg_inline(scale=6, dark="#111", light="#fff"),
        "can_edit": _can_edit(request),
    }
    return render(request, "frontdesk/setup/arrival_qr.html", context)


def _next_position(request: StaffRequest, model) -> int:
    last = model.objects.filter(practice=request.practice).order_by("-position").values_list("position", flat=True)
    return (last.first() or 0) + 1
