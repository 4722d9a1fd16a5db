"""The patient's date of birth in three boxes (easy on a phone, no date format to guess): the kiosk and
QR arrival form and the visit link's identity step both ask for it this way."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import dates, timezone
from django.utils.translation import gettext_lazy as _

MAX_AGE_YEARS = 120


class YearField(forms.IntegerField):
    """A four-digit year typed in a box; a NUL character is named as such, like Django's text fields do."""

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(ProhibitNullCharactersValidator.message, code="null_characters_not_allowed")
        return super().to_python(value)


def _month_choices():
    return [("", _("Month"))] + [(str(n), dates.MONTHS[n]) for n in range(1, 13)]


class DateOfBirthForm(forms.Form):
    """Month, day and year; ``cleaned_data["date_of_birth"]`` when they make a real, past date."""

    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, choices=_month_choices, widget=forms.Select(attrs={"autocomplete": "bday-month"})
    )
    day = forms.TypedChoiceField(
        label=_("Day"),
        coerce=int,
        choices=[("", _("Day"))] + [(str(n), str(n)) for n in range(1, 32)],
        widget=forms.Select(attrs={"autocomplete": "bday-day"}),
    )
    year = YearField(
        label=_("Year"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "bday-year", "maxlength": "4", "pattern": "[0-9]{4}"}
        ),
        error_messages={"invalid": _("Enter the year with four digits, for example 1985.")},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        month, day, year = data.get("month"), data.get("day"), data.get("year")
        if month and day and year is not None:
            today = timezone.localdate()
            # The year first: a huge one (99999999999999999999) would overflow date() instead of failing.
            if not today.year - MAX_AGE_YEARS <= year <= today.year:
                self.add_error("year", _("Please check the year of birth."))
                return data
            try:
                born = date(year, month, day)
            except ValueError:
                self.add_error("day", _("This date does not exist. Please check the day and month."))
                return data
            if born > today:
                self.add_error("year", _("Please check the year of birth."))
                return data
            data["date_of_birth"] = born
        return data
