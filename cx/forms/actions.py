"""Forms of the actions pages: a standalone action and the person filter."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DayField
from practices.models import Practice

from ..selectors.team import active_users


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("What will be done"), max_length=200)
    owner = PersonChoiceField(label=_("Who"), queryset=User.objects.none())
    due_on = DayField(label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[User]", self.fields["owner"])
        field.queryset = active_users(practice=practice)
        field.error_messages["invalid_choice"] = _("Choose someone on the team.")


class PersonFilterForm(forms.Form):
    person = PersonChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Everyone")
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[User]", self.fields["person"])
        field.queryset = active_users(practice=practice)
        field.error_messages["invalid_choice"] = _("Choose someone on the team.")
