"""gunicorn's access log without secrets: ``--logger-class core.gunicorn_logging.TokenMaskingLogger``
(see the Procfile and docs/operations.md). Every value the access-log format can print (the request
line, the path, the query string, the Referer, any header or environ variable) has its tokens masked
by ``core.log_masking``. Imported by gunicorn's master process: no Django import here."""

from __future__ import annotations

from gunicorn.glogging import Logger

from .log_masking import mask_query, mask_text

_RAW_QUERY_ATOMS = frozenset({"q", "{query_string}e"})


class TokenMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str):
                atoms[name] = mask_query(value) if name in _RAW_QUERY_ATOMS else mask_text(value)
        return atoms
