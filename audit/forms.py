from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Action


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (email contains)"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any"))] + list(Action.choices))
    # Patient numbers are 64-bit row ids; a bigger number would crash the query on SQLite.
    patient = forms.IntegerField(label=_("Patient number"), required=False, min_value=1, max_value=2**63 - 1)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return cleaned
