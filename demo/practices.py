"""The demo dermatology practice: deterministic, realistic, and sized for demos or benchmarks.

``build_demo(size=..., seed=...)`` is what ``manage.py seed_demo`` runs. Each feature adds its own
history from here so the demo stays a living practice: the whole team (``demo/cx.py``, ``add_team``),
scheduling (``demo/scheduling.py``: visit types, weekly hours, time off, a year of appointments and the
coming 90 days), messages (``demo/messaging.py``), visits (``demo/frontdesk.py``), surveys
(``demo/feedback.py``) and the experience toolkit's history (``demo/cx.py``, ``build_cx``).

Speed matters (the large demo has 50,000 patients): Faker is only used to draw fixed-size name
pools once per seed; every per-patient choice is then a pick from those pools with the seeded
``random.Random``, so a seed always gives the same practice, whatever the size.
"""

import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import User
from insights.services import record_third_next_available
from journey.models import JourneyEvent
from patients.models import Patient
from practices.models import Location, Membership, OpeningHours, Practice, Provider, Role

from .cx import add_team, build_cx
from .cx_culture import build_hiring, build_pulse
from .cx_governance import build_governance, build_strategy
from .cx_listening import detect_and_handle, plant_saturday_switch
from .feedback import build_feedback
from .frontdesk import build_flow, fit_wait_model
from .messaging import build_messaging
from .scheduling import build_schedule

DEMO_SLUG = "clearskin-dermatology"
SECOND_SLUG = "sunrise-skin-clinic"
DEMO_PASSWORD = "touchpoints-demo"
DEMO_TIMEZONE = "America/Chicago"


@dataclass(frozen=True)
class DemoSize:
    locations: int
    providers: int
    patients: int
    # The share of the providers' open time that is booked (history and the coming 90 days).
    booked_share: float = 0.8


SIZES = {
    "small": DemoSize(locations=2, providers=5, patients=2_000, booked_share=0.5),
    "medium": DemoSize(locations=3, providers=10, patients=10_000, booked_share=0.7),
    "large": DemoSize(locations=3, providers=20, patients=50_000, booked_share=0.8),
}
SECOND_SIZE = DemoSize(locations=1, providers=2, patients=200, booked_share=0.15)

DEMO_STAFF = [
    ("owner@demo.touchpoints.test", "Morgan Ellis", Role.OWNER),
    ("experience@demo.touchpoints.test", "Priya Natarajan", Role.EXPERIENCE_LEAD),
    ("frontdesk@demo.touchpoints.test", "Luis Ortega", Role.FRONT_DESK),
    ("clinician@demo.touchpoints.test", "Dr. Hannah Cole", Role.CLINICIAN),
    ("billing@demo.touchpoints.test", "Grace Kim", Role.BILLING),
]

# The demo clinician's provider profile (first name, last name, credentials).
CLINICIAN_PROVIDER = ("Hannah", "Cole", "MD, FAAD")

LOCATIONS = [
    ("Downtown", "410 Elm Street", "Suite 300", "Austin", "TX", "78701", "(512) 555-0140"),
    ("North Lamar", "8800 North Lamar Blvd", "", "Austin", "TX", "78753", "(512) 555-0177"),
    ("Round Rock", "1201 Round Rock Ave", "Building B", "Round Rock", "TX", "78681", "(512) 555-0199"),
]
# The second practice is another business: its own place and phone.
SECOND_LOCATIONS = [
    ("Cedar Park", "1500 Whitestone Blvd", "Suite 210", "Cedar Park", "TX", "78613", "(512) 555-0162"),
]

SERVICES = [
    "Full-body skin checks",
    "New or changing moles",
    "Acne and rosacea",
    "Rashes, eczema and psoriasis",
    "Skin cancer treatment and Mohs surgery",
    "Cosmetic consultations",
    "Minor procedures",
]

CREDENTIALS = ["MD, FAAD", "MD, FAAD", "DO, FAAD", "PA-C", "NP-C"]
LANGUAGE_SETS = ["English", "English, Spanish", "English", "English, Vietnamese", "English, Spanish"]
# Patient.referral_source codes, weighted as a suburban dermatology practice sees them.
REFERRAL_SOURCES = [
    ("search", 34),
    ("doctor", 22),
    ("friend", 18),
    ("insurance", 10),
    ("review_site", 8),
    ("social", 5),
    ("other", 3),
]
INSURANCE_CARRIERS = ("Aetna", "Blue Cross Blue Shield of Texas", "Cigna", "Humana", "Medicare", "UnitedHealthcare")


def _opening_hours(practice: Practice, location, index: int) -> list[OpeningHours]:
    hours = []
    for weekday in range(5):
        # A lunch break at the main office; one late evening a week at the second.
        if index == 0:
            hours.append(
                OpeningHours(practice=practice, location=location, weekday=weekday, opens=time(8), closes=time(12))
            )
            hours.append(
                OpeningHours(practice=practice, location=location, weekday=weekday, opens=time(13), closes=time(17))
            )
        else:
            closes = time(19) if weekday == 2 else time(17, 30)
            hours.append(
                OpeningHours(practice=practice, location=location, weekday=weekday, opens=time(8, 30), closes=closes)
            )
    if index == 0:
        hours.append(OpeningHours(practice=practice, location=location, weekday=5, opens=time(9), closes=time(13)))
    return hours


NAME_POOL_SIZE = 1_000  # draws per list and locale; weighted by Faker, so common names repeat


@dataclass(frozen=True)
class NamePool:
    """First and last names drawn once from one Faker locale, with an ASCII email form of each."""

    first: list[str]
    last: list[str]

    @classmethod
    def draw(cls, fake: Faker, size: int = NAME_POOL_SIZE) -> "NamePool":
        return cls(first=[fake.first_name() for _ in range(size)], last=[fake.last_name() for _ in range(size)])


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum() or ch == "-")


def _staff_users() -> dict[Role, User]:
    users: dict[Role, User] = {}
    password_hash = None  # one (slow, Argon2) hash for the shared demo password
    for email, name, role in DEMO_STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create_user(email=email, password=None, full_name=name)
            user.password = password_hash
            user.save(update_fields=["password"])
        users[role] = user
    return users


def _build_practice(
    *,
    name: str,
    slug: str,
    size: DemoSize,
    rng: random.Random,
    names_en: NamePool,
    names_es: NamePool,
    users,
    today: date,
    places=LOCATIONS,
) -> Practice:
    practice = Practice.objects.create(
        name=name,
        slug=slug,
        timezone=DEMO_TIMEZONE,
        phone=places[0][6],
        email=f"hello@{slug}.example",
        website=f"https://{slug}.example",
        about="Board-certified dermatologists caring for skin, hair and nails, for the whole family.",
        services="\n".join(SERVICES),
    )
    for role, user in users.items():
        Membership.objects.create(practice=practice, user=user, role=role)

    locations = []
    for index in range(size.locations):
        loc_name, line1, line2, city, region, postal, phone = places[index]
        location = Location.objects.create(
            practice=practice,
            name=loc_name,
            address_line1=line1,
            address_line2=line2,
            city=city,
            region=region,
            postal_code=postal,
            phone=phone,
            timezone=DEMO_TIMEZONE,
        )
        OpeningHours.objects.bulk_create(_opening_hours(practice, location, index))
        locations.append(location)

    for index in range(size.providers):
        names = names_es if index % 4 == 1 else names_en
        provider = Provider.objects.create(
            practice=practice,
            first_name=rng.choice(names.first),
            last_name=rng.choice(names.last),
            credentials=CREDENTIALS[index % len(CREDENTIALS)],
            bio=rng.choice(
                [
                    "Special interest in skin cancer screening and prevention.",
                    "Treats acne, eczema and psoriasis in children and adults.",
                    "Performs Mohs surgery and reconstructive procedures.",
                    "Focuses on medical and cosmetic dermatology.",
                    "Sees patients with hair and nail conditions.",
                ]
            ),
            languages=LANGUAGE_SETS[index % len(LANGUAGE_SETS)],
        )
        # Most providers work at one or two locations.
        provider.locations.set(rng.sample(locations, k=min(len(locations), 1 + (index % 2))))
        if index == 0 and Role.CLINICIAN in users:
            # The demo clinician sees patients: she is the first provider, linked to her user, so she
            # has a schedule of her own ("My calendar"). The names drawn above are replaced after the
            # draws, so every other row of the demo stays the same for a seed.
            provider.first_name, provider.last_name, provider.credentials = CLINICIAN_PROVIDER
            provider.user = users[Role.CLINICIAN]
            provider.save(update_fields=["first_name", "last_name", "credentials", "user"])

    _build_patients(practice=practice, count=size.patients, rng=rng, names_en=names_en, names_es=names_es, today=today)
    return practice


def _build_patients(
    *, practice: Practice, count: int, rng: random.Random, names_en: NamePool, names_es: NamePool, today: date
) -> None:
    tz = ZoneInfo(practice.timezone)
    sources = [source for source, _weight in REFERRAL_SOURCES]
    cum_weights = list(accumulate(weight for _source, weight in REFERRAL_SOURCES))
    total_weight = cum_weights[-1]
    pools = {
        lang: (names.first, names.last, [_email_part(n) for n in names.first], [_email_part(n) for n in names.last])
        for lang, names in (("en", names_en), ("es", names_es))
    }
    join_times = [time(hour, minute) for hour in range(8, 18) for minute in (0, 15, 30, 45)]
    random_, randrange, triangular = rng.random, rng.randrange, rng.triangular
    batch_size = 5_000
    created = 0
    while created < count:
        n = min(batch_size, count - created)
        patients, joined = [], []
        for serial in range(created, created + n):
            spanish = random_() < 0.22
            firsts, lasts, first_parts, last_parts = pools["es" if spanish else "en"]
            i, j = randrange(len(firsts)), randrange(len(lasts))
            age_days = randrange(365 * 1, 365 * 92 + 1)
            days_ago = int(triangular(0, 365 * 6, 365 * 1.5))
            joined_at = datetime.combine(today - timedelta(days=days_ago), join_times[randrange(40)], tzinfo=tz)
            has_email = random_() < 0.88
            source = sources[bisect(cum_weights, random_() * total_weight)]
            insured = random_() < 0.86
            patients.append(
                Patient(
                    practice=practice,
                    first_name=firsts[i],
                    last_name=lasts[j],
                    date_of_birth=today - timedelta(days=age_days),
                    phone=f"(512) 555-{serial % 10_000:04d}" if random_() < 0.95 else "",
                    email=f"{first_parts[i]}.{last_parts[j]}.{serial}@example.com" if has_email else "",
                    preferred_language="es" if spanish and random_() < 0.7 else "en",
                    email_consent=has_email and random_() < 0.9,
                    sms_consent=random_() < 0.75,
                    coverage="insurance" if insured else "self_pay",
                    insurance_carrier=INSURANCE_CARRIERS[randrange(len(INSURANCE_CARRIERS))] if insured else "",
                    insurance_member_id=f"M{randrange(10**8, 10**9)}" if insured else "",
                    referral_source=source,
                    created_at=joined_at,
                )
            )
            joined.append((joined_at, source))
        Patient.objects.bulk_create(patients)
        JourneyEvent.objects.bulk_create(
            [
                JourneyEvent(
                    practice=practice,
                    patient=patient,
                    stage="discover",
                    touchpoint="referral-source",
                    kind="patient.registered",
                    occurred_at=at,
                    data={"source": source},
                )
                for patient, (at, source) in zip(patients, joined, strict=True)
            ]
        )
        created += n


@transaction.atomic
def build_demo(*, size: str = "small", seed: int = 1, today: date | None = None) -> Practice:
    """Build the demo practice (and a small second practice the owner also runs)."""
    if Practice.objects.filter(slug=DEMO_SLUG).exists():
        raise FileExistsError(DEMO_SLUG)
    dims = SIZES[size]
    rng = random.Random(seed)
    fake_en, fake_es = Faker("en_US"), Faker("es_MX")
    fake_en.seed_instance(seed)
    fake_es.seed_instance(seed + 1)
    names_en, names_es = NamePool.draw(fake_en), NamePool.draw(fake_es)
    today = today or timezone.localdate()
    users = _staff_users()
    practice = _build_practice(
        name="ClearSkin Dermatology",
        slug=DEMO_SLUG,
        size=dims,
        rng=rng,
        names_en=names_en,
        names_es=names_es,
        users=users,
        today=today,
    )
    add_team(practice=practice, today=today)
    second = _build_practice(
        name="Sunrise Skin Clinic",
        slug=SECOND_SLUG,
        size=SECOND_SIZE,
        rng=rng,
        names_en=names_en,
        names_es=names_es,
        users={Role.OWNER: users[Role.OWNER]},
        today=today,
        places=SECOND_LOCATIONS,
    )
    # Each feature adds its own history, from its own stream of the seed.
    for built, built_size in ((practice, dims), (second, SECOND_SIZE)):
        build_schedule(practice=built, seed=seed, today=today, booked_share=built_size.booked_share)
        build_messaging(practice=built, seed=seed, today=today)
        build_flow(practice=built, seed=seed, today=today)
        fit_wait_model(practice=built, today=today)
        build_feedback(practice=built, seed=seed, today=today)
        # Today's time to third next available only: a back-filled history would be made up, since it
        # depends on the schedule as it stood on each day. The daily job adds one row a day from here.
        record_third_next_available(
            practice=built, now=datetime.combine(today, time(7), tzinfo=ZoneInfo(built.timezone))
        )
    # After the others' history, so their random streams are unchanged by the planted story.
    switched = plant_saturday_switch(practice=practice, seed=seed, today=today)
    build_cx(practice=practice, seed=seed, today=today)
    build_strategy(practice=practice, today=today)
    build_hiring(practice=practice, today=today)
    build_pulse(practice=practice, seed=seed, today=today)
    detect_and_handle(practice=practice, today=today, switched=switched)
    build_governance(practice=practice, today=today)  # last: its agenda reads the goals and the signals
    return practice
