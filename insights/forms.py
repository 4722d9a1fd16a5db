"""The measures page's filters. Bad input is reported on the form; the page then uses the defaults."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateRangeForm

from . import selectors
from .measures import DAY, WEEK


class MeasuresFilterForm(DateRangeForm):
    """The last four weeks by default; a year at most."""

    default_days = 28
    max_days = 366

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

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = selectors.locations(practice)
        self.fields["provider"].queryset = selectors.providers(practice)
        self.fields["visit_type"].queryset = selectors.visit_types(practice)

    def clean(self):
        cleaned = super().clean()
        cleaned["period"] = cleaned.get("period") or DAY
        cleaned["group_by"] = cleaned.get("group_by") or None
        return cleaned

    @classmethod
    def defaults(cls, today: date) -> dict:
        first, last = cls.default_range(today)
        return {
            "start": first,
            "end": last,
            "period": DAY,
            "group_by": None,
            "location": None,
            "provider": None,
            "visit_type": None,
        }
