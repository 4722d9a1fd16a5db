"""The journey event log. Touch points call ``journey.record(...)``; insights read the log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import JourneyEvent


def record(**kwargs: Any) -> JourneyEvent:
    """``journey.services.record`` (keyword arguments only), imported when first used."""
    from .services import record as _record

    return _record(**kwargs)
