"""Patient.search_text (name, email and phone folded for staff search) replaces search_name, with an index per
database (``patients.search_index``): a trigram GIN index on PostgreSQL (pg_trgm), an FTS5 full-text table kept
in step by triggers on SQLite.

Both serve the one query shape of ``patients.selectors.search_patients``: each search word matches the start of
a word of search_text. The folding is done in Python (``patients.models.search_text``), so PostgreSQL needs no
unaccent() (and no immutable wrapper around it for an index). On a large PostgreSQL table the GIN index build
holds a write lock on patients for its duration (about a second per 100,000 patients); see docs/operations.md.
"""

import re
import unicodedata

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_A_LETTER = re.compile(r"[\W_]+")
_NOT_AN_EMAIL_CHARACTER = re.compile(r"[^a-z0-9.@_+-]+")


# A copy of patients.models.search_text as it was when this migration was written.
def _without_accents(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _search_text(first_name, last_name, email, phone):
    name = " ".join(_NOT_A_LETTER.sub(" ", _APOSTROPHES.sub("", _without_accents(f"{first_name} {last_name}"))).split())
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    phones = list(dict.fromkeys([digits, digits[-10:], digits[-7:], digits[-4:]])) if digits else []
    words = [name[:255], _NOT_AN_EMAIL_CHARACTER.sub("", _without_accents((email or "").strip())), *phones]
    return " " + " ".join(word for word in words if word)


def fill_search_text(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    fields = ("pk", "first_name", "last_name", "email", "phone")
    batch = []
    for patient in Patient.objects.only(*fields).order_by("pk").iterator(chunk_size=2000):
        patient.search_text = _search_text(patient.first_name, patient.last_name, patient.email, patient.phone)
        batch.append(patient)
        if len(batch) >= 2000:
            Patient.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Patient.objects.bulk_update(batch, ["search_text"])


def create_search_index(apps, schema_editor):
    from patients import search_index

    search_index.ensure(schema_editor.connection)


def drop_search_index(apps, schema_editor):
    from patients import search_index

    search_index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_patient_search_name"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RemoveField(model_name="patient", name="search_name"),
        migrations.AddField(
            model_name="patient",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
