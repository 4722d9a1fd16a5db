"""Patient.search_name: first and last name without case, accents or punctuation, for accent-insensitive
staff search on SQLite and PostgreSQL alike; filled here for the patients already on file."""

import re
import unicodedata

from django.db import migrations, models

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_A_LETTER = re.compile(r"[\W_]+")


def _search_key(*parts):
    # A copy of patients.models.search_key as it was when this migration was written.
    decomposed = unicodedata.normalize("NFKD", " ".join(parts).casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_A_LETTER.sub(" ", _APOSTROPHES.sub("", letters)).split())[:255]


def fill_search_names(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    batch = []
    for patient in Patient.objects.only("pk", "first_name", "last_name").order_by("pk").iterator(chunk_size=2000):
        patient.search_name = _search_key(patient.first_name, patient.last_name)
        batch.append(patient)
        if len(batch) >= 2000:
            Patient.objects.bulk_update(batch, ["search_name"])
            batch = []
    if batch:
        Patient.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_patient_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
    ]
