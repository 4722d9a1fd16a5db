"""The demo practice: the promised shape, the same practice for the same seed, and safe re-runs."""

import hashlib
import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Model

from demo import practices as demo
from demo.cx_listening import SWITCHED_PATIENTS
from journey.models import JourneyEvent
from patients.models import Patient
from practices.models import Location, Membership, OpeningHours, Practice, Provider

TODAY = date(2026, 3, 2)
REFERRAL_SOURCES = {source for source, _weight in demo.REFERRAL_SOURCES}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The demo staff share one password; Argon2 would only slow these tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tiny_size(monkeypatch):
    """A smaller demo for the determinism and re-run tests (``seed_demo --size tiny``)."""
    monkeypatch.setitem(demo.SIZES, "tiny", demo.DemoSize(locations=2, providers=3, patients=300))
    return "tiny"


def _digest(practice: Practice) -> str:
    """A digest of who is in the practice: patients' names and emails, providers' names."""
    lines = [
        f"{p.first_name}|{p.last_name}|{p.email}"
        for p in Patient.objects.filter(practice=practice).order_by("pk").only("first_name", "last_name", "email")
    ]
    lines += [f"{p.first_name}|{p.last_name}" for p in Provider.objects.filter(practice=practice).order_by("pk")]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _digest_on_fresh_database(*, size: str, seed: int) -> str:
    """Build the demo, digest it, then roll it all back: each build starts from an empty database."""
    with transaction.atomic():
        assert not Practice.objects.exists() and not get_user_model().objects.exists()
        digest = _digest(demo.build_demo(size=size, seed=seed, today=TODAY))
        transaction.set_rollback(True)
    return digest


def _row_counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Practice,
        Location,
        OpeningHours,
        Provider,
        Patient,
        JourneyEvent,
        Membership,
        get_user_model(),
    ]
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.mark.django_db
def test_small_demo_has_the_promised_practice():
    practice = demo.build_demo(size="small", seed=7, today=TODAY)

    assert practice.slug == demo.DEMO_SLUG
    assert Location.objects.filter(practice=practice).count() == 2
    assert Provider.objects.filter(practice=practice).count() == 5
    # The size's patients, and the Saturday patients whose move to phone booking the detector finds.
    assert Patient.objects.filter(practice=practice).count() == 2_000 + SWITCHED_PATIENTS
    assert all(provider.locations.exists() for provider in Provider.objects.filter(practice=practice))
    assert OpeningHours.objects.filter(location__practice=practice).exists()

    # Every patient has exactly one registration event, carrying where they heard of the practice.
    events = JourneyEvent.objects.filter(practice=practice, kind="patient.registered")
    assert events.count() == 2_000 + SWITCHED_PATIENTS
    assert events.values("patient").distinct().count() == 2_000 + SWITCHED_PATIENTS
    assert not Patient.objects.filter(practice=practice).exclude(journey_events__kind="patient.registered").exists()
    assert set(events.values_list("data__source", flat=True).distinct()) <= REFERRAL_SOURCES
    assert len(set(events.values_list("data__source", flat=True))) >= 5  # the sources really vary

    # Five demo staff, one per role, all signing in with the demo password; the rest of the team
    # (two more staff and the other providers) cannot sign in.
    memberships = Membership.objects.filter(practice=practice).select_related("user")
    sign_ins = {(m.user.email, m.role) for m in memberships if m.user.has_usable_password()}
    assert sign_ins == {(email, role) for email, _n, role in demo.DEMO_STAFF}
    assert all(m.user.check_password(demo.DEMO_PASSWORD) for m in memberships if m.user.has_usable_password())
    assert memberships.count() == len(demo.DEMO_STAFF) + 2 + 4

    # The owner also runs a second, smaller practice.
    second = Practice.objects.get(slug=demo.SECOND_SLUG)
    assert Membership.objects.filter(practice=second, user__email=demo.DEMO_STAFF[0][0]).exists()
    assert Patient.objects.filter(practice=second).count() == 200


@pytest.mark.django_db
def test_demo_patients_look_real():
    practice = demo.build_demo(size="small", seed=7, today=TODAY)
    patients = Patient.objects.filter(practice=practice)

    emails = [e for e in patients.values_list("email", flat=True) if e]
    assert len(emails) == len(set(emails)) > 1_500
    assert all(e.isascii() and e.count("@") == 1 for e in emails)
    assert patients.filter(preferred_language="es").exists()
    assert patients.values("last_name").distinct().count() > 300
    assert all(date(1930, 1, 1) < dob < TODAY for dob in patients.values_list("date_of_birth", flat=True))


@pytest.mark.django_db
def test_same_seed_gives_the_same_demo_and_another_seed_differs(tiny_size):
    first = _digest_on_fresh_database(size=tiny_size, seed=7)
    again = _digest_on_fresh_database(size=tiny_size, seed=7)
    other = _digest_on_fresh_database(size=tiny_size, seed=8)

    assert first == again
    assert other != first


@pytest.mark.django_db
def test_seed_demo_twice_fails_clearly_and_changes_nothing(tiny_size):
    call_command("seed_demo", "--size", tiny_size, "--seed", "7", stdout=io.StringIO())
    before, digest = _row_counts(), _digest(Practice.objects.get(slug=demo.DEMO_SLUG))

    with pytest.raises(CommandError, match="already exists.*--if-missing"):
        call_command("seed_demo", "--size", tiny_size, "--seed", "8", stdout=io.StringIO())

    assert _row_counts() == before
    assert _digest(Practice.objects.get(slug=demo.DEMO_SLUG)) == digest


@pytest.mark.django_db
def test_seed_demo_if_missing_does_nothing_when_loaded(tiny_size, capsys):
    call_command("seed_demo", "--size", tiny_size, "--seed", "7")
    before, digest = _row_counts(), _digest(Practice.objects.get(slug=demo.DEMO_SLUG))

    call_command("seed_demo", "--size", tiny_size, "--seed", "8", "--if-missing")

    assert "already loaded" in capsys.readouterr().out
    assert _row_counts() == before
    assert _digest(Practice.objects.get(slug=demo.DEMO_SLUG)) == digest


@pytest.mark.django_db
def test_seed_demo_if_missing_builds_on_an_empty_database(tiny_size, capsys):
    call_command("seed_demo", "--size", tiny_size, "--seed", "7", "--if-missing")

    out = capsys.readouterr().out
    assert "Built the tiny demo practice (seed 7)" in out
    assert demo.DEMO_STAFF[0][0] in out
    assert Patient.objects.filter(practice__slug=demo.DEMO_SLUG).count() == 300 + SWITCHED_PATIENTS
