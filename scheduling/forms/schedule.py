"""Forms for the staff schedule: weekly hours, time off and blocks, extra clinics, visit types, policy.

Choices are limited to the practice's own rows; an id from elsewhere (or no row at all) gets a clear
message, never a database error. The schedule rules that need the database (overlaps, booked
appointments) are checked by ``services.schedule``; the views show its message on the form.
"""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from practices.forms import LocationsField
from practices.models import Location, Practice, Provider, Weekday

from ..models import BookingPolicy, VisitType
from ..selectors.schedule import MAX_ROW_ID
from ..services.schedule import VISIT_TYPE_FIELDS

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PracticeChoiceField(forms.ModelChoiceField):
    """A row of the practice; ids too big for the database are refused like unknown ones."""

    default_error_messages = {"invalid_choice": _("Choose one of the practice's own entries from the list.")}

    def to_python(self, value: Any) -> Model | None:
        text = str(value).strip() if value is not None else ""
        if text.lstrip("-").isdigit() and abs(int(text)) > MAX_ROW_ID:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def _works_at(provider: Provider, location: Location | None) -> None:
    if location is not None and not provider.locations.filter(pk=location.pk).exists():
        raise forms.ValidationError(
            _("%(provider)s does not work at %(location)s. Add the location on the provider's page first."),
            params={"provider": provider.display_name, "location": location.name},
        )


def _end_after_start(cleaned: dict[str, Any]) -> None:
    starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        raise forms.ValidationError({"ends_at": _("The end time must be after the start time.")})


class WeeklyRangeForm(forms.Form):
    location = PracticeChoiceField(label=_("Location"), queryset=Location.objects.none())
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("From"), widget=TIME)
    ends_at = forms.TimeField(label=_("Until"), widget=TIME)
    effective_from = forms.DateField(label=_("Starting"), widget=DATE)
    effective_to = forms.DateField(
        label=_("Ending"), widget=DATE, required=False, help_text=_("Leave empty for no end date.")
    )

    def __init__(self, *args: Any, practice: Practice, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        cast(PracticeChoiceField, self.fields["location"]).queryset = Location.objects.filter(practice=practice)

    def clean_location(self) -> Location | None:
        location = self.cleaned_data["location"]
        _works_at(self.provider, location)
        return location

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _end_after_start(cleaned)
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            raise forms.ValidationError({"effective_to": _("The ending date must be on or after the starting date.")})
        return cleaned


class BlockForm(forms.Form):
    """Time off or a block: the whole day, or a range of it."""

    day = forms.DateField(label=_("Day"), widget=DATE)
    whole_day = forms.BooleanField(label=_("The whole day"), required=False)
    starts_at = forms.TimeField(label=_("From"), widget=TIME, required=False)
    ends_at = forms.TimeField(label=_("Until"), widget=TIME, required=False)
    location = PracticeChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("Every location"),
    )
    block_anyway = forms.BooleanField(
        label=_("Block anyway: booked appointments in this time stay booked, only new bookings stop"),
        required=False,
    )

    def __init__(self, *args: Any, practice: Practice, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        cast(PracticeChoiceField, self.fields["location"]).queryset = Location.objects.filter(practice=practice)

    def clean_location(self) -> Location | None:
        location = self.cleaned_data.get("location")
        _works_at(self.provider, location)
        return location

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("whole_day"):
            cleaned["starts_at"] = cleaned["ends_at"] = None
            return cleaned
        errors: dict[str, Any] = {}
        for name in ("starts_at", "ends_at"):
            if name not in self.errors and not cleaned.get(name):
                errors[name] = _("Give a time, or tick “The whole day”.")
        if errors:
            raise forms.ValidationError(errors)
        _end_after_start(cleaned)
        return cleaned


class ExtraHoursForm(forms.Form):
    """An extra clinic on one day at one location."""

    day = forms.DateField(label=_("Day"), widget=DATE)
    location = PracticeChoiceField(label=_("Location"), queryset=Location.objects.none())
    starts_at = forms.TimeField(label=_("From"), widget=TIME)
    ends_at = forms.TimeField(label=_("Until"), widget=TIME)

    def __init__(self, *args: Any, practice: Practice, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        cast(PracticeChoiceField, self.fields["location"]).queryset = Location.objects.filter(practice=practice)

    def clean_location(self) -> Location | None:
        location = self.cleaned_data["location"]
        _works_at(self.provider, location)
        return location

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _end_after_start(cleaned)
        return cleaned


def _between(low: int, high: int) -> Callable[[int | None], None]:
    def check(value: int | None) -> None:
        if value is not None and not low <= value <= high:
            raise forms.ValidationError(
                _("Enter a number from %(low)s to %(high)s."), params={"low": low, "high": high}
            )

    return check


class VisitTypeForm(forms.ModelForm):
    providers = LocationsField(
        label=_("Providers who offer it"),
        queryset=Provider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    locations = LocationsField(
        label=_("Locations"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to offer the visit at every location."),
    )

    class Meta:
        model = VisitType
        fields = list(VISIT_TYPE_FIELDS)
        widgets = {"instructions_for_patient": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "bookable_online": _("Untick for visits booked by phone only."),
            "min_notice_minutes": _("For example 120 for two hours, 1440 for a day."),
        }

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        cast("forms.ModelMultipleChoiceField[Provider]", self.fields["providers"]).queryset = Provider.objects.filter(
            practice=practice
        )
        cast("forms.ModelMultipleChoiceField[Location]", self.fields["locations"]).queryset = Location.objects.filter(
            practice=practice
        )
        for name, low, high in (
            ("duration_minutes", 5, 480),
            ("buffer_before_minutes", 0, 240),
            ("buffer_after_minutes", 0, 240),
            ("min_notice_minutes", 0, 60 * 24 * 60),
            ("max_days_ahead", 1, 730),
            ("daily_cap_per_provider", 1, 100),
        ):
            self.fields[name].validators.append(_between(low, high))
        if self.instance.pk:
            self.initial["providers"] = list(self.instance.providers.values_list("pk", flat=True))
            self.initial["locations"] = list(self.instance.locations.values_list("pk", flat=True))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = VisitType.objects.filter(practice=self.practice, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This practice already has a visit type with that name."))
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("is_active") and "providers" in cleaned and not cleaned["providers"]:
            self.add_error("providers", _("Choose at least one provider, or untick “offered”."))
        return cleaned

    def _post_clean(self) -> None:
        # The service saves (slug, links, audit); skip the model's unique checks on an unsaved slug.
        pass


class BookingPolicyForm(forms.ModelForm):
    class Meta:
        model = BookingPolicy
        fields = ["online_change_cutoff_hours", "waitlist_batch_size", "waitlist_offer_minutes", "short_notice_hours"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, low, high in (
            ("online_change_cutoff_hours", 0, 336),
            ("waitlist_batch_size", 1, 50),
            ("waitlist_offer_minutes", 5, 1440),
            ("short_notice_hours", 0, 336),
        ):
            self.fields[name].validators.append(_between(low, high))

    def _post_clean(self) -> None:
        pass
