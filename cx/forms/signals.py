"""Forms of the "what changed" pages: the list's filters, handling a signal, searching what was learned."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DayField
from practices.models import Location, Provider

from ..models import SignalKind, SignalStatus, SuggestedResponse
from ..selectors.signals import SignalFilters, week_start
from ..services.signals import LESSON_MAX


def _any(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class SignalFilterForm(forms.Form):
    week = DayField(
        label=_("Week of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Any day of the week; the list shows Monday to Sunday."),
    )
    kind = forms.ChoiceField(label=_("What changed"), required=False, choices=())
    location = forms.ChoiceField(label=_("Location"), required=False, choices=())
    provider = forms.ChoiceField(label=_("Provider"), required=False, choices=())
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())

    def __init__(
        self, *args: Any, locations: list[Location], providers: list[Provider], today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        cast(forms.ChoiceField, self.fields["kind"]).choices = _any(gettext("Every kind")) + list(SignalKind.choices)
        cast(forms.ChoiceField, self.fields["location"]).choices = _any(gettext("Every location")) + [
            (str(loc.pk), loc.name) for loc in locations
        ]
        cast(forms.ChoiceField, self.fields["provider"]).choices = _any(gettext("Every provider")) + [
            (str(p.pk), str(p)) for p in providers
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = _any(gettext("Any status")) + list(
            SignalStatus.choices
        )

    def filters(self) -> SignalFilters:
        """The chosen filters; this week and nothing else when the form is invalid or empty."""
        if not self.is_valid():
            return SignalFilters(week=week_start(self.today))
        data = self.cleaned_data
        day = data.get("week") or self.today
        return SignalFilters(
            week=week_start(day),
            kind=data.get("kind") or "",
            location_id=int(data["location"]) if data.get("location") else None,
            provider_id=int(data["provider"]) if data.get("provider") else None,
            status=data.get("status") or "",
        )


class HandleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What it was"),
        choices=(
            ("handled", _("A real change: we handled it")),
            ("dismissed", _("Not a real change")),
        ),
        widget=forms.RadioSelect,
        initial="handled",
    )
    lesson = forms.CharField(
        label=_("What we learned"),
        required=False,
        max_length=LESSON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "In words the team can search later, without clinical detail: for example “the online booking "
            "page had no Saturday times”. Needed for a real change; for one that was not, say why if you like."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "handled" and not (data.get("lesson") or "").strip():
            self.add_error("lesson", gettext("Write what you learned, so the team can learn it too."))
        return data


class RespondForm(forms.Form):
    response = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["response"]).choices = list(SuggestedResponse.choices)


class LessonSearchForm(forms.Form):
    q = forms.CharField(label=_("Words in what was learned"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("What changed"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = _any(gettext("Every kind")) + list(SignalKind.choices)
