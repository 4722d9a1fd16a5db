"""The forms of a root-cause analysis: the analysis itself, a timeline entry, a causal statement and
an action (its kind from the RCA² hierarchy, with the classifier's suggestion)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DayField
from journey.catalogue import by_stage
from practices.models import Practice

from .. import action_hierarchy
from ..models import CausalStatement, FactorCategory, ImprovementProject
from ..selectors.team import active_users
from ..services.rca import STATEMENT_MAX, ActionFields, RcaFields


def touchpoint_choices() -> list[tuple[str, object]]:
    return [("", gettext("Choose a touch point"))] + [
        (gettext(stage_name), [(tp.code, gettext(tp.name)) for tp in touchpoints])
        for _stage, stage_name, touchpoints in by_stage()
    ]


def kind_choices(*, blank: str | None) -> list[tuple[str, object]]:
    grouped: list[tuple[str, object]] = [
        (
            gettext(action_hierarchy.STRENGTH_LABELS[strength]),
            [(kind.code, gettext(kind.label)) for kind in kinds],
        )
        for strength, kinds in action_hierarchy.grouped()
    ]
    return ([("", blank)] if blank is not None else []) + grouped


def _people(members: list[User]) -> list[tuple[str, str]]:
    return [(str(user.pk), user.full_name or user.email) for user in members]


class RcaForm(forms.Form):
    title = forms.CharField(label=_("What failed"), max_length=200)
    touchpoint = forms.ChoiceField(label=_("Touch point"), choices=())
    theme = forms.CharField(
        label=_("Theme (optional)"),
        max_length=60,
        required=False,
        help_text=_("For a recurring theme, its name, e.g. “hold time on the phone”."),
    )
    summary = forms.CharField(label=_("Summary (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    led_by = forms.ChoiceField(label=_("Led by"), required=False, choices=())

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        cast(forms.ChoiceField, self.fields["touchpoint"]).choices = touchpoint_choices()
        cast(forms.ChoiceField, self.fields["led_by"]).choices = [("", gettext("Nobody yet")), *_people(members)]

    def rca_fields(self) -> RcaFields:
        data = self.cleaned_data
        return RcaFields(
            title=data["title"],
            touchpoint=data["touchpoint"],
            theme=data.get("theme") or "",
            summary=data.get("summary") or "",
            led_by=self.members.get(data.get("led_by") or ""),
        )


class TimelineForm(forms.Form):
    day = DayField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label=_("Time (optional)"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    what = forms.CharField(label=_("What happened"), max_length=300)

    def happened_at(self, practice: Practice) -> datetime:
        data = self.cleaned_data
        return datetime.combine(data["day"], data.get("at") or time(0, 0), tzinfo=ZoneInfo(practice.timezone))


class CauseForm(forms.Form):
    statement = forms.CharField(
        label=_("Causal statement"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("“X increased the likelihood that Y, which led to Z.” Describe, don't judge or blame."),
    )
    category = forms.ChoiceField(label=_("Contributing factor"), choices=())
    cause = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", gettext("Choose a factor")),
            *[(value, gettext(str(label))) for value, label in FactorCategory.choices],
        ]


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    hierarchy_kind = forms.ChoiceField(
        label=_("Kind of action"),
        required=False,
        choices=(),
        help_text=_("Leave “Suggest from the words” and we will propose a kind for you to check."),
    )
    owner = forms.ChoiceField(label=_("Who"), choices=())
    due_on = DayField(label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.CharField(
        label=_("How we will know it worked"),
        max_length=200,
        help_text=_("A measure, e.g. “median hold time under 2 minutes for 8 weeks”."),
    )
    project = forms.ChoiceField(label=_("Improvement project (optional)"), required=False, choices=())
    cause = forms.ChoiceField(label=_("Causal statement it addresses (optional)"), required=False, choices=())

    def __init__(
        self,
        *args: Any,
        members: list[User],
        projects: list[ImprovementProject],
        causes: list[CausalStatement],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        self.projects = {str(p.pk): p for p in projects}
        self.causes = {str(c.pk): c for c in causes}
        cast(forms.ChoiceField, self.fields["hierarchy_kind"]).choices = kind_choices(
            blank=gettext("Suggest from the words")
        )
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", gettext("Choose someone")), *_people(members)]
        self.fields["owner"].error_messages["invalid_choice"] = gettext("Choose someone on the team.")
        cast(forms.ChoiceField, self.fields["project"]).choices = [
            ("", gettext("None")),
            *[(key, p.title) for key, p in self.projects.items()],
        ]
        cast(forms.ChoiceField, self.fields["cause"]).choices = [
            ("", gettext("None")),
            *[(key, c.statement[:80]) for key, c in self.causes.items()],
        ]

    def action_fields(self, kind: str) -> ActionFields:
        data = self.cleaned_data
        return ActionFields(
            description=data["description"],
            hierarchy_kind=kind,
            owner=self.members[data["owner"]],
            due_on=data["due_on"],
            measure=data["measure"],
            project=self.projects.get(data.get("project") or ""),
            cause=self.causes.get(data.get("cause") or ""),
        )


def staff_members(practice: Practice) -> list[User]:
    return list(active_users(practice=practice))
