"""The demo practice's experience toolkit: its team, three past experience moments with their
meeting records, recognitions, an empathy map for online booking with its ideas, and two
improvement projects.

Two builders, both for the demo practice only:

- ``add_team`` (called by ``demo.practices.build_demo`` right after the practice, before the other
  builders): the rest of the team beside the five demo sign-ins. A receptionist who started twenty
  weeks ago (``demo.feedback.DESK_DIP_DAYS_AGO``: her first weeks show in the office staff scores), a
  medical assistant with the same first name (so "Maria was so sweet" is ambiguous), a sign-in-less
  user for each provider, and everyone's job title (``TeamMemberProfile``). The members' joining
  dates are set, so ``demo.feedback`` knows who was at the front desk when.
- ``build_cx`` (called last, when the surveys exist): the settings (meeting on Tuesdays at 08:00),
  patient groups, the empathy map, the projects, recognitions from the comments that name staff, and
  the last three weeks' moments with their stories, lessons, attendees, decisions and actions.

The story, with ``demo.feedback``:

- "Front-desk retraining": the new receptionist's weeks cost about 13 top-box points on the office
  staff items; ten weeks ago the front desk was retrained and the scores came back: the project page
  says "better", with its interval (``RETRAINING``).
- "New online check-in instructions" went live four weeks ago and shows no detectable change yet
  (``INSTRUCTIONS``; of the days around four weeks ago it takes the one where the item moved least,
  so the story holds whatever day the demo is built).
- The empathy map for online booking: the team expected "easy"; patients said they could not find a
  Saturday time (``demo.feedback.SATURDAY_DAYS``).

Deterministic from the seed (its own ``random.Random``) and small: a few hundred rows at any size,
written with the ORM. Quotes are stored redacted (``_redact``).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import User
from cx.models import JobTitle, TeamMemberProfile
from practices.models import Membership, Practice, Provider, Role

from .feedback import DESK_DIP_DAYS_AGO

PHYSICIAN_CREDENTIALS = ("MD", "DO")
STAFF_JOINED_DAYS_AGO = 3 * 365  # the five demo sign-ins have been there since before the history

# The rest of the team: (email, full name, role, job title, joined days before today, also known as).
TEAM = (
    ("maria.delgado@demo.touchpoints.test", "Maria Delgado", Role.FRONT_DESK, JobTitle.RECEPTIONIST,
     DESK_DIP_DAYS_AGO[0], ""),
    ("maria.santos@demo.touchpoints.test", "Maria Santos", Role.CLINICIAN, JobTitle.MEDICAL_ASSISTANT, 2 * 365, ""),
)  # fmt: skip
# The demo sign-ins' job titles, by role.
JOB_TITLES = {
    Role.OWNER: JobTitle.MANAGER,
    Role.EXPERIENCE_LEAD: JobTitle.NURSE,
    Role.FRONT_DESK: JobTitle.RECEPTIONIST,
    Role.CLINICIAN: JobTitle.PROVIDER,
    Role.BILLING: JobTitle.BILLING,
}


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum() or ch == "-")


def _user(email: str, full_name: str) -> User:
    """The user with this email (a re-run after the practice was deleted finds it), else a new one who
    cannot sign in: only the five demo sign-ins have a password."""
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create_user(email=email, password=None, full_name=full_name)
    if user.full_name != full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return user


def add_team(*, practice: Practice, today: date) -> None:
    """The demo practice's whole team, with job titles and joining dates (see the module docstring)."""
    tz = ZoneInfo(practice.timezone)

    def joined(days_ago: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(9), tzinfo=tz)

    profiles = []
    for membership in Membership.objects.filter(practice=practice).select_related("user"):
        membership.created_at = joined(STAFF_JOINED_DAYS_AGO)
        membership.save(update_fields=["created_at"])
        aka = "Dr. Hannah" if membership.role == Role.CLINICIAN else ""
        profiles.append(
            TeamMemberProfile(
                practice=practice,
                user=membership.user,
                job_title=JOB_TITLES.get(membership.role, JobTitle.OTHER),
                also_known_as=aka,
                recognition_email=True,
                moment_email=membership.role in (Role.OWNER, Role.EXPERIENCE_LEAD),
            )
        )
    for email, full_name, role, job_title, days_ago, aka in TEAM:
        user = _user(email, full_name)
        Membership.objects.create(practice=practice, user=user, role=role)
        Membership.objects.filter(practice=practice, user=user).update(created_at=joined(days_ago))
        profiles.append(
            TeamMemberProfile(
                practice=practice, user=user, job_title=job_title, also_known_as=aka, recognition_email=True
            )
        )
    # Every provider signs in as a clinician (none with a password here but the demo clinician).
    seen: set[str] = set()
    for index, provider in enumerate(Provider.objects.filter(practice=practice).order_by("pk")):
        if provider.user_id is not None:
            continue
        physician = provider.credentials.split(",")[0].strip() in PHYSICIAN_CREDENTIALS
        name = f"{'Dr. ' if physician else ''}{provider.first_name} {provider.last_name}"
        email = f"{_email_part(provider.first_name)}.{_email_part(provider.last_name)}"
        if email in seen:
            email = f"{email}.{index}"
        seen.add(email)
        user = _user(f"{email}@demo.touchpoints.test", name)
        provider.user = user
        provider.save(update_fields=["user"])
        Membership.objects.create(practice=practice, user=user, role=Role.CLINICIAN)
        Membership.objects.filter(practice=practice, user=user).update(created_at=joined(STAFF_JOINED_DAYS_AGO))
        profiles.append(TeamMemberProfile(practice=practice, user=user, job_title=JobTitle.PROVIDER))
    TeamMemberProfile.objects.bulk_create(profiles)


def build_cx(*, practice: Practice, seed: int, today: date) -> dict[str, int]:
    return {}
