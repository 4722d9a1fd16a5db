"""Composite (practice_id, fk) foreign keys between this app's tenant tables and their parents,
read from the models (core.tenancy). PostgreSQL only."""

from django.db import migrations

from core.tenancy import AddCompositeTenantForeignKeys


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        ("patients", "0005_sign_in_token_unique_per_practice"),
    ]
    operations = [AddCompositeTenantForeignKeys("audit")]
