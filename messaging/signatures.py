"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>.<raw body>"`` with ``SMS_WEBHOOK_SECRET``.

The provider sends the hex digest in ``X-Touchpoints-Signature`` and the Unix time in seconds in
``X-Touchpoints-Timestamp``. A request older than ``MAX_AGE_SECONDS`` (or as far in the future) is
refused, and each signature is accepted once (``WebhookReceipt``), so a captured request cannot be
replayed.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Touchpoints-Signature"
TIMESTAMP_HEADER = "X-Touchpoints-Timestamp"
MAX_AGE_SECONDS = 300


class SignatureError(Exception):
    def __init__(self, code: str, status: int, detail: str):
        super().__init__(code)
        self.code, self.status, self.detail = code, status, detail


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a provider sends (used by our tests and the fake provider)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {SIGNATURE_HEADER: sign(secret, timestamp, body), TIMESTAMP_HEADER: str(timestamp)}


def verify(*, secret: str, signature: str, timestamp: str, body: bytes, now: float | None = None) -> str:
    """The checked signature (lower-case hex), or SignatureError saying what is wrong."""
    if not secret:
        raise SignatureError("not_configured", 503, "Webhooks are not configured (SMS_WEBHOOK_SECRET is empty).")
    if not signature or not timestamp:
        raise SignatureError(
            "unsigned", 401, f"The request is not signed: {SIGNATURE_HEADER} and {TIMESTAMP_HEADER} are required."
        )
    try:
        stamp = int(timestamp)
    except ValueError:
        raise SignatureError("bad_timestamp", 400, f"{TIMESTAMP_HEADER} must be Unix time in seconds.") from None
    expected = sign(secret, timestamp.strip(), body)
    signature = signature.strip().lower().removeprefix("sha256=")
    if not hmac.compare_digest(expected, signature):
        raise SignatureError("bad_signature", 401, "The signature does not match the request.")
    now = time.time() if now is None else now
    if abs(now - stamp) > MAX_AGE_SECONDS:
        raise SignatureError(
            "stale", 400, f"The request's timestamp is more than {MAX_AGE_SECONDS // 60} minutes from now."
        )
    return signature
