"""Test doubles that speak the real wire formats: a fake SMS provider over HTTP, a real SMTP server
(aiosmtpd), and file backends that hang or slow down on purpose for the worker tests.

``FakeSmsProvider`` behaves like the provider docs/messaging.md describes: ``POST /v1/messages``
with a bearer key and JSON ``{to, from, body, client_reference}``; a repeated ``Idempotency-Key``
gets the first answer and sends nothing new; ``fail_next`` makes the next requests answer 503.
"""

import json
import os
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from messaging.sms import FileBackend


class FakeSmsProvider:
    def __init__(self, api_key: str = "test-key"):
        self.api_key = api_key
        self.requests: list[dict] = []  # every request: headers and JSON body
        self.sent: list[dict] = []  # texts actually sent (one per idempotency key)
        self.answers: dict[str, dict] = {}
        self.fail_next = 0
        self.fail_status = 503
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with provider._lock:
                    provider.requests.append({"path": self.path, "headers": dict(self.headers), "raw": raw})
                    if self.path != "/v1/messages":
                        return self._answer(404, {"error": "not_found"})
                    if self.headers.get("Authorization") != f"Bearer {provider.api_key}":
                        return self._answer(401, {"error": "unauthorized"})
                    if provider.fail_next > 0:
                        provider.fail_next -= 1
                        return self._answer(provider.fail_status, {"error": "unavailable"})
                    try:
                        payload = json.loads(raw)
                    except ValueError:
                        return self._answer(400, {"error": "bad_json"})
                    key = self.headers.get("Idempotency-Key", "")
                    if key and key in provider.answers:
                        return self._answer(200, provider.answers[key])
                    answer = {"id": f"SM{secrets.token_hex(8)}", "status": "queued"}
                    provider.sent.append(payload)
                    if key:
                        provider.answers[key] = answer
                    return self._answer(201, answer)

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """A real SMTP server on a free local port (aiosmtpd in its own thread), keeping what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self
        self.envelopes: list = []

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.envelopes.append(envelope)
                return "250 Message accepted for delivery"

        with socket.socket() as probe:  # a free port (aiosmtpd checks the port it was given)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


# --- File backends for the worker tests (SMS_BACKEND=messaging.tests.fake_sms_provider.<Name>) -------


class SlowFileBackend(FileBackend):
    """The file backend with a pause per text (SMS_TEST_DELAY seconds), so a test can act mid-batch."""

    def send(self, message):
        time.sleep(float(os.environ.get("SMS_TEST_DELAY", "0.01")))
        return super().send(message)


class HangingFileBackend(SlowFileBackend):
    """Writes SMS_TEST_HANG_AFTER files, then hangs for good: the worker is mid-send when it is killed.

    It writes ``hung`` in SMS_FILE_PATH's parent when it hangs, so the test knows when to kill.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.written = 0

    def send(self, message):
        provider_id = super().send(message)
        self.written += 1
        if self.written >= int(os.environ.get("SMS_TEST_HANG_AFTER", "5")):
            (self.path.parent / "hung").write_text(str(os.getpid()))
            while True:
                time.sleep(60)
        return provider_id
