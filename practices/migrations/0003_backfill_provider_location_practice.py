"""Copies each provider's practice to the rows of where they work (batched, one commit per batch)."""

from django.db import migrations

from core.tenancy import copy_practice_from_parent


def backfill(apps, schema_editor):
    copy_practice_from_parent(apps.get_model("practices", "ProviderLocation"), "provider")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("practices", "0002_provider_location_through")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
