from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import TOUCHPOINT_CHOICES


class Stage(models.TextChoices):
    """The seven stages of a patient's journey, in order."""

    DISCOVER = "discover", _("Discover")
    BOOK = "book", _("Book")
    PREPARE = "prepare", _("Prepare")
    ARRIVE = "arrive", _("Arrive and wait")
    VISIT = "visit", _("Visit")
    PAY = "pay", _("Pay")
    AFTERWARDS = "afterwards", _("Afterwards")


class JourneyEvent(models.Model):
    """Something that happened at a touch point. Append-only; carries no clinical detail."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="journey_events")
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="journey_events"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    touchpoint = models.CharField(max_length=40, choices=TOUCHPOINT_CHOICES)
    kind = models.CharField(max_length=60)
    occurred_at = models.DateTimeField(db_index=True)
    data = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["practice", "kind", "occurred_at"], name="journey_kind_time_idx"),
            models.Index(fields=["practice", "touchpoint", "occurred_at"], name="journey_tp_time_idx"),
            models.Index(fields=["practice", "patient", "occurred_at"], name="journey_patient_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"
