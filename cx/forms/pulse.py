"""Forms of the staff engagement pulse: opening a round, and the anonymous answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import anonymity
from ..selectors import pulse as pulse_selectors

GROUP_LABELS = {
    anonymity.FRONT_OFFICE: _("Front desk and billing"),
    anonymity.CLINICAL: _("Nurses and medical assistants"),
    anonymity.PROVIDERS: _("Doctors and providers"),
    anonymity.MANAGEMENT: _("Management and other roles"),
    anonymity.NOT_SAID: _("Prefer not to say"),
    anonymity.OTHER_ROLES: _("Other roles or not said"),
}

QUESTION_LABELS = {
    "can_serve_patients": _("I have what I need to serve patients well."),
    "systems_help": _(
        "Our systems (Touchpoints, the health record) help me serve patients rather than get in the way."
    ),
    "recognised": _("When I do right by a patient, it is noticed."),
}
RECOMMEND_LABEL = _("How likely are you to recommend this practice to a friend as a place to work?")

AGREE_CHOICES = [
    (1, _("1 · Strongly disagree")),
    (2, _("2 · Disagree")),
    (3, _("3 · Neither")),
    (4, _("4 · Agree")),
    (5, _("5 · Strongly agree")),
]


def quarter_label(start: date) -> str:
    end = pulse_selectors.quarter_end(start)
    return f"{date_format(start, 'M j, Y')} – {date_format(end, 'M j, Y')}"


class RoundForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Answers are taken until the end of this day; results show after it."),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this = pulse_selectors.quarter_start(today)
        following = pulse_selectors.next_quarter(this)
        quarter = self.fields["quarter"]
        assert isinstance(quarter, forms.ChoiceField)
        quarter.choices = [(q.isoformat(), quarter_label(q)) for q in (this, following)]

    def clean_quarter(self) -> date:
        try:
            return date.fromisoformat(self.cleaned_data["quarter"])
        except ValueError:
            raise forms.ValidationError(_("Choose a quarter from the list.")) from None


class AnswerForm(forms.Form):
    group = forms.TypedChoiceField(
        label=_("Count my answer in this group"),
        choices=[(code, GROUP_LABELS[code]) for code in anonymity.CHOOSABLE],
        initial=anonymity.NOT_SAID,
        required=False,
        empty_value=anonymity.NOT_SAID,
        widget=forms.RadioSelect,
    )
    recommend_work = forms.TypedChoiceField(
        label=RECOMMEND_LABEL,
        choices=[(i, str(i)) for i in range(0, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 0 to 10.")},
    )
    can_serve_patients = forms.TypedChoiceField(
        label=QUESTION_LABELS["can_serve_patients"], choices=AGREE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    systems_help = forms.TypedChoiceField(
        label=QUESTION_LABELS["systems_help"], choices=AGREE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    recognised = forms.TypedChoiceField(
        label=QUESTION_LABELS["recognised"], choices=AGREE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
