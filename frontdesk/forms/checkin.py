"""The patient's online check-in form: contact details, insurance (with card photos), the practice's
intake questions and its policies. Built per practice, labelled in the patient's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.forms import clean_phone_number

from ..card_photos import CardPhotoRejected, max_megabytes, normalise_card_photo
from ..models import IntakeQuestion, PracticePolicy, QuestionKind
from .date_of_birth import DateOfBirthForm

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
SHORT_ANSWER_MAX = 200
LONG_ANSWER_MAX = 1000


def _card_input() -> forms.FileInput:
    return forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/*"})


class CheckInForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    self_pay = forms.BooleanField(label=_("I pay for myself (no insurance)"), required=False)
    insurance_carrier = forms.CharField(label=_("Insurance company"), max_length=120, required=False)
    insurance_member_id = forms.CharField(
        label=_("Member ID"), max_length=40, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    card_front = forms.FileField(
        label=_("Photo of the front of your card"), required=False, widget=_card_input(), allow_empty_file=True
    )
    card_back = forms.FileField(
        label=_("Photo of the back of your card"), required=False, widget=_card_input(), allow_empty_file=True
    )

    def __init__(
        self,
        *args,
        questions: list[IntakeQuestion],
        policies: list[PracticePolicy],
        language: str,
        has_cards: tuple[bool, bool] = (False, False),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.language = language
        self.questions = questions
        self.policies = policies
        for field, kept in zip(("card_front", "card_back"), has_cards, strict=True):
            if kept:
                self.fields[field].help_text = _("We have your photo. Choose a new one only to replace it.")
            else:
                self.fields[field].help_text = _(
                    "A photo (JPEG, PNG or WebP) of up to %(size)s MB. "
                    "If you use insurance, you may also bring the card."
                ) % {"size": max_megabytes()}
        for question in questions:
            self.fields[self.question_field(question)] = self._question_field(question)
        for policy in policies:
            self.fields[self.policy_field(policy)] = forms.BooleanField(
                label=policy.title(language),
                required=True,
                error_messages={"required": _("Please read and accept this policy to check in.")},
            )

    @staticmethod
    def question_field(question: IntakeQuestion) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def policy_field(policy: PracticePolicy) -> str:
        return f"policy_{policy.pk}"

    def _question_field(self, question: IntakeQuestion) -> forms.Field:
        label = question.text(self.language)
        messages = {"required": _("Please answer this question.")}
        if question.kind == QuestionKind.YES_NO:
            return forms.ChoiceField(
                label=label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=question.required,
                error_messages={**messages, "invalid_choice": _("Please choose Yes or No.")},
            )
        if question.kind == QuestionKind.LONG_TEXT:
            return forms.CharField(
                label=label,
                max_length=LONG_ANSWER_MAX,
                required=question.required,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages=messages,
            )
        return forms.CharField(
            label=label, max_length=SHORT_ANSWER_MAX, required=question.required, error_messages=messages
        )

    # --- the parts, for the template ------------------------------------------------------------

    def contact_fields(self):
        return [self["phone"], self["email"]]

    def insurance_fields(self):
        return [self["insurance_carrier"], self["insurance_member_id"], self["card_front"], self["card_back"]]

    def question_fields(self):
        return [self[self.question_field(q)] for q in self.questions]

    def policy_fields(self):
        return [(self[self.policy_field(p)], p.body(self.language)) for p in self.policies]

    # --- cleaning -------------------------------------------------------------------------------

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"].replace("\x00", ""))

    def clean_insurance_carrier(self) -> str:
        return " ".join(self.cleaned_data["insurance_carrier"].replace("\x00", "").split())

    def clean_insurance_member_id(self) -> str:
        return "".join(self.cleaned_data["insurance_member_id"].replace("\x00", "").split())

    def _clean_card(self, name: str):
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        try:
            return normalise_card_photo(upload)
        except CardPhotoRejected as error:
            raise forms.ValidationError(str(error)) from error

    def clean_card_front(self):
        return self._clean_card("card_front")

    def clean_card_back(self):
        return self._clean_card("card_back")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error("phone", _("Please give a mobile phone number or an email so we can reach you."))
        if not data.get("self_pay"):
            for name in ("insurance_carrier", "insurance_member_id"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Please fill this in, or tick “I pay for myself”."))
        return data

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(self.question_field(q)) or "" for q in self.questions}

    def acknowledged_policy_ids(self) -> list[int]:
        return [p.pk for p in self.policies if self.cleaned_data.get(self.policy_field(p))]


# --- Before the form: the date of birth (frontdesk/visit_identity.py) -----------------------------


class VisitIdentityForm(DateOfBirthForm):
    """The date of birth before the check-in form shows anything personal (three boxes, as at the kiosk)."""

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 1000 <= year <= 9999:
            raise forms.ValidationError(_("Enter the year with four digits, for example 1985."))
        return year
