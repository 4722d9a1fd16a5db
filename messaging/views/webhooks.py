"""The SMS provider's webhooks: delivery status and inbound texts. Signed, fresh, and accepted once.

Both views are csrf_exempt (the provider has no CSRF token; the HMAC signature stands in for it)
and answer JSON: ``{"ok": true, ...}`` or ``{"error": "<code>", "detail": "<what is wrong>"}``
with 400/401/404/503, and then nothing has changed. Formats: docs/messaging.md.
"""

import json
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..models import Message, MessageStatus, WebhookReceipt
from ..signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify

STATUSES = {
    "delivered": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    "bounced": MessageStatus.BOUNCED,
}


class WebhookRefused(Exception):
    def __init__(self, code: str, status: int, detail: str):
        super().__init__(code)
        self.code, self.status, self.detail = code, status, detail


def _error(code: str, status: int, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _signed_payload(request: HttpRequest) -> tuple[str, dict]:
    """(signature, JSON object) of a correctly signed, fresh request; else WebhookRefused."""
    body = request.body
    try:
        signature = verify(
            secret=settings.SMS_WEBHOOK_SECRET,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            body=body,
        )
    except SignatureError as exc:
        raise WebhookRefused(exc.code, exc.status, exc.detail) from None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRefused("bad_json", 400, "The body must be a JSON object.") from None
    if not isinstance(payload, dict):
        raise WebhookRefused("bad_json", 400, "The body must be a JSON object.")
    return signature, payload


def _string(payload: dict, name: str, *, required: bool = True, max_length: int = 120) -> str:
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise WebhookRefused("bad_payload", 400, f"'{name}' must be a non-empty string.")
    if len(value) > max_length:
        raise WebhookRefused("bad_payload", 400, f"'{name}' is longer than {max_length} characters.")
    return value.strip() if name != "body" else value


def _accept_once(signature: str) -> None:
    """Record the signature inside the caller's transaction; a second time is a replay."""
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(signature=signature)
    except IntegrityError:
        raise WebhookRefused("replayed", 400, "This request was received before; it is not processed again.") from None


def _handle(request: HttpRequest, process) -> JsonResponse:
    try:
        signature, payload = _signed_payload(request)
        with transaction.atomic():
            _accept_once(signature)
            answer = process(payload)
    except WebhookRefused as exc:
        return _error(exc.code, exc.status, exc.detail)
    return JsonResponse({"ok": True, **answer})


def _message_for(reference: str) -> Message | None:
    """By the provider's id, or by our client reference ``msg-<id>``."""
    found = Message.objects.select_for_update().filter(provider_message_id=reference).order_by("pk").first()
    if found is None and reference.startswith("msg-") and reference[4:].isdigit():
        found = Message.objects.select_for_update().filter(pk=int(reference[4:])).first()
    return found


def _process_status(payload: dict) -> dict:
    reference = _string(payload, "message_id")
    status_name = _string(payload, "status", max_length=20).lower()
    if status_name not in STATUSES:
        raise WebhookRefused("bad_payload", 400, "'status' must be one of: delivered, failed, bounced.")
    message = _message_for(reference)
    if message is None:
        raise WebhookRefused("unknown_message", 404, "No message has this id.")
    new_status = STATUSES[status_name]
    if message.status == MessageStatus.DELIVERED or message.status == MessageStatus.SKIPPED:
        return {"status": message.status, "changed": False}  # never downgrade a delivered message
    fields: dict[str, object] = {"status": new_status}
    if new_status == MessageStatus.DELIVERED:
        fields["delivered_at"] = timezone.now()
    else:
        fields["error"] = f"provider_{status_name}"
    if message.status == MessageStatus.SENDING:
        fields["lease_until"] = None
    Message.objects.filter(pk=message.pk).update(**fields)
    return {"status": new_status, "changed": True}


def _process_inbound(payload: dict) -> dict:
    from ..services.inbound import receive_sms  # the write; imported when first needed

    from_number = _string(payload, "from", max_length=32)
    to_number = _string(payload, "to", required=False, max_length=32)
    body = _string(payload, "body", required=False, max_length=2000)
    provider_id = _string(payload, "id")
    received_at = timezone.now()
    if payload.get("received_at"):
        try:
            received_at = datetime.fromtimestamp(int(payload["received_at"]), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            raise WebhookRefused("bad_payload", 400, "'received_at' must be Unix time in seconds.") from None
    try:
        receive_sms(
            to_number=to_number,
            from_number=from_number,
            body=body,
            provider_message_id=provider_id,
            received_at=received_at,
        )
    except ValueError as exc:
        raise WebhookRefused("bad_payload", 400, str(exc)[:200] or "The message was not accepted.") from None
    return {}


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> JsonResponse:
    """The provider says what became of a text: delivered, failed or bounced."""
    return _handle(request, _process_status)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> JsonResponse:
    """A patient's text to a practice's number."""
    return _handle(request, _process_inbound)
