"""Stored measurements that cannot be recomputed later.

Time to the third next available appointment depends on the schedule as it stood on the day it
was measured (bookings and hours change afterwards), so a daily job keeps one row per day, visit
type and provider (provider empty: any provider). Every other measure is computed from the
appointments and visits themselves.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from practices.models import Practice, Provider
from scheduling.models import VisitType


class ThirdNextAvailable(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Calendar days from ``day`` to the third open slot; empty when fewer than three open slots fall
    # inside the visit type's booking horizon.
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    measured_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "day", "visit_type", "provider"],
                condition=Q(provider__isnull=False),
                name="tna_one_per_day_provider",
            ),
            models.UniqueConstraint(
                fields=["practice", "day", "visit_type"],
                condition=Q(provider__isnull=True),
                name="tna_one_per_day_any_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"TNA {self.day} visit type #{self.visit_type_id}: {self.days}"
