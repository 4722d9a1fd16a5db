"""The patient's visit link /p/<practice>/visit/<token>/: the appointment, online check-in, "I'm here"
on the day, and the live wait (an htmx partial the page polls).

The signed token names the appointment and its patient; a forged or foreign token (or another
practice's address) answers 404 with a page that says the link is not valid. GET only shows; POST acts.

The link alone shows what the reminder already says (when, with whom, where), "I'm here" and the wait:
nothing about the patient. The check-in form (phone, email, insurance) asks first for the date of birth
(``visit_verify``; ``frontdesk/visit_identity.py``), throttled per visit.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients.language import patient_language
from patients.models import Coverage
from patients.services import record_patient_viewed
from practices.selectors import practice_by_slug_or_404

from .. import checkin_links, visit_identity
from ..forms.checkin import CheckInForm, VisitIdentityForm
from ..models import ChangeSource, FlowStatus
from ..selectors import checkin as checkin_selectors
from ..selectors.flow import flow_status_of
from ..selectors.wait import wait_estimate
from ..services import checkin
from ..services import flow as flow_services

HERE_OPENS_BEFORE = timedelta(hours=2)
# "It's your turn!" from the provider's arrival on; Roomed (in the exam room, the provider not yet in) has
# its own line, with the wait for the provider.
CALLED = (FlowStatus.WITH_PROVIDER, FlowStatus.CHECKOUT)


class _InvalidLink(Exception):
    def __init__(self, practice):
        self.practice = practice


def _zone(appointment) -> ZoneInfo:
    return ZoneInfo(appointment.location.timezone or appointment.practice.timezone)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer
    return response


def _invalid_link(request: HttpRequest, practice) -> HttpResponse:
    return _private(render(request, "frontdesk/patient/invalid_link.html", {"practice": practice}, status=404))


def _appointment_for(practice_slug: str, token: str):
    practice = practice_by_slug_or_404(slug=practice_slug)
    appointment = checkin_links.appointment_for_token(practice, token)
    if appointment is None:
        raise _InvalidLink(practice)
    return practice, appointment


def _link_view(view=None, *, wait_only_allowed: bool = True):
    """Resolve the token first; a bad one gets the "link is not valid" page, whatever the method.

    ``wait_only_allowed=False``: the page shows or changes the patient's details, which a wait-only
    link (from the QR check-in) must not reach.
    """
    if view is None:
        return functools.partial(_link_view, wait_only_allowed=wait_only_allowed)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
        try:
            practice, appointment = _appointment_for(practice_slug, token)
            if not wait_only_allowed and checkin_links.is_wait_only(token):
                raise _InvalidLink(practice)
        except _InvalidLink as invalid:
            return _invalid_link(request, invalid.practice)
        with (
            translation.override(patient_language(request, appointment.patient.preferred_language)),
            timezone.override(_zone(appointment)),
        ):
            return _private(view(request, practice, appointment, token))

    return wrapped


def _here_state(appointment, now: datetime) -> str | None:
    """Why "I'm here" cannot be used now (a message), or None when it can."""
    if appointment.status in checkin.GONE_APPOINTMENT_STATUSES:
        return _("This appointment was cancelled.")
    if not flow_services.is_today(appointment, now):
        return _("You can tell us you are here only on the day of your visit.")
    if now < appointment.start - HERE_OPENS_BEFORE:
        opens = timezone.localtime(appointment.start - HERE_OPENS_BEFORE)
        return _("You can tell us you are here from %(time)s.") % {"time": formats.time_format(opens)}
    status = flow_status_of(appointment)
    if status in (FlowStatus.NO_SHOW, FlowStatus.LEFT):
        return _("Please see the front desk.")
    if status != FlowStatus.SCHEDULED:
        return _("You are already checked in.")
    return None


def _on_day(appointment, now: datetime) -> bool:
    """The visit is today and still on: the page shows the live part and polls it."""
    return flow_services.is_today(appointment, now) and appointment.status not in checkin.GONE_APPOINTMENT_STATUSES


def _live_context(appointment, now: datetime) -> dict:
    status = flow_status_of(appointment)
    on_day = _on_day(appointment, now)
    estimate = wait_estimate(appointment=appointment, now=now) if on_day else None
    return {
        "on_day": on_day,
        "status": status,
        "arrived": status == FlowStatus.ARRIVED,
        "roomed": status == FlowStatus.ROOMED,
        "called": status in CALLED,
        "finished": status == FlowStatus.DONE,
        "no_show": status == FlowStatus.NO_SHOW,
        "left": status == FlowStatus.LEFT,
        "estimate": estimate,
        "provider_name": appointment.provider.display_name,
        "phone": appointment.location.phone or appointment.practice.phone,
    }


def _live_html(request: HttpRequest, appointment, now: datetime) -> tuple[str, str]:
    """The live part's content and a short hash of it (the poll asks "has it changed since?")."""
    content = render_to_string("frontdesk/patient/_live.html", _live_context(appointment, now), request=request)
    return content, hashlib.sha256(content.encode()).hexdigest()[:12]


def _visit_context(request: HttpRequest, practice, appointment, token: str, now: datetime) -> dict:
    state = checkin.check_in_state(appointment, now)
    live, version = _live_html(request, appointment, now)
    here_refusal = _here_state(appointment, now)
    on_day = _on_day(appointment, now)
    kwargs = {"practice_slug": practice.slug, "token": token}
    wait_only = checkin_links.is_wait_only(token)
    return {
        "wait_only": wait_only,
        "practice": practice,
        "appointment": appointment,
        "local_start": timezone.localtime(appointment.start),
        "opens_at": timezone.localtime(checkin.opens_at(appointment)),
        "phone": appointment.location.phone or practice.phone,
        "state": state,
        "flow_status": flow_status_of(appointment),
        "can_update": state == checkin.DONE and now < appointment.start,
        "on_day": on_day,
        "show_here": here_refusal is None,
        "live": live,
        "live_version": version,
        "poll": settings.WAIT_PAGE_POLL_SECONDS,
        "status_url": reverse("frontdesk:visit_status", kwargs=kwargs),
        "here_url": reverse("frontdesk:visit_here", kwargs=kwargs),
        "check_in_url": reverse("frontdesk:check_in", kwargs=kwargs),
    }


@require_GET
@_link_view
def visit(request: HttpRequest, practice, appointment, token: str) -> HttpResponse:
    context = _visit_context(request, practice, appointment, token, timezone.now())
    return render(request, "frontdesk/patient/visit.html", context)


@require_GET
@_link_view
def visit_status(request: HttpRequest, practice, appointment, token: str) -> HttpResponse:
    """The live part only; 204 (htmx leaves the page alone) when nothing changed since ``?v=``."""
    now = timezone.now()
    live, version = _live_html(request, appointment, now)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    context = {
        "live": live,
        "live_version": version,
        "poll": settings.WAIT_PAGE_POLL_SECONDS,
        "status_url": reverse("frontdesk:visit_status", kwargs={"practice_slug": practice.slug, "token": token}),
        "on_day": _on_day(appointment, now),
    }
    return render(request, "frontdesk/patient/_poller.html", context)


@require_POST
@_link_view
def visit_here(request: HttpRequest, practice, appointment, token: str) -> HttpResponse:
    now = timezone.now()
    refusal = _here_state(appointment, now)
    if refusal is None:
        try:
            _visit, changed = flow_services.record_arrival(appointment=appointment, source=ChangeSource.PHONE, now=now)
        except flow_services.FlowRefused:
            messages.error(request, _("We could not check you in online. Please see the front desk."))
        else:
            if changed:
                messages.success(request, _("Thank you! You're checked in. Please take a seat."))
            else:
                messages.info(request, _("You are already checked in."))
    else:
        messages.error(request, refusal)
    return redirect("frontdesk:visit", practice_slug=practice.slug, token=token)


REFUSED = {
    checkin.CANCELLED: gettext_noop("This appointment was cancelled, so there is nothing to check in."),
    checkin.TOO_EARLY: gettext_noop("Online check-in opens on %(date)s at %(time)s."),
    checkin.PAST: gettext_noop("This visit was on %(date)s; this link has expired."),
    checkin.CheckInRefused.STARTED: gettext_noop(
        "Your visit has started, so your check-in can no longer be changed online."
    ),
    checkin.CheckInRefused.POLICIES: gettext_noop("Please accept each of the practice's policies."),
    checkin.CheckInRefused.ANSWERS: gettext_noop("Please answer each question marked as required."),
    checkin.CheckInRefused.DETAILS: gettext_noop("Please check your contact and insurance details."),
}


def refusal_message(reason: str, appointment) -> str:
    """Why online check-in cannot be done, in the active language and time zone."""
    start = timezone.localtime(appointment.start)
    opens = timezone.localtime(checkin.opens_at(appointment))
    when = opens if reason == checkin.TOO_EARLY else start
    return _(REFUSED[reason]) % {
        "date": formats.date_format(when, "DATE_FORMAT"),
        "time": formats.time_format(when),
    }


def _initial(appointment) -> dict:
    patient = appointment.patient
    existing = getattr(appointment, "online_check_in", None)
    initial = {
        "phone": patient.phone,
        "email": patient.email,
        "self_pay": patient.coverage == Coverage.SELF_PAY,
        "insurance_carrier": patient.insurance_carrier,
        "insurance_member_id": patient.insurance_member_id,
    }
    if existing is not None:
        for question_id, answer in existing.answers.items():
            initial[f"question_{question_id}"] = answer
        for acknowledged in existing.policies_acknowledged:
            initial[f"policy_{acknowledged['id']}"] = True
    return initial


def _check_in_refusal(appointment, now: datetime) -> str | None:
    """Why online check-in cannot be done or changed now (a reason code), or None."""
    state = checkin.check_in_state(appointment, now)
    if state not in (checkin.OPEN, checkin.DONE):
        return state
    if state == checkin.DONE and now >= appointment.start:
        return checkin.CheckInRefused.STARTED
    return None


def _base_context(practice, appointment, token: str) -> dict:
    return {
        "practice": practice,
        "appointment": appointment,
        "local_start": timezone.localtime(appointment.start),
        "phone": appointment.location.phone or practice.phone,
        "visit_url": reverse("frontdesk:visit", kwargs={"practice_slug": practice.slug, "token": token}),
    }


def _too_many_tries(seconds: int) -> str:
    minutes = visit_identity.wait_minutes(seconds)
    return ngettext(
        "Too many tries. To keep your details safe, please wait %(minutes)s minute and try again, "
        "or check in at the front desk.",
        "Too many tries. To keep your details safe, please wait %(minutes)s minutes and try again, "
        "or check in at the front desk.",
        minutes,
    ) % {"minutes": minutes}


@require_http_methods(["GET", "POST"])
@_link_view(wait_only_allowed=False)
def visit_verify(request: HttpRequest, practice, appointment, token: str) -> HttpResponse:
    """The date of birth before the check-in form; a right answer is remembered for this visit."""
    check_in_url = reverse("frontdesk:check_in", kwargs={"practice_slug": practice.slug, "token": token})
    if _check_in_refusal(appointment, timezone.now()) or visit_identity.is_verified(request.session, appointment):
        return redirect(check_in_url)  # says why it is closed, or shows the form
    base = _base_context(practice, appointment, token)

    def page(form, *, problem: str = "", status: int = 200) -> HttpResponse:
        context = {**base, "form": form, "problem": problem}
        return render(request, "frontdesk/patient/verify.html", context, status=status)

    if request.method == "GET":
        return page(VisitIdentityForm())
    if wait := visit_identity.wait_seconds(request, appointment):
        return page(VisitIdentityForm(), problem=_too_many_tries(wait), status=429)
    form = VisitIdentityForm(request.POST)
    if not form.is_valid():
        return page(form, status=400)
    if not visit_identity.date_of_birth_matches(appointment, form.cleaned_data["date_of_birth"]):
        visit_identity.record_wrong_answer(request, appointment)
        if wait := visit_identity.wait_seconds(request, appointment):
            return page(VisitIdentityForm(), problem=_too_many_tries(wait), status=429)
        problem = _("This date of birth does not match our records for this visit. Please check it and try again.")
        return page(VisitIdentityForm(), problem=problem, status=400)
    request.session.cycle_key()
    visit_identity.remember_verified(request.session, appointment)
    return redirect(check_in_url)


@require_http_methods(["GET", "POST"])
@_link_view(wait_only_allowed=False)
def check_in(request: HttpRequest, practice, appointment, token: str) -> HttpResponse:
    now = timezone.now()
    base = _base_context(practice, appointment, token)
    refusal = _check_in_refusal(appointment, now)
    if refusal:
        text = refusal_message(refusal, appointment)
        if request.method == "POST":
            messages.error(request, text)
            return redirect("frontdesk:visit", practice_slug=practice.slug, token=token)
        return render(request, "frontdesk/patient/check_in_closed.html", {**base, "refusal": text})
    if not visit_identity.is_verified(request.session, appointment):
        # Nothing personal is shown or changed before the date of birth (a POST changes nothing).
        return redirect("frontdesk:visit_verify", practice_slug=practice.slug, token=token)

    existing = getattr(appointment, "online_check_in", None)
    language = translation.get_language()
    form_kwargs: dict[str, Any] = {
        "questions": checkin_selectors.active_questions(practice),
        "policies": checkin_selectors.active_policies(practice),
        "language": language,
        "has_cards": (bool(existing and existing.card_front), bool(existing and existing.card_back)),
    }
    if request.method == "POST":
        form = CheckInForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                checkin.complete_online_check_in(
                    appointment=appointment,
                    phone=data["phone"],
                    email=data["email"],
                    self_pay=data["self_pay"],
                    insurance_carrier=data["insurance_carrier"],
                    insurance_member_id=data["insurance_member_id"],
                    card_front=data["card_front"],
                    card_back=data["card_back"],
                    answers=form.answers(),
                    acknowledged_policy_ids=form.acknowledged_policy_ids(),
                    now=now,
                )
            except checkin.CheckInRefused as refused:
                form.add_error(None, refusal_message(refused.reason, appointment))
            else:
                if existing is None:
                    messages.success(request, _("Thank you! You're checked in online. See you soon."))
                else:
                    messages.success(request, _("Your check-in is updated."))
                return redirect("frontdesk:visit", practice_slug=practice.slug, token=token)
        status = 400
    else:
        form = CheckInForm(initial=_initial(appointment), **form_kwargs)
        status = 200
        record_patient_viewed(
            patient=appointment.patient, actor_patient=appointment.patient, summary="online check-in form"
        )
    context = {**base, "form": form, "updating": existing is not None}
    return render(request, "frontdesk/patient/check_in.html", context, status=status)
