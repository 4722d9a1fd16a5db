"""Message text from a template with a fixed set of variables, none of them clinical.

Templates write ``{{ date }}``; only the names in ``VARIABLES`` exist, so a template can never
reach a visit reason, a note or anything else about the patient's health. Anything else in
braces is refused when a template is saved (``unknown_variables``) and left out when rendering.
"""

import re

from django.utils.translation import gettext_lazy as _

from .defaults import DEFAULTS
from .models import Channel, MessageTemplate

VARIABLES = {
    "practice": _("the practice's name"),
    "date": _("the visit's date, e.g. Tuesday, March 3"),
    "time": _("the visit's time, e.g. 10:30 AM"),
    "phone": _("the practice's phone number"),
    "link": _("the patient's personal link (confirm, reschedule, book)"),
    "minutes": _("how many minutes late (running-late notices)"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
SMS_MAX_LENGTH = 480  # three SMS segments


def unknown_variables(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in VARIABLES})


def fill(text: str, values: dict) -> str:
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)


def template_for(practice, kind: str, channel: str, language: str) -> tuple[str, str]:
    """(subject, body) as the practice wrote it, else the shipped default for that language, else English."""
    own = (
        MessageTemplate.objects.filter(practice=practice, kind=kind, channel=channel, language=language)
        .values_list("subject", "body")
        .first()
    )
    if own:
        return own
    return DEFAULTS.get((kind, channel, language)) or DEFAULTS[(kind, channel, "en")]


def render(practice, kind: str, channel: str, language: str, values: dict) -> tuple[str, str]:
    """The message's (subject, body); SMS bodies have no subject."""
    subject, body = template_for(practice, kind, channel, language)
    values = {"practice": practice.name, "phone": practice.phone, **values}
    return ("" if channel == Channel.SMS else fill(subject, values)), fill(body, values).strip()
