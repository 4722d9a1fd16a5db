"""Frontdesk's answers to messaging's signals, connected in ``apps.FrontdeskConfig.ready``."""

from __future__ import annotations

from datetime import datetime

from scheduling.models import Appointment

from . import checkin_links
from .services import checkin


def answer_page_check_in(
    sender: object, *, appointment: Appointment, now: datetime, **kwargs: object
) -> dict[str, object]:
    """``messaging.signals.answer_page``: the reminder's answer page leads on to online check-in once
    its window is open (or to the check-in done)."""
    state = checkin.check_in_state(appointment, now)
    return {
        "check_in_state": state,
        "visit_url": checkin_links.visit_path(appointment) if state in (checkin.OPEN, checkin.DONE) else None,
    }
