"""Forms for the flow board's set-up: highlight thresholds and check-in hours, intake questions, policies."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import FlowSettings, IntakeQuestion, PracticePolicy

SPANISH_HELP = _("Optional but recommended. Without it, patients who read Spanish see the English text.")


def _minutes_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=240,
        help_text=_("Between 1 and 240 minutes."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class FlowSettingsForm(forms.ModelForm):
    arrived_threshold_minutes = _minutes_field(_("Waiting room: highlight after (minutes)"))
    roomed_threshold_minutes = _minutes_field(_("In the room, waiting for the provider: highlight after (minutes)"))
    with_provider_threshold_minutes = _minutes_field(_("With the provider: highlight after (minutes)"))
    checkout_threshold_minutes = _minutes_field(_("Checkout: highlight after (minutes)"))
    online_check_in_hours = forms.IntegerField(
        label=_("Online check-in opens (hours before the visit)"),
        min_value=1,
        max_value=168,
        help_text=_("Between 1 and 168 hours (one week)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = FlowSettings
        fields = [
            "arrived_threshold_minutes",
            "roomed_threshold_minutes",
            "with_provider_threshold_minutes",
            "checkout_threshold_minutes",
            "online_check_in_hours",
        ]


class IntakeQuestionForm(forms.ModelForm):
    class Meta:
        model = IntakeQuestion
        fields = ["text_en", "text_es", "kind", "required", "position", "is_active"]
        help_texts = {"text_es": SPANISH_HELP, "position": _("Questions are asked from the lowest number up.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text_es"].required = False
        cast("forms.IntegerField", self.fields["position"]).max_value = 999
        self.fields["position"].widget.attrs["max"] = 999


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PracticePolicy
        fields = ["title_en", "title_es", "body_en", "body_es", "position", "is_active"]
        help_texts = {"title_es": SPANISH_HELP, "body_es": SPANISH_HELP}
        widgets = {"body_en": forms.Textarea(attrs={"rows": 6}), "body_es": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_es"].required = False
        self.fields["body_es"].required = False
        cast("forms.IntegerField", self.fields["position"]).max_value = 999
        self.fields["position"].widget.attrs["max"] = 999
