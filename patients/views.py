from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import limits
from practices.access import PATIENT_EDITORS, StaffRequest, staff_view
from practices.models import Practice
from practices.selectors import practice_by_slug_or_404

from . import selectors, services
from .forms import PatientContactForm, PatientForm, SignInRequestForm
from .models import Patient

PATIENT_SESSION_KEYS = ("patient_id", "patient_practice_id")


# --- Staff ------------------------------------------------------------------------------


def _get_patient_for_staff(request: StaffRequest, pk: int) -> Patient:
    """404 for anything outside the practice in the URL; every open is audited."""
    patient = selectors.patient_for_practice_or_404(practice=request.practice, pk=pk)
    services.record_patient_viewed(patient=patient, actor_user=request.user)
    return patient


@staff_view()
def patient_list(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.search_patients(practice=request.practice, query=query), 25).get_page(
        request.GET.get("page")
    )
    services.record_patient_list_viewed(
        practice=request.practice, actor_user=request.user, page_number=page.number, shown=len(page.object_list)
    )
    template = "patients/staff/_results.html" if request.htmx else "patients/staff/list.html"
    return render(request, template, {"page": page, "query": query})


@staff_view()
def patient_detail(request: StaffRequest, pk: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, pk)
    return render(request, "patients/staff/detail.html", {"patient": patient})


@staff_view(PATIENT_EDITORS)
@require_http_methods(["GET", "POST"])
def patient_create(request: StaffRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = services.create_patient(practice=request.practice, actor_user=request.user, **form.cleaned_data)
        messages.success(request, _("Patient added."))
        return redirect("patients:staff_detail", practice_slug=request.practice.slug, pk=patient.pk)
    return render(request, "patients/staff/form.html", {"form": form})


@staff_view(PATIENT_EDITORS)
@require_http_methods(["GET", "POST"])
def patient_edit(request: StaffRequest, pk: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, pk)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        services.update_patient(patient=patient, actor_user=request.user, **form.cleaned_data)
        messages.success(request, _("Patient details saved."))
        return redirect("patients:staff_detail", practice_slug=request.practice.slug, pk=patient.pk)
    return render(request, "patients/staff/form.html", {"form": form, "patient": patient})


# --- Patients ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    _remember_next_page(request, practice)
    form = SignInRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not limits.email_request_exceeded(request, purpose="sign-in", email=email):
            services.request_sign_in_links(practice=practice, email=email)
        # The same answer whether or not the address is on file, and when throttled: nobody learns
        # who is a patient, nor that a limit was reached.
        return render(request, "patients/sign_in_sent.html", {"practice": practice})
    return render(request, "patients/sign_in.html", {"practice": practice, "form": form})


NEXT_PAGE_KEY = "patient_sign_in_next"


def _remember_next_page(request: HttpRequest, practice: Practice) -> None:
    """Keep ``?next=`` for after sign-in when it is one of this practice's own patient pages.

    Kept in the session, not the emailed link: the link then works in any browser, and only the
    browser that asked returns to where it was.
    """
    next_page = request.GET.get("next", "")
    if (
        next_page
        and url_has_allowed_host_and_scheme(next_page, allowed_hosts={request.get_host()})
        and next_page.startswith(f"/p/{practice.slug}/")
    ):
        request.session[NEXT_PAGE_KEY] = next_page


@require_http_methods(["GET", "POST"])
def sign_in_confirm(request: HttpRequest, practice_slug: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that follow links must not use them up); POST signs in."""
    practice = practice_by_slug_or_404(slug=practice_slug)
    if request.method == "GET":
        link = services.find_usable_link(practice=practice, token=token)
        if link is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            # The email went out in the patient's language; the page it opens speaks it too,
            # unless this browser has chosen a language already.
            translation.activate(link.patient.preferred_language)
            request.LANGUAGE_CODE = link.patient.preferred_language
        context = {"practice": practice, "usable": link is not None}
        return render(request, "patients/sign_in_confirm.html", context, status=200 if link else 410)
    patient = services.redeem_sign_in_link(practice=practice, token=token)
    if patient is None:
        return render(request, "patients/sign_in_confirm.html", {"practice": practice, "usable": False}, status=410)
    request.session.cycle_key()
    request.session["patient_id"] = patient.pk
    request.session["patient_practice_id"] = practice.pk
    request.session["_language"] = patient.preferred_language
    translation.activate(patient.preferred_language)
    next_page = request.session.pop(NEXT_PAGE_KEY, None)
    response = redirect(next_page) if next_page else redirect("patients:portal", practice_slug=practice.slug)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, patient.preferred_language, samesite="Lax")
    return response


def _patient_or_sign_in(request: HttpRequest, practice_slug: str) -> tuple[Practice, Patient | None]:
    practice = practice_by_slug_or_404(slug=practice_slug)
    patient = selectors.patient_for_session(practice=practice, session=request.session)
    return practice, patient


@require_http_methods(["GET", "POST"])
def portal_edit(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice, patient = _patient_or_sign_in(request, practice_slug)
    if patient is None:
        return redirect("patients:sign_in", practice_slug=practice.slug)
    form = PatientContactForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        services.update_patient(patient=patient, actor_patient=patient, **form.cleaned_data)
        messages.success(request, _("Your details are saved."))
        return redirect("patients:portal", practice_slug=practice.slug)
    return render(request, "patients/portal_edit.html", {"practice": practice, "patient": patient, "form": form})


@require_POST
def sign_out(request: HttpRequest, practice_slug: str) -> HttpResponse:
    for key in PATIENT_SESSION_KEYS:
        request.session.pop(key, None)
    request.session.cycle_key()
    return redirect("practices:public", practice_slug=practice_slug)
