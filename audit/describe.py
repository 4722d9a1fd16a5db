"""Audit entries in words a person understands, for the owner's audit log and an appointment's history.

An entry stores developer-shaped facts: ``scheduling.appointment`` #42, ``{"status": {"from": "booked",
"to": "cancelled"}}``, UTC ISO times, ids of related rows. This module turns a page of entries into
what a practice reads: "Appointment for J. Smith, Tue 8 Dec 9:30 AM", "Status: Booked → Cancelled",
"Start: — → Mon 7 Dec 9:00 AM CST". Field names come from the models' ``verbose_name``, codes from
their choices, related ids become names, booleans Yes/No, empty values "—", datetimes the practice's
local time with the zone named. Masked values (protected patient fields) stay exactly as stored.

The records an entry points at, and the rows its changes refer to, are read in one query per model
for the whole page, within the practice. Nothing here writes; the audit models are unchanged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, formats
from django.utils.translation import gettext as _

from .masking import MASK
from .models import AuditEntry

if TYPE_CHECKING:  # audit sits below practices: a name for the type checker only
    from practices.models import Practice

EMPTY = "—"

# The staff page of a record, when there is one: object type -> URL name (args: practice slug, pk).
RECORD_PAGES = {
    "scheduling.appointment": "scheduling:fd_appointment",
    "patients.patient": "patients:staff_detail",
    "scheduling.bookingrequest": "scheduling:fd_booking_request",
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class DescribedEntry:
    entry: AuditEntry
    when: str
    who: str
    action: str
    record: str
    record_url: str = ""
    patient: str = ""
    patient_url: str = ""
    summary: str = ""
    changes: list[Change] = field(default_factory=list)


# --- small formatters (plain values in, words out) ------------------------------------------------


def short_name(first_name: str, last_name: str) -> str:
    """ "J. Smith": the first initial and the last name."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if first and last:
        return f"{first[0]}. {last}"
    return last or first


def local_datetime(value: datetime, tz: ZoneInfo, *, year: bool = False, zone: bool = True) -> str:
    """ "Mon 7 Dec 9:00 AM CST" in the practice's zone (with the year when asked for), the time written
    the active language's one way (``formats.time_format``)."""
    local = value.astimezone(tz)
    day = dateformat.format(local, "D j M Y," if year else "D j M")
    text = f"{day} {formats.time_format(local)}"
    return f"{text} {local.tzname()}" if zone else text


def _is_masked(value: object) -> bool:
    return isinstance(value, str) and (MASK in value or (bool(value) and set(value) == {"*"}))


def _parse_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else None
    return None


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The field's verbose name, capitalised ("Start", "Paying with"), or the key made readable."""
    found = _model_field(model, name)
    label = str(found.verbose_name) if found is not None else name.replace("_", " ")
    return label[:1].upper() + label[1:]


def value_words(value: object, found: models.Field | None, tz: ZoneInfo, related: dict) -> str:
    """One stored change value as a person reads it."""
    if value is None or value == "":
        return EMPTY
    if _is_masked(value):
        return str(value)
    if isinstance(value, bool) or isinstance(found, models.BooleanField):
        return _("Yes") if value in (True, "True", "true", 1) else _("No")
    if found is not None and found.choices:
        return str(dict(found.flatchoices).get(value, value))
    if isinstance(found, models.ForeignKey):
        return related.get((found.related_model, str(value)), f"#{value}")
    if isinstance(found, models.DateTimeField) or (found is None and _parse_datetime(value)):
        moment = _parse_datetime(value)
        return local_datetime(moment, tz) if moment else str(value)
    if isinstance(found, models.DateField):
        try:
            return dateformat.format(date.fromisoformat(str(value)), "j M Y")
        except ValueError:
            return str(value)
    return str(value)


# --- records ---------------------------------------------------------------------------------------


def _record_words(obj: Any, tz: ZoneInfo) -> tuple[str, Any]:
    """What the record is, and its patient if it has one. (``obj`` is any model's row: audit sits below
    the apps whose records it names, so it reads their fields by name, untyped.)"""
    label = obj._meta.label_lower
    if label == "scheduling.appointment":
        who = short_name(obj.patient.first_name, obj.patient.last_name)
        when = local_datetime(obj.start, tz, zone=False)
        return _("Appointment for %(patient)s, %(when)s") % {"patient": who, "when": when}, obj.patient
    if label == "patients.patient":
        return _("Patient %(name)s") % {"name": short_name(obj.first_name, obj.last_name)}, obj
    name = str(obj._meta.verbose_name)
    return f"{name[:1].upper()}{name[1:]}: {obj}", getattr(obj, "patient", None)


def _choice_label(model_label: str, field_name: str, code: str) -> str:
    found = _model_field(_model(model_label), field_name)
    return str(dict(found.flatchoices).get(code, code)) if found is not None and found.choices else code


def summary_words(object_type: str, summary: str) -> str:
    """An appointment's recorded summary ("booked online; outside the rules: …", "cancelled (weather)")
    in words; other summaries are already plain English and shown as recorded."""
    if object_type != "scheduling.appointment" or not summary:
        return summary
    head, _sep, rest = summary.partition("; ")
    if booked := re.fullmatch(r"booked (\w+)", head):
        via = _choice_label("scheduling.appointment", "booked_via", booked.group(1))
        head = _("Booked (%(via)s)") % {"via": via}
    elif cancelled := re.fullmatch(r"cancelled \((\w+)\)", head):
        reason = _choice_label("scheduling.appointment", "cancellation_reason", cancelled.group(1))
        head = _("Cancelled: %(reason)s") % {"reason": reason}
    elif head == "rescheduled":
        head = _("Rescheduled")
    if rest.startswith("outside the rules: "):
        rest = _("booked outside the rules: %(reason)s") % {"reason": rest.removeprefix("outside the rules: ")}
    return f"{head}; {rest}" if rest else head


def _fetch(model: type[models.Model], pks: set[str], practice: Practice) -> dict[str, models.Model]:
    rows = model._base_manager.filter(pk__in=[pk for pk in pks if pk.isdigit()])
    if _model_field(model, "practice") is not None:
        rows = rows.filter(practice=practice)
    if _model_field(model, "patient") is not None:
        rows = rows.select_related("patient")
    return {str(row.pk): row for row in rows}


def _who(entry: AuditEntry, patients: dict[str, Any]) -> str:
    if entry.actor_user_id:
        user = entry.actor_user
        assert user is not None
        return f"{user.full_name} ({user.email})" if user.full_name else user.email
    if entry.actor_patient_id:
        patient = patients.get(str(entry.actor_patient_id))
        name = short_name(patient.first_name, patient.last_name) if patient else f"#{entry.actor_patient_id}"
        return _("Patient %(name)s") % {"name": name}
    return _("Touchpoints (automatic)")


def describe_entries(entries: Iterable[AuditEntry], *, practice: Practice) -> list[DescribedEntry]:
    """Describe a page of one practice's entries (a few queries for the whole page)."""
    entries = list(entries)
    tz = ZoneInfo(practice.timezone)

    # The records the entries point at, the patients, and every related row named in a change.
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    Patient = apps.get_model("patients.Patient")
    for entry in entries:
        model = _model(entry.object_type)
        if model is not None and entry.object_id:
            wanted[model].add(entry.object_id)
        for pk in (entry.patient_id, entry.actor_patient_id):
            if pk:
                wanted[Patient].add(str(pk))
        for name, change in (entry.changes or {}).items():
            found = _model_field(model, name)
            if isinstance(found, models.ForeignKey) and isinstance(change, dict):
                for value in (change.get("from"), change.get("to")):
                    if value not in (None, "") and not _is_masked(value):
                        wanted[found.related_model].add(str(value))
    fetched = {model: _fetch(model, pks, practice) for model, pks in wanted.items()}
    patients = fetched.get(Patient, {})
    related = {(model, pk): str(row) for model, rows in fetched.items() for pk, row in rows.items()}

    described = []
    for entry in entries:
        model = _model(entry.object_type)
        obj = fetched.get(model, {}).get(entry.object_id) if model is not None else None
        record_patient = None
        if obj is not None:
            record, record_patient = _record_words(obj, tz)
        elif model is not None and not entry.object_id:
            plural = str(model._meta.verbose_name_plural)
            record = plural[:1].upper() + plural[1:]
        elif model is not None:
            name = str(model._meta.verbose_name)
            record = _("%(record)s (no longer there)") % {"record": name[:1].upper() + name[1:]}
        else:
            record = entry.object_type
        record_url = ""
        if obj is not None and entry.object_type in RECORD_PAGES:
            try:
                record_url = reverse(RECORD_PAGES[entry.object_type], args=[practice.slug, obj.pk])
            except NoReverseMatch:
                record_url = ""
        patient: Any = patients.get(str(entry.patient_id)) if entry.patient_id else record_patient  # a Patient
        changes = [
            Change(
                label=field_label(model, name),
                before=value_words(change.get("from"), _model_field(model, name), tz, related),
                after=value_words(change.get("to"), _model_field(model, name), tz, related),
            )
            for name, change in (entry.changes or {}).items()
            if isinstance(change, dict)
        ]
        described.append(
            DescribedEntry(
                entry=entry,
                when=local_datetime(entry.at, tz, year=True),
                who=_who(entry, patients),
                action=entry.get_action_display(),
                record=record,
                record_url=record_url,
                patient=short_name(patient.first_name, patient.last_name) if patient else "",
                patient_url=reverse("patients:staff_detail", args=[practice.slug, patient.pk]) if patient else "",
                summary=summary_words(entry.object_type, entry.summary),
                changes=changes,
            )
        )
    return described
