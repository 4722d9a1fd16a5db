"""gunicorn's access log without secrets: ``--logger-class core.gunicorn_logging.TokenMaskingLogger``
(see the Procfile and docs/operations.md). Every value the access-log format can print (the request
line, the path, the query string, the Referer, any header or environ variable) has its tokens masked
by ``core.log_masking``. Imported by gunicorn's master process: no Django import here.

Each access line also carries the request id that ``core.request_id`` put on the response
(``X-Request-ID``): appended to gunicorn's default format, and available to a custom
``--access-logformat`` as ``%(request_id)s``. With ``LOG_FORMAT=json`` gunicorn's own lines (access
and error) are JSON objects like Django's (``core.json_logging``), the access line with its fields
(method, path, status, duration, bytes, request id) as keys.
"""

from __future__ import annotations

import os

from gunicorn.config import AccessLogFormat
from gunicorn.glogging import Logger

from .json_logging import ScrubbedJsonFormatter
from .log_masking import mask_query, mask_text

_RAW_QUERY_ATOMS = frozenset({"q", "{query_string}e"})
_REQUEST_ID_ATOM = "{x-request-id}o"


def json_logs_requested() -> bool:
    return os.environ.get("LOG_FORMAT", "").strip().lower() == "json"


class TokenMaskingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        if json_logs_requested():
            formatter = ScrubbedJsonFormatter()
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    if getattr(handler, "_gunicorn", False):
                        handler.setFormatter(formatter)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str):
                atoms[name] = mask_query(value) if name in _RAW_QUERY_ATOMS else mask_text(value)
        atoms["request_id"] = atoms.get(_REQUEST_ID_ATOM) or "-"
        return atoms

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        log_format = self.cfg.access_log_format
        if log_format == AccessLogFormat.default:
            log_format += " %(request_id)s"
        extra = {"request_id": atoms["request_id"]}
        if json_logs_requested():
            extra |= {
                "method": atoms["m"],
                "path": atoms["U"],
                "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
                "duration_ms": atoms["M"],
                "bytes": atoms["B"],
                "remote_addr": atoms["h"],
            }
        try:
            self.access_log.info(log_format, self.atoms_wrapper_class(atoms), extra=extra)
        except Exception:  # noqa: BLE001  (as gunicorn's own access(): a log line must never fail a request)
            self.exception("Could not write the access log line")
