"""Copies each reminder plan's practice down to its steps (batched, one commit per batch)."""

from django.db import migrations

from core.tenancy import copy_practice_from_parent


def backfill(apps, schema_editor):
    copy_practice_from_parent(apps.get_model("messaging", "ReminderStep"), "plan")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("messaging", "0004_practice_on_reminder_steps")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
