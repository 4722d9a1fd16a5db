"""How the staff pages address a person: a proper name, "Dr." only with a last name, never "Dr.."."""

import pytest
from django.urls import reverse

from accounts import models


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Dr. Hannah Cole", "Dr. Cole"),
        ("Dr Hannah Cole", "Dr. Cole"),
        ("dr. cole", "Dr. cole"),
        ("Dr.", ""),
        ("Dr. ", ""),
        ("Hannah Cole, MD", "Hannah"),
        ("Dr. Hannah Cole Jr.", "Dr. Cole"),
        ("Sam Staff", "Sam"),
        ("J. Smith", "J. Smith"),
        ("Morgan", "Morgan"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_it_addresses_a_person_by_a_proper_name(full_name, expected):
    assert models.greeting_name(full_name) == expected


@pytest.mark.parametrize(
    ("full_name", "greeting"),
    [
        ("Dr. Hannah Cole", "Welcome, Dr. Cole. You are signed in as Clinician."),
        ("Luis Ortega", "Welcome, Luis. You are signed in as Clinician."),
        ("", "Welcome. You are signed in as Clinician."),
        ("Dr.", "Welcome. You are signed in as Clinician."),
    ],
)
def test_it_greets_staff_with_and_without_a_name(staff_client, practice, make_staff, full_name, greeting):
    user = make_staff(practice, "clinician")
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    page = staff_client(user).get(reverse("practices:dashboard", args=[practice.slug])).content.decode()
    assert greeting in page
    assert ".." not in page.split("<main", 1)[1]
