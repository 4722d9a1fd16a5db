"""The strategy forms: a goal, an intended experience, a measure with its target, a quarterly review."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DayField
from journey.catalogue import by_stage

from ..models import GoalStatus, IntendedExperience
from ..selectors.projects import MeasureChoice
from ..services.strategy import GoalFields


class GoalForm(forms.Form):
    title = forms.CharField(
        label=_("The goal"),
        max_length=200,
        help_text=_("For example “be the easiest dermatology practice in town to reach by phone”."),
    )
    why = forms.CharField(
        label=_("Why it matters (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False, choices=())
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.ACTIVE)

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", gettext("Nobody yet")),
            *[(key, user.full_name or user.email) for key, user in self.members.items()],
        ]

    def goal_fields(self) -> GoalFields:
        data = self.cleaned_data
        return GoalFields(
            title=data["title"],
            why=data.get("why") or "",
            owner=self.members.get(data.get("owner") or ""),
            status=data["status"],
        )


class ExperienceForm(forms.Form):
    touchpoint = forms.ChoiceField(label=_("Touch point"), choices=())
    sentence = forms.CharField(
        label=_("The intended experience"),
        max_length=300,
        help_text=_(
            "One sentence, from the patient's side: “a new patient books online in under two minutes, any day”."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["touchpoint"]).choices = [
            ("", gettext("Choose a touch point")),
            *[
                (gettext(stage_name), [(tp.code, gettext(tp.name)) for tp in touchpoints])
                for _stage, stage_name, touchpoints in by_stage()
            ],
        ]


class GoalMeasureForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=())
    experience = forms.ChoiceField(label=_("For the intended experience"), required=False, choices=())
    target = forms.FloatField(
        label=_("Target"),
        localize=True,
        help_text=_("In the measure's unit: a percentage for rates and top box, minutes, or NPS points."),
    )
    target_on = DayField(label=_("By"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: Any, measures: list[MeasureChoice], experiences: list[IntendedExperience], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.experiences = {str(e.pk): e for e in experiences}
        cast(forms.ChoiceField, self.fields["measure"]).choices = [
            ("", gettext("Choose a measure")),
            *[(choice.measure.code, choice.label) for choice in measures],
        ]
        cast(forms.ChoiceField, self.fields["experience"]).choices = [
            ("", gettext("The whole goal")),
            *[(key, e.sentence) for key, e in self.experiences.items()],
        ]

    def chosen_experience(self) -> IntendedExperience | None:
        return self.experiences.get(self.cleaned_data.get("experience") or "")


def quarter_label(first: date) -> str:
    quarter = (first.month - 1) // 3 + 1
    return gettext("Q%(quarter)s %(year)s (from %(first)s)") % {
        "quarter": quarter,
        "year": first.year,
        "first": date_format(first, "DATE_FORMAT"),
    }


class ReviewForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"), choices=())
    what_moved = forms.CharField(
        label=_("What moved"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which measures moved beyond the noise, and what the team learned."),
    )
    what_will_change = forms.CharField(
        label=_("What will change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the practice will do differently next quarter."),
    )

    def __init__(self, *args: Any, quarters: list[date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {q.isoformat(): q for q in quarters}
        cast(forms.ChoiceField, self.fields["quarter"]).choices = [
            (key, quarter_label(q)) for key, q in self.quarters.items()
        ]

    def chosen_quarter(self) -> date:
        return self.quarters[self.cleaned_data["quarter"]]
