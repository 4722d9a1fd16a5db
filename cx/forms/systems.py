"""The form that edits one role's "using our systems well" checklist: up to eight lines, each with
how Touchpoints tracks it (or not tracked)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from .. import systems_measures as sm
from ..services.systems import MAX_LINES, TEXT_MAX


def measure_choices() -> list[tuple[str, str]]:
    return [("", _("Not tracked by Touchpoints")), *((m.code, _(m.label)) for m in sm.MEASURES.values())]


class RoleLinesForm(forms.Form):
    def __init__(self, *args: Any, lines: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = measure_choices()
        for i in range(MAX_LINES):
            text, measure = lines[i] if i < len(lines) else ("", "")
            self.fields[f"text_{i}"] = forms.CharField(
                label=_("Line %(n)s") % {"n": i + 1},
                max_length=TEXT_MAX,
                required=False,
                initial=text,
            )
            self.fields[f"measure_{i}"] = forms.ChoiceField(
                label=_("How line %(n)s is tracked") % {"n": i + 1},
                choices=choices,
                required=False,
                initial=measure,
            )

    def lines(self) -> list[tuple[str, str]]:
        return [(self.cleaned_data[f"text_{i}"], self.cleaned_data[f"measure_{i}"]) for i in range(MAX_LINES)]

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"text_{i}"], self[f"measure_{i}"]) for i in range(MAX_LINES)]
