"""Forms of the listening pages: response filters, comment corrections, recovery case changes, review sites
and the feedback settings."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import DayField
from journey.catalogue import TOUCHPOINT_CHOICES
from practices.models import Location, Provider

from ..comments import TOUCHPOINT_NAMES
from ..models import CaseOutcome, ContactMethod, FeedbackSettings, ReviewSite, Sentiment, SurveyKind
from ..selectors.listening import ResponseFilters
from ..selectors.recovery import assignable_members, case_assignees
from ..services.recovery import NOT_ASSIGNABLE

# The analyser's touch-point names are data (English, lower case); these are what staff read.
TOPIC_LABELS = {
    "booking and access": _("Booking and access"),
    "waiting": _("Waiting"),
    "front desk and staff": _("Front desk and staff"),
    "provider communication": _("Provider communication"),
    "records and information": _("Records and information"),
    "billing and cost": _("Billing and cost"),
    "facility and cleanliness": _("Facility and cleanliness"),
    "follow-up": _("Follow-up"),
}
assert set(TOPIC_LABELS) == set(TOUCHPOINT_NAMES), "every analyser touch point needs a label"


def _blank(label):
    return [("", label)]


class ResponseFilterForm(forms.Form):
    touchpoint = forms.ChoiceField(label=_("Survey about"), required=False)
    topic = forms.ChoiceField(label=_("Comments about"), required=False)
    sentiment = forms.ChoiceField(
        label=_("Comment sentiment"), required=False, choices=_blank(_("Any")) + list(Sentiment.choices)
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), required=False, queryset=Provider.objects.none(), empty_label=_("Any")
    )
    location = forms.ModelChoiceField(
        label=_("Location"), required=False, queryset=Location.objects.none(), empty_label=_("Any")
    )
    survey_kind = forms.ChoiceField(
        label=_("Survey"), required=False, choices=_blank(_("Any")) + list(SurveyKind.choices)
    )
    start = DayField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = DayField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].choices = _blank(_("Any")) + [(code, _(name)) for code, name in TOUCHPOINT_CHOICES]
        self.fields["topic"].choices = _blank(_("Any")) + list(TOPIC_LABELS.items())
        self.fields["provider"].queryset = Provider.objects.filter(practice=practice)
        self.fields["location"].queryset = Location.objects.filter(practice=practice)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filters(self) -> ResponseFilters:
        data = self.cleaned_data
        return ResponseFilters(
            touchpoint=data.get("touchpoint") or "",
            topic=data.get("topic") or "",
            provider_id=data["provider"].pk if data.get("provider") else None,
            location_id=data["location"].pk if data.get("location") else None,
            sentiment=data.get("sentiment") or "",
            start=data.get("start"),
            end=data.get("end"),
            survey_kind=data.get("survey_kind") or "",
        )


class CorrectionForm(forms.Form):
    """The comment's overall sentiment and, per touch point, whether it speaks of it and how."""

    sentiment = forms.ChoiceField(label=_("Overall sentiment"), choices=Sentiment.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _blank(_("Not mentioned")) + list(Sentiment.choices)
        for index, name in enumerate(TOUCHPOINT_NAMES):
            self.fields[f"tp_{index}"] = forms.ChoiceField(label=TOPIC_LABELS[name], choices=choices, required=False)

    @staticmethod
    def initial_for(analysis) -> dict:
        initial = {"sentiment": analysis.effective_sentiment}
        given = {t["name"]: t["sentiment"] for t in analysis.effective_touchpoints}
        for index, name in enumerate(TOUCHPOINT_NAMES):
            initial[f"tp_{index}"] = given.get(name, "")
        return initial

    def touchpoint_fields(self):
        return [self[f"tp_{index}"] for index in range(len(TOUCHPOINT_NAMES))]

    def touchpoints(self) -> list[dict]:
        return [
            {"name": name, "sentiment": self.cleaned_data[f"tp_{index}"]}
            for index, name in enumerate(TOUCHPOINT_NAMES)
            if self.cleaned_data.get(f"tp_{index}")
        ]


class ContactForm(forms.Form):
    contacted = forms.BooleanField(label=_("We reached the patient"), required=False)
    contact_method = forms.ChoiceField(
        label=_("How"), required=False, choices=_blank(_("Choose…")) + list(ContactMethod.choices)
    )

    def clean(self):
        data = super().clean()
        if data.get("contacted") and not data.get("contact_method"):
            self.add_error("contact_method", _("Say how the patient was contacted."))
        return data


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Seen only on this page. Keep it to what the team needs to follow up."),
    )


class ReassignForm(forms.Form):
    """Give the case to any active staff member of the practice; the choices read "name (role)"."""

    assigned_to = forms.ModelChoiceField(label=_("Give the case to"), queryset=get_user_model().objects.none())

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        members = list(case_assignees(practice=practice))
        roles = {m.user_id: m.get_role_display() for m in members}
        field = self.fields["assigned_to"]
        field.queryset = get_user_model().objects.filter(pk__in=roles).order_by("full_name", "email")
        field.label_from_instance = lambda user: f"{user} ({roles.get(user.pk, '')})"
        field.error_messages["invalid_choice"] = NOT_ASSIGNABLE
        field.error_messages["required"] = _("Choose who gets the case.")


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=_blank(_("Choose…")) + list(CaseOutcome.choices),
        error_messages={"required": _("Choose an outcome before closing the case.")},
    )


class ReviewSiteForm(forms.ModelForm):
    class Meta:
        model = ReviewSite
        fields = ["name", "url", "position", "is_active"]
        help_texts = {"url": _("The https:// address where patients write a review, e.g. your Google profile.")}
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://"})}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Use the page's secure address, starting with https://."))
        return url


class FeedbackSettingsForm(forms.ModelForm):
    class Meta:
        model = FeedbackSettings
        fields = [
            "review_invitations",
            "cooldown_days",
            "post_visit_delay_hours",
            "invitation_valid_days",
            "recovery_assignee",
        ]

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        ids = assignable_members(practice=practice).values_list("user_id", flat=True)
        field = self.fields["recovery_assignee"]
        field.queryset = get_user_model().objects.filter(pk__in=ids).order_by("full_name")
        field.empty_label = _("The experience lead (or else the owner)")
        field.error_messages["invalid_choice"] = _("Choose an owner or experience lead of this practice.")
        for name, low, high in (
            ("cooldown_days", 0, 365),
            ("post_visit_delay_hours", 0, 168),
            ("invitation_valid_days", 1, 90),
        ):
            self.fields[name].validators += [MinValueValidator(low), MaxValueValidator(high)]
            self.fields[name].widget.attrs.update({"min": low, "max": high})
