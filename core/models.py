from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by a background task so operators and tests can see the worker is alive."""

    label = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class CacheEntry(models.Model):
    """The table behind Django's cache when no Redis is configured (``core.cache.DatabaseCache``).

    Every web process of the embedded install shares it, so rate-limit counters agree across
    processes. The columns are the ones ``manage.py createcachetable`` would make; being a model,
    the table is created by ``migrate`` (the demo, the tests, any fresh checkout).
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "touchpoints_cache"
        verbose_name_plural = "cache entries"

    def __str__(self) -> str:
        return self.cache_key
