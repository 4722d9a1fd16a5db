"""Staff patient search ignores accents and case, on SQLite and PostgreSQL alike: "álv", "alv" and "ÁLV"
find "Álvarez", and "Álv" finds "Alvarez"; also by the start of the email or of the phone number. The folded
text is stored on the patient (``Patient.search_text``) and indexed per database (``patients.search_index``)."""

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
    patient = make_patient(practice, first_name="Ana", last_name="Núñez", email="", phone="")
    assert patient.search_text == " ana nunez"
    patient.last_name = "Peña"
    patient.save(update_fields=["last_name"])
    patient.refresh_from_db()
    assert patient.search_text == " ana pena"
    assert found(practice, "pena") == {"Peña"}
    assert found(practice, "nunez") == set()
    patient.phone = "(512) 253-1159"
    patient.save(update_fields=["phone"])
    assert found(practice, "1159") == {"Peña"}
    [bulk] = Patient.objects.bulk_create(
        [Patient(practice=practice, first_name="Zoë", last_name="Çelik", date_of_birth="1990-01-01")]
    )
    assert Patient.objects.get(pk=bulk.pk).search_text == " zoe celik"
    assert found(practice, "celik") == {"Çelik"}


def test_jose_munoz_typed_without_accents_finds_jose_munoz_in_this_practice_only(
    practice, make_patient, other_practice
):
    make_patient(practice, first_name="José", last_name="Muñoz")
    make_patient(practice, first_name="José", last_name="Moreno")
    make_patient(other_practice, first_name="José", last_name="Muñoz")
    assert found(practice, "jose munoz") == {"Muñoz"}
    assert found(practice, "JOSÉ MUÑ") == {"Muñoz"}
    assert found(practice, "munoz jose") == {"Muñoz"}
    assert [p.practice_id for p in search_patients(practice=other_practice, query="jose munoz")] == [other_practice.pk]


def test_it_finds_the_start_of_an_email_or_of_a_phone_number_and_its_last_digits(practice, make_patient):
    make_patient(practice, first_name="Ana", last_name="Rivera", email="Ana.Rivera@Example.com", phone="(512) 253-1159")
    make_patient(practice, first_name="Luis", last_name="Soto", email="lsoto@example.com", phone="+1 737 555 0142")
    assert found(practice, "ana.riv") == {"Rivera"}
    assert found(practice, "ANA.RIVERA@EXAMPLE") == {"Rivera"}
    assert found(practice, "lsoto@") == {"Soto"}
    assert found(practice, "example.com") == set()  # the start of an email, not any part of it
    assert found(practice, "253-1159") == {"Rivera"}  # the local number
    assert found(practice, "(512) 253") == {"Rivera"}
    assert found(practice, "5122531159") == {"Rivera"}
    assert found(practice, "1159") == {"Rivera"}  # the last four
    assert found(practice, "0142") == {"Soto"}
    assert found(practice, "737-555") == {"Soto"}
    assert found(practice, "3115") == set()  # not just any digits of it
    assert found(practice, "soto 0142") == {"Soto"}
    assert found(practice, "rivera 0142") == set()


def test_writes_that_bypass_save_keep_the_index_in_step(practice, make_patient):
    """queryset.update() and delete() go straight to the database: the index follows (triggers on SQLite)."""
    patient = make_patient(practice, first_name="Ana", last_name="Álvarez")
    Patient.objects.filter(pk=patient.pk).update(search_text=" ana soto")
    assert found(practice, "soto") == {"Álvarez"}
    assert found(practice, "alvarez") == set()
    Patient.objects.filter(pk=patient.pk).delete()
    assert found(practice, "soto") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops a table's triggers when it rebuilds it")
def test_after_sqlite_rebuilds_the_table_the_next_migrate_restores_the_index(practice, make_patient):
    from patients import search_index

    make_patient(practice, first_name="Ana", last_name="Álvarez")
    with connection.cursor() as cursor:
        for name in search_index.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")  # what a table rebuild does
    make_patient(practice, first_name="Luis", last_name="Núñez")
    assert found(practice, "nunez") == set()
    assert search_index.ensure(connection) is True  # run after every migrate
    assert found(practice, "nunez") == {"Núñez"}
    assert found(practice, "alvarez") == {"Álvarez"}
    assert search_index.ensure(connection) is False


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

    migration = import_module("patients.migrations.0005_patient_search_text_indexes")
    patient = make_patient(practice, first_name="Ana", last_name="Álvarez", email="ana@example.com", phone="5550142")
    Patient.objects.filter(pk=patient.pk).update(search_text="")  # as before the migration
    assert found(practice, "alv") == set()
    migration.fill_search_text(apps, None)
    assert found(practice, "alv") == {"Álvarez"}
    assert migration._search_text("Ana", "Álvarez", "ana@example.com", "5550142") == patient.current_search_text()
