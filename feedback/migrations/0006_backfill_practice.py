"""Copies each survey's practice down to its versions, questions and answers (batched, one commit per
batch). The shipped templates' versions and questions keep no practice."""

from django.db import migrations

from core.tenancy import copy_practice_from_parent


def backfill(apps, schema_editor):
    copy_practice_from_parent(apps.get_model("feedback", "SurveyVersion"), "survey")
    copy_practice_from_parent(apps.get_model("feedback", "Question"), "version")
    copy_practice_from_parent(apps.get_model("feedback", "Answer"), "response")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("feedback", "0005_practice_on_child_tables")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
