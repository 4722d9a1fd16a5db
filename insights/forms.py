"""The measures page's filters. Bad input is reported on the form; the page then uses the defaults."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .measures import DAY, WEEK

DEFAULT_WEEKS = 4
# A longer range would make one page slow; a year covers the practice's questions.
MAX_DAYS = 366


def default_range(today: date) -> tuple[date, date]:
    """The last four weeks up to today: 28 days, today included."""
    return today - timedelta(days=7 * DEFAULT_WEEKS - 1), today


class MeasuresFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(
        label=_("Per"), required=False, choices=[(DAY, _("Day")), (WEEK, _("Week (from Monday)"))]
    )
    group_by = forms.ChoiceField(
        label=_("Split by"),
        required=False,
        choices=[
            ("", _("Nothing (whole practice)")),
            ("provider", _("Provider")),
            ("location", _("Location")),
            ("visit_type", _("Visit type")),
        ],
    )
    location = forms.ModelChoiceField(label=_("Location"), queryset=None, required=False, empty_label=_("All"))
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None, required=False, empty_label=_("All"))
    visit_type = forms.ModelChoiceField(label=_("Visit type"), queryset=None, required=False, empty_label=_("All"))

    def __init__(self, *args, practice, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["location"].queryset = selectors.locations(practice)
        self.fields["provider"].queryset = selectors.providers(practice)
        self.fields["visit_type"].queryset = selectors.visit_types(practice)
        first, last = default_range(today)
        self.fields["start"].initial = first
        self.fields["end"].initial = last

    def clean(self):
        cleaned = super().clean()
        span = timedelta(days=7 * DEFAULT_WEEKS - 1)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None and end is None:
            start, end = default_range(self.today)
        elif start is None:
            start = end - span
        elif end is None:
            end = start + span
        if "start" in cleaned and "end" in cleaned:
            if start > end:
                raise forms.ValidationError(_("The start date must be on or before the end date."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(_("Choose at most %(days)s days at a time.") % {"days": MAX_DAYS})
        cleaned["start"], cleaned["end"] = start, end
        cleaned["period"] = cleaned.get("period") or DAY
        cleaned["group_by"] = cleaned.get("group_by") or None
        return cleaned

    @classmethod
    def defaults(cls, today: date) -> dict:
        first, last = default_range(today)
        return {
            "start": first,
            "end": last,
            "period": DAY,
            "group_by": None,
            "location": None,
            "provider": None,
            "visit_type": None,
        }
