"""Forms of the experience moment: the history's search, the lead's story and lesson, the meeting's
record and its actions. The services check again and store the words redacted."""

from typing import cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DayField
from journey.catalogue import TOUCHPOINT_CHOICES

from ..models import ExperienceMoment, Recognition
from ..selectors import moments as selectors

StrOrPromise = str | Promise
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_MAX = 2000


def touchpoint_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("Not said")), *((code, _(name)) for code, name in TOUCHPOINT_CHOICES)]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the stories, lessons and decisions"), required=False, max_length=100)


class PickForm(forms.Form):
    """A candidate chosen by its key ("comment:12", "recovery:3"); the service checks it is one of the week's."""

    key = forms.RegexField(regex=r"^(comment|recovery|answer):\d{1,18}$", max_length=40)


class RecognitionDecisionForm(forms.Form):
    """The lead's decision on a recognition found in the week (the service checks it is one of them)."""

    recognition = forms.IntegerField(min_value=1, max_value=2**62)
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))])
    user = forms.IntegerField(label=_("Who the patient meant"), required=False, min_value=1, max_value=2**62)


class StoryForm(forms.Form):
    touchpoint = forms.ChoiceField(label=_("Touch point"), required=False)
    patient = forms.CharField(
        label=_("The patient, as shown"),
        required=False,
        max_length=60,
        help_text=_("A first name only, or leave it empty for “a patient”."),
    )
    quote = forms.CharField(
        label=_("The patient's words"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Other people's names, phone numbers, email addresses, dates and health details are removed."),
    )
    note = forms.CharField(
        label=_("What the team did"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, show_patient: bool, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["touchpoint"]).choices = touchpoint_choices()
        if not show_patient:
            del self.fields["patient"]

    def clean(self):
        data = super().clean() or {}
        if not (data.get("quote") or "").strip() and not (data.get("note") or "").strip():
            raise forms.ValidationError(_("Write the patient's words or what the team did."))
        return data


class LessonForm(forms.Form):
    touchpoint = forms.ChoiceField(label=_("Touch point"), required=False)
    quote = forms.CharField(
        label=_("What went wrong, in the patient's words"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    done = forms.CharField(
        label=_("What was done about it"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["touchpoint"]).choices = touchpoint_choices()

    def clean(self):
        data = super().clean() or {}
        if not (data.get("quote") or "").strip() and not (data.get("done") or "").strip():
            raise forms.ValidationError(_("Say what went wrong or what was done about it."))
        return data


class RecognisedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Recognition) -> str:
        name = obj.user.full_name if obj.user is not None else "?"
        return f"{name} (“{obj.mention}”)"


class TeamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class MeetingForm(forms.Form):
    meeting_date = DayField(label=_("Meeting date"), widget=DATE)
    attendees = TeamChoiceField(
        label=_("Who attended"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    recognised = RecognisedChoiceField(
        label=_("Who was recognised"),
        queryset=Recognition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The week's confirmed recognitions. Confirm one in the Recognition section to give it here."),
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, max_length=TEXT_MAX * 2, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, practice, moment: ExperienceMoment, **kwargs):
        super().__init__(*args, **kwargs)
        cast(TeamChoiceField, self.fields["attendees"]).queryset = selectors.team_users(practice)
        cast(RecognisedChoiceField, self.fields["recognised"]).queryset = selectors.confirmed_in_period(
            practice=practice, moment=moment
        )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("What will be done"), max_length=200)
    owner = OwnerChoiceField(label=_("Who will do it"), queryset=User.objects.none(), empty_label=_("Choose someone"))
    due_on = DayField(label=_("By"), widget=DATE)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        cast(OwnerChoiceField, self.fields["owner"]).queryset = selectors.team_users(practice)
