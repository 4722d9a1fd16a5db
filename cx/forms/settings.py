from django import forms

from ..models import CxSettings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CxSettings
        fields = ["meeting_weekday", "meeting_time", "patient_shown", "team_email", "candidate_retention_days"]
        widgets = {"meeting_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
