"""Scoped reads for patients: staff see their practice's patients; a patient sees only self."""

from datetime import date

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from practices.models import Practice

from .models import Patient, search_key


def search_patients(*, practice: Practice, query: str = "") -> QuerySet[Patient]:
    """Patients each of whose words matches the start of a word of the name, ignoring case and accents ("álv",
    "ALV" and "alv" find Álvarez and Alvarez), the start of the email or part of the phone number."""
    patients = Patient.objects.filter(practice=practice)
    query = query.replace("\x00", "").strip()  # PostgreSQL refuses NUL characters in text
    if not query:
        return patients.order_by("last_name", "first_name")
    terms = query.split()
    for term in terms:
        matches = Q(email__istartswith=term) | Q(phone__contains=term)
        key = search_key(term)
        if key:
            matches |= Q(search_name__startswith=key) | Q(search_name__contains=f" {key}")
        patients = patients.filter(matches)
    return patients.order_by("last_name", "first_name")


def patient_for_practice_or_404(*, practice: Practice, pk: int) -> Patient:
    return get_object_or_404(Patient, practice=practice, pk=pk)


def patient_for_session(*, practice: Practice, session: SessionBase) -> Patient | None:
    """The signed-in patient, only if the session belongs to this practice."""
    patient_id = session.get("patient_id")
    if not patient_id or session.get("patient_practice_id") != practice.pk:
        return None
    return Patient.objects.filter(practice=practice, pk=patient_id).select_related("practice").first()


# --- Returning patients who book online ---------------------------------------------------

CONFIDENT = "confident"
DOUBTFUL = "doubtful"
NO_MATCH = "none"


def normalise_name(value: str) -> str:
    """Case, accents, spaces, hyphens and apostrophes do not count: "Rivera-Gutiérrez" = "rivera gutierrez"."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in letters.casefold() if ch.isalnum())


def phone_digits(value: str) -> str:
    """The last ten digits of a phone number (a leading country code 1 does not count)."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return digits[-10:]


def _first_names_agree(given: str, on_file: str) -> bool:
    given, on_file = normalise_name(given), normalise_name(on_file)
    if not given or not on_file:
        return False
    return given == on_file or given[0] == on_file[0]


class PatientMatch:
    """What matching found: ``kind`` is CONFIDENT (then ``patient`` is set), DOUBTFUL or NO_MATCH."""

    __slots__ = ("kind", "patient")

    def __init__(self, kind: str, patient: Patient | None = None) -> None:
        self.kind = kind
        self.patient = patient

    def __repr__(self) -> str:
        return f"PatientMatch({self.kind!r}, patient #{self.patient.pk if self.patient else None})"


def match_returning_patient(
    *,
    practice: Practice,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    phone: str = "",
    email: str = "",
) -> PatientMatch:
    """Find the one patient of ``practice`` who is this returning patient, with confidence, or say why not.

    A candidate has the same date of birth, the same last name once normalised (``normalise_name``)
    and a first name that is the same or starts with the same letter ("Bob" / "Robert" does not
    agree; "Ana" / "Anabelle" does). A candidate is *confirmed* when the phone's digits or the
    casefolded email also agree.

    - exactly one confirmed candidate: CONFIDENT, that patient;
    - several confirmed candidates, or candidates whose phone and email both differ: DOUBTFUL;
    - no candidate: NO_MATCH.

    The caller treats DOUBTFUL and NO_MATCH the same way (a request for the front desk), so nobody
    learns from the answer whether a record exists.
    """
    wanted_last = normalise_name(last_name)
    wanted_phone = phone_digits(phone)
    wanted_email = (email or "").strip().casefold()
    if not wanted_last or date_of_birth is None:
        return PatientMatch(NO_MATCH)
    candidates = [
        p
        for p in Patient.objects.filter(practice=practice, date_of_birth=date_of_birth).order_by("pk")
        if normalise_name(p.last_name) == wanted_last and _first_names_agree(first_name, p.first_name)
    ]
    confirmed = [
        p
        for p in candidates
        if (len(wanted_phone) >= 7 and phone_digits(p.phone) == wanted_phone)
        or (wanted_email and p.email and p.email.strip().casefold() == wanted_email)
    ]
    if len(confirmed) == 1:
        return PatientMatch(CONFIDENT, confirmed[0])
    if confirmed or candidates:
        return PatientMatch(DOUBTFUL)
    return PatientMatch(NO_MATCH)
