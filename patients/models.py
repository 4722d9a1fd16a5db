import re
import unicodedata
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practices.models import Practice


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class Coverage(models.TextChoices):
    INSURANCE = "insurance", _("Insurance")
    SELF_PAY = "self_pay", _("Self-pay")


class ReferralSource(models.TextChoices):
    SEARCH = "search", _("Internet search")
    REVIEW_SITE = "review_site", _("Review website")
    DOCTOR = "doctor", _("Another doctor")
    FRIEND = "friend", _("Friend or family")
    INSURANCE = "insurance", _("My insurance plan's directory")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")


_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_A_LETTER = re.compile(r"[\W_]+")
_NOT_AN_EMAIL_CHARACTER = re.compile(r"[^a-z0-9.@_+-]+")
SEARCH_NAME_LENGTH = 255


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_key(*parts: str) -> str:
    """Words of a name without case, accents or punctuation: ("Ana", "Rivera-Gutiérrez") → "ana rivera gutierrez".

    Apostrophes join (O'Brien → obrien); any other mark separates words.
    """
    letters = _without_accents(" ".join(parts))
    return " ".join(_NOT_A_LETTER.sub(" ", _APOSTROPHES.sub("", letters)).split())[:SEARCH_NAME_LENGTH]


def email_search_key(value: str) -> str:
    """An email address as one word, without case or accents: "José.Núñez@Example.com" → "jose.nunez@example.com"."""
    return _NOT_AN_EMAIL_CHARACTER.sub("", _without_accents((value or "").strip()))


def phone_search_words(value: str) -> list[str]:
    """The ways a phone number is looked up, each a word: all its digits, the last ten, the local seven and the
    last four ("(512) 253-1159" → 5122531159, 2531159, 1159), so typing the start of any of them finds it."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    words = [digits, digits[-10:], digits[-7:], digits[-4:]] if digits else []
    return list(dict.fromkeys(words))


def search_text(*, first_name: str, last_name: str, email: str, phone: str) -> str:
    """What staff search finds a patient by, folded (``selectors.search_patients``): the words of the name, the
    email as one word and the phone's words, after a leading space, so that every word starts after a space
    (" ana rivera gutierrez ana.rivera@example.com 5122531159 2531159 1159"). A search word matches the start of
    a word here: on PostgreSQL through a trigram index, on SQLite through a full-text index on this column."""
    words = [search_key(first_name, last_name), email_search_key(email), *phone_search_words(phone)]
    return " " + " ".join(word for word in words if word)


class PatientQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for patient in objs:
            patient.search_text = patient.current_search_text()
        return super().bulk_create(objs, *args, **kwargs)


class Patient(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    email_consent = models.BooleanField(_("may contact by email"), default=False)
    coverage = models.CharField(_("paying with"), max_length=10, choices=Coverage.choices, blank=True)
    insurance_carrier = models.CharField(_("insurance company"), max_length=120, blank=True)
    insurance_member_id = models.CharField(_("member ID"), max_length=40, blank=True)
    # The patient's own time zone, for quiet hours; empty means the practice's.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    referral_source = models.CharField(
        _("how they heard of us"), max_length=20, choices=ReferralSource.choices, blank=True
    )
    sms_consent = models.BooleanField(_("may contact by text message"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Name, email and phone folded for staff search (``search_text``), kept in step by save() and bulk_create();
    # indexed by the migration 0005_patient_search_text_indexes (not declared here: each database has its own).
    search_text = models.TextField(blank=True, default="", editable=False)

    objects = PatientQuerySet.as_manager()

    # The patient's own details: what staff edit, and what every change audits.
    DETAIL_FIELDS = (
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "email",
        "preferred_language",
        "email_consent",
        "sms_consent",
        "coverage",
        "insurance_carrier",
        "insurance_member_id",
        "referral_source",
    )
    SEARCHED_FIELDS = ("first_name", "last_name", "email", "phone")
    # Fields whose values never appear in audit diffs, logs or messages.
    PROTECTED_FIELDS = (
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "email",
        "insurance_carrier",
        "insurance_member_id",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["practice", "last_name", "first_name"], name="patient_name_idx"),
            models.Index(fields=["practice", "email"], name="patient_email_idx"),
            models.Index(fields=["practice", "phone"], name="patient_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(preferred_language__in=["en", "es"]), name="patient_language_valid"),
            models.CheckConstraint(condition=Q(coverage__in=["", *Coverage.values]), name="patient_coverage_valid"),
            models.CheckConstraint(
                condition=Q(referral_source__in=["", *ReferralSource.values]), name="patient_referral_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.current_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(self.SEARCHED_FIELDS) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_self_pay(self) -> bool:
        """The record says they pay for themselves (also set when they say so at online check-in):
        never ask them for an insurance card."""
        return self.coverage == Coverage.SELF_PAY

    def current_search_text(self) -> str:
        return search_text(first_name=self.first_name, last_name=self.last_name, email=self.email, phone=self.phone)


class PatientSignInLink(models.Model):
    """A one-time, short-lived sign-in link. Only a hash of the token is stored."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["expires_at"], name="signin_link_expiry_idx"),
            # Looked up by the token alone (the link carries no practice): 256 random bits do not collide.
            models.Index(fields=["token_hash"], name="signin_link_token_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["practice", "token_hash"], name="signin_link_unique_token")]

    def __str__(self) -> str:
        return f"sign-in link #{self.pk} (expires {self.expires_at:%Y-%m-%d %H:%M})"
