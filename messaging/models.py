"""Messages to and from patients: templates, reminder plans, the outbox, inbound replies and
conversations, running-late notices and recall.

The outbox (``Message``) is the single record of every message: one row per message, unique per
``dedupe_key`` (for a reminder: appointment, plan step and channel), so whatever runs twice
creates nothing twice. Workers claim rows with a lease; the delivery is keyed by the row's id, so
a send retried after a crash is recognised by the channel as the same message (see
``messaging/delivery.py``). Message bodies never carry clinical detail: templates can only use the
variables in ``messaging/rendering.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantOneToOneField
from patients.models import Patient
from practices.models import Practice, Provider
from scheduling.models import Appointment, VisitType


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Booking confirmation")
    RESCHEDULE = "reschedule", _("New time for an appointment")
    CANCELLATION = "cancellation", _("Appointment cancelled")
    REMINDER = "reminder", _("Appointment reminder")
    RUNNING_LATE = "running_late", _("Running late")
    RECALL = "recall", _("Recall")
    REACTIVATION = "reactivation", _("We miss you")
    THANK_YOU = "thank_you", _("Thank you after the visit")
    CONVERSATION = "conversation", _("Reply from the practice")
    OPT_OUT = "opt_out", _("Opt-out confirmation")
    WAITLIST_OFFER = "waitlist_offer", _("Waitlist offer")
    WAITLIST_TAKEN = "waitlist_taken", _("Waitlist time taken by someone else")
    SURVEY = "survey", _("Survey invitation")
    REVIEW_INVITATION = "review_invitation", _("Invitation to leave a review")
    BOOKING_LINK = "booking_link", _("Link to confirm an online booking")


class MessagingSettings(models.Model):
    """A practice's sender identity, quiet hours and recall limits. Defaults apply without a row."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="messaging_settings")
    sender_name = models.CharField(
        _("sender name"), max_length=80, blank=True, help_text=_("Leave empty to use the practice's name.")
    )
    from_email = models.EmailField(_("from address"), blank=True, help_text=_("Leave empty to use the site's address."))
    sms_number = models.CharField(
        _("text message number"), max_length=20, blank=True, help_text=_("In +1… form, as the SMS provider knows it.")
    )
    quiet_start = models.TimeField(_("quiet hours start"), default="21:00")
    quiet_end = models.TimeField(_("quiet hours end"), default="08:00")
    recall_max_messages = models.PositiveSmallIntegerField(_("recall messages at most"), default=3)
    recall_days_between = models.PositiveSmallIntegerField(_("days between recall messages"), default=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sms_number"], condition=~Q(sms_number=""), name="messaging_sms_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"messaging settings of practice #{self.practice_id}"


class MessageTemplate(models.Model):
    """A practice's own wording of one kind of message, for one channel and language.

    Without a row the shipped default (``messaging/defaults.py``) is used.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="message_templates")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=5, choices=[("en", _("English")), ("es", _("Spanish"))])
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    body = models.TextField(_("text"), max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "channel", "language"], name="message_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.language}"


class ReminderPlan(models.Model):
    """When reminders go out before a visit. The plan without a visit type is the practice's default."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="reminder_plans")
    visit_type = TenantOneToOneField(
        VisitType, on_delete=models.CASCADE, null=True, blank=True, related_name="reminder_plan"
    )
    is_active = models.BooleanField(_("send reminders"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice"], condition=Q(visit_type__isnull=True), name="reminder_plan_one_default_per_practice"
            ),
            models.UniqueConstraint(fields=["practice", "visit_type"], name="reminder_plan_one_per_visit_type"),
        ]

    def __str__(self) -> str:
        return f"reminder plan #{self.pk}"


class ReminderStep(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")  # the plan's
    plan = models.ForeignKey(ReminderPlan, on_delete=models.CASCADE, related_name="steps")
    minutes_before = models.PositiveIntegerField(_("minutes before the visit"))
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)

    class Meta:
        ordering = ["-minutes_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "plan", "minutes_before", "channel"], name="reminder_step_unique"
            ),
            models.CheckConstraint(condition=Q(minutes_before__gt=0), name="reminder_step_before_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes_before} min before by {self.channel}"

    def save(self, *args, **kwargs):
        if self.practice_id is None and self.plan_id is not None:
            self.practice_id = self.plan.practice_id
        super().save(*args, **kwargs)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    SKIPPED = "skipped", _("Not sent")  # no consent, no address, opted out, or the visit changed


class Message(models.Model):
    """One outbound message: the outbox row, from queued to delivered."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="messages")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="messages")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    conversation = models.ForeignKey(
        "Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="outbound"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    # Unique per practice: what makes a second attempt to create the same message a no-op,
    # e.g. "reminder:<appointment>:<step>:<channel>", "recall:<patient>:<n>".
    dedupe_key = models.CharField(max_length=120)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    skip_reason = models.CharField(max_length=40, blank=True)
    # Not before this moment (quiet hours, retry backoff).
    send_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Claimed by a worker until this moment; an expired lease means the worker died and the row is free again.
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    provider_message_id = models.CharField(max_length=120, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="message_due_idx"),
            models.Index(fields=["practice", "patient", "created_at"], name="message_patient_idx"),
            models.Index(fields=["provider_message_id"], name="message_provider_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["practice", "dedupe_key"], name="message_unique_dedupe_key"),
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="message_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="message_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk} ({self.kind}, {self.channel}, {self.status})"


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Needs an answer")
    CLOSED = "closed", _("Done")


class Conversation(models.Model):
    """A thread with one phone number or patient in the front-desk inbox."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="conversations")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [models.Index(fields=["practice", "status", "last_message_at"], name="conversation_inbox_idx")]

    def __str__(self) -> str:
        return f"conversation #{self.pk}"


class InboundAction(models.TextChoices):
    CONFIRM = "confirm", _("Confirmed")
    CANCEL = "cancel", _("Cancelled")
    RESCHEDULE = "reschedule", _("Asked to reschedule")
    STOP = "stop", _("Opted out")
    START = "start", _("Opted back in")
    NONE = "none", _("Needs a person")


class InboundMessage(models.Model):
    """A patient's reply by SMS. Kept even from unknown numbers (``patient`` empty)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="inbound_messages"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound"
    )
    from_number = models.CharField(max_length=32)
    to_number = models.CharField(max_length=32, blank=True)
    body = models.TextField(max_length=2000)
    provider_message_id = models.CharField(max_length=120)
    action = models.CharField(max_length=12, choices=InboundAction.choices, default=InboundAction.NONE)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            # A replayed webhook carries the same provider id: it changes nothing the second time.
            models.UniqueConstraint(fields=["practice", "provider_message_id"], name="inbound_unique_provider_id"),
            models.UniqueConstraint(
                fields=["provider_message_id"],
                condition=Q(practice__isnull=True),
                name="inbound_unique_provider_id_unrouted",
            ),
        ]

    def __str__(self) -> str:
        return f"inbound #{self.pk}"


class AppointmentResponse(models.Model):
    """What a patient answered to a reminder: confirmed, cancelled, or asked to reschedule."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="responses")
    action = models.CharField(max_length=12, choices=InboundAction.choices)
    channel = models.CharField(max_length=10)  # "link" or "sms"
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.action} for appointment #{self.appointment_id}"


class RunningLate(models.Model):
    """The front desk marked a provider as running late today; later patients were told."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    marked_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-marked_at"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0, minutes__lte=240), name="running_late_minutes_valid")
        ]

    def __str__(self) -> str:
        return f"provider #{self.provider_id} {self.minutes} min late on {self.day}"


class Recall(models.Model):
    """When a patient is due back (an annual skin check; sooner when staff set a shorter interval).

    Only the interval is kept, never why: the reason is clinical.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    patient = TenantOneToOneField(Patient, on_delete=models.CASCADE, related_name="recall")
    due_on = models.DateField(_("due on"))
    interval_months = models.PositiveSmallIntegerField(_("interval (months)"), default=12)
    messages_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "due_on"], name="recall_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(interval_months__gt=0), name="recall_interval_positive"),
            models.UniqueConstraint(fields=["practice", "patient"], name="recall_one_per_patient"),
        ]

    def __str__(self) -> str:
        return f"recall of patient #{self.patient_id} due {self.due_on}"


class WebhookReceipt(models.Model):
    """Signatures already accepted, so a replayed webhook is refused."""

    signature = models.CharField(max_length=128, unique=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"webhook receipt {self.received_at:%Y-%m-%d %H:%M}"
