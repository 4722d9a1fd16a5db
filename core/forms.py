"""Form pieces shared by the staff report pages."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Dates a staff filter or form accepts: far dates (9999-12-31, 0001-01-01) overflow the day after or the
# week around them, and no report or booking means them.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


class DayField(forms.DateField):
    """A date between FIRST_DAY and LAST_DAY; anything else is refused with a message."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
            )


class DateRangeForm(forms.Form):
    """A "From"/"To" pair for a report page; either may be left blank.

    Subclasses set ``default_days`` (the range shown when both are blank, today included; one blank date
    is filled in that many days from the other) and ``max_days`` (longer ranges make one page slow).
    ``clean`` always leaves a ``start`` and ``end`` in ``cleaned_data`` when both dates parsed.
    """

    default_days = 28
    max_days = 366

    start = DayField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = DayField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        first, last = self.default_range(today)
        self.fields["start"].initial = first
        self.fields["end"].initial = last

    @classmethod
    def default_range(cls, today: date) -> tuple[date, date]:
        return today - timedelta(days=cls.default_days - 1), today

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "start" not in cleaned or "end" not in cleaned:
            return cleaned  # a date that did not parse already has its own message
        span = timedelta(days=self.default_days - 1)
        start, end = cleaned["start"], cleaned["end"]
        if start is None and end is None:
            start, end = self.default_range(self.today)
        elif start is None:
            start = end - span
        elif end is None:
            end = start + span
        if start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        if (end - start).days + 1 > self.max_days:
            raise forms.ValidationError(_("Choose at most %(days)s days at a time.") % {"days": self.max_days})
        cleaned["start"], cleaned["end"] = start, end
        return cleaned
