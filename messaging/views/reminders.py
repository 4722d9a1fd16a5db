"""Reminders: staff settings, templates (with a live preview), reminder plans and the "reminders sent"
list; and the patient's answer link /p/<practice>/r/<token>/ (confirm, cancel, ask to reschedule).

Staff pages: the owner changes things; the front desk may look (a change answers 403). The answer
link answers 404 to a forged, expired or foreign token; GET only shows, POST acts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients.language import patient_language
from practices.access import StaffRequest, staff_view
from practices.models import Practice, Role
from practices.selectors import practice_by_slug_or_404
from scheduling import manage_links
from scheduling.models import Appointment
from scheduling.selectors.booking import booking_policy
from scheduling.services import booking as booking_services
from scheduling.services import online_booking as online_booking_services

from .. import answer_links, signals
from ..forms.reminders import SettingsForm, StepForm, TemplateForm
from ..models import Channel, InboundAction
from ..rendering import SMS_MAX_LENGTH, VARIABLES, fill, sample_values
from ..selectors import reminders as reminder_selectors
from ..selectors.reminders import TemplateEntry
from ..services import reminders as reminder_services

VIEWERS = frozenset({Role.OWNER, Role.FRONT_DESK})
OVERVIEW_ROLES = frozenset({Role.OWNER, Role.FRONT_DESK, Role.EXPERIENCE_LEAD})


def _owner_only(request: StaffRequest) -> None:
    if request.membership.role != Role.OWNER:
        raise PermissionDenied


def _can_edit(request: StaffRequest) -> bool:
    return request.membership.role == Role.OWNER


# --- settings ---------------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_http_methods(["GET", "POST"])
def settings_page(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    if request.method == "POST":
        _owner_only(request)
    form = SettingsForm(request.POST or None, instance=reminder_selectors.messaging_settings(practice))
    if request.method == "POST" and form.is_valid():
        try:
            reminder_services.save_settings(practice=practice, actor_user=request.user, **form.cleaned_data)
        except reminder_services.MessagingError:
            form.add_error("sms_number", _("Another practice already sends from this number."))
        else:
            messages.success(request, _("Messaging settings saved."))
            return redirect("messaging:messaging_settings", practice_slug=practice.slug)
    if not _can_edit(request):
        for field in form.fields.values():
            field.disabled = True
    return render(request, "messaging/reminders/settings.html", {"form": form, "can_edit": _can_edit(request)})


# --- templates --------------------------------------------------------------------------------


@staff_view(VIEWERS)
@require_GET
def template_list(request: StaffRequest) -> HttpResponse:
    entries = reminder_selectors.template_entries(request.practice)
    return render(
        request,
        "messaging/reminders/templates.html",
        {"entries": entries, "can_edit": _can_edit(request), "languages": reminder_selectors.LANGUAGE_NAMES},
    )


def _preview(practice: Practice, channel: str, language: str, subject: str, body: str) -> dict[str, object]:
    values = sample_values(practice, language)
    rendered_body = fill(body, values).strip()
    return {
        "subject": "" if channel == Channel.SMS else " ".join(fill(subject, values).split()),
        "body": rendered_body,
        "length": len(rendered_body),
        "too_long": channel == Channel.SMS and len(rendered_body) > SMS_MAX_LENGTH,
        "limit": SMS_MAX_LENGTH,
    }


def _template_context(request: StaffRequest, entry: TemplateEntry, form: TemplateForm) -> dict[str, object]:
    practice = request.practice
    data = form.data if form.is_bound else {"subject": entry.subject, "body": entry.body}
    subject, body = data.get("subject", "") or "", data.get("body", "") or ""
    return {
        "entry": entry,
        "form": form,
        "can_edit": _can_edit(request),
        "variables": [(f"{{{{ {name} }}}}", label) for name, label in VARIABLES.items()],
        "preview": _preview(practice, entry.channel, entry.language, subject, body),
        "preview_errors": [e for errs in form.errors.values() for e in errs] if form.is_bound else [],
        "language_name": reminder_selectors.LANGUAGE_NAMES[entry.language],
        "is_sms": entry.channel == Channel.SMS,
    }


@staff_view(VIEWERS)
@require_http_methods(["GET", "POST"])
def template_edit(request: StaffRequest, kind: str, channel: str, language: str) -> HttpResponse:
    practice = request.practice
    entry = reminder_selectors.template_entry_or_404(practice, kind, channel, language)
    if request.method == "POST":
        _owner_only(request)
        if request.POST.get("action") == "reset":
            if reminder_services.reset_template(
                practice=practice, kind=kind, channel=channel, language=language, actor_user=request.user
            ):
                messages.success(request, _("Back to the standard wording."))
            return redirect(
                "messaging:message_template_edit",
                practice_slug=practice.slug,
                kind=kind,
                channel=channel,
                language=language,
            )
        form = TemplateForm(request.POST, practice=practice, channel=channel, language=language)
        if form.is_valid():
            try:
                reminder_services.save_template(
                    practice=practice,
                    kind=kind,
                    channel=channel,
                    language=language,
                    subject=form.cleaned_data.get("subject", ""),
                    body=form.cleaned_data["body"],
                    actor_user=request.user,
                )
            except reminder_services.TemplateInvalid as invalid:  # checked by the form already; kept for safety
                for problems in invalid.errors.values():
                    for problem in problems:
                        form.add_error(None, problem)
            else:
                messages.success(request, _("Template saved."))
                return redirect("messaging:message_templates", practice_slug=practice.slug)
    else:
        form = TemplateForm(
            initial={"subject": entry.subject, "body": entry.body},
            practice=practice,
            channel=channel,
            language=language,
        )
        if not _can_edit(request):
            for field in form.fields.values():
                field.disabled = True
    return render(request, "messaging/reminders/template_edit.html", _template_context(request, entry, form))


@staff_view(VIEWERS)
@require_POST
def template_preview(request: StaffRequest, kind: str, channel: str, language: str) -> HttpResponse:
    """The htmx partial: the template rendered with sample values, and what is wrong with it."""
    practice = request.practice
    entry = reminder_selectors.template_entry_or_404(practice, kind, channel, language)
    form = TemplateForm(request.POST, practice=practice, channel=channel, language=language)
    form.is_valid()
    return render(request, "messaging/reminders/_preview.html", _template_context(request, entry, form))


# --- reminder plans ---------------------------------------------------------------------------


def _plan_context(request: StaffRequest, step_form: StepForm | None = None) -> dict[str, object]:
    practice = request.practice
    default, own = reminder_selectors.reminder_plans(practice)
    return {
        "default_plan": default,
        "own_plans": own,
        "visit_types_left": reminder_selectors.visit_types_without_plan(practice),
        "step_form": step_form or StepForm(),
        "can_edit": _can_edit(request),
    }


@staff_view(VIEWERS)
@require_http_methods(["GET", "POST"])
def plans(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    if request.method == "GET":
        reminder_services.default_plan_for(practice=practice)
        return render(request, "messaging/reminders/plans.html", _plan_context(request))
    _owner_only(request)
    action = request.POST.get("action")
    step_form = None
    try:
        if action == "add_step":
            plan = reminder_selectors.plan_or_404(practice, request.POST.get("plan"))
            step_form = StepForm(request.POST)
            if step_form.is_valid():
                reminder_services.add_step(
                    plan=plan,
                    minutes_before=step_form.cleaned_data["minutes_before"],
                    channel=step_form.cleaned_data["channel"],
                    actor_user=request.user,
                )
                messages.success(request, _("Reminder added."))
                return redirect("messaging:reminder_plans", practice_slug=practice.slug)
        elif action == "remove_step":
            reminder_services.remove_step(
                step=reminder_selectors.step_or_404(practice, request.POST.get("step")), actor_user=request.user
            )
            messages.success(request, _("Reminder removed."))
            return redirect("messaging:reminder_plans", practice_slug=practice.slug)
        elif action in ("turn_on", "turn_off"):
            plan = reminder_selectors.plan_or_404(practice, request.POST.get("plan"))
            reminder_services.set_plan_active(plan=plan, is_active=action == "turn_on", actor_user=request.user)
            messages.success(request, _("Reminders turned on.") if action == "turn_on" else _("Reminders turned off."))
            return redirect("messaging:reminder_plans", practice_slug=practice.slug)
        elif action == "own_plan":
            visit_type = reminder_selectors.visit_type_or_404(practice, request.POST.get("visit_type"))
            reminder_services.create_visit_type_plan(practice=practice, visit_type=visit_type, actor_user=request.user)
            messages.success(request, _("The visit type now has its own reminders."))
            return redirect("messaging:reminder_plans", practice_slug=practice.slug)
        elif action == "delete_plan":
            plan = reminder_selectors.plan_or_404(practice, request.POST.get("plan"))
            reminder_services.delete_visit_type_plan(plan=plan, actor_user=request.user)
            messages.success(request, _("The visit type follows the practice's reminders again."))
            return redirect("messaging:reminder_plans", practice_slug=practice.slug)
        else:
            messages.error(request, _("Nothing was changed."))
            return redirect("messaging:reminder_plans", practice_slug=practice.slug)
    except (ValueError, TypeError) as error:
        if isinstance(error, reminder_services.MessagingError):
            messages.error(request, str(error))
        else:
            raise Http404 from error
    context = _plan_context(request, step_form)
    context["failed_plan"] = request.POST.get("plan")
    return render(request, "messaging/reminders/plans.html", context, status=400 if step_form is not None else 200)


# --- reminders sent ---------------------------------------------------------------------------


@staff_view(OVERVIEW_ROLES)
@require_GET
def reminders_sent(request: StaffRequest) -> HttpResponse:
    """Upcoming (and yesterday's) appointments with their reminders and the patient's answer."""
    practice = request.practice
    tz = ZoneInfo(practice.timezone)
    today = timezone.localtime(timezone.now(), tz).date()
    start = timezone.make_aware(datetime.combine(today - timedelta(days=1), datetime.min.time()), tz)
    appointments = reminder_selectors.reminder_overview(practice, start=start, days=9)
    with timezone.override(tz):
        return render(request, "messaging/reminders/sent.html", {"appointments": appointments})


# --- the patient's answer link ------------------------------------------------------------------


REFUSALS = {
    online_booking_services.NOT_ACTIVE: gettext_lazy("This appointment is no longer booked."),
    online_booking_services.PAST: gettext_lazy("This appointment has already taken place."),
    online_booking_services.TOO_CLOSE: gettext_lazy(
        "Your appointment is less than %(hours)s hours away, so it can no longer be changed online."
    ),
}


def _answer_appointment_or_404(practice_slug: str, token: str) -> tuple[Practice, Appointment]:
    practice = practice_by_slug_or_404(slug=practice_slug)
    appointment = answer_links.appointment_for_token(practice, token)
    if appointment is None:
        raise Http404
    return practice, appointment


def _answer_render(
    request: HttpRequest,
    practice: Practice,
    appointment: Appointment,
    token: str,
    template: str,
    extra: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    tz = ZoneInfo(appointment.location.timezone or practice.timezone)
    refusal = online_booking_services.online_change_refusal(appointment)
    refusal_text = None
    if refusal:
        refusal_text = str(REFUSALS[refusal])
        if refusal == online_booking_services.TOO_CLOSE:
            refusal_text %= {"hours": booking_policy(practice).online_change_cutoff_hours}
    latest = reminder_selectors.latest_response(appointment)
    context: dict[str, object] = {
        "practice": practice,
        "appointment": appointment,
        "local_start": timezone.localtime(appointment.start, tz),
        "phone": appointment.location.phone or practice.phone,
        "token": token,
        "answer_url": reverse("messaging:answer", kwargs={"practice_slug": practice.slug, "token": token}),
        "cancel_url": reverse("messaging:answer_cancel", kwargs={"practice_slug": practice.slug, "token": token}),
        "is_booked": appointment.status == "booked" and appointment.start > timezone.now(),
        "refusal": refusal,
        "refusal_text": refusal_text,
        "confirmed": latest is not None and latest.action == InboundAction.CONFIRM,
        "reschedule_asked": latest is not None and latest.action == InboundAction.RESCHEDULE,
    }
    # What other apps add: frontdesk's online check-in link, once its window is open (messaging sits below it).
    for _receiver, more in signals.answer_page.send(sender=Appointment, appointment=appointment, now=timezone.now()):
        context.update(cast(dict[str, object], more))
    context.update(extra or {})
    with translation.override(patient_language(request, appointment.patient.preferred_language)), timezone.override(tz):
        response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer; forms keep their Origin
    return response


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice, appointment = _answer_appointment_or_404(practice_slug, token)
    if request.method == "GET":
        return _answer_render(request, practice, appointment, token, "messaging/answer/answer.html")
    action = request.POST.get("action")
    with translation.override(patient_language(request, appointment.patient.preferred_language)):
        if action == "confirm":
            try:
                reminder_services.record_answer(appointment=appointment, action=InboundAction.CONFIRM, channel="link")
            except reminder_services.MessagingError:
                messages.error(request, _("This appointment can no longer be confirmed."))
            else:
                messages.success(request, _("Thank you, your appointment is confirmed. See you then!"))
            return redirect("messaging:answer", practice_slug=practice.slug, token=token)
        if action == "reschedule":
            try:
                reminder_services.record_answer(
                    appointment=appointment, action=InboundAction.RESCHEDULE, channel="link"
                )
            except reminder_services.MessagingError:
                messages.error(request, _("This appointment can no longer be changed here. Please call us."))
                return redirect("messaging:answer", practice_slug=practice.slug, token=token)
            if online_booking_services.online_change_refusal(appointment) is None:
                return redirect(
                    "scheduling:manage_reschedule",
                    practice_slug=practice.slug,
                    token=manage_links.token_for(appointment),
                )
            messages.info(request, _("We have let the front desk know you would like another time. Please call us."))
            return redirect("messaging:answer", practice_slug=practice.slug, token=token)
    return _answer_render(
        request,
        practice,
        appointment,
        token,
        "messaging/answer/answer.html",
        {"error": gettext_lazy("Please choose one of the buttons.")},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def answer_cancel(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice, appointment = _answer_appointment_or_404(practice_slug, token)
    if online_booking_services.online_change_refusal(appointment):
        return redirect("messaging:answer", practice_slug=practice.slug, token=token)
    if request.method == "POST":
        with translation.override(patient_language(request, appointment.patient.preferred_language)):
            try:
                reminder_services.cancel_by_answer(appointment=appointment, channel="link")
            except booking_services.BookingRefused:
                messages.error(request, _("This appointment can no longer be cancelled online. Please call us."))
            else:
                messages.success(request, _("Your appointment is cancelled. We have emailed you a confirmation."))
        return redirect("messaging:answer", practice_slug=practice.slug, token=token)
    return _answer_render(request, practice, appointment, token, "messaging/answer/cancel.html")
