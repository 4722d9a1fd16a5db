"""Waitlist forms: what a patient can do (days, times of day, place, until when)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from practices.models import Location, Practice, Provider, Weekday

from ..models import Appointment, DayPart, VisitType
from ..selectors import waitlist as wl
from ..services.waitlist import MAX_DAYS_AHEAD


class _Preferences(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days that suit you"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if any day suits you."),
    )
    day_parts = forms.MultipleChoiceField(
        label=_("Times of day that suit you"),
        choices=DayPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if any time suits you."),
    )
    location = forms.ModelChoiceField(
        label=_("Where"), queryset=Location.objects.none(), required=False, empty_label=_("Any location")
    )
    latest_day = forms.DateField(
        label=_("Tell me about times until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["latest_day"].widget.attrs.update(
            {"min": today.isoformat(), "max": (today + timedelta(days=MAX_DAYS_AHEAD)).isoformat()}
        )

    def clean_latest_day(self) -> date:
        day = self.cleaned_data["latest_day"]
        if day < self.today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if day > self.today + timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Choose a day within the next year."))
        return day


class AppointmentWaitlistForm(_Preferences):
    """From the manage link: move this booked visit earlier if a time opens."""

    field_order = ["weekdays", "day_parts", "location", "latest_day"]

    def __init__(self, *args: Any, appointment: Appointment, appointment_day: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appointment_day = appointment_day
        cast("forms.ModelChoiceField[Location]", self.fields["location"]).queryset = wl.locations_for_visit_type(
            appointment.practice, appointment.visit_type
        )
        self.fields["latest_day"].widget.attrs["max"] = appointment_day.isoformat()
        self.fields["latest_day"].help_text = _("Your visit stays booked as it is until you accept an earlier time.")
        if not self.is_bound:
            self.initial.setdefault("latest_day", max(appointment_day, self.today))

    def clean_latest_day(self) -> date:
        day = super().clean_latest_day()
        if day > self.appointment_day:
            raise forms.ValidationError(_("Choose a day up to the day of your booked visit."))
        return day


class JoinWaitlistForm(_Preferences):
    """For a signed-in patient who found no time that suits."""

    visit_type: forms.ModelChoiceField[VisitType] = forms.ModelChoiceField(
        label=_("Kind of visit"), queryset=None, empty_label=None
    )
    provider = forms.ModelChoiceField(
        label=_("With"), queryset=Provider.objects.none(), required=False, empty_label=_("Any provider")
    )
    field_order = ["visit_type", "location", "provider", "weekdays", "day_parts", "latest_day"]

    def __init__(self, *args: Any, practice: Practice, patient_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        cast("forms.ModelChoiceField[VisitType]", self.fields["visit_type"]).queryset = wl.visit_types_for_waitlist(
            practice, patient_kind=patient_kind
        )
        cast("forms.ModelChoiceField[Location]", self.fields["location"]).queryset = Location.objects.filter(
            practice=practice, is_active=True
        ).order_by("name")
        cast("forms.ModelChoiceField[Provider]", self.fields["provider"]).queryset = Provider.objects.filter(
            practice=practice, is_active=True
        ).order_by("last_name", "first_name")
        if not self.is_bound:
            self.initial.setdefault("latest_day", self.today + timedelta(days=30))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        visit_type = cleaned.get("visit_type")
        if visit_type is None:
            return cleaned
        location, provider = cleaned.get("location"), cleaned.get("provider")
        if (
            location is not None
            and not wl.locations_for_visit_type(self.practice, visit_type).filter(pk=location.pk).exists()
        ):
            self.add_error("location", _("This kind of visit is not offered there. Choose another place or any."))
        if (
            provider is not None
            and not wl.providers_for_visit_type(self.practice, visit_type).filter(pk=provider.pk).exists()
        ):
            self.add_error("provider", _("This provider does not see this kind of visit. Choose another or any."))
        return cleaned
