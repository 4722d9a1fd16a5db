"""Staff schedule pages: day and week calendars, provider availability, time off and blocks, visit types
and the booking policy. Thin views: reads in ``selectors.schedule``, writes in ``services.schedule``.

Roles: every member sees the calendars; the owner and the front desk add and remove time off and
blocks; only the owner changes weekly hours, extra clinics, visit types and the booking policy.
"""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from practices.access import ALL_ROLES, OWNER_ONLY, StaffRequest, staff_view
from practices.models import Provider, Role

from ..forms.schedule import BlockForm, BookingPolicyForm, ExtraHoursForm, VisitTypeForm, WeeklyRangeForm
from ..models import ExceptionKind
from ..selectors import booking as booking_selectors
from ..selectors import schedule as schedule_selectors
from ..services import schedule as schedule_services

BLOCKERS = frozenset({Role.OWNER, Role.FRONT_DESK})


def _today(request: StaffRequest) -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(request.practice.timezone)).date()


# --- calendars ------------------------------------------------------------------------------


def _calendar_page(request: StaffRequest, *, view: str) -> HttpResponse:
    practice = request.practice
    today = _today(request)
    day = today
    raw_date = request.GET.get("date", "").strip()
    if raw_date:
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            messages.error(request, _("That date could not be read (use YYYY-MM-DD); showing today."))
        first, last = schedule_selectors.calendar_bounds(today)
        if not first <= day <= last:
            day = today
            messages.error(
                request,
                _("That date is outside the calendar (%(first)s to %(last)s); showing today.")
                % {"first": first.isoformat(), "last": last.isoformat()},
            )
    provider = (
        schedule_selectors.provider_or_404(practice, request.GET["provider"]) if request.GET.get("provider") else None
    )
    location = (
        schedule_selectors.location_or_404(practice, request.GET["location"]) if request.GET.get("location") else None
    )

    if view == "week":
        first_day = day - timedelta(days=day.weekday())
        last_day = first_day + timedelta(days=6)
        step = timedelta(days=7)
    else:
        first_day = last_day = day
        step = timedelta(days=1)
    cal = schedule_selectors.calendar(
        practice, first_day=first_day, last_day=last_day, provider=provider, location=location
    )
    schedule_services.record_calendar_viewed(
        practice=practice,
        actor_user=request.user,
        view=view,
        first_day=first_day,
        last_day=last_day,
        shown=cal.appointment_count,
    )

    base = reverse(f"scheduling:schedule_{view}", args=[practice.slug])
    keep = {k: v for k, v in (("provider", provider and provider.pk), ("location", location and location.pk)) if v}

    def link(to_view: str, to_day: date) -> str:
        url = reverse(f"scheduling:schedule_{to_view}", args=[practice.slug])
        return f"{url}?{urlencode({**keep, 'date': to_day.isoformat()})}"

    return render(
        request,
        "scheduling/schedule/calendar.html",
        {
            "view": view,
            "calendar": cal,
            "day": day,
            "first_day": first_day,
            "last_day": last_day,
            "today": today,
            "provider": provider,
            "location": location,
            "providers": schedule_selectors.providers(practice).order_by("last_name", "first_name"),
            "locations": schedule_selectors.locations(practice),
            "base_url": base,
            "day_base": reverse("scheduling:schedule_day", args=[practice.slug]),
            "prev_url": link(view, day - step),
            "next_url": link(view, day + step),
            "today_url": link(view, today),
            "day_url": link("day", day),
            "week_url": link("week", day),
            "can_block": request.membership.role in BLOCKERS,
            "my_provider": schedule_selectors.provider_for_user(practice, request.user),
        },
    )


@staff_view(ALL_ROLES)
@require_http_methods(["GET"])
def schedule_day(request: StaffRequest) -> HttpResponse:
    return _calendar_page(request, view="day")


@staff_view(ALL_ROLES)
@require_http_methods(["GET"])
def schedule_week(request: StaffRequest) -> HttpResponse:
    return _calendar_page(request, view="week")


# --- availability ---------------------------------------------------------------------------


@staff_view(BLOCKERS)
@require_http_methods(["GET"])
def availability(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/schedule/availability_list.html",
        {"providers": schedule_selectors.providers(request.practice).order_by("last_name", "first_name")},
    )


@staff_view(BLOCKERS)
@require_http_methods(["GET"])
def provider_availability(request: StaffRequest, provider_pk: int) -> HttpResponse:
    provider = schedule_selectors.provider_or_404(request.practice, provider_pk)
    return render(
        request,
        "scheduling/schedule/provider_availability.html",
        {
            "provider": provider,
            "weekly": schedule_selectors.weekly_hours(request.practice, provider),
            "exceptions": schedule_selectors.upcoming_exceptions(request.practice, provider, from_day=_today(request)),
            "is_owner": request.membership.role == Role.OWNER,
        },
    )


def _provider_url(request: StaffRequest, provider: Provider) -> str:
    return reverse("scheduling:schedule_provider", args=[request.practice.slug, provider.pk])


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def weekly_range_form(request: StaffRequest, provider_pk: int, pk: int | None = None) -> HttpResponse:
    practice = request.practice
    provider = schedule_selectors.provider_or_404(practice, provider_pk)
    template = schedule_selectors.template_or_404(practice, provider, pk) if pk is not None else None
    initial: dict[str, Any] = {"effective_from": _today(request)}
    if template is not None:
        initial = {
            "location": template.location_id,
            "weekday": template.weekday,
            "starts_at": template.starts_at,
            "ends_at": template.ends_at,
            "effective_from": template.effective_from,
            "effective_to": template.effective_to,
        }
    form = WeeklyRangeForm(request.POST or None, initial=initial, practice=practice, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_services.save_weekly_range(
                practice=practice, provider=provider, template=template, actor_user=request.user, **form.cleaned_data
            )
        except schedule_services.ScheduleRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Hours saved."))
            return redirect(_provider_url(request, provider))
    return render(
        request,
        "scheduling/schedule/form.html",
        {
            "form": form,
            "provider": provider,
            "title": _("Change hours") if template else _("Add hours"),
            "submit": _("Save hours"),
        },
    )


@staff_view(OWNER_ONLY)
@require_POST
def weekly_range_delete(request: StaffRequest, provider_pk: int, pk: int) -> HttpResponse:
    provider = schedule_selectors.provider_or_404(request.practice, provider_pk)
    template = schedule_selectors.template_or_404(request.practice, provider, pk)
    schedule_services.delete_weekly_range(practice=request.practice, template=template, actor_user=request.user)
    messages.success(request, _("Hours removed. Appointments already booked in them stay booked."))
    return redirect(_provider_url(request, provider))


@staff_view(BLOCKERS)
@require_http_methods(["GET", "POST"])
def block_new(request: StaffRequest, provider_pk: int) -> HttpResponse:
    practice = request.practice
    provider = schedule_selectors.provider_or_404(practice, provider_pk)
    initial = {"day": request.GET.get("date") or _today(request)}
    form = BlockForm(request.POST or None, initial=initial, practice=practice, provider=provider)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule_services.block_time(
                practice=practice,
                provider=provider,
                day=data["day"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                block_anyway=data["block_anyway"],
                actor_user=request.user,
            )
        except schedule_services.BlockConflict as refused:
            conflict = refused
            form.add_error(None, str(refused))
        except schedule_services.ScheduleRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Time blocked: no new bookings in it."))
            return redirect(_provider_url(request, provider))
    return render(
        request,
        "scheduling/schedule/form.html",
        {
            "form": form,
            "provider": provider,
            "conflict": conflict,
            "title": _("Time off or block time"),
            "submit": _("Block this time"),
        },
    )


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def extra_new(request: StaffRequest, provider_pk: int) -> HttpResponse:
    practice = request.practice
    provider = schedule_selectors.provider_or_404(practice, provider_pk)
    form = ExtraHoursForm(request.POST or None, practice=practice, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_services.add_extra_hours(
                practice=practice, provider=provider, actor_user=request.user, **form.cleaned_data
            )
        except schedule_services.ScheduleRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Extra clinic added."))
            return redirect(_provider_url(request, provider))
    return render(
        request,
        "scheduling/schedule/form.html",
        {"form": form, "provider": provider, "title": _("Add an extra clinic"), "submit": _("Add the clinic")},
    )


@staff_view(BLOCKERS)
@require_POST
def exception_delete(request: StaffRequest, provider_pk: int, pk: int) -> HttpResponse:
    provider = schedule_selectors.provider_or_404(request.practice, provider_pk)
    exception = schedule_selectors.exception_or_404(request.practice, provider, pk)
    if exception.kind == ExceptionKind.EXTRA and request.membership.role != Role.OWNER:
        raise PermissionDenied
    schedule_services.remove_exception(practice=request.practice, exception=exception, actor_user=request.user)
    messages.success(request, _("Removed."))
    return redirect(_provider_url(request, provider))


# --- visit types ----------------------------------------------------------------------------


@staff_view(OWNER_ONLY)
@require_http_methods(["GET"])
def visit_types(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/schedule/visit_type_list.html",
        {"visit_types": schedule_selectors.visit_types_for_staff(request.practice)},
    )


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def visit_type_form(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    practice = request.practice
    visit_type = schedule_selectors.visit_type_or_404(practice, pk) if pk is not None else None
    form = VisitTypeForm(request.POST or None, instance=visit_type, practice=practice)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        providers, locations = data.pop("providers"), data.pop("locations")
        try:
            schedule_services.save_visit_type(
                practice=practice,
                visit_type=visit_type,
                providers=list(providers),
                locations=list(locations),
                actor_user=request.user,
                **data,
            )
        except schedule_services.ScheduleRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Visit type saved."))
            return redirect("scheduling:schedule_visit_types", practice_slug=practice.slug)
    return render(
        request,
        "scheduling/schedule/form.html",
        {
            "form": form,
            "title": visit_type.name if visit_type else _("New visit type"),
            "submit": _("Save visit type"),
            "back_url": reverse("scheduling:schedule_visit_types", args=[practice.slug]),
        },
    )


# --- booking policy -------------------------------------------------------------------------


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def booking_policy(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = BookingPolicyForm(request.POST or None, instance=booking_selectors.booking_policy(practice))
    if request.method == "POST" and form.is_valid():
        schedule_services.save_booking_policy(practice=practice, actor_user=request.user, **form.cleaned_data)
        messages.success(request, _("Booking policy saved."))
        return redirect("scheduling:schedule_policy", practice_slug=practice.slug)
    return render(
        request,
        "scheduling/schedule/booking_policy.html",
        {"form": form, "snippets": booking_selectors.booking_snippets(practice, request)},
    )
