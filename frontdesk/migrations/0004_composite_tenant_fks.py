"""Composite (practice_id, fk) foreign keys between this app's tenant tables and their parents,
read from the models (core.tenancy). PostgreSQL only."""

from django.db import migrations

from core.tenancy import AddCompositeTenantForeignKeys


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0003_unique_per_practice"),
        ("scheduling", "0012_no_overlap_per_practice"),
    ]
    operations = [AddCompositeTenantForeignKeys("frontdesk")]
