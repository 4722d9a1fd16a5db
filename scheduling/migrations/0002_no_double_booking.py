"""No double booking, enforced by PostgreSQL itself.

An exclusion constraint refuses two *active* appointments of one provider whose blocked ranges
(start - buffer before, end + buffer after, half-open ``[)``) overlap. It needs btree_gist for the
``provider_id WITH =`` part.

Why not ``Meta.constraints``: ExclusionConstraint exists only on PostgreSQL, and ``migrate`` on SQLite
(the embedded mode) would fail on it. So the constraint is added here, by an operation that runs only
when the connection is PostgreSQL, and the model state never knows about it (``makemigrations --check``
stays clean). On SQLite, booking is serialized instead: the project's ``transaction_mode`` is IMMEDIATE,
so ``scheduling.services.booking`` re-checks the time inside a write transaction no one else can interleave.
``BtreeGistExtension`` already does nothing on databases other than PostgreSQL.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import Func, Q

CONSTRAINT_NAME = "appointment_no_overlap_per_provider"
ACTIVE_STATUSES = ["proposed", "pending", "booked", "arrived", "checked-in"]


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def _constraint() -> ExclusionConstraint:
    return ExclusionConstraint(
        name=CONSTRAINT_NAME,
        expressions=[
            ("provider", RangeOperators.EQUAL),
            (TsTzRange("blocked_start", "blocked_end", RangeBoundary()), RangeOperators.OVERLAPS),
        ],
        condition=Q(status__in=ACTIVE_STATUSES),
    )


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_constraint(apps.get_model("scheduling", "Appointment"), _constraint())


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("scheduling", "Appointment"), _constraint())


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, remove_constraint),
    ]
