"""The scores page's filters. Bad input is reported on the form; the page then shows the defaults."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from journey.catalogue import TOUCHPOINT_CHOICES

from .. import score_selectors
from ..models import SurveyKind
from ..scores import MONTH, WEEK

DEFAULT_DAYS = 90
# Eighteen months of history and a little more; a longer range would make one page slow.
MAX_DAYS = 3 * 366


def default_range(today: date) -> tuple[date, date]:
    """The last 90 days, today included."""
    return today - timedelta(days=DEFAULT_DAYS - 1), today


class ScoresFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
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

    def __init__(self, *args, practice, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["provider"].queryset = score_selectors.providers(practice)
        self.fields["location"].queryset = score_selectors.locations(practice)
        first, last = default_range(today)
        self.fields["start"].initial = first
        self.fields["end"].initial = last

    def clean(self):
        cleaned = super().clean()
        span = timedelta(days=DEFAULT_DAYS - 1)
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" in cleaned and "end" in cleaned:
            if start is None and end is None:
                start, end = default_range(self.today)
            elif start is None:
                start = end - span
            elif end is None:
                end = start + span
            if start > end:
                raise forms.ValidationError(_("The start date must be on or before the end date."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(_("Choose at most %(days)s days at a time.") % {"days": MAX_DAYS})
            cleaned["start"], cleaned["end"] = start, end
        cleaned["period"] = cleaned.get("period") or MONTH
        return cleaned

    @classmethod
    def defaults(cls, today: date) -> dict:
        first, last = default_range(today)
        return {
            "start": first,
            "end": last,
            "survey_kind": "",
            "touchpoint": "",
            "provider": None,
            "location": None,
            "period": MONTH,
        }
