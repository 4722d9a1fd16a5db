"""Self check-in at the practice: /p/<practice>/arrive/<key>/ on the tablet kiosk (``?kiosk=1``) or on
the patient's own phone after scanning the QR code at the desk.

The key in the address is the practice's ``FlowSettings.arrival_key`` (a wrong one answers 404). The
patient types their date of birth and the first letters of their last name; on one match they see
only their first name, last initial, time and provider, and confirm. On the kiosk the last screen
keeps no patient detail and returns to the start by itself.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patients.services import record_patient_viewed

from .. import arrival, checkin_links
from ..forms.arrival import ArrivalForm
from ..models import ChangeSource
from ..selectors import arrival as arrival_selectors
from ..services import flow as flow_services

KIOSK_RETURN_SECONDS = 20


def _settings_or_404(practice_slug: str, key: str):
    flow = arrival_selectors.flow_settings_for_key(practice_slug=practice_slug, key=key)
    if flow is None:
        raise Http404
    return flow


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"  # the key never leaves in a Referer
    return response


def _zone(appointment) -> ZoneInfo:
    return ZoneInfo(appointment.location.timezone or appointment.practice.timezone)


def _is_kiosk(request: HttpRequest) -> bool:
    return request.GET.get("kiosk") == "1"


def _start_url(practice_slug: str, key: str, kiosk: bool) -> str:
    url = reverse("frontdesk:arrive", kwargs={"practice_slug": practice_slug, "key": key})
    return url + "?kiosk=1" if kiosk else url


def _render_start(request, practice, key: str, kiosk: bool, form, *, problem: str = "", status: int = 200):
    context = {
        "practice": practice,
        "form": form,
        "kiosk": kiosk,
        "problem": problem,
        "action": _start_url(practice.slug, key, kiosk),
    }
    return _private(render(request, "frontdesk/arrival/start.html", context, status=status))


def _too_many_tries(request, practice, key: str, kiosk: bool) -> HttpResponse:
    problem = _("Too many tries. Please wait a few minutes and try again, or see the front desk.")
    return _render_start(request, practice, key, kiosk, ArrivalForm(), problem=problem, status=429)


@require_http_methods(["GET", "POST"])
def arrive(request: HttpRequest, practice_slug: str, key: str) -> HttpResponse:
    practice = _settings_or_404(practice_slug, key).practice
    kiosk = _is_kiosk(request)
    if request.method == "GET":
        return _render_start(request, practice, key, kiosk, ArrivalForm())
    form = ArrivalForm(request.POST)
    if arrival.is_throttled(request=request, practice_id=practice.pk):
        return _too_many_tries(request, practice, key, kiosk)
    if not form.is_valid():
        return _render_start(request, practice, key, kiosk, form, status=400)
    born = form.cleaned_data["date_of_birth"]
    if arrival.is_throttled(request=request, practice_id=practice.pk, date_of_birth=born):
        return _too_many_tries(request, practice, key, kiosk)
    appointment = arrival_selectors.find_todays_appointment(
        practice=practice,
        date_of_birth=born,
        last_name_start=form.cleaned_data["last_name_start"],
        now=timezone.now(),
    )
    if appointment is None:
        arrival.record_failed_try(request=request, practice_id=practice.pk, date_of_birth=born)
        problem = _("We could not find your appointment today — please see the front desk.")
        return _render_start(request, practice, key, kiosk, ArrivalForm(), problem=problem)
    patient = appointment.patient
    # Someone at the desk sees a patient's first name, initial and time: an access, audited as such.
    record_patient_viewed(patient=patient, summary=f"self check-in match shown ({'kiosk' if kiosk else 'qr'})")
    context = {
        "practice": practice,
        "kiosk": kiosk,
        "first_name": patient.first_name,
        "last_initial": (patient.last_name or " ")[0].upper(),
        "local_start": timezone.localtime(appointment.start, _zone(appointment)),
        "provider_name": appointment.provider.display_name,
        "token": arrival.confirm_token(appointment),
        "confirm_url": reverse("frontdesk:arrive_confirm", kwargs={"practice_slug": practice.slug, "key": key})
        + ("?kiosk=1" if kiosk else ""),
        "start_url": _start_url(practice.slug, key, kiosk),
    }
    with timezone.override(_zone(appointment)):
        return _private(render(request, "frontdesk/arrival/confirm.html", context))


@require_POST
def arrive_confirm(request: HttpRequest, practice_slug: str, key: str) -> HttpResponse:
    practice = _settings_or_404(practice_slug, key).practice
    kiosk = _is_kiosk(request)
    start_url = _start_url(practice.slug, key, kiosk)
    appointment = arrival.appointment_for_confirm_token(practice=practice, token=request.POST.get("token", ""))
    if appointment is None:
        messages.error(request, _("That took a little long. Please start again."))
        return redirect(start_url)
    source = ChangeSource.KIOSK if kiosk else ChangeSource.QR
    try:
        _visit, _changed = flow_services.record_arrival(appointment=appointment, source=source)
    except flow_services.FlowRefused:
        messages.error(request, _("We could not check you in here — please see the front desk."))
        return redirect(start_url)
    if not kiosk:
        messages.success(request, _("Thank you! You're checked in. Please take a seat."))
        return redirect(checkin_links.visit_path(appointment, wait_only=True))
    context = {"practice": practice, "start_url": start_url, "return_seconds": KIOSK_RETURN_SECONDS}
    return _private(render(request, "frontdesk/arrival/done.html", context))
