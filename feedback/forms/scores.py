"""The scores page's filters. Bad input is reported on the form; the page then shows the defaults."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateRangeForm
from journey.catalogue import TOUCHPOINT_CHOICES

from ..models import SurveyKind
from ..scores import MONTH, WEEK
from ..selectors import scores as score_selectors


class ScoresFilterForm(DateRangeForm):
    """The last 90 days by default; eighteen months of history and a little more at most."""

    default_days = 90
    max_days = 3 * 366

    survey_kind = forms.ChoiceField(
        label=_("Survey"), required=False, choices=[("", _("All surveys")), *SurveyKind.choices]
    )
    touchpoint = forms.ChoiceField(
        label=_("Touch point"), required=False, choices=[("", _("All touch points")), *TOUCHPOINT_CHOICES]
    )
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None, required=False, empty_label=_("All"))
    location = forms.ModelChoiceField(label=_("Location"), queryset=None, required=False, empty_label=_("All"))
    period = forms.ChoiceField(
        label=_("Trend per"), required=False, choices=[(MONTH, _("Month")), (WEEK, _("Week (from Monday)"))]
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = score_selectors.providers(practice)
        self.fields["location"].queryset = score_selectors.locations(practice)

    def clean(self):
        cleaned = super().clean()
        cleaned["period"] = cleaned.get("period") or MONTH
        return cleaned

    @classmethod
    def defaults(cls, today: date) -> dict:
        first, last = cls.default_range(today)
        return {
            "start": first,
            "end": last,
            "survey_kind": "",
            "touchpoint": "",
            "provider": None,
            "location": None,
            "period": MONTH,
        }
