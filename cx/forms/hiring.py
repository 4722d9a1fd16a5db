"""Forms of hiring and the staff experience record: a kit's question with its 1-4 rubric in English
and Spanish, a candidate, one interviewer's scores, the decision, and the record's period."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DateRangeForm, DayField
from practices.models import Practice

from ..hiring import SCORES
from ..models import Competency, HiringDecision, InterviewQuestion, JobTitle
from ..selectors.team import active_users
from ..services.hiring import NAME_MAX, NOTE_MAX, TEXT_MAX, QuestionFields

ANCHOR_LABELS_EN = (
    _("Score 1 looks like (English)"),
    _("Score 2 looks like (English)"),
    _("Score 3 looks like (English)"),
    _("Score 4 looks like (English)"),
)
ANCHOR_LABELS_ES = (
    _("Score 1 looks like (Spanish)"),
    _("Score 2 looks like (Spanish)"),
    _("Score 3 looks like (Spanish)"),
    _("Score 4 looks like (Spanish)"),
)


class QuestionForm(forms.Form):
    competency = forms.ChoiceField(label=_("What it shows"), choices=Competency.choices)
    text_en = forms.CharField(
        label=_("Question (English)"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_es = forms.CharField(
        label=_("Question (Spanish)"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, label in enumerate(ANCHOR_LABELS_EN, start=1):
            self.fields[f"anchor_{n}_en"] = forms.CharField(label=label, max_length=300)
        for n, label in enumerate(ANCHOR_LABELS_ES, start=1):
            self.fields[f"anchor_{n}_es"] = forms.CharField(label=label, max_length=300, required=False)

    @classmethod
    def initial_for(cls, question: InterviewQuestion) -> dict[str, object]:
        initial: dict[str, object] = {
            "competency": question.competency,
            "text_en": question.text_en,
            "text_es": question.text_es,
        }
        for lang, anchors in (("en", question.anchors_en), ("es", question.anchors_es)):
            values = anchors if isinstance(anchors, list) else []
            for n in range(1, 5):
                initial[f"anchor_{n}_{lang}"] = str(values[n - 1]) if n <= len(values) else ""
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        spanish = [str(cleaned.get(f"anchor_{n}_es") or "").strip() for n in range(1, 5)]
        if any(spanish) and not all(spanish):
            raise forms.ValidationError(_("In Spanish, describe all four scores or none."))
        return cleaned

    def fields_value(self) -> QuestionFields:
        data = self.cleaned_data
        return QuestionFields(
            competency=data["competency"],
            text_en=data["text_en"],
            text_es=data.get("text_es") or "",
            anchors_en=tuple(data[f"anchor_{n}_en"] for n in range(1, 5)),
            anchors_es=tuple(data.get(f"anchor_{n}_es") or "" for n in range(1, 5)),
        )


class EditQuestionForm(QuestionForm):
    remove = forms.BooleanField(label=_("Remove this question"), required=False)


MAX_ROW_ID = 2**63 - 1  # SQLite raises OverflowError (a 500) on a query naming a bigger id


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)

    def clean(self, value: Any) -> Any:
        for raw in value if isinstance(value, list | tuple) else []:
            text = str(raw).strip()
            if not text.isdigit() or int(text) > MAX_ROW_ID:
                raise forms.ValidationError(_("Choose interviewers from the team."), code="invalid_choice")
        return super().clean(value)


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    job_title = forms.ChoiceField(label=_("Role"), choices=JobTitle.choices)
    interviewed_on = DayField(label=_("Interview date"), widget=forms.DateInput(attrs={"type": "date"}))
    interviewers = PersonChoices(
        label=_("Interviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only they and the owner can see this candidate."),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[User]", self.fields["interviewers"])
        field.queryset = active_users(practice=practice)
        field.error_messages["invalid_choice"] = _("Choose interviewers from the team.")
        field.error_messages["invalid_pk_value"] = _("Choose interviewers from the team.")


SCORE_CHOICES = [("", _("Not asked"))] + [(str(n), str(n)) for n in SCORES]


class ScoreForm(forms.Form):
    """One interviewer's scores: ``score_<question id>`` (1-4, or not asked) and ``note_<question id>``."""

    def __init__(self, *args: Any, questions: list[InterviewQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"score_{question.pk}"] = forms.TypedChoiceField(
                label=_("Score"), choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
            )
            self.fields[f"note_{question.pk}"] = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            if cleaned.get(f"score_{question.pk}") is None and (cleaned.get(f"note_{question.pk}") or "").strip():
                self.add_error(f"note_{question.pk}", _("A note needs a score: choose 1 to 4, or clear the note."))
        return cleaned

    def entries(self) -> dict[int, tuple[int | None, str]]:
        return {
            q.pk: (self.cleaned_data.get(f"score_{q.pk}"), self.cleaned_data.get(f"note_{q.pk}") or "")
            for q in self.questions
        }

    def pairs(self) -> list[tuple[InterviewQuestion, forms.BoundField, forms.BoundField]]:
        return [(q, self[f"score_{q.pk}"], self[f"note_{q.pk}"]) for q in self.questions]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=HiringDecision.choices)


class RecordRangeForm(DateRangeForm):
    """The staff record's period: the last 12 months unless told; at most two years."""

    default_days = 365
    max_days = 731
