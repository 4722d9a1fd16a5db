"""Deleting old rows a batch at a time, for the clean-up jobs on the worker (docs/operations.md, "Retention
and clean-up").

Each batch is one short statement on at most ``CLEANUP_BATCH_SIZE`` rows picked by primary key, committed on
its own: no long lock on a big table, and a job stopped halfway has still done its part. Running a job twice,
or in two workers at once (each huey consumer fires the periodic tasks), deletes nothing twice: a row already
gone is simply not found again.
"""

from django.conf import settings
from django.db import models


def delete_in_batches(rows: models.QuerySet, *, batch_size: int | None = None) -> int:
    """Delete ``rows`` in batches of ``batch_size`` (oldest id first); returns how many rows of that model went.

    Outside a transaction (as the periodic tasks run) each batch commits on its own. Rows are picked in id
    order, so a table whose rows are written in time order finds its old rows at the start of its primary-key
    index even where the date filtered on has no index of its own.
    """
    size = batch_size or settings.CLEANUP_BATCH_SIZE
    model = rows.model
    deleted = 0
    while True:
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return deleted
        _, per_model = model._base_manager.filter(pk__in=ids).delete()
        deleted += per_model.get(model._meta.label, 0)
        if len(ids) < size:
            return deleted
