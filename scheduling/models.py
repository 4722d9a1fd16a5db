"""Scheduling data: visit types, weekly availability, exceptions, appointments and short holds.

Invariants live in the database: check constraints on every table, and on PostgreSQL an exclusion
constraint that refuses two active appointments of one provider whose blocked ranges overlap
(added by ``migrations/0002_no_double_booking.py``, PostgreSQL only; see there why).

Times: ``AvailabilityTemplate`` and ``AvailabilityException`` are wall-clock times in the
practice's time zone; appointments and holds are aware datetimes stored in UTC.
"""

import uuid
from datetime import time

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from practices.models import Location, Practice, Provider, Weekday


class PatientKind(models.TextChoices):
    NEW = "new", _("New patients")
    RETURNING = "returning", _("Returning patients")
    BOTH = "both", _("New and returning patients")


class VisitType(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="visit_types")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=60)
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    buffer_before_minutes = models.PositiveSmallIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(_("buffer after (minutes)"), default=0)
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=0)
    max_days_ahead = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=90)
    patient_kind = models.CharField(
        _("who may book"), max_length=10, choices=PatientKind.choices, default=PatientKind.BOTH
    )
    providers = models.ManyToManyField(
        Provider, through="VisitTypeProvider", related_name="visit_types", verbose_name=_("providers")
    )
    locations = models.ManyToManyField(
        Location,
        through="VisitTypeLocation",
        related_name="visit_types",
        verbose_name=_("locations"),
        help_text=_("Leave empty to offer the visit at every location."),
    )
    bookable_online = models.BooleanField(_("patients may book online"), default=True)
    daily_cap_per_provider = models.PositiveSmallIntegerField(
        _("most per provider per day"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    instructions_for_patient = models.TextField(
        _("instructions for the patient"),
        blank=True,
        max_length=2000,
        help_text=_("Shown to every patient who books this visit. General preparation only, never about one patient."),
    )
    excludes_short_notice_offers = models.BooleanField(_("leave out of short-notice offers"), default=False)
    recall_interval_months = models.PositiveSmallIntegerField(
        _("recall after (months)"),
        null=True,
        blank=True,
        help_text=_("After a completed visit of this type, the patient is due back this many months later."),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "slug"], name="visit_type_unique_slug_per_practice"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="visit_type_duration_positive"),
            models.CheckConstraint(
                condition=Q(buffer_before_minutes__gte=0, buffer_after_minutes__gte=0),
                name="visit_type_buffers_not_negative",
            ),
            models.CheckConstraint(condition=Q(min_notice_minutes__gte=0), name="visit_type_notice_not_negative"),
            models.CheckConstraint(condition=Q(max_days_ahead__gt=0), name="visit_type_days_ahead_positive"),
            models.CheckConstraint(
                condition=Q(daily_cap_per_provider__isnull=True) | Q(daily_cap_per_provider__gt=0),
                name="visit_type_daily_cap_positive",
            ),
            models.CheckConstraint(
                condition=Q(patient_kind__in=PatientKind.values), name="visit_type_patient_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VisitTypeProvider(models.Model):
    """A provider who sees this visit type (the tenant-scoped link table)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "visit_type", "provider"], name="visit_type_provider_unique"),
        ]

    def __str__(self) -> str:
        return f"visit type #{self.visit_type_id} · provider #{self.provider_id}"


class VisitTypeLocation(models.Model):
    """A location where this visit type is offered (the tenant-scoped link table)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "visit_type", "location"], name="visit_type_location_unique"),
        ]

    def __str__(self) -> str:
        return f"visit type #{self.visit_type_id} · location #{self.location_id}"


class AvailabilityTemplate(models.Model):
    """A provider works at a location on a weekday between two wall-clock times (practice time zone)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="availability")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    effective_from = models.DateField(_("starting"))
    effective_to = models.DateField(_("ending"), null=True, blank=True)

    class Meta:
        ordering = ["provider", "weekday", "starts_at"]
        indexes = [models.Index(fields=["practice", "provider", "weekday"], name="availability_provider_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="availability_ends_after_starts"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="availability_effective_range_valid",
            ),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="availability_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {time_format(self.starts_at)}–{time_format(self.ends_at)}"


class ExceptionKind(models.TextChoices):
    OFF = "off", _("Not working")
    EXTRA = "extra", _("Extra hours")


class AvailabilityException(models.Model):
    """One day that differs from the weekly pattern. An "off" without times is the whole day."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="availability_exceptions")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=5, choices=ExceptionKind.choices)

    class Meta:
        ordering = ["day", "starts_at"]
        indexes = [models.Index(fields=["practice", "provider", "day"], name="avail_exception_day_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ExceptionKind.values), name="avail_exception_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=ExceptionKind.EXTRA) | Q(location__isnull=False),
                name="avail_exception_extra_has_location",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True, kind=ExceptionKind.OFF)
                | Q(starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=F("starts_at")),
                name="avail_exception_times_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class AppointmentStatus(models.TextChoices):
    """FHIR R4 AppointmentStatus codes."""

    PROPOSED = "proposed", _("Proposed")
    PENDING = "pending", _("Pending")
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    CHECKED_IN = "checked-in", _("Checked in")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")
    NOSHOW = "noshow", _("No-show")
    ENTERED_IN_ERROR = "entered-in-error", _("Entered in error")


# Appointments in these statuses hold their time: no other active appointment of the provider may overlap.
ACTIVE_STATUSES: tuple[str, ...] = (
    AppointmentStatus.PROPOSED,
    AppointmentStatus.PENDING,
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.CHECKED_IN,
)


class BookedVia(models.TextChoices):
    ONLINE = "online", _("Online")
    PHONE = "phone", _("Phone")
    STAFF = "staff", _("Staff")


class CancellationReason(models.TextChoices):
    """Why, as a short code. Never free text: a reason typed by a person may carry clinical detail."""

    PATIENT_REQUEST = "patient_request", _("Patient asked")
    SCHEDULE_CONFLICT = "schedule_conflict", _("Patient has a conflict")
    PROVIDER_UNAVAILABLE = "provider_unavailable", _("Provider unavailable")
    PRACTICE_CLOSED = "practice_closed", _("Practice closed")
    WEATHER = "weather", _("Weather")
    DUPLICATE = "duplicate", _("Booked twice")
    OTHER = "other", _("Other")


class Appointment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    # start - buffer before, end + buffer after: what no other active appointment of the provider may overlap.
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    booked_via = models.CharField(_("booked"), max_length=10, choices=BookedVia.choices)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    cancellation_reason = models.CharField(
        _("cancellation reason"), max_length=30, choices=CancellationReason.choices, blank=True
    )
    # iCalendar SEQUENCE: 0 when booked, one more on every reschedule and cancellation.
    sequence = models.PositiveIntegerField(default=0)
    # When it was cancelled: the late-cancellation rate counts cancellations inside the practice's cutoff.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # iCalendar UID: stable for the life of the appointment.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)  # unique per practice (Meta)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["practice", "provider", "blocked_start"], name="appointment_provider_time_idx"),
            # Busy times ask "blocked_start < window end AND blocked_end > window start"; for a window ahead of
            # today only the second is selective, so it needs its own index (the first reads all history).
            models.Index(fields=["practice", "provider", "blocked_end"], name="appointment_provider_end_idx"),
            models.Index(fields=["practice", "start"], name="appointment_practice_time_idx"),
            # A patient's appointments in time order; the status too, so "did this patient have a kept
            # visit before then" (cx's new or returning patients) reads the index alone, never the rows.
            models.Index(fields=["practice", "patient", "start", "status"], name="appointment_patient_kept_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="appointment_unique_idempotency_key",
            ),
            models.UniqueConstraint(fields=["practice", "uid"], name="appointment_unique_uid"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="appointment_ends_after_starts"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start"), blocked_end__gte=F("end")),
                name="appointment_blocked_covers_visit",
            ),
            models.CheckConstraint(condition=Q(status__in=AppointmentStatus.values), name="appointment_status_valid"),
            models.CheckConstraint(condition=Q(booked_via__in=BookedVia.values), name="appointment_booked_via_valid"),
            models.CheckConstraint(
                condition=Q(cancellation_reason="")
                | Q(status=AppointmentStatus.CANCELLED, cancellation_reason__in=CancellationReason.values),
                name="appointment_cancellation_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"appointment #{self.pk} {self.start:%Y-%m-%d %H:%M} UTC"  # machine-readable (logs, admin)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class BookingHold(models.Model):
    """A few minutes' claim on a time while a patient finishes booking. Busy until it expires."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    expires_at = models.DateTimeField()
    token = models.CharField(max_length=64)  # unique per practice (Meta); looked up alone
    # Who asked, for the per-client cap on active holds: a keyed hash of the client's address, never
    # the address itself (core.client_address; scheduling.services.holds.hold_for_patient).
    client_key = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["provider", "expires_at"], name="hold_provider_expiry_idx"),
            models.Index(fields=["practice", "client_key", "expires_at"], name="hold_client_expiry_idx"),
            models.Index(fields=["expires_at"], name="hold_expiry_idx"),
            models.Index(fields=["token"], name="hold_token_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["practice", "token"], name="hold_unique_token"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="hold_ends_after_starts"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start"), blocked_end__gte=F("end")),
                name="hold_blocked_covers_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"hold #{self.pk} until {self.expires_at:%H:%M:%S} UTC"  # machine-readable (logs, admin)


class BookingPolicy(models.Model):
    """A practice's rules for online changes and waitlist offers. A practice without a row uses the defaults."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="booking_policy")
    online_change_cutoff_hours = models.PositiveSmallIntegerField(
        _("no online changes within (hours)"),
        default=24,
        help_text=_("Closer to the visit than this, the manage link shows the phone number instead."),
    )
    waitlist_batch_size = models.PositiveSmallIntegerField(
        _("waitlist offers sent at once"),
        default=3,
        help_text=_("How many waiting patients hear of a freed time together."),
    )
    waitlist_offer_minutes = models.PositiveSmallIntegerField(_("waitlist offer lasts (minutes)"), default=60)
    short_notice_hours = models.PositiveSmallIntegerField(
        _("short notice means within (hours)"),
        default=48,
        help_text=_(
            "Visit types marked 'leave out of short-notice offers' are not offered from the waitlist "
            "this close to the time."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(waitlist_batch_size__gt=0), name="booking_policy_batch_positive"),
            models.CheckConstraint(
                condition=Q(waitlist_offer_minutes__gt=0), name="booking_policy_offer_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"booking policy of practice #{self.practice_id}"


class BookingRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the front desk")
    BOOKED = "booked", _("Booked")
    CLOSED = "closed", _("Closed without booking")


class BookingRequest(models.Model):
    """An online booking the front desk must finish: a returning patient we could not match with confidence.

    Never creates a patient: the front desk finds the right record (or creates one) and books.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="booking_requests")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    start = models.DateTimeField(_("time asked for"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=5, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=BookingRequestStatus.choices, default=BookingRequestStatus.OPEN
    )
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The hold on the time asked for, kept as long as a matched patient's confirm link lasts (so the two
    # cases look alike from outside); the front desk's booking of that time uses it.
    hold_token = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["practice", "status", "created_at"], name="booking_request_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BookingRequestStatus.values), name="booking_request_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"booking request #{self.pk}"


class BookingConfirmation(models.Model):
    """A returning patient's online booking, waiting for the patient to confirm it.

    The booking pages never tell a visitor whether the details typed match a patient: on a confident
    match the link to confirm goes to the contact details on file (``confirm_links``), the time stays
    held until ``expires_at``, and the appointment is booked only when the link is followed (once:
    ``appointment`` is then set and the link shows it).
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    hold_token = models.CharField(max_length=64, blank=True, default="")
    language = models.CharField(max_length=5, default="en")  # the language the patient booked in
    expires_at = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"booking to confirm #{self.pk}"


def _with_times(label: str | Promise, **times: time) -> str:
    """``label`` with its times written the active language's one way ("12:00 PM" / "12:00"), when shown."""
    return lazy(lambda: str(label) % {name: time_format(value) for name, value in times.items()}, str)()


class DayPart(models.TextChoices):
    MORNING = "morning", _with_times(_("Morning (before %(noon)s)"), noon=time(12))
    AFTERNOON = "afternoon", _with_times(_("Afternoon (%(noon)s to %(five)s)"), noon=time(12), five=time(17))
    EVENING = "evening", _with_times(_("Evening (after %(five)s)"), five=time(17))


class WaitlistStatus(models.TextChoices):
    ACTIVE = "active", _("Waiting")
    BOOKED = "booked", _("Booked from an offer")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class WaitlistEntry(models.Model):
    """ "Tell me if something earlier opens": what a patient can do, and (optionally) the visit to move."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="waitlist_entries")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="waitlist_entries")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    # Empty: any location / any provider.
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The booked visit an accepted offer moves earlier; empty when the patient has no time yet.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="waitlist_entries"
    )
    earliest_day = models.DateField(_("from"))
    latest_day = models.DateField(_("until"))
    # Weekday numbers (0 = Monday) and DayPart values the patient can do; empty lists mean any.
    weekdays = models.JSONField(_("days of the week"), default=list, blank=True)
    day_parts = models.JSONField(_("times of day"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["practice", "visit_type", "status", "created_at"], name="waitlist_active_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(latest_day__gte=F("earliest_day")), name="waitlist_days_valid"),
            models.CheckConstraint(condition=Q(status__in=WaitlistStatus.values), name="waitlist_status_valid"),
        ]

    def __str__(self) -> str:
        return f"waitlist entry #{self.pk}"


class OfferStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    TAKEN = "taken", _("Taken by someone else")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class WaitlistOffer(models.Model):
    """One freed time offered to one waitlisted patient. The first acceptance books it."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    batch = models.PositiveSmallIntegerField(default=1)
    token_hash = models.CharField(max_length=64)  # unique per practice (Meta); looked up alone
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.SENT)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    # Set once the patient has been told of the outcome (taken / expired), so a retried task tells them once.
    outcome_notified_at = models.DateTimeField(null=True, blank=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["sent_at"]
        indexes = [
            models.Index(fields=["practice", "provider", "start", "status"], name="offer_slot_idx"),
            models.Index(fields=["status", "expires_at"], name="offer_expiry_idx"),
            models.Index(fields=["token_hash"], name="offer_token_idx"),
        ]
        constraints = [
            # One offer of a time per entry: a retried offer task cannot message a patient twice.
            models.UniqueConstraint(
                fields=["practice", "entry", "provider", "start"], name="offer_unique_per_entry_and_time"
            ),
            models.UniqueConstraint(fields=["practice", "token_hash"], name="offer_unique_token"),
            # At most one acceptance of a time.
            models.UniqueConstraint(
                fields=["practice", "provider", "start"],
                condition=Q(status="accepted"),
                name="offer_one_acceptance_per_time",
            ),
            models.CheckConstraint(condition=Q(status__in=OfferStatus.values), name="offer_status_valid"),
        ]

    def __str__(self) -> str:
        return f"waitlist offer #{self.pk}"
