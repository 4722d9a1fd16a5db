"""Staff patient search ignores accents and case, on SQLite and PostgreSQL alike: "álv", "alv" and "ÁLV"
find "Álvarez", and "Álv" finds "Alvarez". The search key is stored on the patient (``Patient.search_name``)."""

import pytest
from django.db import connection
from django.urls import reverse

from patients.models import Patient, search_key
from patients.selectors import search_patients
from practices.models import Practice, Role

pytestmark = pytest.mark.django_db


def found(practice: Practice, query: str) -> set[str]:
    return {p.last_name for p in search_patients(practice=practice, query=query)}


@pytest.mark.parametrize("query", ["álv", "alv", "ÁLV", "Alvarez", "ALVAREZ", "álvarez", "Ana álv", "ana ALV"])
def test_it_finds_alvarez_with_or_without_the_accent(practice, make_patient, query):
    make_patient(practice, first_name="Ana", last_name="Álvarez")
    make_patient(practice, first_name="Ana", last_name="Almeida")
    assert found(practice, query) == {"Álvarez"}, connection.vendor


@pytest.mark.parametrize("query", ["Álv", "álv", "ÁLVAREZ"])
def test_it_finds_a_name_written_without_accents_from_an_accented_query(practice, make_patient, query):
    make_patient(practice, first_name="Luis", last_name="Alvarez")
    assert found(practice, query) == {"Alvarez"}


def test_it_matches_each_word_of_a_name_and_first_names_too(practice, make_patient, other_practice):
    make_patient(practice, first_name="José", last_name="Rivera-Gutiérrez")
    make_patient(practice, first_name="Siobhán", last_name="O'Brien")
    make_patient(other_practice, first_name="José", last_name="Gutiérrez")
    assert found(practice, "gutierrez") == {"Rivera-Gutiérrez"}
    assert found(practice, "jose riv") == {"Rivera-Gutiérrez"}
    assert found(practice, "rivera-gut") == {"Rivera-Gutiérrez"}
    assert found(practice, "obrien") == {"O'Brien"}
    assert found(practice, "o'bri") == {"O'Brien"}
    assert found(practice, "SIOBHAN") == {"O'Brien"}
    assert found(practice, "ver") == set()  # word starts only, as before


def test_it_keeps_the_key_up_to_date_on_save_and_bulk_create(practice, make_patient):
    patient = make_patient(practice, first_name="Ana", last_name="Núñez")
    assert patient.search_name == "ana nunez"
    patient.last_name = "Peña"
    patient.save(update_fields=["last_name"])
    patient.refresh_from_db()
    assert patient.search_name == "ana pena"
    [bulk] = Patient.objects.bulk_create(
        [Patient(practice=practice, first_name="Zoë", last_name="Çelik", date_of_birth="1990-01-01")]
    )
    assert Patient.objects.get(pk=bulk.pk).search_name == "zoe celik"
    assert found(practice, "celik") == {"Çelik"}


def test_the_key_folds_case_accents_and_punctuation():
    assert search_key("ÁLVAREZ") == "alvarez"
    assert search_key("Ana", "Rivera-Gutiérrez") == "ana rivera gutierrez"
    assert search_key("O’Brien") == "obrien"
    assert search_key("Straße") == "strasse"
    assert search_key("  ") == ""


def test_the_staff_page_finds_alvarez(client, practice, make_staff, make_patient):
    alvarez = make_patient(practice, first_name="Ana", last_name="Álvarez")
    client.force_login(make_staff(practice, Role.FRONT_DESK))
    page = client.get(reverse("patients:staff_list", args=[practice.slug]), {"q": "alv"})
    assert [p.pk for p in page.context["page"].object_list] == [alvarez.pk]


def test_the_migration_fills_the_key_of_patients_already_on_file(practice, make_patient):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("patients.migrations.0004_patient_search_name")
    patient = make_patient(practice, first_name="Ana", last_name="Álvarez")
    Patient.objects.filter(pk=patient.pk).update(search_name="")  # as before the migration
    assert found(practice, "alv") == set()
    migration.fill_search_names(apps, None)
    assert found(practice, "alv") == {"Álvarez"}
    assert migration._search_key("Ana", "Álvarez") == search_key("Ana", "Álvarez")
