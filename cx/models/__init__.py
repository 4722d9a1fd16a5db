"""The experience toolkit: the weekly experience moment and its meeting record, recognition of the
staff patients credit, actions, patient groups, empathy maps with their ideas, and improvement
projects measured before and after their change.

Every table carries ``practice`` (the tenant), through tables included. Quotes kept here
(``story_quote``, ``evidence``…) are stored already redacted (``cx/redaction.py``): other people's
names, phone numbers, email addresses, dates and clinical terms never reach a meeting screen or an
email.
"""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Answer, RecoveryCase
from journey.catalogue import TOUCHPOINT_CHOICES
from practices.models import Practice, Weekday


class PatientShown(models.TextChoices):
    FIRST_NAME = "first_name", _("By first name only")
    ANONYMOUS = "anonymous", _("Anonymously (“a patient”)")


class CxSettings(models.Model):
    """When the weekly staff meeting is, and how stories show the patient."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="cx_settings")
    meeting_weekday = models.PositiveSmallIntegerField(
        _("meeting day"), choices=Weekday.choices, default=Weekday.TUESDAY
    )
    meeting_time = models.TimeField(_("meeting time"), default=time(8, 0))
    patient_shown = models.CharField(
        _("show the patient in stories"), max_length=12, choices=PatientShown.choices, default=PatientShown.ANONYMOUS
    )
    team_email = models.BooleanField(
        _("email the team on the morning of the meeting"),
        default=True,
        help_text=_("Only team members who opted in receive it. It never names a patient."),
    )
    candidate_retention_days = models.PositiveSmallIntegerField(
        _("keep interview records for (days)"),
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(1095)],
        help_text=_("Candidates' names, scores and decisions are deleted after this."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("experience toolkit settings")

    def __str__(self) -> str:
        return f"Experience toolkit settings of practice {self.practice_id}"


class JobTitle(models.TextChoices):
    """What patients call a team member's job; role words in comments ("the nurse") match these."""

    RECEPTIONIST = "receptionist", _("Receptionist / front desk")
    NURSE = "nurse", _("Nurse")
    MEDICAL_ASSISTANT = "medical_assistant", _("Medical assistant")
    PROVIDER = "provider", _("Doctor / provider")
    BILLING = "billing", _("Billing")
    MANAGER = "manager", _("Practice manager")
    OTHER = "other", _("Other")


class TeamMemberProfile(models.Model):
    """A team member's job title, the names patients use for them, and their email choices."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    job_title = models.CharField(_("job title"), max_length=20, choices=JobTitle.choices, blank=True)
    also_known_as = models.CharField(
        _("other names patients use"),
        max_length=200,
        blank=True,
        help_text=_("Nicknames, separated by commas, for example “Liz, Lizzy”."),
    )
    recognition_email = models.BooleanField(_("email me when a patient's thanks is confirmed"), default=False)
    moment_email = models.BooleanField(_("email me the experience moment on meeting mornings"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "user"], name="cx_profile_unique_member")]

    def __str__(self) -> str:
        return f"Team member profile {self.pk}"


class SourceKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    RECOVERY = "recovery", _("Recovery case")
    ANSWER = "answer", _("Survey answer")
    MANUAL = "manual", _("Written by the team")


class MomentStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    PRESENTED = "presented", _("Presented")


class ExperienceMoment(models.Model):
    """One weekly staff meeting's experience moment: the story, who is recognised, one failed
    experience to learn from, and the meeting's record (attendees, decisions; actions point here)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    meeting_date = models.DateField(_("meeting date"))
    # The week the moment draws from, as aware datetimes: [period_start, period_end).
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=MomentStatus.choices, default=MomentStatus.DRAFT)

    story_source = models.CharField(max_length=10, choices=SourceKind.choices, blank=True)
    story_answer = models.ForeignKey(Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    story_case = models.ForeignKey(RecoveryCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    story_touchpoint = models.CharField(_("touch point"), max_length=40, choices=TOUCHPOINT_CHOICES, blank=True)
    story_patient = models.CharField(_("the patient, as shown"), max_length=60, blank=True)
    story_quote = models.TextField(_("the patient's words"), blank=True)
    story_note = models.TextField(_("what the team did"), blank=True)

    lesson_source = models.CharField(max_length=10, choices=SourceKind.choices, blank=True)
    lesson_answer = models.ForeignKey(Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lesson_case = models.ForeignKey(RecoveryCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lesson_touchpoint = models.CharField(_("touch point"), max_length=40, choices=TOUCHPOINT_CHOICES, blank=True)
    lesson_quote = models.TextField(_("what went wrong, in the patient's words"), blank=True)
    lesson_done = models.TextField(_("what was done about it"), blank=True)

    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    presented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meeting_date"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "meeting_date"], name="cx_moment_unique_meeting"),
            models.CheckConstraint(condition=Q(period_start__lt=models.F("period_end")), name="cx_moment_period"),
        ]

    def __str__(self) -> str:
        return f"Experience moment {self.meeting_date:%Y-%m-%d}"


class MomentAttendee(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    moment = models.ForeignKey(ExperienceMoment, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "moment", "user"], name="cx_attendee_unique")]

    def __str__(self) -> str:
        return f"Attendee {self.user_id} of moment {self.moment_id}"


class MomentEmail(models.Model):
    """The morning email of one moment, sent to one team member: written in the same transaction as the
    send, so each person gets it once however often the periodic task runs."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    moment = models.ForeignKey(ExperienceMoment, on_delete=models.CASCADE, related_name="emails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "moment", "user"], name="cx_moment_email_once")]

    def __str__(self) -> str:
        return f"Moment email {self.moment_id} to {self.user_id}"


class RecognitionStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Waiting for confirmation")
    AMBIGUOUS = "ambiguous", _("Ambiguous: more than one person could be meant")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Recognition(models.Model):
    """A team member a patient credited. Found in comments as a candidate; credited only when the
    experience lead confirms it. ``possible_users`` lists who could be meant when ambiguous."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    possible_users = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.COMMENT)
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    case = models.ForeignKey(RecoveryCase, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    mention = models.CharField(_("what the patient called them"), max_length=80)
    evidence = models.TextField(_("the patient's words"))
    touchpoint = models.CharField(_("touch point"), max_length=40, choices=TOUCHPOINT_CHOICES, blank=True)
    said_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RecognitionStatus.choices, default=RecognitionStatus.CANDIDATE)
    moment = models.ForeignKey(
        ExperienceMoment, on_delete=models.SET_NULL, null=True, blank=True, related_name="recognitions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-said_at", "pk"]
        indexes = [models.Index(fields=["practice", "status", "said_at"], name="cx_recognition_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "answer", "mention"],
                condition=Q(answer__isnull=False),
                name="cx_recognition_unique_mention",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(user__isnull=False), name="cx_recognition_confirmed_has_user"
            ),
        ]

    def __str__(self) -> str:
        return f"Recognition of {self.mention}"


class PatientGroup(models.Model):
    """A group of patients the practice defines, for empathy maps: by new or returning, language and
    age. Empty criteria mean "any"."""

    class Visits(models.TextChoices):
        ANY = "", _("New and returning")
        NEW = "new", _("New patients (first visit)")
        RETURNING = "returning", _("Returning patients")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    visits = models.CharField(_("visits"), max_length=10, choices=Visits.choices, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=[("", _("Any")), ("en", "English"), ("es", "Español")], blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("aged at least"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("aged at most"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="cx_group_unique_name"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=models.F("max_age")),
                name="cx_group_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Feeling(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    MIXED = "mixed", _("Mixed")
    NEGATIVE = "negative", _("Negative")


class EmpathyMap(models.Model):
    """What the team expects patients of one group think, feel, say and do at one touch point."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.CharField(_("touch point"), max_length=40, choices=TOUCHPOINT_CHOICES)
    group = models.ForeignKey(
        PatientGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="maps", verbose_name=_("patients")
    )
    thinks = models.TextField(_("they think"), blank=True)
    feels = models.TextField(_("they feel"), blank=True)
    says = models.TextField(_("they say"), blank=True)
    does = models.TextField(_("they do"), blank=True)
    expected_feeling = models.CharField(
        _("overall, we expect they feel"), max_length=10, choices=Feeling.choices, default=Feeling.POSITIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["touchpoint", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "touchpoint", "group"], name="cx_map_unique_group"),
            models.UniqueConstraint(
                fields=["practice", "touchpoint"], condition=Q(group__isnull=True), name="cx_map_unique_all_patients"
            ),
        ]

    def __str__(self) -> str:
        return f"Empathy map: {self.touchpoint}"


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    CHOSEN = "chosen", _("Chosen")
    DROPPED = "dropped", _("Dropped")


class Idea(models.Model):
    """An idea from an empathy map, prioritised by impact × effort (1–5 each) or by RICE: reach
    (the touch point's patients a quarter, from Touchpoints), impact, confidence and effort."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    empathy_map = models.ForeignKey(EmpathyMap, on_delete=models.CASCADE, related_name="ideas")
    text = models.CharField(_("idea"), max_length=300)
    impact = models.PositiveSmallIntegerField(
        _("impact (1–5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    effort = models.PositiveSmallIntegerField(
        _("effort (1–5)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence (%)"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    effort_weeks = models.DecimalField(
        _("effort (person-weeks)"), max_digits=5, decimal_places=1, default=1, validators=[MinValueValidator(0.1)]
    )
    status = models.CharField(max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(impact__gte=1, impact__lte=5), name="cx_idea_impact_range"),
            models.CheckConstraint(condition=Q(effort__gte=1, effort__lte=5), name="cx_idea_effort_range"),
            models.CheckConstraint(condition=Q(confidence__lte=100), name="cx_idea_confidence_range"),
        ]

    def __str__(self) -> str:
        return self.text


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    LIVE = "live", _("Live: measuring")
    FINISHED = "finished", _("Finished")


class ImprovementProject(models.Model):
    """A change to one or more touch points, measured before and after the day it went live.

    Measures are codes from ``cx/project_measures.py`` (``top_box:<question code>``, ``nps``,
    ``waiting_minutes``, ``no_show_rate``…)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("name"), max_length=120)
    change = models.TextField(_("what changes"))
    touchpoints = models.JSONField(_("touch points"), default=list)
    went_live_on = models.DateField(_("went live on"))
    window_weeks = models.PositiveSmallIntegerField(
        _("weeks compared on each side"), default=12, validators=[MinValueValidator(2), MaxValueValidator(52)]
    )
    primary_measure = models.CharField(_("primary measure"), max_length=80)
    secondary_measures = models.JSONField(_("secondary measures"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    idea = models.ForeignKey(Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects")
    status = models.CharField(max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.LIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-went_live_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_weeks__gte=2, window_weeks__lte=52), name="cx_project_window_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """Something a named person will do by a date, from a moment, a map's idea, a recovery case or a
    project. Each person sees their own in one list; overdue ones are flagged."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("what will be done"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    due_on = models.DateField(_("by"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    moment = models.ForeignKey(
        ExperienceMoment, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    idea = models.ForeignKey(Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    recovery_case = models.ForeignKey(RecoveryCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["practice", "owner", "status", "due_on"], name="cx_action_owner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False), name="cx_action_done_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title


# The toolkit's second part, by area. Imported last: they name the models above.
from .culture import *  # noqa: E402, F403
from .governance import *  # noqa: E402, F403
from .signals import *  # noqa: E402, F403
from .strategy import *  # noqa: E402, F403
