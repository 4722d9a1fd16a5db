"""Staff survey editor forms: one form per question (in a formset), adding a question, the name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from journey.catalogue import by_stage

from ..models import Composite, QuestionKind
from ..services.surveys import TEXT_MAX


def _touchpoint_choices() -> list:
    return [(_(stage_name), [(tp.code, _(tp.name)) for tp in points]) for _code, stage_name, points in by_stage()]


class QuestionFields(forms.Form):
    text_en = forms.CharField(
        label=_("Question in English"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_es = forms.CharField(
        label=_("Question in Spanish"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Answer"), choices=QuestionKind.choices)
    touchpoint = forms.ChoiceField(label=_("Touch point it measures"), choices=_touchpoint_choices)
    composite = forms.ChoiceField(label=_("CG-CAHPS composite"), choices=Composite.choices, required=False)
    required = forms.BooleanField(label=_("Patients must answer it"), required=False)


class QuestionForm(QuestionFields):
    """An existing question; its code (hidden) ties it to its earlier answers."""

    code = forms.SlugField(widget=forms.HiddenInput, max_length=60)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=0, max_num=40, absolute_max=40, validate_max=True)


class AddQuestionForm(QuestionFields):
    pass


class NameForm(forms.Form):
    name_en = forms.CharField(label=_("Name in English"), max_length=120)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=120)
