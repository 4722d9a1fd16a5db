"""The patient portal's home page: the patient's details and upcoming visits (each with its manage
link), and the way to book or see the waitlist.

It lists appointments, so it lives here rather than in ``patients`` (which scheduling depends on); it
keeps its URL name ``patients:portal`` (``config/urls.py`` mounts ``urls_portal.py`` in that
namespace). The details page, sign-in and sign-out stay in ``patients``."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from patients import selectors as patient_selectors
from patients import services as patient_services
from practices.selectors import practice_by_slug_or_404


def portal(request: HttpRequest, practice_slug: str) -> HttpResponse:
    practice = practice_by_slug_or_404(slug=practice_slug)
    patient = patient_selectors.patient_for_session(practice=practice, session=request.session)
    if patient is None:
        return redirect("patients:sign_in", practice_slug=practice.slug)
    patient_services.record_patient_viewed(patient=patient, actor_patient=patient, summary="portal")
    return render(request, "scheduling/portal/home.html", {"practice": practice, "patient": patient})
