"""Where a request came from, kept for the audit entries written while serving it."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""


current_origin: ContextVar[RequestOrigin] = ContextVar("audit_request_origin", default=RequestOrigin())  # noqa: B039 - frozen dataclass
