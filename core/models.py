from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by a background task so operators and tests can see the worker is alive."""

    label = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} at {self.created_at:%Y-%m-%d %H:%M:%S}"
