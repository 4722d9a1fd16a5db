"""SMS backends: where a text message goes. Pick one with ``SMS_BACKEND`` (console | file | http, or
a dotted path to a class).

Every backend has ``send(message) -> provider_message_id`` and is keyed by the outbox row's id,
so a send retried after a crash is the same message to the backend:

- ``ConsoleBackend`` prints each text readably (the demo). Not idempotent: a retry prints again.
- ``FileBackend`` writes ``msg-<id>.json`` in ``SMS_FILE_PATH`` with ``O_EXCL``; an existing file
  means "already delivered" and nothing is written twice (tests, the benchmark).
- ``HttpProviderBackend`` POSTs JSON to ``SMS_PROVIDER_URL`` with ``Idempotency-Key: msg-<id>``;
  the provider answers a repeated key with the first answer and sends nothing new.

The request and webhook formats are in docs/messaging.md.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib import error as urlerror
from urllib import request as urlrequest

from django.conf import settings
from django.utils.module_loading import import_string


class SendError(Exception):
    """A send that did not go out. ``code`` is short and carries no message text or address."""

    permanent = False

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code[:40]


class PermanentSendError(SendError):
    """The provider refused the message for good (e.g. an invalid number): no retry."""

    permanent = True


@dataclass(frozen=True)
class OutgoingSms:
    """What a backend needs to send one text: never more than the outbox row already holds."""

    message_id: int
    to: str
    sender: str
    body: str

    @property
    def reference(self) -> str:
        return reference_for(self.message_id)


def reference_for(message_id: int) -> str:
    """The idempotency key and client reference of an outbox row: ``msg-<id>``."""
    return f"msg-{message_id}"


class BaseSmsBackend:
    #: True when sending the same message id twice delivers it once (file, HTTP provider).
    idempotent = False

    def send(self, message: OutgoingSms) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        """Release connections; called once after each batch."""


class ConsoleBackend(BaseSmsBackend):
    """The demo's texts, printed as a person would read them."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, message: OutgoingSms) -> str:
        text = "\n".join(
            [
                "-" * 72,
                f"Text message to {message.to} from {message.sender or '(practice)'}",
                "",
                message.body,
                "-" * 72,
            ]
        )
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()
        return f"console-{message.reference}"


class FileBackend(BaseSmsBackend):
    """One JSON file per message id; a file that exists already means the message went out."""

    idempotent = True

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path or settings.SMS_FILE_PATH)
        self.path.mkdir(parents=True, exist_ok=True)
        self.replays = 0  # sends absorbed because the file existed (a retry after a crash)

    def file_for(self, message_id: int) -> Path:
        return self.path / f"{reference_for(message_id)}.json"

    def send(self, message: OutgoingSms) -> str:
        provider_id = f"file-{message.reference}"
        payload = json.dumps(
            {"id": provider_id, "to": message.to, "from": message.sender, "body": message.body}, ensure_ascii=False
        ).encode()
        try:
            fd = os.open(self.file_for(message.message_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            self.replays += 1
            return provider_id
        except OSError as exc:
            raise SendError(f"file_{type(exc).__name__}") from None
        try:
            os.write(fd, payload)
        finally:
            os.close(fd)
        return provider_id


class HttpProviderBackend(BaseSmsBackend):
    """The SMS provider over HTTPS: ``POST SMS_PROVIDER_URL`` with a JSON body.

    Request: ``{"to", "from", "body", "client_reference"}``, headers ``Authorization: Bearer
    <SMS_PROVIDER_API_KEY>`` and ``Idempotency-Key: msg-<id>``. Answer: 2xx with ``{"id": ...}``.
    4xx (but 408/409/429) is permanent; 5xx, 408, 429 and network errors are retried.
    """

    idempotent = True

    def __init__(self, url: str | None = None, api_key: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.SMS_PROVIDER_URL
        self.api_key = api_key if api_key is not None else settings.SMS_PROVIDER_API_KEY
        self.timeout = timeout or settings.SMS_PROVIDER_TIMEOUT
        if not self.url:
            raise SendError("provider_not_configured")

    def send(self, message: OutgoingSms) -> str:
        body = json.dumps(
            {"to": message.to, "from": message.sender, "body": message.body, "client_reference": message.reference}
        ).encode()
        req = urlrequest.Request(  # noqa: S310 - the URL is the operator's configuration
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.api_key}",
                "Idempotency-Key": message.reference,
                "User-Agent": "Touchpoints",
            },
        )
        try:
            with urlrequest.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urlerror.HTTPError as exc:
            code = f"http_{exc.code}"
            if 400 <= exc.code < 500 and exc.code not in (408, 409, 429):
                raise PermanentSendError(code) from None
            raise SendError(code) from None
        except (TimeoutError, urlerror.URLError, OSError):
            raise SendError("network") from None
        except ValueError:
            raise SendError("bad_response") from None
        provider_id = str(answer.get("id") or "") if isinstance(answer, dict) else ""
        if not provider_id:
            raise SendError("bad_response")
        return provider_id[:120]


BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "http": HttpProviderBackend}


def get_backend(name: str | None = None) -> BaseSmsBackend:
    """A fresh backend instance: ``SMS_BACKEND`` (console | file | http | dotted.path.Class)."""
    name = name or settings.SMS_BACKEND
    backend_class = BACKENDS.get(name) or import_string(name)
    return backend_class()
