"""Secrets out of logs: every link of the project that carries a token is logged with the token masked.

Sign-in, manage, booking-confirmation, visit, reminder-answer, survey and waitlist-offer links, the
kiosk / QR key and staff password-reset links put a secret in the path; whoever reads an access log
must not be able to use them. ``mask_text`` masks them wherever they appear in a line (a request line,
a bare path, a Referer, a query-string value such as ``?next=...``). Pure: no Django, so gunicorn's
logger (``core.gunicorn_logging``) and Django's logging filter (``MaskTokensFilter``, in settings)
share it. ``core/tests/test_log_masking.py`` walks every URL pattern with a token and checks it here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from urllib.parse import quote, unquote_plus

MASK = "[masked]"

_SEGMENT = r"[^/?#\s\"']+"
# The tokenised paths of the urls*.py files: the segment(s) after these prefixes are secrets.
_TOKENISED_PATHS = (
    # p/<slug>/sign-in/<token>/, book/done/<token>/, book/confirm/<token>/, manage/<token>/…,
    # visit/<token>/…, arrive/<key>/…,
    # s/<token>/… (survey), r/<token>/… (reminder answer), offer/<token>/ (waitlist offer)
    re.compile(rf"(/p/{_SEGMENT}/(?:sign-in|book/done|book/confirm|manage|visit|arrive|s|r|offer)/){_SEGMENT}"),
    # accounts/password/reset/<uidb64>/<token>/ (and Django's "set-password" step after it)
    re.compile(rf"(/accounts/password/reset/){_SEGMENT}/{_SEGMENT}"),
)
# Anything else that looks like a value signed by django.core.signing (payload:timestamp:signature),
# so a new kind of link is masked even before it is added above.
_SIGNED_SEGMENT = re.compile(r"(?<=/)\.?[\w\-]{4,}(?::|%3a)[\w\-]{4,}(?:(?::|%3a)[\w\-]+)*", re.IGNORECASE)
# Query-string parameters whose value is always a secret.
SECRET_PARAMETERS = frozenset({"token", "key", "code", "sig", "signature", "uidb64", "password", "secret"})
_QUERY = re.compile(r"\?([^\s#\"']*)")


def _mask_paths(text: str) -> str:
    for pattern in _TOKENISED_PATHS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return _SIGNED_SEGMENT.sub(MASK, text)


def mask_query(query: str) -> str:
    """A raw query string (without "?") with secret parameters and tokenised links in values masked."""
    if not query:
        return query
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if not equals:
            parts.append(_mask_paths(part))
            continue
        if unquote_plus(name).strip().lower() in SECRET_PARAMETERS:
            parts.append(f"{name}={MASK}")
            continue
        decoded = unquote_plus(value)
        masked = _mask_paths(decoded)
        parts.append(f"{name}={quote(masked, safe='/[]') if masked != decoded else value}")
    return "&".join(parts)


def mask_text(text: str) -> str:
    """``text`` (a request line, a path, a URL, a log message) with every token masked."""
    if not text:
        return text
    text = _QUERY.sub(lambda match: "?" + mask_query(match.group(1)), text)
    return _mask_paths(text)


def _mask_value(value):
    return mask_text(value) if isinstance(value, str) else value


class MaskTokensFilter(logging.Filter):
    """A logging filter that masks tokens in the message and its arguments (Django's request logging
    writes the path: "Not Found: /p/…/manage/<token>/", and runserver the request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _mask_value(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: _mask_value(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_mask_value(value) for value in record.args)
        return True
