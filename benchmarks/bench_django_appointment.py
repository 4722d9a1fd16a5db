"""slots_speedup_vs_django_appointment and slots_agreement: our slot listing against django-appointment's.

The question, asked of both: "which start times can a patient book with this provider over the next
30 days?" for a 30-minute visit (the demo's full-body skin check: no buffers, no daily cap, offered at
every location), on a 15-minute grid, with 120 minutes' notice, on the seeded demo (large; medium with
--quick) in SQLite.

- Ours: ``scheduling.selectors.slots.open_slots_for(practice, visit_type, provider_ids=[id], ...)`` over the
  30 days: one call, its database reads included.
- Theirs: django-appointment 3.12.0 in its own virtualenv (var/bench-django-appointment-venv, built on
  first use from benchmarks/django_appointment_env/requirements.txt with scripts/find-python.sh's
  Python; it pins its own Django), its own SQLite database, answering with
  ``appointment.services.get_available_slots_for_staff`` day by day, as its "next available date" view
  does.

The demo's schedules are exported as django-appointment can hold them: one working-hours range per
weekday (the span of our ranges), the gaps (lunch, an afternoon off) as Unavailability on each date, whole
days off as DayOff, and every active appointment's blocked time (buffers included) as an Appointment.
Days it cannot express (an extra clinic on a day the provider does not usually work) are left out of
the comparison and counted. Each side's answers are compared start by start; their p50 / our p50 is the
speed-up. Details and caveats: docs/benchmarks.md.

    python -m benchmarks.bench_django_appointment [--quick]            (also run by `make bench`)
"""

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from .demo_db import BASE_DIR, log, seeded

ORDER = 60
ENV_DIR = BASE_DIR / "benchmarks" / "django_appointment_env"
VENV = BASE_DIR / "var" / "bench-django-appointment-venv"
VISIT_TYPE = "full-body-skin-check"
DAYS = 30
TARGET_SPEEDUP = 20


# --- their virtualenv -----------------------------------------------------------------------------


def _venv_python() -> Path:
    """django-appointment's virtualenv, (re)built when its requirements file changes."""
    requirements = ENV_DIR / "requirements.txt"
    wanted = hashlib.sha256(requirements.read_bytes()).hexdigest()
    marker = VENV / ".installed"
    python = VENV / "bin" / "python"
    if python.exists() and marker.exists() and marker.read_text().strip() == wanted:
        return python
    log(f"  building django-appointment's own virtualenv in {VENV.relative_to(BASE_DIR)} ...")
    base = subprocess.run(
        [str(BASE_DIR / "scripts" / "find-python.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)],
        check=True,
        stdout=sys.stderr,
    )
    marker.write_text(wanted)
    return python


def _run_theirs(export_path: Path, result_path: Path, repeats: int) -> dict:
    python = _venv_python()
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(export_path.parent),
        "LANG": "C.UTF-8",
    }
    done = subprocess.run(
        [str(python), str(ENV_DIR / "theirs.py"), str(export_path), str(result_path), "--repeats", str(repeats)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    sys.stderr.write(done.stderr[-4000:] if done.returncode else done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"django-appointment's side failed ({done.returncode}):\n{done.stdout}")
    return json.loads(result_path.read_text())


# --- our side (runs in a subprocess against the seeded demo, like benchmarks/measure.py) -------------


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _ranges_minus(span: tuple[int, int], ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``span`` not covered by ``ranges`` (sorted, disjoint)."""
    gaps, cursor = [], span[0]
    for a, b in ranges:
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < span[1]:
        gaps.append((cursor, span[1]))
    return gaps


def export_and_time(export_path: str, repeats: int) -> dict:
    """Export the demo's schedules for django-appointment; time and answer the question on our side."""
    import time
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from demo.practices import DEMO_SLUG
    from practices.models import Practice
    from scheduling import engine
    from scheduling.models import VisitType
    from scheduling.selectors import slots as slot_selectors

    practice = Practice.objects.get(slug=DEMO_SLUG)
    visit_type = VisitType.objects.get(practice=practice, slug=VISIT_TYPE)
    tz = ZoneInfo(practice.timezone)
    now = timezone.now().replace(second=0, microsecond=0)
    first_day = now.astimezone(tz).date()
    last_day = first_day + timedelta(days=DAYS - 1)
    rule = slot_selectors.visit_rule(visit_type)
    if rule.buffer_before or rule.buffer_after or rule.daily_cap or rule.location_ids:
        raise AssertionError(f"{VISIT_TYPE} is no longer a plain visit type; pick another for the comparison")
    schedules = slot_selectors.schedules_for(practice, visit_type, first_day=first_day, last_day=last_day, now=now)
    window = {first_day + timedelta(days=n) for n in range(DAYS)}

    providers: list[dict[str, Any]] = []
    excluded: list[list[object]] = []
    for schedule in schedules:
        prepared = engine._Engine(schedule, rule, now, None)  # noqa: SLF001 - the engine's own day ranges
        spans: dict[int, tuple[int, int]] = {}
        for w in schedule.weekly:
            if (w.effective_from is None or w.effective_from <= first_day) and (
                w.effective_to is None or last_day <= w.effective_to
            ):
                a, b = spans.get(w.weekday, (w.start_minute, w.end_minute))
                spans[w.weekday] = (min(a, w.start_minute), max(b, w.end_minute))
            else:
                raise AssertionError("a weekly range changes inside the window; the export assumes it does not")
        days_off, unavailable = [], []
        for day in sorted(window):
            ranges = sorted((a, b) for _loc, a, b in prepared.open_ranges(day))
            span = spans.get(day.weekday())
            if not ranges:
                if span:
                    days_off.append(day.isoformat())
                continue
            if span is None or ranges[0][0] < span[0] or ranges[-1][1] > span[1]:
                excluded.append([schedule.provider_id, day.isoformat()])  # e.g. an extra Saturday clinic
                continue
            unavailable += [
                {"day": day.isoformat(), "start": _hhmm(a), "end": _hhmm(b)} for a, b in _ranges_minus(span, ranges)
            ]
        busy = []
        for interval in schedule.busy:
            start, end = interval.start.astimezone(tz), interval.end.astimezone(tz)
            if start.date() != end.date() and end.time() != datetime.min.time():
                raise AssertionError(f"busy time across midnight: {interval}")
            if start.date() in window:
                busy.append({"day": start.date().isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"})
        providers.append(
            {
                "id": schedule.provider_id,
                "working_hours": [
                    {"weekday": d, "start": _hhmm(a), "end": _hhmm(b)} for d, (a, b) in sorted(spans.items())
                ],
                "days_off": days_off,
                "unavailable": unavailable,
                "busy": busy,
            }
        )

    order = [p["id"] for p in providers]
    ours = {}
    for pid in order:
        slots = slot_selectors.open_slots_for(
            practice, visit_type, first_day=first_day, last_day=last_day, now=now, provider_ids=[pid]
        )
        by_day: dict[str, list[str]] = {day.isoformat(): [] for day in sorted(window)}
        for slot in slots:
            local = slot.start.astimezone(tz)
            by_day[local.date().isoformat()].append(f"{local:%H:%M}")
        ours[str(pid)] = by_day

    samples = []
    for attempt in range(repeats + 3):  # three warm-up runs, not counted
        pid = order[attempt % len(order)]
        started = time.perf_counter()
        slot_selectors.open_slots_for(
            practice, visit_type, first_day=first_day, last_day=last_day, now=now, provider_ids=[pid]
        )
        elapsed = time.perf_counter() - started
        if attempt >= 3:
            samples.append(elapsed * 1000)

    export = {
        "time_zone": practice.timezone,
        "now": now.astimezone(UTC).isoformat(),
        "first_day": first_day.isoformat(),
        "days": DAYS,
        "service": visit_type.name,
        "rule": {"duration": rule.duration, "step": rule.step, "min_notice": rule.min_notice},
        "providers": providers,
        "timing_order": order,
    }
    Path(export_path).write_text(json.dumps(export))
    return {"slots": ours, "samples_ms": samples, "p50_ms": statistics.median(samples), "excluded": excluded}


# --- comparison -------------------------------------------------------------------------------


def compare(ours: dict, theirs: dict, excluded: list) -> tuple[float, list[str], int]:
    """(percent of start times both agree on, the disagreements, provider-days compared)."""
    skip = {(str(pid), day) for pid, day in excluded}
    agreed = total = compared = 0
    differences = []
    for pid, days in ours.items():
        for day, starts in days.items():
            if (pid, day) in skip:
                continue
            compared += 1
            mine, other = set(starts), set(theirs[pid][day])
            agreed += len(mine & other)
            total += len(mine | other)
            if mine != other:
                differences.append(
                    f"provider {pid} {day}: only ours {sorted(mine - other)}, "
                    f"only django-appointment {sorted(other - mine)}"
                )
    return (100.0 * agreed / total if total else 100.0), differences, compared


def run(quick: bool) -> list[tuple[str, float, str]]:
    repeats = 10 if quick else 30
    database = seeded("sqlite", quick)
    export_path = database.root / "django_appointment_export.json"
    result_path = database.root / "django_appointment_result.json"
    log(f"  django-appointment: exporting the {database.size} demo's schedules, timing ours ...")
    out = database._run(  # noqa: SLF001 - the demo database's own environment and settings
        "-m", "benchmarks.bench_django_appointment", "ours", str(export_path), str(repeats), timeout=900
    )
    ours = json.loads(out.strip().splitlines()[-1])
    log("  django-appointment: loading and timing theirs ...")
    theirs = _run_theirs(export_path, result_path, repeats)

    agreement, differences, compared = compare(ours["slots"], theirs["slots"], ours["excluded"])
    offered = sum(len(starts) for days in ours["slots"].values() for starts in days.values())
    log(
        f"  django-appointment: compared {compared} provider-days ({offered} open starts of ours), "
        f"left out {len(ours['excluded'])} it cannot express; {len(differences)} days disagree"
    )
    for line in differences[:10]:
        log(f"    {line}")
    speedup = theirs["p50_ms"] / ours["p50_ms"]
    log(
        f"  django-appointment: p50 {theirs['p50_ms']:.1f} ms theirs, {ours['p50_ms']:.2f} ms ours "
        f"(one provider, {DAYS} days, {repeats} repeats each)"
    )
    if speedup < TARGET_SPEEDUP:
        log(f"  NOTE: the speed-up {speedup:.1f}x is below the {TARGET_SPEEDUP}x aim")
    return [
        ("slots_agreement", round(agreement, 2), "%"),
        ("slots_speedup_vs_django_appointment", round(speedup, 1), "x"),
        ("slots_provider_30d_db_p50", round(ours["p50_ms"], 2), "ms"),
        ("django_appointment_provider_30d_p50", round(theirs["p50_ms"], 2), "ms"),
    ]


def _ours_main(export_path: str, repeats: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(json.dumps(export_and_time(export_path, int(repeats))))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "ours":
        _ours_main(*sys.argv[2:4])
    else:
        sys.path.insert(0, str(BASE_DIR))
        for name, value, unit in run("--quick" in sys.argv):
            print(f"{name}: {value} {unit}", flush=True)
