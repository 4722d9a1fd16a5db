from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Patient

PHONE_HELP = _("Digits, spaces, dashes and a leading + only.")


def clean_phone_number(value: str) -> str:
    value = value.strip()
    if not value:
        return value
    allowed = set("0123456789+-() .")
    digits = [ch for ch in value if ch.isdigit()]
    if set(value) - allowed or not 7 <= len(digits) <= 15:
        raise forms.ValidationError(_("Enter a valid phone number."))
    return value


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = list(Patient.DETAIL_FIELDS)
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"phone": PHONE_HELP}

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        if born > date.today():
            raise forms.ValidationError(_("Date of birth cannot be in the future."))
        if born.year < 1900:
            raise forms.ValidationError(_("Enter a date of birth after 1900."))
        return born

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("email_consent") and not cleaned.get("email"):
            self.add_error("email_consent", _("Add an email address to allow email."))
        if cleaned.get("sms_consent") and not cleaned.get("phone"):
            self.add_error("sms_consent", _("Add a mobile phone number to allow text messages."))
        if cleaned.get("coverage") == "self_pay" and (
            cleaned.get("insurance_carrier") or cleaned.get("insurance_member_id")
        ):
            self.add_error(
                "coverage", _("Self-pay patients have no insurance details: clear them or choose insurance.")
            )
        return cleaned


class PatientContactForm(PatientForm):
    """What a patient may change about themselves in the portal."""

    class Meta(PatientForm.Meta):
        fields = ["phone", "email", "preferred_language", "email_consent", "sms_consent"]


class SignInRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
