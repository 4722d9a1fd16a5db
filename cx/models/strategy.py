"""Strategy: the practice's goals, each linked to the experience it intends at one or more touch
points and to measures Touchpoints computes, with a target and a date; quarterly reviews."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journey.catalogue import TOUCHPOINT_CHOICES
from practices.models import Practice


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("goal"), max_length=200)
    why = models.TextField(_("why it matters"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class IntendedExperience(models.Model):
    """What a patient should experience at one touch point, in a sentence."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="experiences")
    touchpoint = models.CharField(_("touch point"), max_length=40, choices=TOUCHPOINT_CHOICES)
    sentence = models.CharField(_("the intended experience"), max_length=300)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.sentence


class GoalMeasure(models.Model):
    """A measure from the catalogue (``cx/project_measures.py`` codes) with its target and date."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures")
    experience = models.ForeignKey(
        IntendedExperience, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures"
    )
    measure = models.CharField(_("measure"), max_length=80)
    # In the measure's own unit: a percentage for proportions (0-100), minutes, or NPS points.
    target = models.FloatField(_("target"))
    target_on = models.DateField(_("by"))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.measure} → {self.target} by {self.target_on}"


class StrategyReview(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    quarter_start = models.DateField(_("quarter"))
    what_moved = models.TextField(_("what moved"))
    what_will_change = models.TextField(_("what will change"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-quarter_start"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "quarter_start"], name="cx_strategy_review_once"),
        ]

    def __str__(self) -> str:
        return f"Review of the quarter from {self.quarter_start}"
