"""The demo tells the truth to a new user: the second practice has its own address and phone, follow-ups
are for established patients only, and the visit instructions never ask a self-paying patient for an
insurance card (the confirmation page's own list asks only insured patients)."""

from datetime import date

import pytest

from demo import practices as demo
from practices.models import Location, Practice
from scheduling.models import PatientKind, VisitType

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """One tiny demo for the module (both practices), removed at the end."""
    with django_db_blocker.unblock():
        sizes = dict(demo.SIZES)
        demo.SIZES["tiny"] = demo.DemoSize(locations=2, providers=3, patients=120, booked_share=0.2)
        second_size = demo.SECOND_SIZE
        demo.SECOND_SIZE = demo.DemoSize(locations=1, providers=2, patients=40, booked_share=0.1)
        try:
            from django.db import transaction

            with transaction.atomic():
                demo.build_demo(size="tiny", seed=3, today=TODAY)
                yield
                transaction.set_rollback(True)
        finally:
            demo.SIZES.clear()
            demo.SIZES.update(sizes)
            demo.SECOND_SIZE = second_size


@pytest.mark.django_db
def test_the_second_demo_practice_has_its_own_address_and_phone(built):
    first = Practice.objects.get(slug=demo.DEMO_SLUG)
    second = Practice.objects.get(slug=demo.SECOND_SLUG)
    assert second.phone and second.phone != first.phone
    first_places = {(loc.address_line1, loc.phone) for loc in Location.objects.filter(practice=first)}
    first_phones = {phone for _address, phone in first_places} | {first.phone}
    first_addresses = {address for address, _phone in first_places}
    for location in Location.objects.filter(practice=second):
        assert location.address_line1 not in first_addresses
        assert location.phone and location.phone not in first_phones
        assert location.name not in {loc.name for loc in Location.objects.filter(practice=first)}


@pytest.mark.django_db
def test_demo_follow_ups_are_for_established_patients_only(built):
    for practice in Practice.objects.all():
        follow_up = VisitType.objects.get(practice=practice, slug="follow-up")
        assert follow_up.patient_kind == PatientKind.RETURNING


@pytest.mark.django_db
def test_demo_visit_instructions_ask_no_one_for_an_insurance_card(built):
    instructions = VisitType.objects.values_list("instructions_for_patient", flat=True)
    assert instructions and all("insurance card" not in text.lower() for text in instructions)
