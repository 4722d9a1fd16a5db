"""Runs INSIDE django-appointment's own virtualenv (see bench_django_appointment.py); never imports Touchpoints.

    python theirs.py <export.json> <result.json> [--repeats N]

Loads the exported schedules (weekly working hours, days off, unavailable times, busy appointments) into
django-appointment's models in a fresh SQLite file, then asks its own slot function the same question
Touchpoints answers: every open start of a 30-minute service for one staff member over the next 30 days.
That is ``appointment.services.get_available_slots_for_staff`` called day by day, exactly as the
package's own "next available date" view does. Writes the slots it finds and the timings as JSON.

"now" is frozen at the exported instant (``django.utils.timezone.now`` is replaced), so both sides
apply the same minimum notice; it costs nothing measurable.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup(export: dict, db_path: str) -> None:
    sys.path.insert(0, str(HERE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    os.environ["DA_BENCH_DB"] = db_path
    os.environ["DA_BENCH_TIME_ZONE"] = export["time_zone"]
    import django
    from django.utils import timezone as django_timezone

    frozen = datetime.fromisoformat(export["now"])
    django_timezone.now = lambda: frozen  # both sides see the same "now"
    django.setup()
    from django.core.management import call_command

    # The package ships no migrations: create its tables straight from the models.
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)


def _time(value: str) -> clock_time:
    return datetime.strptime(value, "%H:%M").time()


def load(export: dict) -> dict:
    """Create the staff members and their data; return {provider id: StaffMember}."""
    from appointment.models import (
        Appointment,
        AppointmentRequest,
        Config,
        DayOff,
        Service,
        StaffMember,
        Unavailability,
        WorkingHours,
    )
    from django.contrib.auth import get_user_model

    rule = export["rule"]
    Config.objects.create(
        slot_duration=rule["step"], appointment_buffer_time=rule["min_notice"], default_to_service_duration=True
    )
    service = Service.objects.create(name=export["service"], duration=timedelta(minutes=rule["duration"]), price=0)
    # Imported appointments keep their exact busy times; a long service so none is "too long" for it.
    busy_service = Service.objects.create(name="Imported busy time", duration=timedelta(hours=23), price=0)
    users = get_user_model().objects
    client = users.create_user(username="client", email="client@example.com")
    staff = {}
    requests: list[Any] = []  # AppointmentRequest (django-appointment is not installed here)
    for provider in export["providers"]:
        user = users.create_user(username=f"provider{provider['id']}", email=f"p{provider['id']}@example.com")
        member = StaffMember.objects.create(
            user=user, slot_duration=rule["step"], appointment_buffer_time=rule["min_notice"], slot_gap_time=0
        )
        member.services_offered.add(service)
        staff[provider["id"]] = member
        WorkingHours.objects.bulk_create(
            [
                # django-appointment numbers weekdays from Sunday = 0; Python (and Touchpoints) from Monday = 0.
                WorkingHours(
                    staff_member=member,
                    day_of_week=(hours["weekday"] + 1) % 7,
                    start_time=_time(hours["start"]),
                    end_time=_time(hours["end"]),
                )
                for hours in provider["working_hours"]
            ]
        )
        DayOff.objects.bulk_create(
            [
                DayOff(staff_member=member, start_date=date.fromisoformat(d), end_date=date.fromisoformat(d))
                for d in provider["days_off"]
            ]
        )
        Unavailability.objects.bulk_create(
            [
                Unavailability(
                    staff_member=member,
                    date=date.fromisoformat(u["day"]),
                    start_time=_time(u["start"]),
                    end_time=_time(u["end"]),
                )
                for u in provider["unavailable"]
            ]
        )
        for b in provider["busy"]:
            requests.append(
                AppointmentRequest(
                    date=date.fromisoformat(b["day"]),
                    start_time=_time(b["start"]),
                    end_time=_time(b["end"]),
                    service=busy_service,
                    staff_member=member,
                    id_request=f"import-{len(requests)}",
                )
            )
    made = AppointmentRequest.objects.bulk_create(requests, batch_size=2000)
    Appointment.objects.bulk_create(
        [Appointment(client=client, appointment_request=r, id_request=f"appt-{r.pk}") for r in made], batch_size=2000
    )
    log(f"  django-appointment: loaded {len(staff)} staff members, {len(made)} appointments")
    return {"staff": staff, "service": service}


def slots_for(member, service, first_day: date, days: int) -> dict[str, list[str]]:
    """One staff member's open starts, day by day, as django-appointment's booking page computes them."""
    from appointment.services import get_available_slots_for_staff
    from appointment.utils.db_helpers import get_weekday_num_from_date

    out = {}
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        found = get_available_slots_for_staff(day, member, get_weekday_num_from_date(day), service=service)
        out[day.isoformat()] = [slot.strftime("%H:%M") for slot in found]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("export")
    parser.add_argument("result")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    export = json.loads(Path(args.export).read_text())
    with tempfile.TemporaryDirectory(prefix="bench-django-appointment-") as tmp:
        setup(export, str(Path(tmp) / "appointment.sqlite3"))
        loaded = load(export)
        staff, service = loaded["staff"], loaded["service"]
        first_day, days = date.fromisoformat(export["first_day"]), export["days"]

        answers = {str(pid): slots_for(member, service, first_day, days) for pid, member in staff.items()}

        order = export["timing_order"]
        samples = []
        for attempt in range(args.repeats + 3):  # three warm-up runs, not counted
            member = staff[order[attempt % len(order)]]
            started = time.perf_counter()
            slots_for(member, service, first_day, days)
            elapsed = time.perf_counter() - started
            if attempt >= 3:
                samples.append(elapsed * 1000)
    Path(args.result).write_text(
        json.dumps({"slots": answers, "samples_ms": samples, "p50_ms": statistics.median(samples)})
    )


if __name__ == "__main__":
    main()
