"""Culture: hiring kits and interview scores, the staff engagement pulse (anonymous), and the
checklist of how each role uses the practice's systems to serve patients.

A staff member's experience record is read from other tables (``cx/selectors/records.py``): it has
no table of its own.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.models import Practice

from . import JobTitle


class Competency(models.TextChoices):
    LISTENING = "listening", _("Listening")
    EMPATHY = "empathy", _("Empathy")
    SERVICE_RECOVERY = "recovery", _("Service recovery")
    TEAMWORK = "teamwork", _("Teamwork")


class HiringKit(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    job_title = models.CharField(_("role"), max_length=20, choices=JobTitle.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["job_title"]
        constraints = [models.UniqueConstraint(fields=["practice", "job_title"], name="cx_hiring_kit_per_role")]

    def __str__(self) -> str:
        return f"Hiring kit: {self.get_job_title_display()}"


class InterviewQuestion(models.Model):
    """A behavioural question with its 1-4 rubric, in English and Spanish."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    kit = models.ForeignKey(HiringKit, on_delete=models.CASCADE, related_name="questions")
    competency = models.CharField(_("what it shows"), max_length=10, choices=Competency.choices)
    text_en = models.TextField(_("question (English)"))
    text_es = models.TextField(_("question (Spanish)"), blank=True)
    # Anchored descriptions of scores 1 to 4, four strings each.
    anchors_en = models.JSONField(_("what each score looks like (English)"), default=list)
    anchors_es = models.JSONField(_("what each score looks like (Spanish)"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text_en[:60]


class HiringDecision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    HIRE = "hire", _("Hire")
    NO_HIRE = "no_hire", _("Do not hire")


class Candidate(models.Model):
    """Kept minimal (name, role, date, scores, decision) and only for the practice's retention time."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    job_title = models.CharField(_("role"), max_length=20, choices=JobTitle.choices)
    interviewed_on = models.DateField(_("interview date"))
    decision = models.CharField(
        _("decision"), max_length=8, choices=HiringDecision.choices, default=HiringDecision.PENDING
    )
    interviewers = models.JSONField(default=list)  # user ids who may see and score this candidate
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-interviewed_on", "pk"]
        indexes = [models.Index(fields=["practice", "interviewed_on"], name="cx_candidate_date_idx")]

    def __str__(self) -> str:
        return self.name


class InterviewScore(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(InterviewQuestion, on_delete=models.CASCADE, related_name="+")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "candidate", "question", "interviewer"], name="cx_score_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=4), name="cx_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.score}"


class PulseRound(models.Model):
    """A quarter's engagement pulse. Results show only once it is closed and at least
    ``cx/anonymity.py``'s minimum answered."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    quarter_start = models.DateField(_("quarter"))
    closes_on = models.DateField(_("closes on"))
    closed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-quarter_start"]
        constraints = [models.UniqueConstraint(fields=["practice", "quarter_start"], name="cx_pulse_round_once")]

    def __str__(self) -> str:
        return f"Pulse of the quarter from {self.quarter_start}"


class PulseParticipation(models.Model):
    """That a person answered a round (so they answer once), never which answer is theirs: no link to
    ``PulseAnswer`` and no time."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "round", "user"], name="cx_pulse_answer_once")]

    def __str__(self) -> str:
        return f"Participation in round {self.round_id}"


class PulseAnswer(models.Model):
    """One anonymous answer: a random id (no sequence to line up with participations), no time, no
    person; only the broad group the person chose to be counted in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="answers")
    group = models.CharField(max_length=20, blank=True)
    recommend_work = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])  # eNPS, 0-10
    can_serve_patients = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    systems_help = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    recognised = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    def __str__(self) -> str:
        return "Pulse answer"


class SystemsPractice(models.Model):
    """One line of a role's checklist for using the practice's systems to serve patients; ``measure``
    names how Touchpoints tracks it, when it can see it (``cx/selectors/systems.py``)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    job_title = models.CharField(_("role"), max_length=20, choices=JobTitle.choices)
    text = models.CharField(_("what to do"), max_length=200)
    measure = models.CharField(_("tracked by"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["job_title", "position", "pk"]

    def __str__(self) -> str:
        return self.text
