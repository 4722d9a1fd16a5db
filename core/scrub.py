"""Text that may leave the process (JSON log lines, Sentry events) without secrets or patient data.

``scrub_text`` is ``core.log_masking.mask_text`` (tokens in links, secret query parameters) plus what
turns up in exception messages: email addresses, and the values PostgreSQL quotes in an error's
detail (``Key (email)=(ana@example.com) already exists``). Pure: no Django, so gunicorn's master
process can use it.
"""

from __future__ import annotations

import re

from .log_masking import MASK, mask_text

_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# PostgreSQL's "DETAIL:  Key (practice_id, email)=(3, ana@example.com) already exists." and
# "Failing row contains (…)": the column names stay, the values go.
_KEY_VALUES = re.compile(r"(\([^()]*\)=)\((?:[^()]|\([^()]*\))*\)")
_FAILING_ROW = re.compile(r"(Failing row contains )\((?:[^()]|\([^()]*\))*\)")


def scrub_text(text: str) -> str:
    if not text:
        return text
    text = mask_text(text)
    text = _KEY_VALUES.sub(lambda match: f"{match.group(1)}({MASK})", text)
    text = _FAILING_ROW.sub(lambda match: f"{match.group(1)}({MASK})", text)
    return _EMAIL.sub("[email]", text)
