"""What the survey editor's page posts, for the editor tests (no tests here)."""

from typing import Any

from feedback.models import Survey
from feedback.services import surveys


def formset_data(survey: Survey, *, action: str = "save", change: dict[int, dict[str, Any]] | None = None) -> dict:
    """The editor's question formset for the survey's current version, as the page posts it, with
    ``change`` = {question index: {field: new value}} applied; ``action`` is the button pressed."""
    data = surveys.questions_data(surveys.current_version(survey))
    post = {"q-TOTAL_FORMS": str(len(data)), "q-INITIAL_FORMS": str(len(data)), "action": action}
    for i, original in enumerate(data):
        question: dict[str, Any] = {**original, **((change or {}).get(i, {}))}
        for field, value in question.items():
            if field == "required":
                if value:
                    post[f"q-{i}-required"] = "on"
            else:
                post[f"q-{i}-{field}"] = value
    return post
