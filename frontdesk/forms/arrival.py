"""The kiosk / QR arrival form: date of birth (three boxes, easy on a phone) and the first letters of
the last name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..selectors.arrival import MIN_LETTERS
from .date_of_birth import DateOfBirthForm


class ArrivalForm(DateOfBirthForm):
    last_name_start = forms.CharField(
        label=_("First 3 letters of your last name"),
        min_length=MIN_LETTERS,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"min_length": _("Please type at least 3 letters.")},
    )

    def clean_last_name_start(self) -> str:
        value = "".join(self.cleaned_data["last_name_start"].replace("\x00", "").split())
        if len(value) < MIN_LETTERS:
            raise forms.ValidationError(_("Please type at least 3 letters."))
        return value
