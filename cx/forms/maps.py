"""Forms of the empathy maps area: a patient group, a map (the team's expectations), an idea, an idea
turned into an action, and the date range of a map's "what patients said". The services check
again and say why in words (``MapError``); the forms catch what a browser can send wrong."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DateRangeForm, DayField
from journey.catalogue import by_stage
from practices.models import Practice

from ..models import Feeling, PatientGroup
from ..selectors import maps as map_selectors
from ..selectors.team import active_users

LANGUAGES = [("", _("Any language")), ("en", _("English")), ("es", _("Spanish"))]
IMPACT_CHOICES = [
    (1, _("1: hardly noticed")),
    (2, _("2: a little better")),
    (3, _("3: noticeably better")),
    (4, _("4: much better")),
    (5, _("5: transforms it")),
]
EFFORT_CHOICES = [
    (1, _("1: an hour or two")),
    (2, _("2: a day or so")),
    (3, _("3: a few days")),
    (4, _("4: a few weeks")),
    (5, _("5: months, or money")),
]


def touchpoint_choices() -> list[tuple[Any, Any]]:
    """The catalogue by journey stage (an optgroup per stage), names translated when drawn."""
    choices: list[tuple[Any, Any]] = [("", _("Choose a touch point"))]
    for _code, stage_name, points in by_stage():
        choices.append((_(stage_name), [(tp.code, _(tp.name)) for tp in points]))
    return choices


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the team calls these patients, for example “Spanish-speaking” or “Over 65”."),
    )
    visits = forms.ChoiceField(label=_("New or returning"), choices=PatientGroup.Visits.choices, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGES,
        required=False,
        help_text=_("Patients who answered the survey in it or whose record says they prefer it."),
    )
    min_age = forms.IntegerField(label=_("Aged at least"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(
        label=_("Aged at most"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_("Ages on the day the patient answered. Leave both empty for any age."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The oldest age must be at least the youngest age."))
        return cleaned


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PatientGroup) -> str:
        return obj.name


class MapForm(forms.Form):
    touchpoint = forms.ChoiceField(label=_("Touch point"), choices=())
    group = GroupChoiceField(
        label=_("Patients"),
        queryset=PatientGroup.objects.none(),
        required=False,
        empty_label=_("Every patient"),
        help_text=_("A group the practice defined; manage them on the patient groups page."),
    )
    thinks = forms.CharField(
        label=_("What we expect they think"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    feels = forms.CharField(
        label=_("What we expect they feel"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    says = forms.CharField(
        label=_("What we expect they say"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    does = forms.CharField(
        label=_("What we expect they do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_feeling = forms.ChoiceField(
        label=_("Overall, we expect they feel"), choices=Feeling.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["touchpoint"]).choices = touchpoint_choices()
        group = cast("forms.ModelChoiceField[PatientGroup]", self.fields["group"])
        group.queryset = map_selectors.groups(practice=practice)
        group.error_messages["invalid_choice"] = _("Choose one of the practice's patient groups.")


class IdeaForm(forms.Form):
    text = forms.CharField(label=_("Idea"), max_length=300)
    impact = forms.TypedChoiceField(label=_("Impact on patients"), choices=IMPACT_CHOICES, coerce=int, initial=3)
    effort = forms.TypedChoiceField(label=_("Effort"), choices=EFFORT_CHOICES, coerce=int, initial=3)
    confidence = forms.IntegerField(
        label=_("How sure are we (%)"),
        min_value=0,
        max_value=100,
        initial=80,
        help_text=_("100 % when the patients' words show it; 50 % for a hunch."),
    )
    effort_weeks = forms.DecimalField(
        label=_("Effort in person-weeks"),
        min_value=Decimal("0.1"),
        max_value=Decimal("520"),
        max_digits=5,
        decimal_places=1,
        initial=Decimal("1"),
        help_text=_("For the RICE score: one person full time for a week is 1."),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class IdeaActionForm(forms.Form):
    title = forms.CharField(label=_("What will be done"), max_length=200)
    owner = PersonChoiceField(label=_("Who"), queryset=User.objects.none())
    due_on = DayField(label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, practice: Practice, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        owner = cast("forms.ModelChoiceField[User]", self.fields["owner"])
        owner.queryset = active_users(practice=practice)
        owner.error_messages["invalid_choice"] = _("Choose someone on the team.")

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(_("Choose today or a later day."))
        return due_on


class SaidRangeForm(DateRangeForm):
    """The days "what patients said" reads: the last 12 months unless told; at most two years."""

    default_days = 365
    max_days = 731
