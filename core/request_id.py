"""One id per request, on the response (``X-Request-ID``) and on every log line written while it runs.

A proxy in front may send its own id (nginx ``$request_id``, a load balancer's trace id): a sane one
(letters, digits, ``-``, ``_``, ``.``, ``:``; at most 128 characters) is kept so the proxy's log and
ours can be joined; anything else is replaced by a fresh random id. The id lives in a context
variable, so ``RequestIdFilter`` (a logging filter, in settings) can put it on every record, also on
records written by code that never sees the request, and on Django's own "Not Found: …" lines,
which ``BaseHandler.get_response`` writes after every middleware has returned: the id is therefore
forgotten when the request finishes (``request_finished``), not when the middleware returns.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
NO_REQUEST = "-"
_SANE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")

_current: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request this code runs for, or ``"-"`` outside a request (worker, commands)."""
    return _current.get()


def request_id_from(incoming: str | None) -> str:
    """The incoming id when it is sane, else a new one."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def forget_request_id(**kwargs) -> None:
    # gunicorn's threads serve one request after another: never leave an id behind for the next.
    _current.set(NO_REQUEST)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(forget_request_id, dispatch_uid="core.request_id.forget_request_id")

    def __call__(self, request):
        request_id = request_id_from(request.META.get(META_KEY))
        request.request_id = request_id
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``"-"`` outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
