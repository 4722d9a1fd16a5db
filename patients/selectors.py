"""Scoped reads for patients: staff see their practice's patients; a patient sees only self."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Patient


def search_patients(*, practice, query: str = "") -> QuerySet[Patient]:
    patients = Patient.objects.filter(practice=practice)
    query = query.replace("\x00", "").strip()  # PostgreSQL refuses NUL characters in text
    if not query:
        return patients.order_by("last_name", "first_name")
    terms = query.split()
    for term in terms:
        patients = patients.filter(
            Q(first_name__istartswith=term)
            | Q(last_name__istartswith=term)
            | Q(email__istartswith=term)
            | Q(phone__contains=term)
        )
    return patients.order_by("last_name", "first_name")


def patient_for_practice_or_404(*, practice, pk: int) -> Patient:
    return get_object_or_404(Patient, practice=practice, pk=pk)


def patient_for_session(*, practice, session) -> Patient | None:
    """The signed-in patient, only if the session belongs to this practice."""
    patient_id = session.get("patient_id")
    if not patient_id or session.get("patient_practice_id") != practice.pk:
        return None
    return Patient.objects.filter(practice=practice, pk=patient_id).select_related("practice").first()
