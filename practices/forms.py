from typing import Any, cast

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import Location, Membership, OpeningHours, Practice, Provider, Role
from .selectors import practice_country
from .time_zones import time_zone_choices

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Row ids are 64-bit; SQLite raises OverflowError (a 500) when a query names a bigger one.
MAX_ROW_ID = 2**63 - 1


def _choose_time_zone(form: forms.ModelForm, *, country: str) -> None:
    """The time zone as a choice of the canonical zones, ``country``'s first; a stored alias stays on offer."""
    field = form.fields["timezone"]
    current = form.instance.timezone if form.instance.pk else ""
    form.fields["timezone"] = forms.ChoiceField(
        label=field.label,
        help_text=field.help_text,
        choices=time_zone_choices(country=country, current=current),
        initial=field.initial,
    )


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["name", "timezone", "phone", "email", "website", "about", "services", "require_two_factor"]
        widgets = {
            "about": forms.Textarea(attrs={"rows": 4}),
            "services": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = practice_country(practice=self.instance) if self.instance.pk else "US"
        _choose_time_zone(self, country=country)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "phone",
            "timezone",
            "is_active",
        ]

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        country = self.instance.country if self.instance.pk else practice_country(practice=practice)
        _choose_time_zone(self, country=country)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Location.objects.filter(practice=self.practice, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This practice already has a location with that name."))
        return name


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {"opens": forms.TimeInput(attrs={"type": "time"}), "closes": forms.TimeInput(attrs={"type": "time"})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes <= opens:
            raise forms.ValidationError(_("Closing time must be after opening time."))
        return cleaned


OpeningHoursFormSet = inlineformset_factory(
    Location, OpeningHours, form=OpeningHoursForm, extra=2, can_delete=True, max_num=21, validate_max=True
)


class LocationsField(forms.ModelMultipleChoiceField):
    """Refuses ids that no row can have before they reach the database."""

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > MAX_ROW_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["first_name", "last_name", "credentials", "photo", "bio", "languages", "locations", "is_active"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4}), "locations": forms.CheckboxSelectMultiple}
        field_classes = {"locations": LocationsField}

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        cast(LocationsField, self.fields["locations"]).queryset = Location.objects.filter(practice=practice)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo must be 2 MB or smaller."))
        return photo


class StaffAddForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(practice=self.practice, user__email__iexact=email, is_active=True).exists():
            raise forms.ValidationError(_("This person is already on the team."))
        return email


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "is_active"]
        labels = {"is_active": _("Active (may sign in to this practice)")}
