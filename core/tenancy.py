"""Which tables belong to one practice (tenant tables) and which are shared (reference tables).

The schema is laid out so that it can be sharded by practice (Citus, distribution column
``practice_id``; docs/operations.md, "Sharding by practice"):

- every tenant table has ``practice`` (column ``practice_id``), copied down onto child tables;
- every unique constraint on a tenant table includes ``practice``;
- every foreign key from a tenant table to another tenant table is also enforced as the composite
  ``(practice_id, <fk>_id) -> parent (practice_id, id)`` on PostgreSQL
  (``AddCompositeTenantForeignKeys``, a migration operation that reads the list from the models);
- every other table is listed in ``REFERENCE_MODELS`` with the reason it is shared.

``core/tests/test_tenancy.py`` enforces all four, so a new model or key cannot forget them.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps.registry import Apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.migrations.operations.base import Operation

PRACTICE_FIELD = "practice"
PRACTICE_MODEL = "practices.Practice"

# Shared by every practice (Citus: reference tables, or tables left on the coordinator). Keep short.
REFERENCE_MODELS: dict[str, str] = {
    "practices.Practice": "the tenant itself: looked up by slug before any practice is known",
    "accounts.User": "a person can work at several practices (Membership); signs in before choosing one",
    "auth.Group": "Django's permission groups: platform configuration",
    "auth.Permission": "Django's permission catalogue: platform configuration",
    "contenttypes.ContentType": "Django's model catalogue: platform configuration",
    "sessions.Session": "signed-in staff sessions, keyed by a random key before any practice is chosen",
    "otp_totp.TOTPDevice": "a user's second factor: belongs to the user, not to a practice",
    "axes.AccessAttempt": "failed sign-ins by username and address: checked before any practice is known",
    "axes.AccessAttemptExpiration": "child of axes.AccessAttempt",
    "axes.AccessFailureLog": "sign-in failure log by username and address",
    "axes.AccessLog": "sign-in log by username and address",
    "core.CacheEntry": "the database cache backend's table: keys carry their own scope",
    "core.WorkerHeartbeat": "one row per worker process: the platform's health",
    "messaging.WebhookReceipt": (
        "replay guard of the SMS provider's signed webhooks, one platform-wide secret: the receipt is "
        "written before the payload is read, so before its practice is known (an inbound text to an unknown "
        "number has none); in Citus a table local to the coordinator, not replicated"
    ),
}

# Tenant tables whose rows may belong to no practice. Citus refuses NULL in the distribution column,
# so these rows need another home before distributing (docs/operations.md lists the plan).
NULLABLE_PRACTICE: dict[str, str] = {
    "feedback.Survey": "the shipped survey templates (practice empty) that practices copy",
    "feedback.SurveyVersion": "the versions of the shipped survey templates",
    "feedback.Question": "the questions of the shipped survey templates",
    "messaging.InboundMessage": "a text to a number that no practice has, kept for the record",
}

# Unique constraints on tenant tables that must hold across practices, by (model label, name).
GLOBAL_UNIQUE: dict[tuple[str, str], str] = {
    ("messaging.MessagingSettings", "messaging_sms_number_unique"): (
        "an inbound text is routed to its practice by the number it was sent to; in Citus this moves to a "
        "reference table (number -> practice)"
    ),
    ("feedback.Survey", "survey_one_shipped_per_kind"): "one shipped template per kind (rows without a practice)",
    ("messaging.InboundMessage", "inbound_unique_provider_id_unrouted"): (
        "replayed texts to an unknown number (rows without a practice)"
    ),
}

# Foreign keys between tenant tables that may point into shared rows, by (model label, field name).
CROSS_TENANT_FOREIGN_KEYS: dict[tuple[str, str], str] = {
    ("feedback.Survey", "copied_from"): "a practice's survey points at the shipped template it was copied from",
}


class TenantOneToOneField(models.OneToOneField):
    """A one-to-one link between two rows of one practice: unique per practice in the database.

    Django's ``OneToOneField`` puts a single-column UNIQUE on the column, which a table distributed by
    ``practice_id`` cannot have; the model declares ``UniqueConstraint(fields=["practice", <field>])``
    instead. The ORM must still see the field as unique (``select_related("visit")`` follows only unique
    reverse relations), so only the schema editors, which write the DDL, are told it is not: they then
    create a plain index on the column and no UNIQUE.
    """

    @property
    def unique(self) -> bool:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        return not caller.startswith("django.db.backends.")


def is_reference(model: type[models.Model]) -> bool:
    return model._meta.label in REFERENCE_MODELS


def practice_field(model: type[models.Model]) -> models.ForeignKey | None:
    try:
        field = model._meta.get_field(PRACTICE_FIELD)
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.ForeignKey) and field.related_model._meta.label == PRACTICE_MODEL:
        return field
    return None


def practice_column(model: type[models.Model]) -> str:
    field = practice_field(model)
    if field is None:
        raise ValueError(f"{model._meta.label} has no practice")
    return field.column


def is_tenant(model: type[models.Model]) -> bool:
    return not is_reference(model) and practice_field(model) is not None


def concrete_models(apps: Apps) -> Iterator[type[models.Model]]:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            yield model


def tenant_foreign_keys(model: type[models.Model]) -> Iterator[models.ForeignKey]:
    """The model's foreign keys to other tenant tables (the ones that need the composite key)."""
    if not is_tenant(model):
        return
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or field.name == PRACTICE_FIELD:
            continue
        if (model._meta.label, field.name) in CROSS_TENANT_FOREIGN_KEYS:
            continue
        if is_tenant(field.related_model):
            yield field


def _name(*parts: str, suffix: str) -> str:
    digest = hashlib.md5("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{'_'.join(parts)[:40]}_{digest}_{suffix}"


def parent_key_name(table: str) -> str:
    return _name(table, suffix="tenant_key")


def composite_fk_name(table: str, column: str) -> str:
    return _name(table, column, suffix="tenant_fk")


def _constraint_exists(cursor: Any, table: str, name: str) -> bool:
    cursor.execute(
        "SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
        [table, name],
    )
    return cursor.fetchone() is not None


def add_composite_foreign_keys(schema_editor: Any, models_: Iterable[type[models.Model]]) -> None:
    """On PostgreSQL: UNIQUE (practice_id, id) on each parent and FOREIGN KEY (practice_id, <fk>_id)
    REFERENCES parent (practice_id, id) on each child, for every tenant foreign key of ``models_``.
    Idempotent; deferred like Django's own foreign keys."""
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for model in models_:
            child = model._meta.db_table
            for field in tenant_foreign_keys(model):
                child_practice = practice_column(model)
                parent = field.related_model
                parent_table = parent._meta.db_table
                parent_practice = practice_column(parent)
                target = field.target_field.column
                key = parent_key_name(parent_table)
                if not _constraint_exists(cursor, parent_table, key):
                    cursor.execute(
                        f"ALTER TABLE {quote(parent_table)} ADD CONSTRAINT {quote(key)} "
                        f"UNIQUE ({quote(parent_practice)}, {quote(target)})"
                    )
                name = composite_fk_name(child, field.column)
                if not _constraint_exists(cursor, child, name):
                    cursor.execute(
                        f"ALTER TABLE {quote(child)} ADD CONSTRAINT {quote(name)} "
                        f"FOREIGN KEY ({quote(child_practice)}, {quote(field.column)}) "
                        f"REFERENCES {quote(parent_table)} ({quote(parent_practice)}, {quote(target)}) "
                        "DEFERRABLE INITIALLY DEFERRED"
                    )


def drop_composite_foreign_keys(schema_editor: Any, models_: Iterable[type[models.Model]]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for model in models_:
            child = model._meta.db_table
            for field in tenant_foreign_keys(model):
                name = composite_fk_name(child, field.column)
                cursor.execute(f"ALTER TABLE {quote(child)} DROP CONSTRAINT IF EXISTS {quote(name)}")


class AddCompositeTenantForeignKeys(Operation):
    """Migration operation: the composite tenant foreign keys of every model of ``app_label``, as the
    models stand at this point of the migration graph. PostgreSQL only; nothing elsewhere. Put it last
    in an app's migration after adding or changing a foreign key between tenant tables (running it
    again is harmless: existing constraints are kept)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, app_label: str) -> None:
        self.app_label = app_label

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [], {"app_label": self.app_label})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _models(self, state: Any) -> list[type[models.Model]]:
        return [m for m in concrete_models(state.apps) if m._meta.app_label == self.app_label]

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        add_composite_foreign_keys(schema_editor, self._models(to_state))

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        drop_composite_foreign_keys(schema_editor, self._models(from_state))

    def describe(self) -> str:
        return f"Composite (practice_id, fk) foreign keys between the tenant tables of {self.app_label}"

    @property
    def migration_name_fragment(self) -> str:
        return f"composite_tenant_fks_{self.app_label}"


def copy_practice_from_parent(model: type[models.Model], parent_field: str, batch_size: int = 2000) -> None:
    """Data migration helper: set ``practice`` on rows of ``model`` that have none, from the row that
    ``parent_field`` points at; in batches by primary key (run it in a non-atomic migration so each
    batch commits on its own). Works on SQLite and PostgreSQL."""
    parent = model._meta.get_field(parent_field).related_model
    assert parent is not None
    parent_practice = models.Subquery(
        parent._default_manager.filter(pk=models.OuterRef(parent_field)).values(f"{PRACTICE_FIELD}_id")[:1]
    )
    manager = model._default_manager
    last_pk = 0
    while True:
        batch = list(
            manager.filter(pk__gt=last_pk, **{f"{PRACTICE_FIELD}__isnull": True})
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return
        manager.filter(pk__in=batch).update(**{f"{PRACTICE_FIELD}_id": parent_practice})
        last_pk = batch[-1]
