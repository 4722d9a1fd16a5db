"""Listening to change: a signal that a patient does business with the practice differently.

A signal is found by the detector (``cx/change_detection.py``) from the patient's own history in the
journey log and their appointments. It carries its evidence in words (no clinical detail), how strong
it is, and the response suggested; a team member handles it and writes what they learned.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantOneToOneField
from practices.models import Practice


class SignalKind(models.TextChoices):
    ONLINE_TO_PHONE = "online_to_phone", _("Booked online, now books by phone")
    PHONE_TO_ONLINE = "phone_to_online", _("Booked by phone, now books online")
    STOPPED_CHECKING_IN = "stopped_checking_in", _("Stopped checking in online")
    STOPPED_CONFIRMING = "stopped_confirming", _("Stopped confirming reminders")
    LAPSED_RECALL = "lapsed_recall", _("Not back when expected")
    LAPSED_GAP = "lapsed_gap", _("Visits much further apart than before")
    NEW_LOCATION = "new_location", _("Went to a different location")
    NEW_PROVIDER = "new_provider", _("Saw a different provider after years with one")
    MORE_CANCELLATIONS = "more_cancellations", _("Cancels more than before")
    MORE_NO_SHOWS = "more_no_shows", _("Misses more visits than before")
    LATE_CANCELLATIONS = "late_cancellations", _("Started cancelling late")
    OPTED_OUT = "opted_out", _("Opted out of texts or email")
    TURNED_DETRACTOR = "turned_detractor", _("Unhappy after years of being happy")
    ABANDONED_BOOKING = "abandoned_booking", _("Started booking online and gave up")


class Strength(models.IntegerChoices):
    WEAK = 1, _("Weak")
    MODERATE = 2, _("Moderate")
    STRONG = 3, _("Strong")


class SuggestedResponse(models.TextChoices):
    CALL = "call", _("A call from the front desk")
    MICRO_SURVEY = "micro_survey", _("A one-question survey")
    RECOVERY_CASE = "recovery_case", _("A service recovery case")


class SignalStatus(models.TextChoices):
    OPEN = "open", _("To handle")
    HANDLED = "handled", _("Handled")
    DISMISSED = "dismissed", _("Not a real change")


class ChangeSignal(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what changed"), max_length=24, choices=SignalKind.choices)
    strength = models.PositiveSmallIntegerField(_("strength"), choices=Strength.choices, default=Strength.MODERATE)
    # What the detector saw, in words a team member reads aloud: dates, channels, counts; never clinical.
    evidence = models.TextField(_("evidence"))
    # The day the new behaviour was first seen: one signal per patient, kind and day, whatever reruns.
    changed_on = models.DateField(_("changed on"))
    detected_at = models.DateTimeField(default=timezone.now)
    location = models.ForeignKey(
        "practices.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        "practices.Provider", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggested_response = models.CharField(
        _("suggested response"), max_length=16, choices=SuggestedResponse.choices, default=SuggestedResponse.CALL
    )
    status = models.CharField(_("status"), max_length=10, choices=SignalStatus.choices, default=SignalStatus.OPEN)
    lesson = models.TextField(_("what we learned"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    # The response taken (the latest, when several were): a call (a front-desk action), a survey or a case.
    response_taken = models.CharField(_("response taken"), max_length=16, choices=SuggestedResponse.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    call_action = models.ForeignKey("cx.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    survey_invitation = models.ForeignKey(
        "feedback.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recovery_case = models.ForeignKey(
        "feedback.RecoveryCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-detected_at", "pk"]
        indexes = [
            models.Index(fields=["practice", "status", "detected_at"], name="cx_signal_status_idx"),
            models.Index(fields=["practice", "kind", "changed_on"], name="cx_signal_kind_idx"),
            models.Index(fields=["practice", "patient", "changed_on"], name="cx_signal_patient_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["practice", "patient", "kind", "changed_on"], name="cx_signal_once"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(handled_at__isnull=False), name="cx_signal_handled_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.changed_on})"


class DetectionCursor(models.Model):
    """How far the detector has read a practice's journey log, so each run reads only what is new."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    last_event_id = models.BigIntegerField(default=0)
    # Lapses are found by the passing of time, not by events: the last day checked for them.
    lapses_checked_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Change detection of practice {self.practice_id} at event {self.last_event_id}"


class LapseWatch(models.Model):
    """The next day a patient's history, with nothing new, would show a lapse (their recall's due day
    plus grace, or their own usual gap run long), or an upcoming visit's day has passed. Kept by the
    detector each time it reads the patient, so lapses are found by an indexed range over the days
    since the last check, never by a scan of every patient. Holds a day only: never why."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    patient = TenantOneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="+")
    check_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["practice", "check_on"], name="cx_lapse_watch_day_idx")]
        constraints = [models.UniqueConstraint(fields=["practice", "patient"], name="cx_lapse_watch_one_per_patient")]

    def __str__(self) -> str:
        return f"Lapse check of patient {self.patient_id} on {self.check_on}"
