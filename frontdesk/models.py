"""Arrival and the wait: online check-in, the day-of-visit flow (statuses and their times), the
practice's intake questions and policies, and the flow board's settings.

A ``Visit`` is the day-of-visit record of one appointment. It is created the first time the
appointment's flow status changes (an appointment without one is "scheduled"), keeps the time of
each step (arrived, roomed, with provider, checkout, done) for the measures, and every change is
also a ``VisitStatusChange`` row (who, when, from where) and a journey event.
"""

import secrets
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantOneToOneField
from practices.models import Practice
from scheduling.models import Appointment


class FlowStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ARRIVED = "arrived", _("Arrived")
    ROOMED = "roomed", _("Roomed")
    WITH_PROVIDER = "with_provider", _("With provider")
    CHECKOUT = "checkout", _("Checkout")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")
    LEFT = "left", _("Left without being seen")


# The normal path through a visit, in order; each step's time is kept on the Visit.
FLOW_STEPS: tuple[str, ...] = (
    FlowStatus.SCHEDULED,
    FlowStatus.ARRIVED,
    FlowStatus.ROOMED,
    FlowStatus.WITH_PROVIDER,
    FlowStatus.CHECKOUT,
    FlowStatus.DONE,
)
# Visit field holding the time each step was reached.
STEP_TIME_FIELD: dict[str, str] = {
    FlowStatus.ARRIVED: "arrived_at",
    FlowStatus.ROOMED: "roomed_at",
    FlowStatus.WITH_PROVIDER: "with_provider_at",
    FlowStatus.CHECKOUT: "checkout_at",
    FlowStatus.DONE: "done_at",
}


class ChangeSource(models.TextChoices):
    """Where a status change came from."""

    DESK = "desk", _("Front desk")
    KIOSK = "kiosk", _("Kiosk")
    QR = "qr", _("QR code at the desk")
    PHONE = "phone", _("Patient's phone")
    SYSTEM = "system", _("Automatic")


def _arrival_key() -> str:
    return secrets.token_urlsafe(18)


class FlowSettings(models.Model):
    """Per practice: when the board highlights a wait, how early online check-in opens, and the secret
    in the kiosk and QR-code address (rotated by staff if a printed code leaks)."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="flow_settings")
    arrived_threshold_minutes = models.PositiveSmallIntegerField(
        _("waiting room: highlight after (minutes)"), default=15
    )
    roomed_threshold_minutes = models.PositiveSmallIntegerField(_("in the room: highlight after (minutes)"), default=15)
    with_provider_threshold_minutes = models.PositiveSmallIntegerField(
        _("with provider: highlight after (minutes)"), default=40
    )
    checkout_threshold_minutes = models.PositiveSmallIntegerField(_("checkout: highlight after (minutes)"), default=10)
    online_check_in_hours = models.PositiveSmallIntegerField(_("online check-in opens (hours before)"), default=48)
    # Looked up with the practice's slug (selectors.arrival), so unique per practice is enough.
    arrival_key = models.CharField(max_length=40, default=_arrival_key)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("flow settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(online_check_in_hours__gte=1, online_check_in_hours__lte=168),
                name="flow_settings_check_in_hours_valid",
            ),
            models.UniqueConstraint(fields=["practice", "arrival_key"], name="flow_settings_unique_arrival_key"),
        ]

    def __str__(self) -> str:
        return f"flow settings of practice #{self.practice_id}"

    def threshold_for(self, status: str) -> int | None:
        thresholds: dict[str, int | None] = {
            FlowStatus.ARRIVED: self.arrived_threshold_minutes,
            FlowStatus.ROOMED: self.roomed_threshold_minutes,
            FlowStatus.WITH_PROVIDER: self.with_provider_threshold_minutes,
            FlowStatus.CHECKOUT: self.checkout_threshold_minutes,
        }
        return thresholds.get(status)


class Visit(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    appointment = TenantOneToOneField(Appointment, on_delete=models.CASCADE, related_name="visit")
    status = models.CharField(_("status"), max_length=15, choices=FlowStatus.choices, default=FlowStatus.SCHEDULED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    arrival_source = models.CharField(max_length=10, choices=ChangeSource.choices, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    roomed_at = models.DateTimeField(null=True, blank=True)
    with_provider_at = models.DateTimeField(null=True, blank=True)
    checkout_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "updated_at"], name="visit_practice_updated_idx")]
        constraints = [
            models.UniqueConstraint(fields=["practice", "appointment"], name="visit_one_per_appointment"),
            models.CheckConstraint(condition=Q(status__in=FlowStatus.values), name="visit_status_valid"),
            # Each step comes after the one before it (a step skipped leaves its time empty).
            models.CheckConstraint(
                condition=Q(roomed_at__isnull=True)
                | Q(arrived_at__isnull=True)
                | Q(roomed_at__gte=models.F("arrived_at")),
                name="visit_roomed_after_arrived",
            ),
            models.CheckConstraint(
                condition=Q(with_provider_at__isnull=True)
                | Q(roomed_at__isnull=True)
                | Q(with_provider_at__gte=models.F("roomed_at")),
                name="visit_provider_after_roomed",
            ),
            models.CheckConstraint(
                condition=Q(checkout_at__isnull=True)
                | Q(with_provider_at__isnull=True)
                | Q(checkout_at__gte=models.F("with_provider_at")),
                name="visit_checkout_after_provider",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True)
                | Q(checkout_at__isnull=True)
                | Q(done_at__gte=models.F("checkout_at")),
                name="visit_done_after_checkout",
            ),
        ]

    def __str__(self) -> str:
        return f"visit of appointment #{self.appointment_id} ({self.status})"


class VisitStatusChange(models.Model):
    """One change on the flow board (or at the kiosk, or from the patient's phone): who, when, from where."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=15, choices=FlowStatus.choices)
    to_status = models.CharField(max_length=15, choices=FlowStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=ChangeSource.choices)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["practice", "at"], name="visit_change_practice_at_idx")]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    SHORT_TEXT = "short_text", _("Short answer")
    LONG_TEXT = "long_text", _("Longer answer")


class IntakeQuestion(models.Model):
    """One of the practice's intake questions, asked at online check-in, in English and Spanish."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="intake_questions")
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_es = models.CharField(_("question (Spanish)"), max_length=300)
    kind = models.CharField(_("answer"), max_length=12, choices=QuestionKind.choices, default=QuestionKind.SHORT_TEXT)
    required = models.BooleanField(_("must be answered"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="intake_question_kind_valid")
        ]

    def __str__(self) -> str:
        return self.text_en

    def text(self, language: str) -> str:
        return self.text_es if language == "es" and self.text_es else self.text_en


class PracticePolicy(models.Model):
    """A policy patients acknowledge at online check-in (financial, cancellation, privacy notice).

    Changing the wording makes a new version; an acknowledgement names the version it saw.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="policies")
    title_en = models.CharField(_("title (English)"), max_length=120)
    title_es = models.CharField(_("title (Spanish)"), max_length=120)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"))
    version = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = _("practice policies")

    def __str__(self) -> str:
        return self.title_en

    def title(self, language: str) -> str:
        return self.title_es if language == "es" and self.title_es else self.title_en

    def body(self, language: str) -> str:
        return self.body_es if language == "es" and self.body_es else self.body_en


def _private_storage():
    return storages["private"]


def card_upload_path(instance, filename: str) -> str:
    """A random name under the practice's folder: no patient name, no original file name."""
    return f"insurance-cards/{instance.practice_id}/{uuid.uuid4().hex}.jpg"


class OnlineCheckIn(models.Model):
    """What the patient gave at online check-in for one appointment.

    Card photos live in the private storage (never under /media/) and are served only to the
    practice's staff, by a view that audits each look. ``answers`` maps question id to answer.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    appointment = TenantOneToOneField(Appointment, on_delete=models.CASCADE, related_name="online_check_in")
    self_pay = models.BooleanField(default=False)
    insurance_carrier = models.CharField(max_length=120, blank=True)
    insurance_member_id = models.CharField(max_length=40, blank=True)
    card_front = models.ImageField(storage=_private_storage, upload_to=card_upload_path, blank=True)
    card_back = models.ImageField(storage=_private_storage, upload_to=card_upload_path, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    # [{"id": policy id, "version": n}, ...]
    policies_acknowledged = models.JSONField(default=list, blank=True)
    completed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "completed_at"], name="online_check_in_practice_idx")]
        constraints = [
            models.UniqueConstraint(fields=["practice", "appointment"], name="online_check_in_one_per_appointment")
        ]

    def __str__(self) -> str:
        return f"online check-in of appointment #{self.appointment_id}"


class WaitModelFit(models.Model):
    """The practice's wait-estimate model, fitted on its own past days by the worker each night
    (``frontdesk.wait_model``: coefficients and the usual lag per provider, weekday and hour)."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="wait_model_fit")
    params = models.JSONField()
    visits = models.PositiveIntegerField()  # scored past visits it was fitted on
    fitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"wait model of practice #{self.practice_id} ({self.visits} visits)"
