"""Inbox template tags for pages other apps own: the open-conversation count (navigation) and what
the signed-in member may do with messages (the patient page's Messages section)."""

from django import template

from ..selectors import inbox as inbox_selectors
from ..views.inbox import EDITORS, HISTORY_VIEWERS, VIEWERS

register = template.Library()


def _role(context) -> str | None:
    membership = getattr(context.get("request"), "membership", None)
    return getattr(membership, "role", None)


@register.simple_tag(takes_context=True)
def inbox_access(context) -> dict:
    """{"inbox": may read the inbox, "history": may see a patient's messages, "edit": may reply and act}."""
    role = _role(context)
    return {"inbox": role in VIEWERS, "history": role in HISTORY_VIEWERS, "edit": role in EDITORS}


@register.simple_tag(takes_context=True)
def open_conversations(context) -> int | None:
    """How many conversations wait for an answer, or None when the member may not read the inbox."""
    request = context.get("request")
    practice = getattr(request, "practice", None)
    if practice is None or _role(context) not in VIEWERS:
        return None
    return inbox_selectors.open_conversation_count(practice=practice)
