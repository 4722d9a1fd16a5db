"""The measures page's filters. Bad input is reported on the form; the page then uses the defaults."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateRangeForm
from practices.models import Location, Practice, Provider
from scheduling.models import VisitType

from . import selectors
from .measures import DAY, WEEK

GROUP_BY_CHOICES = [
    ("", _("Nothing (whole practice)")),
    ("provider", _("Provider")),
    ("location", _("Location")),
    ("visit_type", _("Visit type")),
]


class MeasuresFilterForm(DateRangeForm):
    """The last four weeks by default; a year at most."""

    default_days = 28
    max_days = 366

    period = forms.ChoiceField(
        label=_("Per"), required=False, choices=[(DAY, _("Day")), (WEEK, _("Week (from Monday)"))]
    )
    group_by = forms.ChoiceField(label=_("Split by"), required=False, choices=GROUP_BY_CHOICES)
    location: forms.ModelChoiceField[Location] = forms.ModelChoiceField(
        label=_("Location"), queryset=None, required=False, empty_label=_("All")
    )
    provider: forms.ModelChoiceField[Provider] = forms.ModelChoiceField(
        label=_("Provider"), queryset=None, required=False, empty_label=_("All")
    )
    visit_type: forms.ModelChoiceField[VisitType] = forms.ModelChoiceField(
        label=_("Visit type"), queryset=None, required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Location]", self.fields["location"]).queryset = selectors.locations(practice)
        cast("forms.ModelChoiceField[Provider]", self.fields["provider"]).queryset = selectors.providers(practice)
        cast("forms.ModelChoiceField[VisitType]", self.fields["visit_type"]).queryset = selectors.visit_types(practice)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["period"] = cleaned.get("period") or DAY
        cleaned["group_by"] = cleaned.get("group_by") or None
        return cleaned

    @classmethod
    def defaults(cls, today: date) -> dict[str, Any]:
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
