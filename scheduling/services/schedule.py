"""Writes for the staff schedule: weekly availability, time off and blocks, extra clinics, visit types
and the booking policy.

Each write is one transaction with its audit entry. The rules every write keeps (whatever form sent it):

- a weekly range ends after it starts, at a location of the same practice that the provider works at,
  and does not overlap another range of the same provider on the same weekday while both are in effect
  (whatever their locations: one person cannot work in two places at once);
- an extra clinic does not overlap the provider's other hours that day at another location;
- a block over booked appointments is refused (``BlockConflict`` lists their times) unless the caller
  confirms it; the appointments then stay booked and only new bookings stop.

New hours reach the waitlist: adding or changing a weekly range, adding an extra clinic or removing a
block calls ``signals.announce_time_freed`` (sent when the transaction commits) once per occurrence of
the range that starts within ``FREED_HORIZON_DAYS`` local days from today and has not ended yet, with
aware UTC datetimes. The waitlist checks each range against the slot engine, so an announcement that
covers time which is in fact busy offers nothing.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit import services as audit
from audit.models import Action
from practices.models import Location, Practice, Provider

from ..engine import wall_to_utc
from ..models import (
    ACTIVE_STATUSES,
    Appointment,
    AvailabilityException,
    AvailabilityTemplate,
    BookingPolicy,
    ExceptionKind,
    VisitType,
    VisitTypeLocation,
    VisitTypeProvider,
)
from ..signals import announce_time_freed
from .booking import OfPractice, check_same_practice

FREED_HORIZON_DAYS = 14


class ScheduleRefused(Exception):
    """The change breaks a schedule rule; the message says which, in words for staff."""


class BlockConflict(ScheduleRefused):
    """Booked appointments fall inside the block. ``starts``: their local start times, in order."""

    def __init__(self, starts: list[datetime]) -> None:
        self.starts = starts
        times = ", ".join(time_format(s) for s in starts)
        super().__init__(
            ngettext(
                "%(count)d booked appointment falls in this time (%(times)s). Move it first, "
                "or confirm “block anyway” to keep it booked and stop new bookings.",
                "%(count)d booked appointments fall in this time (%(times)s). Move them first, "
                "or confirm “block anyway” to keep them booked and stop new bookings.",
                len(starts),
            )
            % {"count": len(starts), "times": times}
        )


# --- time helpers ------------------------------------------------------------------------------


def _minutes(value: time | None, default: int) -> int:
    return default if value is None else value.hour * 60 + value.minute


def _local_range(tz: ZoneInfo, day: date, starts_at: time | None, ends_at: time | None) -> tuple[datetime, datetime]:
    return wall_to_utc(tz, day, _minutes(starts_at, 0)), wall_to_utc(tz, day, _minutes(ends_at, 24 * 60))


def _today(practice: Practice, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), ZoneInfo(practice.timezone)).date()


def _announce(
    *,
    practice: Practice,
    provider_id: int,
    location_id: int | None,
    days: Iterable[date],
    starts_at: time | None,
    ends_at: time | None,
    now: datetime | None = None,
) -> None:
    """Announce each given local day's range that has not ended yet (see the module docstring)."""
    tz = ZoneInfo(practice.timezone)
    now = now or timezone.now()
    for day in days:
        start, end = _local_range(tz, day, starts_at, ends_at)
        if end > now:
            announce_time_freed(
                practice_id=practice.pk, provider_id=provider_id, location_id=location_id, start=start, end=end
            )


def _upcoming_days(
    practice: Practice, *, weekday: int, effective_from: date, effective_to: date | None, now: datetime | None = None
) -> Iterator[date]:
    today = _today(practice, now)
    for offset in range(FREED_HORIZON_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() == weekday and effective_from <= day and (effective_to is None or day <= effective_to):
            yield day


def _within_horizon(practice: Practice, day: date, now: datetime | None = None) -> list[date]:
    today = _today(practice, now)
    return [day] if today <= day < today + timedelta(days=FREED_HORIZON_DAYS) else []


def _check_practice(practice: Practice, *objects: OfPractice | None) -> None:
    for obj in objects:
        if obj is not None and obj.practice_id != practice.pk:
            raise ScheduleRefused(_("That record belongs to another practice."))


def _check_works_at(provider: Provider, location: Location | None) -> None:
    if location is not None and not provider.locations.filter(pk=location.pk).exists():
        raise ScheduleRefused(
            _("%(provider)s does not work at %(location)s. Add the location on the provider's page first.")
            % {"provider": provider.display_name, "location": location.name}
        )


# --- weekly availability ------------------------------------------------------------------------


def _check_template(
    *,
    practice: Practice,
    provider: Provider,
    location: Location | None,
    weekday: int,
    starts_at: time,
    ends_at: time,
    effective_from: date,
    effective_to: date | None,
    pk: int | None,
) -> None:
    _check_practice(practice, provider, location)
    if location is None:
        raise ScheduleRefused(_("Choose a location."))
    _check_works_at(provider, location)
    if not 0 <= weekday <= 6:
        raise ScheduleRefused(_("Choose a day of the week."))
    if ends_at <= starts_at:
        raise ScheduleRefused(_("The end time must be after the start time."))
    if effective_to is not None and effective_to < effective_from:
        raise ScheduleRefused(_("The ending date must be on or after the starting date."))
    clash = AvailabilityTemplate.objects.filter(
        practice=practice,
        provider=provider,
        weekday=weekday,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if effective_to is not None:
        clash = clash.filter(effective_from__lte=effective_to)
    other = clash.select_related("location").first()
    if other is not None:
        raise ScheduleRefused(
            _(
                "This overlaps %(provider)s's hours %(start)s–%(end)s at %(location)s on the same day "
                "(from %(from)s). Change the times or the dates so they do not overlap."
            )
            % {
                "provider": provider.display_name,
                "start": time_format(other.starts_at),
                "end": time_format(other.ends_at),
                "location": other.location.name,
                "from": other.effective_from.isoformat(),
            }
        )


def _template_changes(template: AvailabilityTemplate) -> dict[str, Any]:
    return {
        "location": template.location_id,
        "weekday": template.weekday,
        "starts_at": f"{template.starts_at:%H:%M}",  # machine-readable (audit data)
        "ends_at": f"{template.ends_at:%H:%M}",  # machine-readable (audit data)
        "effective_from": template.effective_from.isoformat(),
        "effective_to": template.effective_to.isoformat() if template.effective_to else None,
    }


def save_weekly_range(
    *,
    practice: Practice,
    provider: Provider,
    location: Location,
    weekday: int,
    starts_at: time,
    ends_at: time,
    effective_from: date,
    effective_to: date | None = None,
    template: AvailabilityTemplate | None = None,
    actor_user: User | None = None,
    now: datetime | None = None,
) -> AvailabilityTemplate:
    """Add a weekly range (``template=None``) or change one; raises ``ScheduleRefused``."""
    if template is not None and (template.practice_id != practice.pk or template.provider_id != provider.pk):
        raise ScheduleRefused(_("That record belongs to another practice."))
    with transaction.atomic():
        # Writes for one provider queue here, so two overlapping ranges cannot both pass the check.
        Provider.objects.select_for_update().filter(practice=practice, pk=provider.pk).first()
        _check_template(
            practice=practice,
            provider=provider,
            location=location,
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            effective_from=effective_from,
            effective_to=effective_to,
            pk=template.pk if template else None,
        )
        before = _template_changes(template) if template else {}
        if template is None:
            template = AvailabilityTemplate(practice=practice, provider=provider)
        template.location = location
        template.weekday = weekday
        template.starts_at = starts_at
        template.ends_at = ends_at
        template.effective_from = effective_from
        template.effective_to = effective_to
        template.save()
        after = _template_changes(template)
        audit.record(
            practice=practice,
            action=Action.UPDATE if before else Action.CREATE,
            target=template,
            actor_user=actor_user,
            summary=f"weekly hours of provider #{provider.pk}",
            changes={k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v},
        )
        _announce(
            practice=practice,
            provider_id=provider.pk,
            location_id=location.pk,
            days=_upcoming_days(
                practice, weekday=weekday, effective_from=effective_from, effective_to=effective_to, now=now
            ),
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
        )
        return template


@transaction.atomic
def delete_weekly_range(*, practice: Practice, template: AvailabilityTemplate, actor_user: User | None = None) -> None:
    """Remove a weekly range. Booked appointments in it stay booked."""
    _check_practice(practice, template)
    before = _template_changes(template)
    audit.record(
        practice=practice,
        action=Action.DELETE,
        target=template,
        actor_user=actor_user,
        summary=f"weekly hours of provider #{template.provider_id}",
        changes={k: {"from": v, "to": None} for k, v in before.items()},
    )
    template.delete()


# --- exceptions: time off, blocks and extra clinics ------------------------------------------


def _exception_changes(x: AvailabilityException) -> dict[str, Any]:
    return {
        "kind": x.kind,
        "day": x.day.isoformat(),
        "starts_at": f"{x.starts_at:%H:%M}" if x.starts_at else None,  # machine-readable (audit data)
        "ends_at": f"{x.ends_at:%H:%M}" if x.ends_at else None,  # machine-readable (audit data)
        "location": x.location_id,
    }


def appointments_in_block(
    *,
    practice: Practice,
    provider: Provider,
    day: date,
    starts_at: time | None,
    ends_at: time | None,
    location: Location | None = None,
) -> list[datetime]:
    """The local start times of the provider's active appointments inside a block, in order."""
    tz = ZoneInfo(practice.timezone)
    start, end = _local_range(tz, day, starts_at, ends_at)
    appointments = Appointment.objects.filter(
        practice=practice, provider=provider, status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start
    )
    if location is not None:
        appointments = appointments.filter(location=location)
    return [s.astimezone(tz) for s in appointments.order_by("start").values_list("start", flat=True)]


def block_time(
    *,
    practice: Practice,
    provider: Provider,
    day: date,
    starts_at: time | None = None,
    ends_at: time | None = None,
    location: Location | None = None,
    block_anyway: bool = False,
    actor_user: User | None = None,
) -> AvailabilityException:
    """Stop new bookings for the provider on a day (``starts_at``/``ends_at`` both None: the whole day).

    ``location=None`` blocks every location. Raises ``BlockConflict`` when booked appointments fall in the
    block, unless ``block_anyway``: they then stay booked.
    """
    _check_practice(practice, provider, location)
    _check_works_at(provider, location)
    if (starts_at is None) != (ends_at is None):
        raise ScheduleRefused(_("Give both a start and an end time, or neither for the whole day."))
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ScheduleRefused(_("The end time must be after the start time."))
    with transaction.atomic():
        Provider.objects.select_for_update().filter(practice=practice, pk=provider.pk).first()
        booked = appointments_in_block(
            practice=practice, provider=provider, day=day, starts_at=starts_at, ends_at=ends_at, location=location
        )
        if booked and not block_anyway:
            raise BlockConflict(booked)
        block = AvailabilityException.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=ExceptionKind.OFF,
        )
        summary = f"time off for provider #{provider.pk}"
        if booked:
            summary += f"; {len(booked)} booked appointment(s) kept"
        audit.record(
            practice=practice,
            action=Action.CREATE,
            target=block,
            actor_user=actor_user,
            summary=summary,
            changes={k: {"from": None, "to": v} for k, v in _exception_changes(block).items()},
        )
        return block


def add_extra_hours(
    *,
    practice: Practice,
    provider: Provider,
    location: Location,
    day: date,
    starts_at: time,
    ends_at: time,
    actor_user: User | None = None,
    now: datetime | None = None,
) -> AvailabilityException:
    """An extra clinic: the provider works at ``location`` on ``day`` outside the weekly pattern."""
    _check_practice(practice, provider, location)
    if location is None:
        raise ScheduleRefused(_("Choose a location."))
    _check_works_at(provider, location)
    if ends_at <= starts_at:
        raise ScheduleRefused(_("The end time must be after the start time."))
    with transaction.atomic():
        Provider.objects.select_for_update().filter(practice=practice, pk=provider.pk).first()
        elsewhere = (
            AvailabilityTemplate.objects.filter(
                practice=practice,
                provider=provider,
                weekday=day.weekday(),
                effective_from__lte=day,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            )
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
            .exclude(location=location)
            .exists()
        )
        other_extra = AvailabilityException.objects.filter(
            practice=practice,
            provider=provider,
            day=day,
            kind=ExceptionKind.EXTRA,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        ).exists()
        if elsewhere or other_extra:
            raise ScheduleRefused(
                _("%(provider)s already works at another location or has an extra clinic at that time that day.")
                % {"provider": provider.display_name}
            )
        extra = AvailabilityException.objects.create(
            practice=practice,
            provider=provider,
            location=location,
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=ExceptionKind.EXTRA,
        )
        audit.record(
            practice=practice,
            action=Action.CREATE,
            target=extra,
            actor_user=actor_user,
            summary=f"extra hours for provider #{provider.pk}",
            changes={k: {"from": None, "to": v} for k, v in _exception_changes(extra).items()},
        )
        _announce(
            practice=practice,
            provider_id=provider.pk,
            location_id=location.pk,
            days=_within_horizon(practice, day, now),
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
        )
        return extra


@transaction.atomic
def remove_exception(
    *, practice: Practice, exception: AvailabilityException, actor_user: User | None = None, now: datetime | None = None
) -> None:
    """Remove time off / a block (its time may be bookable again) or an extra clinic."""
    _check_practice(practice, exception)
    before = _exception_changes(exception)
    audit.record(
        practice=practice,
        action=Action.DELETE,
        target=exception,
        actor_user=actor_user,
        summary=f"{exception.kind} exception of provider #{exception.provider_id}",
        changes={k: {"from": v, "to": None} for k, v in before.items()},
    )
    if exception.kind == ExceptionKind.OFF:
        _announce(
            practice=practice,
            provider_id=exception.provider_id,
            location_id=exception.location_id,
            days=_within_horizon(practice, exception.day, now),
            starts_at=exception.starts_at,
            ends_at=exception.ends_at,
            now=now,
        )
    exception.delete()


# --- visit types ------------------------------------------------------------------------------

VISIT_TYPE_FIELDS = (
    "name",
    "duration_minutes",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "max_days_ahead",
    "patient_kind",
    "bookable_online",
    "daily_cap_per_provider",
    "instructions_for_patient",
    "excludes_short_notice_offers",
    "recall_interval_months",
    "is_active",
)


@transaction.atomic
def offer_visit_type(
    *, visit_type: VisitType, providers: Iterable[Provider] = (), locations: Iterable[Location] = ()
) -> None:
    """Link providers and locations of the same practice to a visit type."""
    providers, locations = list(providers), list(locations)
    practice = visit_type.practice
    check_same_practice(practice, **{f"provider {p.pk}": p for p in providers})
    check_same_practice(practice, **{f"location {loc.pk}": loc for loc in locations})
    if providers:
        visit_type.providers.add(*providers, through_defaults={"practice": practice})
    if locations:
        visit_type.locations.add(*locations, through_defaults={"practice": practice})


def _unique_slug(practice: Practice, name: str, exclude_pk: int | None = None) -> str:
    base = (slugify(name) or "visit")[:50]
    similar = VisitType.objects.filter(practice=practice, slug__startswith=base)
    if exclude_pk is not None:
        similar = similar.exclude(pk=exclude_pk)
    taken = set(similar.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _visit_type_state(
    visit_type: VisitType, provider_ids: Iterable[int], location_ids: Iterable[int]
) -> dict[str, Any]:
    state: dict[str, Any] = {name: getattr(visit_type, name) for name in VISIT_TYPE_FIELDS}
    state["providers"] = sorted(provider_ids)
    state["locations"] = sorted(location_ids)
    return state


def save_visit_type(
    *,
    practice: Practice,
    visit_type: VisitType | None = None,
    providers: Sequence[Provider] = (),
    locations: Sequence[Location] = (),
    actor_user: User | None = None,
    **fields: Any,
) -> VisitType:
    """Create (``visit_type=None``) or change a visit type and who offers it where.

    The slug is made from the name when the visit type is created and kept afterwards (links stay valid).
    Providers and locations are replaced by the given ones.
    """
    unknown = set(fields) - set(VISIT_TYPE_FIELDS)
    if unknown:
        raise TypeError(f"unknown visit type fields: {sorted(unknown)}")
    _check_practice(practice, visit_type, *providers, *locations)
    if not (fields.get("name") or "").strip():
        raise ScheduleRefused(_("Give the visit type a name."))
    with transaction.atomic():
        if visit_type is None:
            visit_type = VisitType(practice=practice, slug=_unique_slug(practice, fields["name"]))
            before = {}
        else:
            visit_type = VisitType.objects.select_for_update().get(practice=practice, pk=visit_type.pk)
            before = _visit_type_state(
                visit_type,
                VisitTypeProvider.objects.filter(visit_type=visit_type).values_list("provider_id", flat=True),
                VisitTypeLocation.objects.filter(visit_type=visit_type).values_list("location_id", flat=True),
            )
        for name, value in fields.items():
            setattr(visit_type, name, value)
        try:
            visit_type.full_clean(validate_unique=False)
        except ValidationError as error:
            raise ScheduleRefused(" ".join(error.messages)) from error
        visit_type.save()
        provider_ids = {p.pk for p in providers}
        location_ids = {loc.pk for loc in locations}
        VisitTypeProvider.objects.filter(practice=practice, visit_type=visit_type).exclude(
            provider_id__in=provider_ids
        ).delete()
        VisitTypeLocation.objects.filter(practice=practice, visit_type=visit_type).exclude(
            location_id__in=location_ids
        ).delete()
        offer_visit_type(visit_type=visit_type, providers=list(providers), locations=list(locations))
        after = _visit_type_state(visit_type, provider_ids, location_ids)
        audit.record(
            practice=practice,
            action=Action.UPDATE if before else Action.CREATE,
            target=visit_type,
            actor_user=actor_user,
            summary="visit type",
            changes={k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v},
        )
        return visit_type


# --- booking policy -------------------------------------------------------------------------

POLICY_FIELDS = ("online_change_cutoff_hours", "waitlist_batch_size", "waitlist_offer_minutes", "short_notice_hours")


@transaction.atomic
def save_booking_policy(*, practice: Practice, actor_user: User | None = None, **fields: Any) -> BookingPolicy:
    """Change the practice's booking policy (the row is created on the first save)."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown booking policy fields: {sorted(unknown)}")
    found = BookingPolicy.objects.select_for_update().filter(practice=practice).first()
    created = found is None
    policy = BookingPolicy(practice=practice) if found is None else found
    before = {name: getattr(policy, name) for name in POLICY_FIELDS}
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    audit.record(
        practice=practice,
        action=Action.CREATE if created else Action.UPDATE,
        target=policy,
        actor_user=actor_user,
        summary="booking policy",
        changes={
            name: {"from": before[name], "to": getattr(policy, name)}
            for name in POLICY_FIELDS
            if created or before[name] != getattr(policy, name)
        },
    )
    return policy


# --- reads of patient names ----------------------------------------------------------------


def record_calendar_viewed(
    *, practice: Practice, actor_user: User, view: str, first_day: date, last_day: date, shown: int
) -> None:
    """A calendar with patient names was shown (no names or ids in the entry)."""
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=Appointment,
        actor_user=actor_user,
        summary=f"{view} calendar {first_day.isoformat()}..{last_day.isoformat()}, {shown} appointment(s) shown",
    )
