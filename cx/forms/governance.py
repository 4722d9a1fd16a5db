"""The governance committee's forms: the committee, a member or adviser, the checklist, a proposed
change, its screening and decision, a meeting, its minutes and a decision. The rules live in
``cx/services/governance.py``; these only shape and type the input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DayField
from journey.catalogue import by_stage

from ..models import Cadence, CommitteeMeeting, CommitteeMember, InputMethod, MemberRole, PatientInputCriterion
from ..services import governance as services


class CommitteeForm(forms.Form):
    charter = forms.CharField(
        label=_("Charter"),
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the committee is for, what it decides and how."),
    )
    cadence = forms.ChoiceField(label=_("Meets"), choices=Cadence.choices)
    recurring_threshold = forms.IntegerField(
        label=_("A theme recurs when it is negative this many times"),
        min_value=services.THRESHOLD_RANGE[0],
        max_value=services.THRESHOLD_RANGE[1],
    )
    recurring_window_days = forms.IntegerField(
        label=_("Within this many days"),
        min_value=services.WINDOW_RANGE[0],
        max_value=services.WINDOW_RANGE[1],
    )

    def fields_value(self) -> services.CommitteeFields:
        data = self.cleaned_data
        return services.CommitteeFields(
            charter=data["charter"],
            cadence=data["cadence"],
            recurring_threshold=data["recurring_threshold"],
            recurring_window_days=data["recurring_window_days"],
        )


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role on the committee"), choices=MemberRole.choices)
    user = forms.ChoiceField(label=_("Team member (for the chair or a member)"), required=False, choices=())
    name = forms.CharField(
        label=_("Name (for a patient adviser)"),
        required=False,
        max_length=services.NAME_MAX,
        help_text=_("A patient adviser is recorded by name only: no login, no access to patient records."),
    )

    def __init__(self, *args: Any, team: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = {str(user.pk): user for user in team}
        cast(forms.ChoiceField, self.fields["user"]).choices = [
            ("", gettext("Nobody (a patient adviser)")),
            *[(key, user.full_name or user.email) for key, user in self.team.items()],
        ]

    def chosen_user(self) -> User | None:
        return self.team.get(self.cleaned_data.get("user") or "")


class CriteriaForm(forms.Form):
    criteria = forms.CharField(
        label=_("Patient input is needed when the change…"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=services.CRITERION_MAX * services.CRITERIA_MAX + services.CRITERIA_MAX,
        help_text=_("One criterion a line. A line you remove is retired; past screenings keep it."),
    )

    def lines(self) -> list[str]:
        return str(self.cleaned_data["criteria"]).splitlines()


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("The change"), max_length=services.TITLE_MAX)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What changes for patients, from when, and why."),
    )
    touchpoints = forms.MultipleChoiceField(
        label=_("Touch points it changes (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["touchpoints"]).choices = [
            (gettext(stage_name), [(tp.code, gettext(tp.name)) for tp in touchpoints])
            for _stage, stage_name, touchpoints in by_stage()
        ]


class ScreenForm(forms.Form):
    criteria = forms.MultipleChoiceField(
        label=_("Which criteria does the change meet?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    input_method = forms.ChoiceField(
        label=_("How patient input will be gathered"),
        required=False,
        choices=(),
        help_text=_("Needed when any criterion applies."),
    )
    input_summary = forms.CharField(
        label=_("What patients said"),
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Once you have it: the committee cannot decide until it is recorded."),
    )

    def __init__(self, *args: Any, criteria: Sequence[PatientInputCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["criteria"]).choices = [
            (str(c.pk), gettext("The change %(text)s") % {"text": c.text}) for c in criteria
        ]
        cast(forms.ChoiceField, self.fields["input_method"]).choices = [
            ("", gettext("Not needed yet")),
            *[(value, gettext(str(label))) for value, label in InputMethod.choices],
        ]

    def criteria_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("criteria") or []]


OUTCOMES = (("approve", _("Approve the change")), ("decline", _("Decline the change")))


class DecideForm(forms.Form):
    meeting = forms.ChoiceField(label=_("At the meeting of"), choices=())
    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES)
    text = forms.CharField(
        label=_("The decision, in words"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, meetings: Sequence[CommitteeMeeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [
            (key, m.held_on.isoformat()) for key, m in self.meetings.items()
        ]

    def chosen_meeting(self) -> CommitteeMeeting:
        return self.meetings[self.cleaned_data["meeting"]]


class MeetingForm(forms.Form):
    held_on = DayField(label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=services.TEXT_MAX * 5,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attendees = forms.MultipleChoiceField(
        label=_("Who attended"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    held = forms.BooleanField(label=_("The meeting was held"), required=False)

    def __init__(self, *args: Any, members: Sequence[tuple[CommitteeMember, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attendees"]).choices = [(str(m.pk), label) for m, label in members]

    def attendee_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("attendees") or []]


class DecisionForm(forms.Form):
    subject = forms.ChoiceField(label=_("About"), choices=())
    decision = forms.CharField(
        label=_("Decision"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, subjects: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["subject"]).choices = [("", gettext("Choose an agenda item")), *subjects]
