"""Log lines as JSON objects, one per line (``LOG_FORMAT=json``; docs/operations.md).

Every line carries ``time``, ``level``, ``logger``, ``message`` and ``request_id`` (``"-"`` outside a
request), plus the record's extra fields. Every string in the line (the message, the traceback,
the extras) goes through ``core.scrub.scrub_text``, so tokens in paths are masked exactly as in the
plain format and email addresses never reach the log. Extras that are not plain JSON values (Django
passes the ``request`` object itself with each "Not Found" line, and its text is the raw path) are
written as their type name only. No Django import: gunicorn's master uses this formatter too
(``core.gunicorn_logging``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from .scrub import scrub_text

FIELDS = ("asctime", "levelname", "name", "message", "request_id")
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}


def _json_safe(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return f"<{type(value).__name__}>"


class ScrubbedFormatter(logging.Formatter):
    """The plain format, with the whole line scrubbed: the traceback too (an exception's message may
    quote an email address or a database row), which ``MaskTokensFilter`` alone does not reach."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub_text(super().format(record))


class ScrubbedJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("rename_fields", RENAMED)
        super().__init__(list(FIELDS), *args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802  (logging's name)
        # ISO 8601 in UTC with milliseconds: sortable and unambiguous across hosts.
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        if log_data.get("request_id") is None:
            log_data["request_id"] = "-"
        return {key: _json_safe(value) for key, value in log_data.items()}


def configure(logging_config: dict[str, Any], log_format: str) -> dict[str, Any]:
    """``logging_config`` (a dictConfig) with the request id on every handler's records, the plain
    format scrubbed as a whole, and, when ``log_format`` is ``"json"``, every handler writing JSON
    lines. Used by the settings."""
    for formatter in logging_config.get("formatters", {}).values():
        if "()" not in formatter and "class" not in formatter:
            formatter["()"] = "core.json_logging.ScrubbedFormatter"
            formatter["fmt"] = formatter.pop("format", None)
    logging_config.setdefault("filters", {})["request_id"] = {"()": "core.request_id.RequestIdFilter"}
    logging_config.setdefault("formatters", {})["json"] = {"()": "core.json_logging.ScrubbedJsonFormatter"}
    for handler in logging_config.get("handlers", {}).values():
        if "request_id" not in handler.get("filters", []):
            handler["filters"] = [*handler.get("filters", []), "request_id"]
        if log_format == "json":
            handler["formatter"] = "json"
    # A failing health check is in /healthz's answer (and django.request logs a 503): no traceback for
    # each probe of the load balancer. Unexpected errors inside a check are still logged (ERROR).
    logging_config.setdefault("loggers", {}).setdefault("health_check", {"level": "ERROR"})
    if log_format == "json" and "console" in logging_config.get("handlers", {}):
        # The worker's own lines as JSON too: run_huey adds its plain handler only to a "huey" logger
        # that has none. At WARNING, as `run_huey --quiet` (scripts/entrypoint.sh) would.
        huey = {"handlers": ["console"], "level": "WARNING", "propagate": False}
        logging_config.setdefault("loggers", {})["huey"] = huey
    return logging_config
