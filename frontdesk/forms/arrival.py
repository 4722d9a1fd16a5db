"""The kiosk / QR arrival form: date of birth (three boxes, easy on a phone) and the first letters of
the last name."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import dates, timezone
from django.utils.translation import gettext_lazy as _

from ..arrival import MIN_LETTERS

MAX_AGE_YEARS = 120


def _month_choices():
    return [("", _("Month"))] + [(str(n), dates.MONTHS[n]) for n in range(1, 13)]


class ArrivalForm(forms.Form):
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, choices=_month_choices, widget=forms.Select(attrs={"autocomplete": "bday-month"})
    )
    day = forms.TypedChoiceField(
        label=_("Day"),
        coerce=int,
        choices=[("", _("Day"))] + [(str(n), str(n)) for n in range(1, 32)],
        widget=forms.Select(attrs={"autocomplete": "bday-day"}),
    )
    year = forms.IntegerField(
        label=_("Year"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "bday-year", "maxlength": "4", "pattern": "[0-9]{4}"}
        ),
        error_messages={"invalid": _("Enter the year with four digits, for example 1985.")},
    )
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

    def clean(self):
        data = super().clean()
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
