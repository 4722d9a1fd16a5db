"""The governance committee: members and patient advisers, its charter and cadence, the criteria for
patient input that proposed changes are run through, meetings with their agenda and minutes,
decisions linked to what they were about, and root-cause analyses (RCA², RCA² action hierarchy)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journey.catalogue import TOUCHPOINT_CHOICES
from practices.models import Practice


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    EVERY_TWO_MONTHS = "bimonthly", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")


class Committee(models.Model):
    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    charter = models.TextField(_("charter"), blank=True)
    cadence = models.CharField(_("meets"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    # A theme is "recurring" when the same touch point and theme is negative this often in the window.
    recurring_threshold = models.PositiveSmallIntegerField(
        _("times before a theme counts as recurring"), default=3, validators=[MinValueValidator(2)]
    )
    recurring_window_days = models.PositiveSmallIntegerField(
        _("within days"), default=30, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Governance committee of practice {self.practice_id}"


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    PATIENT_ADVISER = "adviser", _("Patient adviser")


class CommitteeMember(models.Model):
    """A staff member (``user``) or a patient adviser (``name`` only: advisers get no login and no
    access to patient records)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="adviser") & Q(user__isnull=True) & ~Q(name=""))
                | (~Q(role="adviser") & Q(user__isnull=False)),
                name="cx_member_staff_or_adviser",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Member {self.user_id}"


class PatientInputCriterion(models.Model):
    """One line of the committee's checklist: a change that meets it needs patient input."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("the change…"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class InputMethod(models.TextChoices):
    SURVEY_SAMPLE = "survey_sample", _("A survey to a sample of patients")
    ADVISER_REVIEW = "adviser_review", _("A patient adviser's review")
    PILOT = "pilot", _("A pilot with patients")


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    WAITING_FOR_INPUT = "waiting", _("Waiting for patient input")
    READY = "ready", _("Ready for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ProposedChange(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("the change"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    touchpoints = models.JSONField(_("touch points"), default=list, blank=True)
    criteria_met = models.JSONField(default=list, blank=True)  # PatientInputCriterion ids that apply
    input_needed = models.BooleanField(null=True)  # None until run through the checklist
    input_method = models.CharField(_("how to get it"), max_length=16, choices=InputMethod.choices, blank=True)
    input_summary = models.TextField(_("what patients said"), blank=True)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-proposed_at", "pk"]

    def __str__(self) -> str:
        return self.title


class CommitteeMeeting(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(_("date"))
    # The agenda as prepared (a snapshot, so minutes keep what was on the table that day).
    agenda = models.JSONField(default=dict, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.JSONField(default=list, blank=True)  # CommitteeMember ids present
    held = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["practice", "held_on"], name="cx_committee_meeting_day")]

    def __str__(self) -> str:
        return f"Committee meeting {self.held_on}"


class DecisionSubject(models.TextChoices):
    RECOVERY_CASE = "case", _("Failed experience")
    THEME = "theme", _("Recurring theme")
    SIGNAL = "signal", _("Change signal")
    RCA = "rca", _("Root-cause analysis")
    PROJECT = "project", _("Improvement project")
    GOAL = "goal", _("Goal")
    CHANGE = "change", _("Proposed change")


class Decision(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(CommitteeMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    subject_kind = models.CharField(max_length=10, choices=DecisionSubject.choices)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # For a theme (no row of its own): its touch point and theme name.
    subject_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["practice", "subject_kind", "subject_id"], name="cx_decision_subject_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class RcaStatus(models.TextChoices):
    OPEN = "open", _("Analysing")
    ACTIONS = "actions", _("Actions under way")
    DONE = "done", _("Actions done: watching for recurrence")


class RootCauseAnalysis(models.Model):
    """Of one failed experience (a recovery case) or of a recurring theme (touch point + theme)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("what failed"), max_length=200)
    recovery_case = models.ForeignKey(
        "feedback.RecoveryCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    touchpoint = models.CharField(_("touch point"), max_length=40, choices=TOUCHPOINT_CHOICES)
    theme = models.CharField(_("theme"), max_length=60, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(max_length=10, choices=RcaStatus.choices, default=RcaStatus.OPEN)
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField(default=timezone.localdate)
    # The day the last action was done: recurrence is watched from then.
    actions_done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("root-cause analysis")

    def __str__(self) -> str:
        return self.title


class TimelineEntry(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    rca = models.ForeignKey(RootCauseAnalysis, on_delete=models.CASCADE, related_name="timeline")
    happened_at = models.DateTimeField(_("when"))
    what = models.CharField(_("what happened"), max_length=300)

    class Meta:
        ordering = ["happened_at", "pk"]

    def __str__(self) -> str:
        return self.what


class FactorCategory(models.TextChoices):
    PEOPLE = "people", _("People")
    PROCESS = "process", _("Process")
    TECHNOLOGY = "technology", _("Technology")
    ENVIRONMENT = "environment", _("Environment")
    COMMUNICATION = "communication", _("Communication")
    POLICY = "policy", _("Policy")


class CausalStatement(models.Model):
    """ "Cause → effect → event", checked against the five rules of causation (``cx/causation.py``)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    rca = models.ForeignKey(RootCauseAnalysis, on_delete=models.CASCADE, related_name="causes")
    statement = models.TextField(_("causal statement"))
    category = models.CharField(_("contributing factor"), max_length=14, choices=FactorCategory.choices)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.statement[:60]


class ActionStrength(models.TextChoices):
    STRONGER = "stronger", _("Stronger")
    INTERMEDIATE = "intermediate", _("Intermediate")
    WEAKER = "weaker", _("Weaker")


class RcaAction(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    rca = models.ForeignKey(RootCauseAnalysis, on_delete=models.CASCADE, related_name="actions")
    cause = models.ForeignKey(CausalStatement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    description = models.TextField(_("action"))
    # A kind from the RCA² action hierarchy (``cx/action_hierarchy.py``), and the strength it implies.
    hierarchy_kind = models.CharField(_("kind of action"), max_length=40)
    strength = models.CharField(max_length=12, choices=ActionStrength.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    due_on = models.DateField(_("by"))
    measure = models.CharField(_("how we will know it worked"), max_length=200)
    project = models.ForeignKey(
        "cx.ImprovementProject", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
