"""Composite (practice_id, fk) foreign keys between this app's tenant tables and their parents,
read from the models (core.tenancy). PostgreSQL only."""

from django.db import migrations

from core.tenancy import AddCompositeTenantForeignKeys


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0007_practice_not_null"),
        ("patients", "0005_sign_in_token_unique_per_practice"),
        ("practices", "0001_initial"),
        ("scheduling", "0012_no_overlap_per_practice"),
    ]
    operations = [AddCompositeTenantForeignKeys("feedback")]
