"""Message text from a template with a fixed set of variables, none of them clinical.

Templates write ``{{ date }}``; only the names in ``VARIABLES`` exist, so a template can never
reach a visit reason, a note or anything else about the patient's health. Anything else in
braces is refused when a template is saved (``template_errors``) and left out when rendering.

``render`` looks a practice's own wording up per call; code that renders many messages at once
(the reminder scheduler) loads every template once with ``TemplateBook`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import dateformat, formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from practices.models import Practice

from .defaults import DEFAULTS
from .models import Channel, MessageTemplate

VARIABLES = {
    "practice": _("the practice's name"),
    "date": _("the visit's date, e.g. Tuesday, March 3"),
    "time": _("the visit's time, e.g. 10:30 AM"),
    "phone": _("the practice's phone number"),
    "link": _("the patient's personal link (confirm, reschedule, book)"),
    "minutes": _("minutes: how late (running-late notices) or how long a waitlist offer stays open"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
SMS_MAX_LENGTH = 480  # three SMS segments
SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 2000

# How dates read in each language ("Tuesday, March 3" / "martes 3 de marzo"); times are written the one way of
# each language (TIME_FORMAT in config/formats/<language>/formats.py: "10:30 AM" / "10:30").
DATE_FORMATS = {"en": "l, F j", "es": r"l j \d\e F"}


def unknown_variables(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in VARIABLES})


def stray_braces(text: str) -> bool:
    """Whether ``text`` has "{{" or "}}" that are not part of a well-formed ``{{ name }}``."""
    rest = PLACEHOLDER.sub("", text)
    return "{{" in rest or "}}" in rest or "{%" in rest or "%}" in rest


def fill(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each known variable replaced; anything else in braces (even if ``values`` has it) is left out."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")) if m.group(1) in VARIABLES else "", text)


def format_visit(moment: datetime, zone: str, language: str) -> dict[str, str]:
    """The visit's ``date`` and ``time`` as the patient reads them, in the location's time zone."""
    local = moment.astimezone(ZoneInfo(zone))
    language = language if language in DATE_FORMATS else "en"
    with translation.override(language):
        day = dateformat.format(local, DATE_FORMATS[language])
        return {
            # Spanish writes day and month names in lower case ("martes 5 de marzo").
            "date": day.lower() if language == "es" else day,
            "time": formats.time_format(local),
        }


def sample_values(practice: Practice, language: str) -> dict[str, str]:
    """Realistic values for a preview (and for measuring an SMS's length)."""
    from datetime import UTC

    moment = datetime(2030, 3, 5, 16, 30, tzinfo=UTC)
    return {
        "practice": practice.name,
        "phone": practice.phone or "(512) 555-0100",
        **format_visit(moment, practice.timezone, language),
        "link": f"https://touchpoints.example/p/{practice.slug}/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/",
        "minutes": "20",
    }


def template_errors(
    *, practice: Practice, channel: str, language: str, subject: str, body: str
) -> dict[str, list[str]]:
    """What is wrong with a template a member of staff wrote: {"subject": [...], "body": [...]}; empty when fine."""
    allowed = ", ".join(f"{{{{ {name} }}}}" for name in VARIABLES)
    errors: dict[str, list[str]] = {}
    for field, text in (("subject", subject), ("body", body)):
        problems = []
        unknown = unknown_variables(text)
        if unknown:
            problems.append(
                ngettext(
                    "%(names)s is not a variable you can use. Use only: %(allowed)s.",
                    "%(names)s are not variables you can use. Use only: %(allowed)s.",
                    len(unknown),
                )
                % {"names": ", ".join(f"{{{{ {name} }}}}" for name in unknown), "allowed": allowed}
            )
        if stray_braces(text):
            problems.append(
                str(_("Write variables exactly like {{ date }}: two braces on each side, nothing else inside."))
            )
        if problems:
            errors[field] = problems
    if channel == Channel.SMS:
        length = len(fill(body, sample_values(practice, language)).strip())
        if length > SMS_MAX_LENGTH:
            errors.setdefault("body", []).append(
                str(
                    _(
                        "This text message would be about %(length)s characters with a real date and link; "
                        "the limit is %(limit)s. Please shorten it."
                    )
                )
                % {"length": length, "limit": SMS_MAX_LENGTH}
            )
    elif channel == Channel.EMAIL and not subject.strip():
        errors.setdefault("subject", []).append(str(_("An email needs a subject.")))
    if not body.strip():
        errors.setdefault("body", []).append(str(_("The message cannot be empty.")))
    return errors


def default_template(kind: str, channel: str, language: str) -> tuple[str, str] | None:
    """The shipped wording, or None when this kind is not sent on this channel."""
    return DEFAULTS.get((kind, channel, language)) or DEFAULTS.get((kind, channel, "en"))


def template_for(practice: Practice, kind: str, channel: str, language: str) -> tuple[str, str]:
    """(subject, body) as the practice wrote it, else the shipped default for that language, else English."""
    own = (
        MessageTemplate.objects.filter(practice=practice, kind=kind, channel=channel, language=language)
        .values_list("subject", "body")
        .first()
    )
    if own:
        return own
    return DEFAULTS.get((kind, channel, language)) or DEFAULTS[(kind, channel, "en")]


def _finish(practice: Practice, channel: str, subject: str, body: str, values: Mapping[str, object]) -> tuple[str, str]:
    values = {"practice": practice.name, "phone": practice.phone, **values}
    return ("" if channel == Channel.SMS else " ".join(fill(subject, values).split())), fill(body, values).strip()


def render(practice: Practice, kind: str, channel: str, language: str, values: Mapping[str, object]) -> tuple[str, str]:
    """The message's (subject, body); SMS bodies have no subject."""
    subject, body = template_for(practice, kind, channel, language)
    return _finish(practice, channel, subject, body, values)


class TemplateBook:
    """Every practice's own templates, loaded in one query, for rendering many messages at once."""

    def __init__(self, practice_ids: Iterable[int], kinds: Iterable[str] | None = None) -> None:
        rows = MessageTemplate.objects.filter(practice_id__in=list(practice_ids))
        if kinds is not None:
            rows = rows.filter(kind__in=list(kinds))
        self._own = {
            (row.practice_id, row.kind, row.channel, row.language): (row.subject, row.body)
            for row in rows.only("practice_id", "kind", "channel", "language", "subject", "body")
        }

    def template(self, practice: Practice, kind: str, channel: str, language: str) -> tuple[str, str]:
        own = self._own.get((practice.pk, kind, channel, language))
        if own:
            return own
        return DEFAULTS.get((kind, channel, language)) or DEFAULTS[(kind, channel, "en")]

    def render(
        self, practice: Practice, kind: str, channel: str, language: str, values: Mapping[str, object]
    ) -> tuple[str, str]:
        subject, body = self.template(practice, kind, channel, language)
        return _finish(practice, channel, subject, body, values)
