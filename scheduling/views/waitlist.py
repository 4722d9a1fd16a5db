"""Patient waitlist pages: join from a manage link or from the portal, leave, answer an offer.

Strangers learn nothing: a forged or foreign manage token, offer token or entry id is a 404.
An offer that is gone (taken, expired) is a kind page, never an error.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patients.models import Patient
from patients.selectors import patient_for_session
from practices.models import Practice, Weekday
from practices.selectors import practice_by_slug_or_404

from ..forms.waitlist import AppointmentWaitlistForm, JoinWaitlistForm
from ..manage_links import appointment_for_token
from ..models import Appointment, DayPart, OfferStatus, WaitlistEntry
from ..selectors import booking as booking_selectors
from ..selectors import waitlist as wl
from ..services import waitlist as waitlist_services
from ..services.waitlist import OUTCOME_OF_STATUS, Outcome, WaitlistError


def _describe(entry: WaitlistEntry) -> dict:
    """An entry's wishes in words (the template shows them as a list)."""
    return {
        "entry": entry,
        "days": [Weekday(int(d)).label for d in entry.weekdays] or [_("Any day")],
        "parts": [DayPart(p).label for p in entry.day_parts] or [_("Any time of day")],
    }


def _appointment_or_404(request: HttpRequest, practice_slug: str, token: str) -> tuple[Practice, Appointment]:
    practice = practice_by_slug_or_404(slug=practice_slug)
    appointment = appointment_for_token(practice, token)
    if appointment is None:
        raise Http404
    return practice, appointment


def _speak_patients_language(request: HttpRequest, patient: Patient) -> None:
    """Pages opened from an email speak the patient's language unless this browser chose one."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and patient.preferred_language:
        translation.activate(patient.preferred_language)
        request.LANGUAGE_CODE = patient.preferred_language


# --- from the manage link ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def waitlist_from_appointment(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    practice, appointment = _appointment_or_404(request, practice_slug, token)
    _speak_patients_language(request, appointment.patient)
    context = {"practice": practice, "appointment": appointment, "token": token}
    if not appointment.is_active or appointment.start <= timezone.now():
        return render(request, "scheduling/waitlist/appointment_closed.html", context)
    form = AppointmentWaitlistForm(
        request.POST or None,
        appointment=appointment,
        appointment_day=practice.local_date(appointment.start),
        today=practice.local_date(timezone.now()),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waitlist_services.join_waitlist(
                practice=practice,
                patient=appointment.patient,
                visit_type=appointment.visit_type,
                appointment=appointment,
                location=data["location"],
                earliest_day=practice.local_date(timezone.now()),
                latest_day=data["latest_day"],
                weekdays=data["weekdays"],
                day_parts=data["day_parts"],
            )
        except WaitlistError:
            form.add_error(None, _("We could not add you to the waitlist. Please check your choices."))
        else:
            messages.success(request, _("You are on the waitlist. We will email you if an earlier time opens."))
            return redirect("scheduling:waitlist_from_appointment", practice_slug=practice.slug, token=token)
    context |= {"form": form, "entries": [_describe(e) for e in wl.entries_for_appointment(appointment)]}
    return render(request, "scheduling/waitlist/from_appointment.html", context)


@require_POST
def waitlist_withdraw_from_appointment(request: HttpRequest, practice_slug: str, token: str, pk: int) -> HttpResponse:
    practice, appointment = _appointment_or_404(request, practice_slug, token)
    entry = wl.entries_for_appointment(appointment).filter(pk=pk).first()
    if entry is None:
        raise Http404
    waitlist_services.withdraw_entry(entry=entry, actor_patient=appointment.patient)
    messages.success(request, _("You are off the waitlist. Your visit stays booked."))
    return redirect("scheduling:waitlist_from_appointment", practice_slug=practice.slug, token=token)


# --- signed-in patients -----------------------------------------------------------------------


def _sign_in_needed(request: HttpRequest, practice: Practice) -> HttpResponse:
    sign_in = reverse("patients:sign_in", args=[practice.slug]) + "?" + urlencode({"next": request.get_full_path()})
    return render(request, "scheduling/waitlist/sign_in_needed.html", {"practice": practice, "sign_in_url": sign_in})


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def waitlist_join(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    patient = patient_for_session(practice=practice, session=request.session)
    if patient is None:
        return _sign_in_needed(request, practice)
    today = practice.local_date(timezone.now())
    initial = {name: _int_or_none(request.GET.get(name)) for name in ("visit_type", "location", "provider")}
    form = JoinWaitlistForm(
        request.POST or None,
        practice=practice,
        today=today,
        initial={k: v for k, v in initial.items() if v},
        patient_kind=booking_selectors.patient_kind_of(practice, patient),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waitlist_services.join_waitlist(
                practice=practice,
                patient=patient,
                visit_type=data["visit_type"],
                location=data["location"],
                provider=data["provider"],
                earliest_day=today,
                latest_day=data["latest_day"],
                weekdays=data["weekdays"],
                day_parts=data["day_parts"],
            )
        except WaitlistError:
            form.add_error(None, _("We could not add you to the waitlist. Please check your choices."))
        else:
            messages.success(request, _("You are on the waitlist. We will email you when a time opens."))
            return redirect("scheduling:waitlist_mine", practice_slug=practice.slug)
    return render(request, "scheduling/waitlist/join.html", {"practice": practice, "patient": patient, "form": form})


def waitlist_mine(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    patient = patient_for_session(practice=practice, session=request.session)
    if patient is None:
        return _sign_in_needed(request, practice)
    entries = [_describe(e) for e in wl.entries_for_patient(practice, patient)]
    return render(request, "scheduling/waitlist/mine.html", {"practice": practice, "entries": entries})


@require_POST
def waitlist_withdraw(request: HttpRequest, practice_slug: str, pk: int) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    patient = patient_for_session(practice=practice, session=request.session)
    entry = wl.entry_for_patient(practice, patient, pk) if patient is not None else None
    if entry is None:
        raise Http404
    waitlist_services.withdraw_entry(entry=entry, actor_patient=patient)
    messages.success(request, _("You are off the waitlist."))
    return redirect("scheduling:waitlist_mine", practice_slug=practice.slug)


# --- offers -----------------------------------------------------------------------------------

_OUTCOME_TEMPLATES = {
    Outcome.BOOKED: "scheduling/waitlist/offer_booked.html",
    Outcome.TAKEN: "scheduling/waitlist/offer_taken.html",
    Outcome.EXPIRED: "scheduling/waitlist/offer_expired.html",
    Outcome.DECLINED: "scheduling/waitlist/offer_declined.html",
    Outcome.CLOSED: "scheduling/waitlist/offer_closed.html",
}


@require_http_methods(["GET", "POST"])
def waitlist_offer(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    """GET shows the offer (mail scanners that follow links change nothing); POST accepts or declines."""
    practice = practice_by_slug_or_404(slug=practice_slug)
    offer = wl.offer_for_token(practice, token)
    if offer is None:
        raise Http404
    signed_in = patient_for_session(practice=practice, session=request.session)
    if signed_in is not None and signed_in.pk != offer.entry.patient_id:
        raise Http404  # another patient's offer, opened in this patient's session
    _speak_patients_language(request, offer.entry.patient)
    context = {"practice": practice, "offer": offer, "token": token}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "accept":
            result = waitlist_services.accept_offer(offer=offer)
        elif action == "decline":
            result = waitlist_services.decline_offer(offer=offer)
        else:
            context["problem"] = _("Choose whether to take this time or not.")
            return render(request, "scheduling/waitlist/offer.html", context, status=400)
        context |= {"offer": result.offer, "appointment": result.appointment}
        return render(request, _OUTCOME_TEMPLATES[result.outcome], context)
    if offer.status != OfferStatus.SENT:
        return render(request, _OUTCOME_TEMPLATES[OUTCOME_OF_STATUS[offer.status]], context)
    if offer.expires_at <= timezone.now():
        return render(request, _OUTCOME_TEMPLATES[Outcome.EXPIRED], context)
    return render(request, "scheduling/waitlist/offer.html", context)
