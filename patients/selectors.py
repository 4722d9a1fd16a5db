"""Scoped reads for patients: staff see their practice's patients; a patient sees only self."""

import operator
from datetime import date
from functools import reduce

from django.contrib.sessions.backends.base import SessionBase
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from practices.models import Practice

from . import search_index
from .models import Patient, email_search_key, search_key


def _search_word_keys(word: str) -> list[str]:
    """What one typed word may be the start of in ``Patient.search_text``: name words, an email, a phone word."""
    keys = [search_key(word), email_search_key(word), "".join(ch for ch in word if ch.isdigit())]
    return [key for key in dict.fromkeys(keys) if key]


def search_patients(*, practice: Practice, query: str = "") -> QuerySet[Patient]:
    """Patients each of whose typed words is the start of a word of the name, ignoring case, accents and
    punctuation ("jose munoz", "JOSÉ MUÑ" and "mun" find José Muñoz), the start of the email, or the start of
    the phone number, its local seven digits or its last four ("253-1159", "1159")."""
    words = [keys for keys in map(_search_word_keys, query.replace("\x00", "").split()) if keys]
    if not words:
        return Patient.objects.filter(practice=practice).order_by("last_name", "first_name")
    # The search index finds the rows and the practice is compared on them (practice_id + 0 uses no index).
    # Offered the practice's name index, both databases walk the practice's patients in name order for the
    # first page, testing each row (100 ms at 50,000 patients when the matches sort late, as "smi" does).
    patients = Patient.objects.alias(practice_compared=F("practice_id") + 0).filter(practice_compared=practice.pk)
    if connection.vendor == "sqlite":
        expression = " AND ".join("(" + " OR ".join(f'"{key}"*' for key in keys) + ")" for keys in words)
        matched = RawSQL(search_index.SQLITE_MATCHING_IDS, [expression])  # noqa: S611 - the words are a parameter
        patients = patients.filter(pk__in=matched)
    else:
        for keys in words:
            patients = patients.filter(reduce(operator.or_, (Q(search_text__contains=f" {key}") for key in keys)))
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
