"""Forms of the recognition pages: the lead's choice of person, a member's own profile, and the
editors' job title and nicknames for a team member."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import JobTitle


class ConfirmForm(forms.Form):
    """For an ambiguous recognition: which of the possible people the patient meant."""

    user = forms.TypedChoiceField(label=_("Who the patient meant"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(person.pk, str(person)) for person in people]
        field.error_messages["invalid_choice"] = _("Choose one of the people the patient could have meant.")


class MyProfileForm(forms.Form):
    also_known_as = forms.CharField(
        label=_("Other names patients use"),
        max_length=200,
        required=False,
        help_text=_("Nicknames, separated by commas, for example “Liz, Lizzy”."),
    )
    recognition_email = forms.BooleanField(label=_("Email me when a patient's thanks is confirmed"), required=False)
    moment_email = forms.BooleanField(label=_("Email me the experience moment on meeting mornings"), required=False)


class TeamMemberForm(forms.Form):
    job_title = forms.ChoiceField(
        label=_("Job title"),
        required=False,
        choices=[("", _("From their role"))] + list(JobTitle.choices),
        help_text=_("What patients call their job: “the receptionist”, “the nurse” are matched to it."),
    )
    also_known_as = forms.CharField(
        label=_("Other names patients use"),
        max_length=200,
        required=False,
        help_text=_("Nicknames, separated by commas, for example “Liz, Lizzy”."),
    )
