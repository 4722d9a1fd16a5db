"""Masked change diffs: an auditor sees which fields changed, never the patient data itself."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime

MASK = "•••"


def mask(value: object) -> object:
    """Hide a protected value while keeping a hint that it was empty or not."""
    if value is None or value == "":
        return ""
    if isinstance(value, (date, datetime)):
        return MASK
    text = str(value)
    if len(text) <= 2:
        return MASK
    hinted = f"{text[0]}{MASK}"
    if text not in hinted:
        return hinted
    # Only a value made of the mask's own dots ("•••", "A••") shows through; hide it without them.
    return "*" * len(MASK)


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def diff(before: Mapping[str, object], after: Mapping[str, object], protected: Iterable[str]) -> dict:
    """Fields whose values differ, as {field: {"from": ..., "to": ...}}, protected ones masked."""
    protected = set(protected)
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        shown = mask if field in protected else _plain
        changes[field] = {"from": shown(old), "to": shown(new)}
    return changes
