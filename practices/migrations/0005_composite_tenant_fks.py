"""Composite (practice_id, fk) foreign keys between this app's tenant tables and their parents,
read from the models (core.tenancy). PostgreSQL only."""

from django.db import migrations

from core.tenancy import AddCompositeTenantForeignKeys


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0004_provider_location_unique_per_practice"),
    ]
    operations = [AddCompositeTenantForeignKeys("practices")]
