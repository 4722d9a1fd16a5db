"""Using the practice's systems well: the measures Touchpoints can track for a checklist line, each
role's default checklist, and business time (pure: no Django).

A checklist line (``SystemsPractice``) names one of ``MEASURES`` in its ``measure`` field, or none:
"not tracked by Touchpoints" (the EHR, or something Touchpoints never sees). The figures themselves
are computed from existing records in ``cx/selectors/systems.py``:

- ``checkin_read_before_rooming``: of the visits roomed in the window whose patient completed online
  check-in before being roomed, the share where someone on the team opened the check-in answers (an
  audit entry "online check-in viewed" by a staff user) before the patient was roomed.
- ``checkin_read_by_provider``: of the visits whose provider went in (``with_provider``) in the
  window, with online check-in completed before that, and whose provider has a Touchpoints account,
  the share where that provider opened the check-in answers before going in.
- ``text_reply_business_hour``: of the patients' texts that needed a person (no automatic action)
  received in the window, the share answered in the same conversation within one business hour (the
  practice's opening hours, all locations together; clock time when it has none). A text counts from
  the first one after the team's last reply; a text still inside its hour is not counted yet.
- ``recovery_before_due``: of the recovery cases opened in the window that are due (or already have
  a step), the share whose first step (heard, empathized, apologized, responded, thanked) was
  recorded before the case was due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WINDOW_DAYS = 90


def gettext_noop(message: str) -> str:
    """Marks a string for translation (``makemessages`` looks for this name); translated where shown."""
    return message


REPLY_MINUTES = 60

CHECKIN_READ_BEFORE_ROOMING = "checkin_read_before_rooming"
CHECKIN_READ_BY_PROVIDER = "checkin_read_by_provider"
TEXT_REPLY_BUSINESS_HOUR = "text_reply_business_hour"
RECOVERY_BEFORE_DUE = "recovery_before_due"


@dataclass(frozen=True)
class MeasureInfo:
    code: str
    label: str  # English msgid, translated where shown
    definition: str


MEASURES: dict[str, MeasureInfo] = {
    m.code: m
    for m in (
        MeasureInfo(
            CHECKIN_READ_BEFORE_ROOMING,
            gettext_noop("Check-in answers opened before rooming"),
            gettext_noop(
                "Of the visits with online check-in roomed in the last 90 days, the share where someone on the "
                "team opened the check-in answers before the patient was roomed."
            ),
        ),
        MeasureInfo(
            CHECKIN_READ_BY_PROVIDER,
            gettext_noop("Check-in answers opened by the provider before going in"),
            gettext_noop(
                "Of the visits with online check-in in the last 90 days whose provider has a Touchpoints "
                "account, the share where the provider opened the check-in answers before going in."
            ),
        ),
        MeasureInfo(
            TEXT_REPLY_BUSINESS_HOUR,
            gettext_noop("Patients' texts answered within one business hour"),
            gettext_noop(
                "Of the patients' texts that needed a person in the last 90 days, the share answered within "
                "one hour of opening hours."
            ),
        ),
        MeasureInfo(
            RECOVERY_BEFORE_DUE,
            gettext_noop("Recovery cases acted on before they were due"),
            gettext_noop(
                "Of the recovery cases opened in the last 90 days, the share with a first step recorded "
                "before the case was due."
            ),
        ),
    )
}


# Each role's default checklist: (what to do, measure code or ""). Keys are JobTitle values.
DEFAULTS: dict[str, tuple[tuple[str, str], ...]] = {
    "receptionist": (
        (gettext_noop("Read the patient's check-in answers before calling them in."), CHECKIN_READ_BEFORE_ROOMING),
        (gettext_noop("Answer a patient's text within one business hour."), TEXT_REPLY_BUSINESS_HOUR),
        (gettext_noop("Keep the flow board current, so the wait patients are told is true."), ""),
        (gettext_noop("When a provider runs late, tell the waiting patients how long it will be."), ""),
    ),
    "nurse": (
        (gettext_noop("Open the patient's check-in answers before rooming them."), CHECKIN_READ_BEFORE_ROOMING),
        (gettext_noop("Glance at the patient's wait on the flow board before entering, and acknowledge it."), ""),
        (gettext_noop("Write the reason for the visit in the health record in the patient's own words."), ""),
    ),
    "medical_assistant": (
        (gettext_noop("Open the patient's check-in answers before rooming them."), CHECKIN_READ_BEFORE_ROOMING),
        (gettext_noop("Glance at the patient's wait on the flow board before entering, and acknowledge it."), ""),
        (gettext_noop("Mark the patient roomed on the board as soon as they are in the room."), ""),
    ),
    "provider": (
        (gettext_noop("Read the patient's check-in answers before going in."), CHECKIN_READ_BY_PROVIDER),
        (gettext_noop("Glance at the patient's wait before entering, and acknowledge it."), ""),
        (gettext_noop("Write the visit summary in the health record in words the patient can read."), ""),
    ),
    "billing": (
        (gettext_noop("Answer a patient's text within one business hour."), TEXT_REPLY_BUSINESS_HOUR),
        (gettext_noop("Explain a cost before the visit when the patient asks, and note it in the record."), ""),
    ),
    "manager": (
        (gettext_noop("Act on a recovery case before it is due."), RECOVERY_BEFORE_DUE),
        (gettext_noop("Go through the team pulse with the team after each quarter."), ""),
    ),
    "other": ((gettext_noop("Answer a patient's text within one business hour."), TEXT_REPLY_BUSINESS_HOUR),),
}


Hours = Mapping[int, Sequence[tuple[time, time]]]  # weekday (Monday 0) -> [(opens, closes)]


def _merged(spans: Sequence[tuple[time, time]]) -> list[tuple[time, time]]:
    """Overlapping opening spans of one weekday joined (several locations)."""
    out: list[tuple[time, time]] = []
    for opens, closes in sorted(s for s in spans if s[0] < s[1]):
        if out and opens <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], closes))
        else:
            out.append((opens, closes))
    return out


def business_minutes(start: datetime, end: datetime, hours: Hours, zone: ZoneInfo) -> float:
    """Minutes of opening hours between two aware datetimes (clock minutes when there are no hours)."""
    if end <= start:
        return 0.0
    if not any(hours.values()):
        return (end - start).total_seconds() / 60.0
    merged = {day: _merged(spans) for day, spans in hours.items()}
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    total = 0.0
    day: date = local_start.date()
    while day <= local_end.date():
        for opens, closes in merged.get(day.weekday(), []):
            # In UTC: subtracting two times of the same zone would ignore a clock change between them.
            span_start = datetime.combine(day, opens, tzinfo=zone).astimezone(UTC)
            span_end = datetime.combine(day, closes, tzinfo=zone).astimezone(UTC)
            overlap = min(span_end, end.astimezone(UTC)) - max(span_start, start.astimezone(UTC))
            if overlap > timedelta(0):
                total += overlap.total_seconds() / 60.0
        day += timedelta(days=1)
    return total
