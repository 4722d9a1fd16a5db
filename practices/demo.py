"""The demo dermatology practice: deterministic, realistic, and sized for demos or benchmarks.

``build_demo(size=..., seed=...)`` is what ``manage.py seed_demo`` runs. Later issues add their
own history here (appointments, messages, visits, surveys) so the demo stays a living practice.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from faker import Faker

from journey.models import JourneyEvent
from patients.models import Patient

from .models import Location, Membership, OpeningHours, Practice, Provider, Role

DEMO_SLUG = "clearskin-dermatology"
SECOND_SLUG = "sunrise-skin-clinic"
DEMO_PASSWORD = "touchpoints-demo"
DEMO_TIMEZONE = "America/Chicago"


@dataclass(frozen=True)
class DemoSize:
    locations: int
    providers: int
    patients: int


SIZES = {
    "small": DemoSize(locations=2, providers=5, patients=2_000),
    "medium": DemoSize(locations=3, providers=10, patients=10_000),
    "large": DemoSize(locations=3, providers=20, patients=50_000),
}

DEMO_STAFF = [
    ("owner@demo.touchpoints.test", "Morgan Ellis", Role.OWNER),
    ("experience@demo.touchpoints.test", "Priya Natarajan", Role.EXPERIENCE_LEAD),
    ("frontdesk@demo.touchpoints.test", "Luis Ortega", Role.FRONT_DESK),
    ("clinician@demo.touchpoints.test", "Dr. Hannah Cole", Role.CLINICIAN),
    ("billing@demo.touchpoints.test", "Grace Kim", Role.BILLING),
]

LOCATIONS = [
    ("Downtown", "410 Elm Street", "Suite 300", "Austin", "TX", "78701", "(512) 555-0140"),
    ("North Lamar", "8800 North Lamar Blvd", "", "Austin", "TX", "78753", "(512) 555-0177"),
    ("Round Rock", "1201 Round Rock Ave", "Building B", "Round Rock", "TX", "78681", "(512) 555-0199"),
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
REFERRAL_SOURCES = [
    ("search", 34),
    ("physician-referral", 22),
    ("friend-or-family", 18),
    ("insurance-directory", 10),
    ("review-site", 8),
    ("social-media", 5),
    ("event", 3),
]


def _opening_hours(practice, location, index: int) -> list[OpeningHours]:
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


def _staff_users(rng: random.Random) -> dict[Role, object]:
    User = get_user_model()
    users = {}
    for email, name, role in DEMO_STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        users[role] = user
    return users


def _build_practice(
    *, name: str, slug: str, size: DemoSize, rng: random.Random, fake_en: Faker, fake_es: Faker, users, today: date
) -> Practice:
    practice = Practice.objects.create(
        name=name,
        slug=slug,
        timezone=DEMO_TIMEZONE,
        phone=LOCATIONS[0][6],
        email=f"hello@{slug}.example",
        website=f"https://{slug}.example",
        about="Board-certified dermatologists caring for skin, hair and nails, for the whole family.",
        services="\n".join(SERVICES),
    )
    for role, user in users.items():
        Membership.objects.create(practice=practice, user=user, role=role)

    locations = []
    for index in range(size.locations):
        loc_name, line1, line2, city, region, postal, phone = LOCATIONS[index]
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
        fake = fake_es if index % 4 == 1 else fake_en
        provider = Provider.objects.create(
            practice=practice,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
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

    _build_patients(practice=practice, count=size.patients, rng=rng, fake_en=fake_en, fake_es=fake_es, today=today)
    return practice


def _build_patients(*, practice, count: int, rng: random.Random, fake_en: Faker, fake_es: Faker, today: date) -> None:
    tz = ZoneInfo(practice.timezone)
    sources, weights = zip(*REFERRAL_SOURCES, strict=False)
    batch_size = 2_000
    created = 0
    while created < count:
        n = min(batch_size, count - created)
        patients, joined = [], []
        for i in range(n):
            spanish = rng.random() < 0.22
            fake = fake_es if spanish else fake_en
            first, last = fake.first_name(), fake.last_name()
            age_days = rng.randint(365 * 1, 365 * 92)
            days_ago = int(rng.triangular(0, 365 * 6, 365 * 1.5))
            joined_at = datetime.combine(
                today - timedelta(days=days_ago), time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))), tzinfo=tz
            )
            has_email = rng.random() < 0.88
            serial = created + i
            patients.append(
                Patient(
                    practice=practice,
                    first_name=first,
                    last_name=last,
                    date_of_birth=today - timedelta(days=age_days),
                    phone=f"(512) 555-{serial % 10_000:04d}" if rng.random() < 0.95 else "",
                    email=f"{first}.{last}.{serial}@example.com".lower().replace(" ", "") if has_email else "",
                    preferred_language="es" if spanish and rng.random() < 0.7 else "en",
                    email_consent=has_email and rng.random() < 0.9,
                    sms_consent=rng.random() < 0.75,
                    created_at=joined_at,
                )
            )
            joined.append((joined_at, rng.choices(sources, weights)[0]))
        with transaction.atomic():
            Patient.objects.bulk_create(patients, batch_size=500)
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
                    for patient, (at, source) in zip(patients, joined, strict=False)
                ],
                batch_size=500,
            )
        created += n


def build_demo(*, size: str = "small", seed: int = 1, today: date | None = None) -> Practice:
    """Build the demo practice (and a small second practice the owner also runs)."""
    if Practice.objects.filter(slug=DEMO_SLUG).exists():
        raise FileExistsError(DEMO_SLUG)
    dims = SIZES[size]
    rng = random.Random(seed)
    fake_en, fake_es = Faker("en_US"), Faker("es_MX")
    fake_en.seed_instance(seed)
    fake_es.seed_instance(seed + 1)
    today = today or timezone.localdate()
    users = _staff_users(rng)
    practice = _build_practice(
        name="ClearSkin Dermatology",
        slug=DEMO_SLUG,
        size=dims,
        rng=rng,
        fake_en=fake_en,
        fake_es=fake_es,
        users=users,
        today=today,
    )
    _build_practice(
        name="Sunrise Skin Clinic",
        slug=SECOND_SLUG,
        size=DemoSize(locations=1, providers=2, patients=200),
        rng=rng,
        fake_en=fake_en,
        fake_es=fake_es,
        users={Role.OWNER: users[Role.OWNER]},
        today=today,
    )
    return practice
