"""Forms of the patient's online booking: the details of a new or a returning patient, and cancelling."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.models import Coverage, ReferralSource

from ..models import CancellationReason

EXAMPLE_BIRTHDAY = date(1985, 4, 12)
MAX_AGE_YEARS = 120


def _phone_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"})


class _PatientDetailsForm(forms.Form):
    """What both kinds of patient type: who they are and how to reach them."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.TextInput(attrs={"autocomplete": "bday"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        example = {"example": date_format(EXAMPLE_BIRTHDAY, "SHORT_DATE_FORMAT")}
        field = self.fields["date_of_birth"]
        field.help_text = _("Month, day and year, for example: %(example)s") % example
        # The error names the example itself: no "above" or "below", which depend on the layout.
        field.error_messages["invalid"] = _("Enter your date of birth like this: %(example)s") % example

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].replace("\x00", "").split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].replace("\x00", "").split())

    def clean_date_of_birth(self) -> date:
        value = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if value.year < today.year - MAX_AGE_YEARS:
            raise forms.ValidationError(_("Please check the year of birth."))
        return value

    def clean_phone(self) -> str:
        value = " ".join(self.cleaned_data.get("phone", "").replace("\x00", "").split())
        digits = "".join(ch for ch in value if ch.isdigit())
        if value and (not 10 <= len(digits) <= 15 or any(ch.isalpha() for ch in value)):
            raise forms.ValidationError(_("Enter a phone number with its area code, for example (512) 555-0100."))
        return value

    def clean_email(self) -> str:
        return self.cleaned_data.get("email", "").strip()


class NewPatientForm(_PatientDetailsForm):
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, widget=_phone_widget())
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("We send your confirmation and calendar file here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    coverage = forms.ChoiceField(
        label=_("How will you pay?"), choices=Coverage.choices, widget=forms.RadioSelect, initial=Coverage.INSURANCE
    )
    insurance_carrier = forms.CharField(
        label=_("Insurance company"), max_length=120, required=False, help_text=_("Only if you use insurance.")
    )
    insurance_member_id = forms.CharField(
        label=_("Member ID"), max_length=40, required=False, help_text=_("On the front of your insurance card.")
    )
    referral_source = forms.ChoiceField(
        label=_("How did you hear about us?"),
        choices=[("", _("Choose one (optional)")), *ReferralSource.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("coverage") == Coverage.INSURANCE:
            for name in ("insurance_carrier", "insurance_member_id"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Needed when you use insurance. Or choose self-pay."))
        elif data.get("coverage") == Coverage.SELF_PAY:
            data["insurance_carrier"] = ""
            data["insurance_member_id"] = ""
        return data

    def patient_fields(self, *, language: str) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "phone": data["phone"],
            "email": data["email"],
            "coverage": data["coverage"],
            "insurance_carrier": data["insurance_carrier"].strip(),
            "insurance_member_id": data["insurance_member_id"].strip(),
            "referral_source": data["referral_source"],
            "preferred_language": language,
        }


class ReturningPatientForm(_PatientDetailsForm):
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False, widget=_phone_widget())
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Give your phone number, your email or both, as the practice has them."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        no_errors = not self.has_error("phone") and not self.has_error("email")
        if no_errors and not data.get("phone") and not data.get("email"):
            self.add_error("phone", _("Enter your phone number or your email."))
        return data

    def patient_fields(self, *, language: str) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "phone": data["phone"],
            "email": data["email"],
            "preferred_language": language,
        }


# Reasons a patient may give, in the patient's own voice (the front desk reads the staff wording of the
# same codes); the front desk's other codes are theirs to use.
PATIENT_CANCEL_REASONS = {
    CancellationReason.SCHEDULE_CONFLICT: _("I have a conflict"),
    CancellationReason.WEATHER: _("Because of the weather"),
    CancellationReason.DUPLICATE: _("I booked it twice"),
    CancellationReason.OTHER: _("Another reason"),
}


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you cancelling? (optional)"),
        choices=[("", _("I'd rather not say")), *PATIENT_CANCEL_REASONS.items()],
        required=False,
    )

    def reason_code(self) -> str:
        return self.cleaned_data.get("reason") or CancellationReason.PATIENT_REQUEST
