"""change_signals_recall, change_signals_false_flag_rate, change_signals_seconds: listening to change
(issue 14, "Checks").

Two measurements, in one subprocess on the run's seeded SQLite demo:

- **Quality** (pure, no database): ``benchmarks/change_histories.py`` generates 50,000 patients
  (10,000 with --quick) with habits and realistic noise (an online booker who phones now and then,
  a one-off cancellation, another provider when theirs is away, a passive 7, visits a little early or
  late, the next visit booked at the desk) and plants one known behaviour change of a given kind, in
  turn over all fourteen kinds, in about 6 % of them. ``cx.change_detection.detect`` runs on every
  history. ``change_signals_recall``: the share of planted changes whose kind was found;
  ``change_signals_false_flag_rate``: the share of unchanged patients flagged with any kind. Per-kind
  counts go to stderr.
- **Speed** (through the database): the demo practice (the large demo's 50,000 patients; medium with
  --quick) gets one operating day's journey events written with ``bulk_create`` after its history:
  for every appointment of the busiest recent weekday, the reminder queued, a confirmation (60 %),
  an online check-in (40 %), arrival and completion, the survey invitation; plus a copy of the demo's
  own events of its last day (bookings, cancellations, surveys). The cursor starts just before them
  (the detector has been running hourly) with yesterday's lapse check done, and every patient has a
  lapse watch on a day within the coming year (as after the detector's first full run).
  ``change_signals_seconds`` is the wall time of ``cx.services.signal_detection.detect_changes`` over
  that day: reading the events, rebuilding the touched patients' histories, detecting, writing the
  signals and watches, the day's lapses. Everything is rolled back afterwards.

    python -m benchmarks.bench_cx_change_signals [--quick]      (also run by `make bench`)
    python -m benchmarks.bench_cx_change_signals measure [--quick]   (internal: inside the bench's environment)
"""

import json
import sys

from .demo_db import log, seeded

ORDER = 90
PATIENTS = 50_000
QUICK_PATIENTS = 10_000


def run(quick: bool) -> list[tuple[str, float, str]]:
    database = seeded("sqlite", quick)
    args = ["-m", "benchmarks.bench_cx_change_signals", "measure", *(["--quick"] if quick else [])]
    out = database._run(*args, timeout=900)
    result = json.loads(out.strip().splitlines()[-1])
    log(
        f"  change signals: {result['planted']} planted among {result['patients']} generated patients "
        f"(found per kind {result['by_kind']}; unchanged flagged per kind {result['false_by_kind']}); "
        f"the day: {result['day_events']} events, {result['day_patients']} patients, "
        f"{result['day_signals']} new signals, {result['day_queries']} queries, "
        f"{result['watched']} patients watched for lapses"
    )
    return [
        ("change_signals_recall", round(result["recall"], 4), "share"),
        ("change_signals_false_flag_rate", round(result["false_flag_rate"], 4), "share"),
        ("change_signals_seconds", round(result["seconds"], 2), "s"),
    ]


def _quality(patients: int) -> dict:
    from django.utils import timezone

    from .change_histories import generate, score

    today = timezone.localdate()
    result = score(generate(patients, today=today), today=today)
    result["patients"] = patients
    return result


def _day_events(practice, now):  # noqa: ANN001, ANN202 - internal, runs inside the bench's environment
    """One operating day's journey events for the practice (unsaved)."""
    import random
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from journey.catalogue import BY_CODE
    from journey.models import JourneyEvent
    from scheduling.models import Appointment

    rng = random.Random(14)
    zone = ZoneInfo(practice.timezone)
    since = now - timedelta(days=14)
    busiest = (
        Appointment.objects.filter(practice=practice, start__gte=since, start__lt=now)
        .annotate(day=TruncDate("start", tzinfo=zone))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    events: list[JourneyEvent] = []

    def event(patient_id: int, touchpoint: str, kind: str, data: dict) -> None:
        at = now - timedelta(minutes=rng.randint(150, 60 * 20))
        events.append(
            JourneyEvent(
                practice=practice,
                patient_id=patient_id,
                stage=BY_CODE[touchpoint].stage,
                touchpoint=touchpoint,
                kind=kind,
                occurred_at=at,
                data=data,
            )
        )

    if busiest is not None:
        rows = Appointment.objects.filter(practice=practice, start__gte=since, start__lt=now).filter(
            start__date=busiest["day"]
        )
        for pk, patient_id in rows.values_list("pk", "patient_id"):
            event(patient_id, "reminders", "message.queued", {"message_kind": "reminder", "channel": "sms"})
            if rng.random() < 0.6:
                event(patient_id, "reminders", "reminder.confirmed", {"channel": "sms"})
            if rng.random() < 0.4:
                event(patient_id, "online-check-in", "checkin.completed", {"appointment": pk})
            event(patient_id, "flow-board", "visit.arrived", {"appointment": pk})
            event(patient_id, "visit-status", "visit.done", {"appointment": pk})
            event(patient_id, "survey", "survey.invited", {"survey": "post_visit", "channel": "email"})
    last_day = JourneyEvent.objects.filter(
        practice=practice, occurred_at__gte=now - timedelta(days=1), occurred_at__lt=now
    )
    for patient_id, touchpoint, kind, data in last_day.values_list("patient_id", "touchpoint", "kind", "data"):
        if patient_id is not None:
            event(patient_id, touchpoint, kind, data)
    return events


def measure(quick: bool) -> None:
    import os
    import time
    from datetime import timedelta

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import random

    from django.db import connection, transaction
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cx.models import ChangeSignal, DetectionCursor, LapseWatch
    from cx.services.signal_detection import READ_LAG, detect_changes
    from demo.practices import DEMO_SLUG
    from journey.models import JourneyEvent
    from patients.models import Patient
    from practices.models import Practice

    result = _quality(QUICK_PATIENTS if quick else PATIENTS)

    class Rollback(Exception):
        pass

    practice = Practice.objects.get(slug=DEMO_SLUG)
    try:
        with transaction.atomic():
            now = timezone.now()
            # The steady state of an hourly detector: every patient has a lapse watch (a day within the
            # coming year); the cursor is at the end of the log.
            patients = list(Patient.objects.filter(practice=practice).values_list("pk", flat=True))
            rng = random.Random(14)
            today = timezone.localdate()
            LapseWatch.objects.bulk_create(
                [
                    LapseWatch(practice=practice, patient_id=pk, check_on=today + timedelta(days=rng.randint(0, 365)))
                    for pk in patients
                ],
                batch_size=5000,
            )
            result["watched"] = len(patients)
            before = JourneyEvent.objects.aggregate(last=Max("pk"))["last"] or 0
            day = _day_events(practice, now)
            JourneyEvent.objects.bulk_create(day, batch_size=2000)
            DetectionCursor.objects.update_or_create(
                practice=practice,
                defaults={"last_event_id": before, "lapses_checked_on": today - timedelta(days=1)},
            )
            signals_before = ChangeSignal.objects.filter(practice=practice).count()
            later = timezone.now() + READ_LAG + timedelta(minutes=1)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                detect_changes(practice, now=later)
                result["seconds"] = time.perf_counter() - started
            result["day_events"] = len(day)
            result["day_patients"] = len({e.patient_id for e in day})
            result["day_signals"] = ChangeSignal.objects.filter(practice=practice).count() - signals_before
            result["day_queries"] = len(queries)
            raise Rollback
    except Rollback:
        pass
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        measure("--quick" in sys.argv)
    else:
        for name, value, unit in run("--quick" in sys.argv):
            print(f"{name}: {value} {unit}")
