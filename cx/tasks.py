"""Background work of the experience toolkit. Task arguments are ids or nothing, never a patient's words.
Periodic jobs take no arguments; they call plain service functions, which the tests call directly."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

SCAN_DAYS = 8


@task
def email_recognition(recognition_id: int) -> bool:
    """Tell the person a patient's thanks was confirmed; sends once however often it runs."""
    from .services.recognition import send_recognition_email

    return send_recognition_email(recognition_id=recognition_id)


@db_periodic_task(crontab(minute="20", hour="10"))
def find_recognitions_daily() -> int:
    """Daily: scan the last eight days of praise in every practice (safe to repeat: one row per mention)."""
    from practices.models import Practice

    from .services.recognition import find_recognitions

    until = timezone.now()
    found = 0
    for practice in Practice.objects.order_by("pk"):
        found += find_recognitions(practice=practice, since=until - timedelta(days=SCAN_DAYS), until=until)
    return found


@db_periodic_task(crontab(minute="*/15"))
def send_moment_emails_every_fifteen_minutes() -> int:
    """On meeting days past 07:00 local time, email the moment to the team members who opted in (once
    each); the day before, prepare the draft if nobody has."""
    from .services.moments import send_moment_emails

    return send_moment_emails(now=timezone.now())


@db_periodic_task(crontab(minute="35"))
def detect_changes_hourly() -> int:
    """Hourly: each practice's new journey events and newly passed lapse days become change signals
    (incremental from the practice's cursor; a rerun adds nothing)."""
    from practices.models import Practice

    from .services.signal_detection import detect_changes

    now = timezone.now()
    return sum(detect_changes(practice, now=now) for practice in Practice.objects.order_by("pk"))


@db_periodic_task(crontab(minute="40", hour="3"))
def purge_expired_candidates_daily() -> int:
    """Daily: delete candidates (and their scores) interviewed longer ago than each practice's retention
    setting. Safe to repeat: a second run finds nothing to delete."""
    from .services.hiring import purge_all_expired_candidates

    return purge_all_expired_candidates(now=timezone.now())
