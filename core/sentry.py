"""Optional error reporting to Sentry, with patient data scrubbed before anything leaves the process.

Off unless ``SENTRY_DSN`` is set (settings call ``init_sentry``). Nothing personal is collected
(``data_collection``, sentry-sdk's successor of ``send_default_pii=False``), local variables and
request bodies are never captured, and ``scrub_event`` (``before_send`` and
``before_send_transaction``) removes what an integration may still attach: the request's body,
cookies, query string, headers beyond a harmless few and environment; the user; every frame's local
variables; and in every remaining string (exception messages, log messages and their arguments,
breadcrumbs, URLs, the transaction name) tokens are masked and email addresses and PostgreSQL's
quoted values removed (``core.scrub``). ``scrub_breadcrumb`` does the same for breadcrumbs as they are
recorded, dropping SQL parameters and HTTP query strings. Each event is tagged with the request id
(``core.request_id``) so it can be found in the logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .request_id import NO_REQUEST, current_request_id
from .scrub import scrub_text

if TYPE_CHECKING:
    from sentry_sdk._types import DataCollectionUserOptions

# Request headers that say nothing about the patient and help to reproduce an error.
SAFE_HEADERS = frozenset({"accept", "accept-language", "content-length", "content-type", "host", "user-agent"})
# Breadcrumb data keys that carry values (SQL parameters, query strings, fragments, bodies).
_VALUE_KEYS = frozenset({"db.params", "params", "http.query", "http.fragment", "query", "body", "data"})


DATA_COLLECTION: DataCollectionUserOptions = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
    "gen_ai": {"inputs": False, "outputs": False},
    "graphql": {"document": False, "variables": False},
}


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _drop_frame_variables(container: dict | None) -> None:
    for item in (container or {}).get("values") or []:
        for frame in (item.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def _scrub_request(request: dict) -> dict:
    kept: dict[str, Any] = {key: request[key] for key in ("method", "url") if key in request}
    headers = request.get("headers") or {}
    if isinstance(headers, dict):
        kept["headers"] = {name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS}
    return kept


def scrub_breadcrumb(crumb: dict, hint: Any = None) -> dict:
    data = crumb.get("data")
    if isinstance(data, dict):
        crumb["data"] = {key: value for key, value in data.items() if key not in _VALUE_KEYS}
    return _scrub(crumb)


def scrub_event(event: dict, hint: Any = None) -> dict:
    event.pop("user", None)
    if isinstance(event.get("request"), dict):
        event["request"] = _scrub_request(event["request"])
    _drop_frame_variables(event.get("exception"))
    _drop_frame_variables(event.get("threads"))
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [scrub_breadcrumb(crumb) for crumb in breadcrumbs.get("values") or []]
    for span in event.get("spans") or []:
        if isinstance(span.get("data"), dict):
            span["data"] = {key: value for key, value in span["data"].items() if key not in _VALUE_KEYS}
    request_id = current_request_id()
    if request_id != NO_REQUEST:
        event.setdefault("tags", {})["request_id"] = request_id
    return _scrub(event)


def init_sentry(
    *, dsn: str, environment: str = "", release: str = "", traces_sample_rate: float = 0.0, transport: Any = None
) -> None:
    """``transport``: where events go instead of Sentry's servers (the tests pass a list's append)."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        # sentry-sdk 2.75 replaces send_default_pii (deprecated) with data_collection: here everything
        # personal is off, as send_default_pii=False meant, and stricter (no bodies, no query strings).
        data_collection=DATA_COLLECTION,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,  # type: ignore[arg-type]  # sentry's Event is a TypedDict over the same dict
        before_send_transaction=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=traces_sample_rate,
        transport=transport,
    )
