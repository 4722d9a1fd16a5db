import zoneinfo
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Practice(models.Model):
    """The tenant. Every practice-owned row carries ``practice_id``."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    about = models.TextField(_("about the practice"), blank=True)
    services = models.TextField(
        _("services"), blank=True, help_text=_("One service per line, shown on the public page.")
    )
    require_two_factor = models.BooleanField(_("require two-factor sign-in for all staff"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]

    def local_date(self, moment: datetime) -> date:
        """The practice's own calendar date at ``moment`` (an aware datetime)."""
        return moment.astimezone(ZoneInfo(self.timezone)).date()


class Role(models.TextChoices):
    OWNER = "owner", _("Owner / manager")
    EXPERIENCE_LEAD = "experience_lead", _("Experience lead")
    FRONT_DESK = "front_desk", _("Front desk")
    CLINICIAN = "clinician", _("Clinician")
    BILLING = "billing", _("Billing")


class Membership(models.Model):
    """A staff user's role at one practice. One person may belong to several practices."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="membership_unique_user_per_practice"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]
        ordering = ["practice__name"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.practice}"


class Location(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=120)
    address_line1 = models.CharField(_("street address"), max_length=200)
    address_line2 = models.CharField(_("suite or floor"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state"), max_length=100)
    postal_code = models.CharField(_("ZIP code"), max_length=20)
    country = models.CharField(_("country"), max_length=2, default="US")
    phone = models.CharField(_("phone"), max_length=32)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["practice", "name"], name="location_unique_name_per_practice")]

    def __str__(self) -> str:
        return self.name

    @property
    def one_line_address(self) -> str:
        parts = [self.address_line1, self.address_line2, self.city, f"{self.region} {self.postal_code}"]
        return ", ".join(part for part in parts if part)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One open range on one weekday, in the location's local time. Several per day allowed."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_hours_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {time_format(self.opens)}–{time_format(self.closes)}"


class Provider(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="providers")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    credentials = models.CharField(_("credentials"), max_length=60, blank=True, help_text=_("For example MD, FAAD"))
    photo = models.ImageField(_("photo"), upload_to="providers/", blank=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=1500)
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, help_text=_("Separate with commas, e.g. English, Spanish")
    )
    locations = models.ManyToManyField(
        Location, through="ProviderLocation", related_name="providers", blank=True, verbose_name=_("works at")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="provider_profiles"
    )
    is_active = models.BooleanField(_("seeing patients"), default=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}"
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def language_list(self) -> list[str]:
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]


class ProviderLocationQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """``provider.locations.add()`` and ``.set()`` write through here: each row takes its provider's
        practice, so callers need not pass ``through_defaults``."""
        objs = list(objs)
        missing = {row.provider_id for row in objs if row.practice_id is None}
        if missing:
            practice_of = dict(Provider.objects.filter(pk__in=missing).values_list("pk", "practice_id"))
            for row in objs:
                if row.practice_id is None:
                    row.practice_id = practice_of.get(row.provider_id)
        return super().bulk_create(objs, *args, **kwargs)


class ProviderLocation(models.Model):
    """Where a provider works (``Provider.locations``), with the practice copied down for sharding."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE)
    location = models.ForeignKey(Location, on_delete=models.CASCADE)

    objects = ProviderLocationQuerySet.as_manager()

    class Meta:
        db_table = "practices_provider_locations"
        constraints = [
            models.UniqueConstraint(fields=["practice", "provider", "location"], name="provider_location_unique")
        ]

    def __str__(self) -> str:
        return f"provider #{self.provider_id} at location #{self.location_id}"

    def save(self, *args, **kwargs):
        if self.practice_id is None and self.provider_id is not None:
            self.practice_id = self.provider.practice_id
        super().save(*args, **kwargs)
