"""Listening to change: turning new journey events and passing days into ``ChangeSignal`` rows.

``detect_changes(practice, now=...)`` runs in the worker every hour (``cx.tasks``) and is incremental:

1. **New events.** It reads the practice's journey log after ``DetectionCursor.last_event_id`` in
   batches of ``EVENT_BATCH`` (stopping at events recorded less than ``READ_LAG`` ago, so a booking
   finished minutes after it started is not called abandoned and an event whose transaction
   committed late is not skipped), collects the patients they touch, rebuilds those patients'
   histories (``selectors.signal_histories``) and runs ``cx.change_detection.detect``. Each batch's
   new signals and the cursor's advance are written in one transaction. A patient is read at most
   once a run (their history is read whole), so a first run over a long log reads each patient once.
2. **Lapses.** A lapse has no event: time passes. Each time a patient is read, the detector keeps
   the next day their history would show a lapse (``LapseWatch.check_on``). The run reads patients
   whose check day, or whose recall due day plus grace, fell between ``lapses_checked_on`` and today
   (indexed ranges) and looks at them again; then ``lapses_checked_on`` becomes today.

Idempotent: one row per practice, patient, kind and ``changed_on`` (a unique constraint; rows already
there are skipped), so a rerun creates nothing. A patient with an open signal of a kind gets no new
signal of that kind until it is handled. Evidence is written in the site's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import translation

from insights import selectors as insights_selectors
from practices.models import Practice

from .. import change_detection as cd
from ..models import ChangeSignal, DetectionCursor, LapseWatch, SignalStatus
from ..selectors import signal_histories

EVENT_BATCH = 20_000
PATIENT_BATCH = 500
READ_LAG = timedelta(hours=2)


def detect_changes(practice: Practice, *, now: datetime) -> int:
    """Look at what is new for ``practice`` since the last run; returns the number of new signals."""
    zone = ZoneInfo(practice.timezone)
    today = now.astimezone(zone).date()
    cutoff_hours = insights_selectors.cancellation_cutoff_hours(practice)
    DetectionCursor.objects.get_or_create(practice=practice)
    created = 0
    # A patient read once in this run is read with everything up to now: later batches skip them.
    read: set[int] = set()
    with translation.override(settings.LANGUAGE_CODE):
        more = True
        while more:
            with transaction.atomic():
                cursor = DetectionCursor.objects.select_for_update().get(practice=practice)
                last, patients, more = signal_histories.new_events(
                    practice, after_id=cursor.last_event_id, recorded_by=now - READ_LAG, limit=EVENT_BATCH
                )
                if last == cursor.last_event_id:
                    break
                created += _look_at(
                    practice, patients - read, now=now, today=today, zone=zone, cutoff_hours=cutoff_hours
                )
                read |= patients
                cursor.last_event_id = last
                cursor.save(update_fields=["last_event_id", "updated_at"])
        with transaction.atomic():
            cursor = DetectionCursor.objects.select_for_update().get(practice=practice)
            checked = cursor.lapses_checked_on or today - timedelta(days=1)
            if checked < today:
                patients = signal_histories.lapse_candidates(practice, after=checked, until=today) - read
                created += _look_at(practice, patients, now=now, today=today, zone=zone, cutoff_hours=cutoff_hours)
                cursor.lapses_checked_on = today
                cursor.save(update_fields=["lapses_checked_on", "updated_at"])
    return created


def _look_at(
    practice: Practice, patients: Iterable[int], *, now: datetime, today: date, zone: ZoneInfo, cutoff_hours: int
) -> int:
    ids = sorted(patients)
    created = 0
    for first in range(0, len(ids), PATIENT_BATCH):
        created += _look_at_batch(
            practice, ids[first : first + PATIENT_BATCH], now=now, today=today, zone=zone, cutoff_hours=cutoff_hours
        )
    return created


def _look_at_batch(
    practice: Practice, ids: list[int], *, now: datetime, today: date, zone: ZoneInfo, cutoff_hours: int
) -> int:
    histories = signal_histories.histories(practice, ids, now=now)
    existing = ChangeSignal.objects.filter(practice=practice, patient_id__in=ids)
    seen = set(existing.values_list("patient_id", "kind", "changed_on"))
    still_open = set(existing.filter(status=SignalStatus.OPEN).values_list("patient_id", "kind"))
    new: list[ChangeSignal] = []
    watches: list[LapseWatch] = []
    unwatched: list[int] = []
    for patient_id, history in histories.items():
        for finding in cd.detect(history, today=today, zone=zone, cutoff_hours=cutoff_hours, now=now):
            if (patient_id, finding.kind, finding.changed_on) in seen or (patient_id, finding.kind) in still_open:
                continue
            new.append(
                ChangeSignal(
                    practice=practice,
                    patient_id=patient_id,
                    kind=finding.kind,
                    strength=finding.strength,
                    evidence=finding.evidence,
                    changed_on=finding.changed_on,
                    detected_at=now,
                    location_id=finding.location_id,
                    provider_id=finding.provider_id,
                    suggested_response=finding.response,
                )
            )
            still_open.add((patient_id, finding.kind))
        check_on = cd.next_lapse_check(history, today=today, zone=zone)
        if check_on is None:
            unwatched.append(patient_id)
        elif history.bookings:
            watches.append(LapseWatch(practice=practice, patient_id=patient_id, check_on=check_on))
    # ignore_conflicts: a concurrent run that stored the same (practice, patient, kind, day) wins.
    ChangeSignal.objects.bulk_create(new, ignore_conflicts=True)
    if watches:
        LapseWatch.objects.bulk_create(
            watches, update_conflicts=True, unique_fields=["practice", "patient"], update_fields=["check_on"]
        )
    if unwatched:
        LapseWatch.objects.filter(practice=practice, patient_id__in=unwatched).delete()
    return len(new)
