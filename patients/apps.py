from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import search_index

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("patients", "0005_patient_search_text_indexes") in applied:
        search_index.ensure(connection)


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patients")

    def ready(self) -> None:
        # A later migration that rebuilds patients_patient on SQLite drops the search triggers: put them back.
        post_migrate.connect(_ensure_search_index, sender=self)
