"""Forms of the reminders area: messaging settings, a message template, a reminder step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from practices.models import Practice

from ..models import Channel, MessagingSettings
from ..rendering import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, template_errors
from ..services.reminders import MAX_MINUTES_BEFORE


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MessagingSettings
        fields = [
            "sender_name",
            "from_email",
            "sms_number",
            "quiet_start",
            "quiet_end",
            "recall_max_messages",
            "recall_days_between",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "quiet_start": _("No reminders from this time, in each patient's own time zone."),
            "quiet_end": _("Reminders held back overnight go out at this time. Same as the start: no quiet hours."),
        }

    def clean_sms_number(self):
        number = self.cleaned_data["sms_number"].strip().replace(" ", "").replace("-", "")
        if number and not (number.startswith("+") and number[1:].isdigit() and 8 <= len(number) <= 16):
            raise forms.ValidationError(_("Enter the number in international form, like +15125550100."))
        return number

    def clean_recall_max_messages(self):
        value = self.cleaned_data["recall_max_messages"]
        if value > 10:
            raise forms.ValidationError(_("Send at most 10 recall messages."))
        return value

    def clean_recall_days_between(self):
        value = self.cleaned_data["recall_days_between"]
        if value < 7:
            raise forms.ValidationError(_("Leave at least 7 days between recall messages."))
        return value


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH, required=False)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def __init__(self, *args: Any, practice: Practice, channel: str, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice, self.channel, self.language = practice, channel, language
        if channel == Channel.SMS:
            del self.fields["subject"]
        for field in self.fields.values():
            field.widget.attrs["lang"] = language

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns
        if self.errors:
            return cleaned
        errors = template_errors(
            practice=self.practice,
            channel=self.channel,
            language=self.language,
            subject=cleaned.get("subject", ""),
            body=cleaned.get("body", ""),
        )
        for field, problems in errors.items():
            target = field if field in self.fields else None
            for problem in problems:
                self.add_error(target, problem)
        return cleaned


UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}


class StepForm(forms.Form):
    amount = forms.IntegerField(label=_("How long before"), min_value=1, max_value=MAX_MINUTES_BEFORE)
    unit = forms.ChoiceField(
        label=_("Unit"), choices=[("minutes", _("minutes")), ("hours", _("hours")), ("days", _("days"))]
    )
    channel = forms.ChoiceField(label=_("By"), choices=Channel.choices)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns
        if self.errors:
            return cleaned
        minutes = cleaned["amount"] * UNITS[cleaned["unit"]]
        if minutes > MAX_MINUTES_BEFORE:
            raise forms.ValidationError(_("A reminder goes out at most 30 days before the visit."))
        cleaned["minutes_before"] = minutes
        return cleaned
