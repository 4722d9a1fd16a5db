"""The practice's experience-toolkit settings and its next staff meeting."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from practices.models import Practice

from ..models import CxSettings


def cx_settings(*, practice: Practice) -> CxSettings:
    """The practice's settings; an unsaved default row until the practice saves its own."""
    found = CxSettings.objects.filter(practice=practice).first()
    return found if found is not None else CxSettings(practice=practice)


def next_meeting_date(*, settings: CxSettings, today: date) -> date:
    """The next meeting day on or after ``today``."""
    return today + timedelta(days=(settings.meeting_weekday - today.weekday()) % 7)


def meeting_start(*, settings: CxSettings, meeting_date: date, zone: str) -> datetime:
    """The meeting's start as an aware datetime in the practice's zone."""
    return datetime.combine(meeting_date, settings.meeting_time, tzinfo=ZoneInfo(zone))
