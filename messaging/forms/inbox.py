"""Forms of the inbox, running-late notices and recall."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from practices.models import Practice, Provider

from ..rendering import SMS_MAX_LENGTH
from ..selectors import running_late as running_late_selectors
from ..services.running_late import MAX_MINUTES

_KEY = re.compile(r"^[0-9a-f]{32}$")


class ReplyForm(forms.Form):
    """The front desk's answer. ``key`` is made when the form is shown, so a double submit sends once."""

    body = forms.CharField(
        label=_("Reply"),
        max_length=SMS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain words only: no clinical detail (symptoms, diagnoses, results) in a text message."),
    )
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\x00", "").strip()
        if not body:
            raise forms.ValidationError(_("Write a reply first."))
        return body

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not _KEY.match(key):
            raise forms.ValidationError("bad key")
        return key

    def clean(self):
        cleaned = super().clean()
        if self.has_error("key"):
            # A hidden field's error would not show: say it on the form, and give it a fresh key.
            self.add_error(None, _("The form has expired. Please send the reply again."))
            fresh = self.data.copy()  # type: ignore[attr-defined]  # bound data is a QueryDict (or a dict)
            fresh["key"] = uuid.uuid4().hex
            self.data = fresh
        return cleaned


class LinkPatientForm(forms.Form):
    patient_number = forms.IntegerField(
        label=_("Patient number"),
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Shown on the patient's page."),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        self.practice = practice
        super().__init__(*args, **kwargs)

    def clean_patient_number(self):
        from patients.models import Patient

        number = self.cleaned_data["patient_number"]
        patient = Patient.objects.filter(practice=self.practice, pk=number).first()
        if patient is None:
            raise forms.ValidationError(_("There is no patient with this number."))
        self.patient = patient
        return number


class RunningLateForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), label=_("Provider"))
    minutes = forms.IntegerField(
        label=_("Minutes late"),
        min_value=1,
        max_value=MAX_MINUTES,
        initial=15,
        help_text=_("Their patients later today are told by text message, or by email without consent to texts."),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = cast(forms.ModelChoiceField, self.fields["provider"])
        provider.queryset = running_late_selectors.providers_for_running_late(practice=practice)


class RecallForm(forms.Form):
    due_on = forms.DateField(
        label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("When the patient is due back.")
    )
    interval_months = forms.IntegerField(
        label=_("Then every (months)"),
        min_value=1,
        max_value=120,
        initial=12,
        help_text=_("For later visits. Only the interval is kept, never the reason."),
    )

    def clean_due_on(self) -> date:
        due_on = self.cleaned_data["due_on"]
        if due_on.year < 2000 or due_on.year > 2100:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return due_on
