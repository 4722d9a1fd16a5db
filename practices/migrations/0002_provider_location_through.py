"""``Provider.locations`` gets an explicit through model (same table) so the rows can carry
``practice_id``: first the model state only, then the new column, filled from the provider."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProviderLocation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("provider", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="practices.provider")),
                        ("location", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="practices.location")),
                    ],
                    options={"db_table": "practices_provider_locations", "unique_together": {("provider", "location")}},
                ),
                migrations.AlterField(
                    model_name="provider",
                    name="locations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="providers",
                        through="practices.ProviderLocation",
                        to="practices.location",
                        verbose_name="works at",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="providerlocation",
            name="practice",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="practices.practice"
            ),
        ),
    ]
