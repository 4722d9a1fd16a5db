"""Writes for "using our systems well": replace one role's checklist, audited.

Until an editor first saves a checklist the practice reads the defaults (``cx/systems_measures.py``);
the first save writes every role's default lines and then the edited role's, so a role emptied on
purpose stays empty. Refusals are ``SystemsRefused`` and change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from audit.models import Action as AuditAction
from practices.models import Practice

from .. import systems_measures as sm
from ..models import JobTitle, SystemsPractice

MAX_LINES = 8
TEXT_MAX = 200


class SystemsRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _checked(job_title: str, lines: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    if job_title not in JobTitle.values:
        raise SystemsRefused(_("Choose a role from the list."))
    kept = []
    for text, measure in lines:
        text = " ".join(text.split())
        if not text:
            if measure:
                raise SystemsRefused(_("A tracked line needs its text."))
            continue
        if len(text) > TEXT_MAX:
            raise SystemsRefused(_("Keep each line under %(n)s characters.") % {"n": TEXT_MAX})
        if measure and measure not in sm.MEASURES:
            raise SystemsRefused(_("Choose how a line is tracked from the list."))
        kept.append((text, measure))
    if len(kept) > MAX_LINES:
        raise SystemsRefused(_("Keep the checklist to %(n)s lines at most.") % {"n": MAX_LINES})
    return kept


def save_role_lines(
    *, practice: Practice, actor_user: User, job_title: str, lines: Sequence[tuple[str, str]]
) -> list[SystemsPractice]:
    """Replace the role's checklist with ``lines`` ((text, measure code or ""), in order; empty texts
    are dropped)."""
    kept = _checked(job_title, lines)
    with transaction.atomic():
        existing = SystemsPractice.objects.select_for_update().filter(practice=practice)
        if not existing.exists():
            SystemsPractice.objects.bulk_create(
                [
                    SystemsPractice(practice=practice, job_title=role, text=text, measure=code, position=i)
                    for role, defaults in sm.DEFAULTS.items()
                    if role != job_title
                    for i, (text, code) in enumerate(defaults)
                ]
            )
        before = list(
            SystemsPractice.objects.filter(practice=practice, job_title=job_title)
            .order_by("position", "pk")
            .values_list("text", "measure")
        )
        SystemsPractice.objects.filter(practice=practice, job_title=job_title).delete()
        saved = SystemsPractice.objects.bulk_create(
            [
                SystemsPractice(practice=practice, job_title=job_title, text=text, measure=measure, position=i)
                for i, (text, measure) in enumerate(kept)
            ]
        )
        audit.record(
            practice=practice,
            action=AuditAction.UPDATE,
            target=SystemsPractice,
            actor_user=actor_user,
            summary=f"systems checklist of {job_title}",
            changes={"lines": {"from": len(before), "to": len(kept)}},
        )
    return saved
