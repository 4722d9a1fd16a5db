"""Receivers of the experience toolkit's signals: they queue background work with ids only."""

from __future__ import annotations

import logging
from typing import Any

from . import tasks


def queue_recognition_email(sender: object, *, recognition_id: int, **kwargs: Any) -> None:
    try:
        tasks.email_recognition.enqueue(recognition_id)
    except Exception:
        # The confirmation has committed; a failed enqueue must not turn it into an error page.
        logging.getLogger(__name__).exception("could not enqueue the email of recognition %s", recognition_id)
