"""Listening to patients: surveys built from versioned questions, invitations with single-use links,
responses and answers, the analysis of free-text comments (with staff corrections), service-recovery
cases, and invitations to leave a public review.

A ``Survey`` is either a shipped template (``practice`` empty) or a practice's own copy. Its
questions belong to a ``SurveyVersion``; editing a survey that has answers makes a new version, so
every answer stays attached to the exact wording the patient saw.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantOneToOneField
from journey.catalogue import TOUCHPOINT_CHOICES
from patients.models import Patient
from practices.models import Location, Practice, Provider
from scheduling.models import Appointment


class SurveyKind(models.TextChoices):
    POST_VISIT = "post_visit", _("After the visit")
    AFTER_BOOKING = "after_booking", _("After booking online")
    AFTER_CHECK_IN = "after_check_in", _("After check-in and the wait")
    AFTER_STATEMENT = "after_statement", _("After a statement")
    # Sent by staff from a change signal (cx): one question about the change the practice noticed.
    AFTER_CHANGE = "after_change", _("After a change we noticed")


class Survey(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys")
    kind = models.CharField(_("when it is sent"), max_length=20, choices=SurveyKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    # The shipped template this survey was copied from (a practice's copy), for "reset to template".
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_active = models.BooleanField(_("sent"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SurveyKind.values), name="survey_kind_valid"),
            # One active survey per kind per practice: the trigger must know which one to send.
            models.UniqueConstraint(
                fields=["practice", "kind"],
                condition=Q(is_active=True, practice__isnull=False),
                name="survey_one_active_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(practice__isnull=True), name="survey_one_shipped_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name_en


class SurveyVersion(models.Model):
    # The survey's practice, copied down (empty for the shipped templates).
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["survey", "-number"]
        # The shipped templates' one version each is made once, under a lock (services.surveys).
        constraints = [
            models.UniqueConstraint(fields=["practice", "survey", "number"], name="survey_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    def save(self, *args, **kwargs):
        if self.practice_id is None and self.survey_id is not None:
            self.practice_id = self.survey.practice_id
        super().save(*args, **kwargs)


class QuestionKind(models.TextChoices):
    RATING = "rating", _("0–10 rating")
    RECOMMEND = "recommend", _("0–10 likelihood to recommend")
    FREQUENCY = "frequency", _("Never / sometimes / usually / always")
    YES_NO = "yes_no", _("Yes or no")
    EASE = "ease", _("1–5 ease")
    TEXT = "text", _("Free text")


class Composite(models.TextChoices):
    """CG-CAHPS composites (and the single items reported beside them)."""

    ACCESS = "access", _("Getting timely appointments, care and information")
    COMMUNICATION = "communication", _("How well the provider communicates")
    OFFICE_STAFF = "office_staff", _("Helpful, courteous and respectful office staff")
    COORDINATION = "coordination", _("Provider's use of information to coordinate care")
    PROVIDER_RATING = "provider_rating", _("Rating of the provider")
    NONE = "", _("None")


class Question(models.Model):
    # The version's practice, copied down (empty for the shipped templates).
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    # A stable code across versions and copies ("cg_access_routine"), for scores over time.
    code = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("answer"), max_length=10, choices=QuestionKind.choices)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_es = models.CharField(_("question (Spanish)"), max_length=300)
    touchpoint = models.CharField(_("touch point"), max_length=40, choices=TOUCHPOINT_CHOICES)
    composite = models.CharField(_("composite"), max_length=20, choices=Composite.choices, blank=True)
    required = models.BooleanField(_("must be answered"), default=False)

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
            models.UniqueConstraint(fields=["practice", "version", "code"], name="question_unique_code_per_version"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        if self.practice_id is None and self.version_id is not None:
            self.practice_id = self.version.practice_id
        super().save(*args, **kwargs)

    def text(self, language: str) -> str:
        return self.text_es if language == "es" and self.text_es else self.text_en


class FeedbackSettings(models.Model):
    """Per practice: how often a patient may be asked, and who handles service recovery."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="feedback_settings")
    cooldown_days = models.PositiveSmallIntegerField(_("ask a patient at most once every (days)"), default=30)
    post_visit_delay_hours = models.PositiveSmallIntegerField(_("send the visit survey after (hours)"), default=2)
    invitation_valid_days = models.PositiveSmallIntegerField(_("survey links work for (days)"), default=14)
    recovery_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recovery cases go to"),
    )
    # Every patient who answers a survey, or nobody: never chosen by score (feedback/services/listening.py).
    review_invitations = models.BooleanField(
        _("offer every patient who answers a survey the link to leave a public review"),
        default=False,
        help_text=_(
            "Everyone or no one, whatever their answers: asking only satisfied patients breaks Google's review "
            "policy. Unhappy answers still open a recovery case, separately."
        ),
    )

    def __str__(self) -> str:
        return f"feedback settings of practice #{self.practice_id}"


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """One patient asked to take one survey version, after one journey event. The link's token is
    stored as a hash only; the link works until the survey is completed or it expires."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="invitations")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="survey_invitations")
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The journey event that triggered it: one invitation per event, so a retried job asks once.
    trigger_event_id = models.BigIntegerField(null=True, blank=True)  # unique per practice (Meta)
    token_hash = models.CharField(max_length=64)  # unique per practice (Meta); looked up alone
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.SENT)
    skip_reason = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=5, default="en")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "patient", "created_at"], name="invitation_patient_idx"),
            models.Index(fields=["token_hash"], name="invitation_token_idx"),
            models.Index(fields=["trigger_event_id"], name="invitation_trigger_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InvitationStatus.values), name="invitation_status_valid"),
            models.UniqueConstraint(fields=["practice", "token_hash"], name="invitation_unique_token"),
            models.UniqueConstraint(fields=["practice", "trigger_event_id"], name="invitation_one_per_trigger"),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk} ({self.status})"


class Response(models.Model):
    """The answers given through one invitation; kept as the patient goes (partial answers count)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    invitation = TenantOneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="survey_responses")
    provider = models.ForeignKey(Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    touchpoint = models.CharField(max_length=40, choices=TOUCHPOINT_CHOICES)
    language = models.CharField(max_length=5, default="en")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "started_at"], name="response_practice_started_idx")]
        constraints = [models.UniqueConstraint(fields=["practice", "invitation"], name="response_one_per_invitation")]

    def __str__(self) -> str:
        return f"response #{self.pk}"


class Answer(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")  # the response's
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Scales: rating/recommend 0–10, frequency 1–4 (never..always), yes_no 1/0, ease 1–5.
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "response", "question"], name="answer_one_per_question"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=10), name="answer_value_range"
            ),
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"

    def save(self, *args, **kwargs):
        if self.practice_id is None and self.response_id is not None:
            self.practice_id = self.response.practice_id
        super().save(*args, **kwargs)


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    MIXED = "mixed", _("Mixed")


class CommentAnalysis(models.Model):
    """What ``feedback.comments`` made of a free-text answer, and the staff's correction if any.

    ``touchpoints`` is [{"name": "front desk and staff", "sentiment": "negative"}, ...]. Corrections
    are kept beside the machine's reading and exported for the next training
    (``manage.py export_comment_corrections``).
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    answer = TenantOneToOneField(Answer, on_delete=models.CASCADE, related_name="analysis")
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    score = models.FloatField()
    touchpoints = models.JSONField(default=list)
    model_version = models.CharField(max_length=40, blank=True)
    analysed_at = models.DateTimeField(default=timezone.now)
    corrected_sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    corrected_touchpoints = models.JSONField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "sentiment"], name="comment_practice_sentiment_idx")]
        constraints = [models.UniqueConstraint(fields=["practice", "answer"], name="comment_analysis_one_per_answer")]

    def __str__(self) -> str:
        return f"analysis of answer #{self.answer_id}"

    @property
    def effective_sentiment(self) -> str:
        return self.corrected_sentiment or self.sentiment

    @property
    def effective_touchpoints(self) -> list:
        return self.corrected_touchpoints if self.corrected_touchpoints is not None else self.touchpoints


class CaseReason(models.TextChoices):
    DETRACTOR = "detractor", _("Would not recommend (0–6)")
    BOTTOM_BOX = "bottom_box", _("Lowest answer to a question")
    NEGATIVE_COMMENT = "negative_comment", _("Strongly negative comment")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    UNREACHABLE = "unreachable", _("Could not reach the patient")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")


class RecoveryCase(models.Model):
    """Service recovery after a failed experience: hear, empathize, apologize, respond, thank.

    Opened by a detractor score, a bottom-box answer or a strongly negative comment; one case per
    response. Due 48 hours after it opens; overdue open cases show on the staff home page.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="recovery_cases")
    response = TenantOneToOneField(Response, on_delete=models.CASCADE, related_name="recovery_case")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="recovery_cases")
    reason = models.CharField(max_length=20, choices=CaseReason.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    heard_at = models.DateTimeField(null=True, blank=True)
    empathized_at = models.DateTimeField(null=True, blank=True)
    apologized_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    thanked_at = models.DateTimeField(null=True, blank=True)
    contacted = models.BooleanField(_("patient contacted"), default=False)
    contact_method = models.CharField(_("how"), max_length=10, choices=ContactMethod.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=CaseOutcome.choices, blank=True)
    # What was done, in staff's words. Shown only on the case page, never in messages or logs.
    notes = models.TextField(_("what was done"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["practice", "status", "due_at"], name="case_practice_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["practice", "response"], name="case_one_per_response"),
            models.CheckConstraint(condition=Q(reason__in=CaseReason.values), name="case_reason_valid"),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN, closed_at__isnull=True)
                | Q(status=CaseStatus.CLOSED, closed_at__isnull=False) & ~Q(outcome=""),
                name="case_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"recovery case #{self.pk} ({self.status})"

    def is_overdue(self, now=None) -> bool:
        return self.status == CaseStatus.OPEN and self.due_at < (now or timezone.now())


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ASSIGNED = "assigned", _("Assigned")
    STEP = "step", _("Step")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class RecoveryCaseEvent(models.Model):
    """One line of a case's history, written by the recovery services in the same transaction as the change.

    ``detail`` is a short label, never clinical: a reason, outcome or step code, or the assignee's name.
    A reopened case keeps its earlier outcome here (the case row itself is cleared).
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(RecoveryCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=CaseEventKind.choices)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=CaseEventKind.values), name="case_event_kind_valid")]

    def __str__(self) -> str:
        return f"{self.kind} {self.detail}".strip()


class ReviewSite(models.Model):
    """A public review site the practice chooses (its Google Business page, Healthgrades, ...)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="review_sites")
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("address of the practice's review page"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
