"""The overdue service-recovery notice for the staff home page: ``{% load recovery %}{% recovery_overdue_notice %}``."""

from django import template
from django.utils import timezone

from practices.models import Role

from ..selectors import recovery as recovery_selectors

register = template.Library()

NOTICE_ROLES = frozenset({Role.OWNER, Role.EXPERIENCE_LEAD})


@register.inclusion_tag("feedback/listening/_overdue_notice.html", takes_context=True)
def recovery_overdue_notice(context) -> dict:
    """How many open cases of the practice are past due, for owners and experience leads (0 otherwise)."""
    request = context.get("request")
    practice = getattr(request, "practice", None)
    membership = getattr(request, "membership", None)
    if practice is None or getattr(membership, "role", None) not in NOTICE_ROLES:
        return {"overdue": 0}
    return {
        "overdue": recovery_selectors.overdue_case_count(practice=practice, now=timezone.now()),
        "practice": practice,
    }
