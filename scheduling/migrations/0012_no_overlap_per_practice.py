"""The no-double-booking exclusion constraint (0002) gains ``practice_id WITH =``.

A table sharded by practice (Citus, distribution column ``practice_id``) accepts an exclusion
constraint only if it includes the distribution column with equality; a provider belongs to one
practice, so the rule it enforces is the same. PostgreSQL only, like 0002.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import migrations
from django.db.models import Func, Q

OLD_NAME = "appointment_no_overlap_per_provider"
NEW_NAME = "appointment_no_overlap_per_practice_provider"
ACTIVE_STATUSES = ["proposed", "pending", "booked", "arrived", "checked-in"]  # as in 0002


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def _constraint(name: str, *, with_practice: bool) -> ExclusionConstraint:
    expressions = [("practice", RangeOperators.EQUAL)] if with_practice else []
    expressions += [
        ("provider", RangeOperators.EQUAL),
        (TsTzRange("blocked_start", "blocked_end", RangeBoundary()), RangeOperators.OVERLAPS),
    ]
    return ExclusionConstraint(name=name, expressions=expressions, condition=Q(status__in=ACTIVE_STATUSES))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    appointment = apps.get_model("scheduling", "Appointment")
    schema_editor.add_constraint(appointment, _constraint(NEW_NAME, with_practice=True))
    schema_editor.remove_constraint(appointment, _constraint(OLD_NAME, with_practice=False))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    appointment = apps.get_model("scheduling", "Appointment")
    schema_editor.add_constraint(appointment, _constraint(OLD_NAME, with_practice=False))
    schema_editor.remove_constraint(appointment, _constraint(NEW_NAME, with_practice=True))


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0011_unique_per_practice")]
    operations = [migrations.RunPython(forwards, backwards)]
