"""The improvement project form: what changes, where, when, and how it is measured."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DayField
from journey.catalogue import by_stage
from practices.models import Practice

from .. import project_measures as pm
from ..selectors.projects import MeasureChoice
from ..services.projects import ProjectFields


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Name of the project"), max_length=120)
    change = forms.CharField(
        label=_("What changes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example “new online check-in instructions”."),
    )
    touchpoints = forms.MultipleChoiceField(
        label=_("Touch points it changes"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    went_live_on = DayField(
        label=_("Went live on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first day patients met the change. A date ahead plans the project."),
    )
    window_weeks = forms.IntegerField(
        label=_("Weeks compared on each side"),
        min_value=2,
        max_value=52,
        initial=12,
        help_text=_("The same number of weeks before and after the change."),
    )
    primary_measure = forms.ChoiceField(label=_("Primary measure"), choices=())
    secondary_measures = forms.MultipleChoiceField(
        label=_("Secondary measures (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        help_text=_("Up to five, each judged like the primary one."),
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False, choices=())

    def __init__(
        self,
        *args: Any,
        practice: Practice,
        measures: list[MeasureChoice],
        members: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.members = {str(user.pk): user for user in members}
        measure_choices = [(choice.measure.code, choice.label) for choice in measures]
        cast(forms.ChoiceField, self.fields["touchpoints"]).choices = [
            (gettext(stage_name), [(tp.code, gettext(tp.name)) for tp in touchpoints])
            for _stage, stage_name, touchpoints in by_stage()
        ]
        cast(forms.ChoiceField, self.fields["primary_measure"]).choices = [
            ("", gettext("Choose a measure")),
            *measure_choices,
        ]
        cast(forms.ChoiceField, self.fields["secondary_measures"]).choices = measure_choices
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", gettext("Nobody yet")),
            *[(key, user.full_name or user.email) for key, user in self.members.items()],
        ]

    def clean_secondary_measures(self) -> list[str]:
        chosen: list[str] = self.cleaned_data.get("secondary_measures") or []
        if len(chosen) > pm.MAX_SECONDARY:
            raise forms.ValidationError(gettext("Choose at most %(n)s secondary measures.") % {"n": pm.MAX_SECONDARY})
        return chosen

    def project_fields(self) -> ProjectFields:
        data = self.cleaned_data
        primary = data["primary_measure"]
        return ProjectFields(
            title=data["title"],
            change=data["change"],
            touchpoints=data["touchpoints"],
            went_live_on=data["went_live_on"],
            primary_measure=primary,
            secondary_measures=[code for code in data.get("secondary_measures") or [] if code != primary],
            window_weeks=data["window_weeks"],
            owner=self.members.get(data.get("owner") or ""),
        )
