"""Strategy: goals with their intended experiences and measures, judged on or off track."""

from __future__ import annotations

from datetime import date

from practices.models import Practice

from ..models import Goal


def goals_off_track(practice: Practice, *, today: date) -> list[Goal]:
    """Active goals with at least one measure off track against noise (the governance agenda's list).

    Placeholder during the lead's merge: the strategy area implements it."""
    return []
