"""Front-desk template tags for pages other apps own: how many online booking requests wait (for the
dashboard)."""

from django import template
from django.template import Context

from ..selectors import front_desk as front_desk_selectors
from ..views.front_desk import VIEWERS

register = template.Library()


def _role(context: Context) -> str | None:
    membership = getattr(context.get("request"), "membership", None)
    return getattr(membership, "role", None)


@register.simple_tag(takes_context=True)
def booking_requests_waiting(context: Context) -> int | None:
    """The number of open booking requests of the practice, or None when the member may not see them."""
    request = context.get("request")
    practice = getattr(request, "practice", None)
    if practice is None or _role(context) not in VIEWERS:
        return None
    return front_desk_selectors.open_booking_request_count(practice=practice)
