"""The load run's world: several small practices built with the demo's own builders, and the plan
(links and sign-ins) the Locust users walk.

Each practice is a small demo practice (``LOAD_SIZE``) with its own slug, in a time zone where it is
mid-morning now, and with providers working every day of the week, so a run on any day and at any
hour has a morning of visits to check in, board and remind. The demo's behaviour is unchanged: the
builders are called with their own arguments.

The plan is JSON (``python -m loadtest.db seed``): for each practice the booking targets (provider,
location, day with open times), manage links of coming visits, visit links and kiosk details of
today's visits, survey links (invitations made through ``feedback.services.invitations.invite``, the
link read back from the queued message), and one front-desk sign-in.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import User
from demo.frontdesk import build_flow
from demo.messaging import build_messaging
from demo.practices import DemoSize, NamePool, _build_practice
from demo.scheduling import build_schedule
from feedback.models import SurveyKind
from feedback.services.invitations import invite
from frontdesk import checkin_links
from frontdesk.models import FlowSettings
from messaging.models import Message
from practices.models import Location, OpeningHours, Practice, Role
from scheduling import manage_links
from scheduling.models import Appointment, AppointmentStatus, VisitType
from scheduling.selectors import slots as slot_selectors

LOAD_SIZE = DemoSize(locations=2, providers=3, patients=300, booked_share=0.5)
EVERY_DAY = range(7)
STAFF_PASSWORD = "touchpoints-load"
VISIT_TYPE = "full-body-skin-check"  # bookable online by new patients, at every location
HISTORY_DAYS = 21  # enough past visits for surveys and the wait model; the demo has 18 months
LOCAL_HOUR = 10  # the practices' clock during the run: a Monday-morning-like 10 o'clock
SLUG_PREFIX = "load-practice-"
MANAGE_LINKS, VISIT_LINKS, SURVEY_LINKS, BOOKING_TARGETS = 40, 40, 40, 60
SURVEY_LINK = re.compile(r"/s/([A-Za-z0-9_-]+)/")


def morning_time_zone(now: datetime) -> str:
    """An ``Etc/GMT±N`` zone where it is about ``LOCAL_HOUR`` o'clock at ``now`` (POSIX signs are inverted)."""
    offset = (LOCAL_HOUR - now.astimezone(ZoneInfo("UTC")).hour + 12) % 24 - 12  # -12 to +11
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def slug(n: int) -> str:
    return f"{SLUG_PREFIX}{n:02d}"


def staff_email(n: int) -> str:
    return f"frontdesk-{n:02d}@load.touchpoints.test"


@transaction.atomic
def build_practice(n: int, *, seed: int, zone: str, password_hash: str) -> Practice:
    rng = random.Random(f"load:{seed}:{n}")
    fake = Faker("en_US")
    fake.seed_instance(seed + n)
    names = NamePool.draw(fake, size=200)
    today = timezone.now().astimezone(ZoneInfo(zone)).date()
    user = User.objects.create_user(email=staff_email(n), password=None, full_name=f"Front Desk {n}")
    user.password = password_hash
    user.save(update_fields=["password"])
    practice = _build_practice(
        name=f"Load Practice {n:02d}",
        slug=slug(n),
        size=LOAD_SIZE,
        rng=rng,
        names_en=names,
        names_es=names,
        users={Role.FRONT_DESK: user},
        today=today,
    )
    Practice.objects.filter(pk=practice.pk).update(timezone=zone)
    Location.objects.filter(practice=practice).update(timezone=zone)
    practice.refresh_from_db()
    # Open every day (the demo's hours are Monday to Saturday).
    for location in Location.objects.filter(practice=practice):
        open_days = set(OpeningHours.objects.filter(location=location).values_list("weekday", flat=True))
        OpeningHours.objects.bulk_create(
            OpeningHours(practice=practice, location=location, weekday=day, opens=time(8), closes=time(19))
            for day in EVERY_DAY
            if day not in open_days
        )
    build_schedule(
        practice=practice,
        seed=seed,
        today=today,
        booked_share=LOAD_SIZE.booked_share,
        weekdays=EVERY_DAY,
        history_days=HISTORY_DAYS,
    )
    build_messaging(practice=practice, seed=seed, today=today)
    build_flow(practice=practice, seed=seed, today=today)
    return practice


def _booking_targets(practice: Practice, now: datetime) -> dict:
    visit_type = VisitType.objects.get(practice=practice, slug=VISIT_TYPE)
    today = now.astimezone(ZoneInfo(practice.timezone)).date()
    found: dict[tuple[int, str, int], int] = defaultdict(int)
    for slot in slot_selectors.open_slots_for(
        practice, visit_type, first_day=today + timedelta(days=2), last_day=today + timedelta(days=40), now=now
    ):
        day = slot.start.astimezone(ZoneInfo(practice.timezone)).date().isoformat()
        found[(slot.provider_id, day, slot.location_id)] += 1
    targets = [{"provider": p, "day": d, "location": loc} for (p, d, loc) in sorted(found)]
    random.Random(practice.slug).shuffle(targets)
    return {"visit_type": visit_type.pk, "targets": targets[:BOOKING_TARGETS]}


def _survey_links(practice: Practice, now: datetime) -> list[str]:
    """Invitations after recent visits; their messages fall due during the run (the worker sends them)."""
    rng = random.Random(f"surveys:{practice.slug}")
    patients_done = (
        Appointment.objects.filter(practice=practice, status=AppointmentStatus.FULFILLED, start__lt=now)
        .select_related("patient")
        .order_by("-start")
    )
    links, seen = [], set()
    for appointment in patients_done[:400]:
        patient = appointment.patient
        if patient.pk in seen or not (patient.sms_consent or patient.email_consent):
            continue
        seen.add(patient.pk)
        invitation = invite(
            practice=practice, patient=patient, kind=SurveyKind.POST_VISIT, appointment=appointment, now=now
        )
        if invitation is None:
            continue
        message = Message.objects.filter(practice=practice, dedupe_key=f"survey:{invitation.pk}").first()
        match = SURVEY_LINK.search(message.body) if message else None
        if message is None or match is None:
            continue
        # Due during the run, not all at once: the worker sends them while the patients load the pages.
        Message.objects.filter(pk=message.pk).update(send_after=now + timedelta(seconds=rng.uniform(20, 100)))
        links.append(match.group(1))
        if len(links) == SURVEY_LINKS:
            break
    return links


def plan_for(practice: Practice, *, number: int, now: datetime) -> dict:
    tz = ZoneInfo(practice.timezone)
    day_start = datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz)
    coming = list(
        Appointment.objects.filter(
            practice=practice,
            status=AppointmentStatus.BOOKED,
            start__gte=now + timedelta(days=3),
            start__lt=now + timedelta(days=60),
        ).order_by("?")[:MANAGE_LINKS]
    )
    todays = list(
        Appointment.objects.filter(
            practice=practice,
            status=AppointmentStatus.BOOKED,
            start__gte=day_start,
            start__lt=day_start + timedelta(days=1),
        )
        .select_related("patient")
        .order_by("start")
    )
    settings_row, _created = FlowSettings.objects.get_or_create(practice=practice)
    half = len(todays) // 2
    return {
        "slug": practice.slug,
        "staff": {"email": staff_email(number), "password": STAFF_PASSWORD},
        **_booking_targets(practice, now),
        "manage": [manage_links.token_for(a) for a in coming],
        "visit": [checkin_links.token_for(a) for a in todays[:half]][:VISIT_LINKS],
        "kiosk": {
            "key": settings_row.arrival_key,
            "patients": [
                {"date_of_birth": a.patient.date_of_birth.isoformat(), "last_name": a.patient.last_name}
                for a in todays[half:]
            ],
        },
        "survey": _survey_links(practice, now),
    }


def seed(*, practices: int, seed_value: int = 1) -> dict:
    now = timezone.now()
    zone = morning_time_zone(now)
    password_hash = make_password(STAFF_PASSWORD)
    built = [build_practice(n, seed=seed_value, zone=zone, password_hash=password_hash) for n in range(practices)]
    return {
        "time_zone": zone,
        "seeded_at": now.isoformat(),
        "practices": [plan_for(p, number=n, now=timezone.now()) for n, p in enumerate(built)],
    }
