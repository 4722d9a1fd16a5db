from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import TIMEZONE_CHOICES, Location, Membership, OpeningHours, Practice, Provider, Role

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Row ids are 64-bit; SQLite raises OverflowError (a 500) when a query names a bigger one.
MAX_ROW_ID = 2**63 - 1


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["name", "timezone", "phone", "email", "website", "about", "services", "require_two_factor"]
        widgets = {
            "about": forms.Textarea(attrs={"rows": 4}),
            "services": forms.Textarea(attrs={"rows": 6}),
            "timezone": forms.Select(choices=TIMEZONE_CHOICES),
        }


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
        widgets = {"timezone": forms.Select(choices=TIMEZONE_CHOICES)}

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice

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

    def clean(self):
        cleaned = super().clean()
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
        self.fields["locations"].queryset = Location.objects.filter(practice=practice)

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
