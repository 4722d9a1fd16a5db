"""The patient's survey form: reading answers out of a POST, and each question laid out for display.

The survey page is built from the version's questions (data), so there is no fixed Django form;
``responses.save_answers`` is the one place that validates a value against its question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Question, QuestionKind

FIELD_PREFIX = "q-"


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


def answers_from_post(post: Mapping) -> dict:
    """{question id: raw value} for every ``q-<id>`` field sent; a malformed id stays a string key
    (``save_answers`` refuses it as a question that is not in the survey)."""
    answers: dict = {}
    for key in post:
        if not key.startswith(FIELD_PREFIX):
            continue
        suffix = key[len(FIELD_PREFIX) :]
        values = post.getlist(key) if hasattr(post, "getlist") else [post[key]]
        value = values[-1] if values else ""
        answers[int(suffix) if suffix.isdigit() and len(suffix) < 12 else key] = value
    return answers


@dataclass
class Item:
    """One question as the page shows it (texts already in the page's language)."""

    question: Question
    number: int
    name: str
    dom_id: str
    kind: str
    text: str
    options: list[tuple[int, str]]
    low: str
    high: str
    saved: int | str | None
    error: str
    required: bool

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT

    @property
    def is_row(self) -> bool:
        """Numbered answers laid out side by side (0–10, 1–5)."""
        return self.kind in (QuestionKind.RATING, QuestionKind.RECOMMEND, QuestionKind.EASE)


def _options(kind: str) -> tuple[list[tuple[int, str]], str, str]:
    """(choices, label of the low end, label of the high end), in the active language."""
    if kind == QuestionKind.FREQUENCY:
        return [(1, _("Never")), (2, _("Sometimes")), (3, _("Usually")), (4, _("Always"))], "", ""
    if kind == QuestionKind.YES_NO:
        return [(1, _("Yes")), (0, _("No"))], "", ""
    if kind == QuestionKind.EASE:
        return [(n, str(n)) for n in range(1, 6)], _("1 = very hard"), _("5 = very easy")
    if kind == QuestionKind.RECOMMEND:
        return [(n, str(n)) for n in range(11)], _("0 = not at all likely"), _("10 = extremely likely")
    if kind == QuestionKind.RATING:
        return [(n, str(n)) for n in range(11)], _("0 = worst"), _("10 = best")
    return [], "", ""


def question_items(
    questions: list[Question],
    language: str,
    *,
    saved: Mapping | None = None,
    errors: Mapping | None = None,
    id_prefix: str = "",
) -> list[Item]:
    """Call inside ``translation.override(language)`` so the answer labels match the question texts."""
    saved, errors = saved or {}, errors or {}
    items = []
    for number, question in enumerate(questions, start=1):
        options, low, high = _options(question.kind)
        items.append(
            Item(
                question=question,
                number=number,
                name=field_name(question),
                dom_id=f"{id_prefix}q{question.pk}",
                kind=question.kind,
                text=question.text(language),
                options=options,
                low=low,
                high=high,
                saved=saved.get(question.pk),
                error=str(errors.get(question.pk, "")),
                required=question.required,
            )
        )
    return items
