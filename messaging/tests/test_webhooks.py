"""The provider's webhooks: signed, fresh, accepted once; anything else changes nothing and says why."""

import json
import time

import pytest
from django.test import Client

from messaging.models import InboundMessage, MessageStatus, WebhookReceipt
from messaging.services import inbound
from messaging.signatures import signed_headers

SECRET = "whsec-test-123"
STATUS_URL = "/webhooks/sms/status/"
INBOUND_URL = "/webhooks/sms/inbound/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET


@pytest.fixture
def provider():
    """The provider's side: posts signed JSON, with CSRF checks on as in production."""
    client = Client(enforce_csrf_checks=True)

    def post(url: str, payload, *, secret: str = SECRET, timestamp: int | None = None, headers=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        signed = signed_headers(secret, body, timestamp) if headers is None else headers
        return client.post(url, body, content_type="application/json", headers=signed)

    return post


@pytest.fixture
def sent_message(make_message):
    message = make_message(status=MessageStatus.SENT, provider_message_id="SM123")
    return message


def test_it_marks_a_text_delivered_by_the_providers_id(provider, sent_message):
    response = provider(STATUS_URL, {"message_id": "SM123", "status": "delivered"})

    assert response.status_code == 200
    assert response.json() == {"ok": True, "status": "delivered", "changed": True}
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.DELIVERED
    assert sent_message.delivered_at is not None


def test_it_finds_a_message_by_our_client_reference(provider, make_message):
    message = make_message(status=MessageStatus.SENT)

    response = provider(STATUS_URL, {"message_id": f"msg-{message.pk}", "status": "bounced"})

    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.error) == (MessageStatus.BOUNCED, "provider_bounced")


def test_it_never_downgrades_a_delivered_message(provider, sent_message):
    provider(STATUS_URL, {"message_id": "SM123", "status": "delivered"})

    response = provider(STATUS_URL, {"message_id": "SM123", "status": "failed"})

    assert response.status_code == 200
    assert response.json()["changed"] is False
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.DELIVERED


def test_it_refuses_an_unsigned_webhook_and_changes_nothing(provider, sent_message):
    response = provider(STATUS_URL, {"message_id": "SM123", "status": "failed"}, headers={})

    assert response.status_code == 401
    assert response.json()["error"] == "unsigned"
    assert "X-Touchpoints-Signature" in response.json()["detail"]
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.SENT
    assert not WebhookReceipt.objects.exists()


def test_it_refuses_a_forged_signature(provider, sent_message):
    response = provider(STATUS_URL, {"message_id": "SM123", "status": "failed"}, secret="guessed")

    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.SENT


def test_it_refuses_a_body_changed_after_signing(provider, sent_message):
    signed = signed_headers(SECRET, json.dumps({"message_id": "SM123", "status": "delivered"}).encode())

    response = provider(STATUS_URL, {"message_id": "SM123", "status": "failed"}, headers=signed)

    assert response.status_code == 401
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.SENT


def test_it_refuses_a_request_older_than_five_minutes(provider, sent_message):
    response = provider(STATUS_URL, {"message_id": "SM123", "status": "failed"}, timestamp=int(time.time()) - 301)

    assert response.status_code == 400
    assert response.json()["error"] == "stale"
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.SENT


def test_it_refuses_a_replayed_webhook(provider, make_message):
    message = make_message(status=MessageStatus.SENT, provider_message_id="SM9")
    body = json.dumps({"message_id": "SM9", "status": "bounced"}).encode()
    headers = signed_headers(SECRET, body)
    assert provider(STATUS_URL, None, raw=body, headers=headers).status_code == 200
    # Staff (or a later webhook) move on; a captured copy of the first request must not undo that.
    message.refresh_from_db()
    message.status = MessageStatus.SENT
    message.save(update_fields=["status"])

    response = provider(STATUS_URL, None, raw=body, headers=headers)

    assert response.status_code == 400
    assert response.json()["error"] == "replayed"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert WebhookReceipt.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"not json", "bad_json"),
        (b"[1, 2]", "bad_json"),
        (json.dumps({"message_id": "SM123", "status": "read"}).encode(), "bad_payload"),
        (json.dumps({"message_id": 5, "status": "delivered"}).encode(), "bad_payload"),
    ],
)
def test_it_explains_a_malformed_body(provider, sent_message, raw, error):
    response = provider(STATUS_URL, None, raw=raw)

    assert response.status_code == 400
    assert response.json()["error"] == error
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.SENT
    assert not WebhookReceipt.objects.exists()


def test_it_answers_404_for_an_unknown_message_and_keeps_no_receipt(provider, sent_message):
    response = provider(STATUS_URL, {"message_id": "SM-nobody", "status": "delivered"})

    assert response.status_code == 404
    assert response.json()["error"] == "unknown_message"
    assert not WebhookReceipt.objects.exists()


def test_it_refuses_everything_while_no_secret_is_configured(provider, settings, sent_message):
    settings.SMS_WEBHOOK_SECRET = ""

    response = provider(STATUS_URL, {"message_id": "SM123", "status": "failed"}, secret="")

    assert response.status_code == 503
    assert response.json()["error"] == "not_configured"
    sent_message.refresh_from_db()
    assert sent_message.status == MessageStatus.SENT


def test_it_accepts_only_post(client):
    assert client.get(STATUS_URL).status_code == 405
    assert client.get(INBOUND_URL).status_code == 405


def test_it_hands_an_inbound_text_to_the_inbox(provider, monkeypatch):
    calls = []
    monkeypatch.setattr(inbound, "receive_sms", lambda **kwargs: calls.append(kwargs))

    response = provider(
        INBOUND_URL, {"from": "+15125550199", "to": "+15125550100", "body": "Can I come at 3?", "id": "SMin1"}
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    (call,) = calls
    assert call["from_number"] == "+15125550199"
    assert call["to_number"] == "+15125550100"
    assert call["body"] == "Can I come at 3?"
    assert call["provider_message_id"] == "SMin1"
    assert call["received_at"] is not None


def test_it_refuses_an_unsigned_inbound_text(provider, monkeypatch):
    calls = []
    monkeypatch.setattr(inbound, "receive_sms", lambda **kwargs: calls.append(kwargs))

    response = provider(
        INBOUND_URL, {"from": "+15125550199", "to": "+15125550100", "body": "STOP", "id": "x"}, headers={}
    )

    assert response.status_code == 401
    assert calls == []


def test_it_keeps_a_reply_from_an_unknown_number(provider, sender_settings):
    response = provider(
        INBOUND_URL, {"from": "+15125550777", "to": "+15125550100", "body": "Who is this?", "id": "SMin2"}
    )

    assert response.status_code == 200
    kept = InboundMessage.objects.get(provider_message_id="SMin2")
    assert (kept.from_number, kept.patient) == ("+15125550777", None)


def test_it_refuses_an_inbound_text_without_a_sender(provider, monkeypatch):
    monkeypatch.setattr(inbound, "receive_sms", lambda **kwargs: pytest.fail("must not be called"))

    response = provider(INBOUND_URL, {"to": "+15125550100", "body": "hi", "id": "SMin3"})

    assert response.status_code == 400
    assert response.json() == {"error": "bad_payload", "detail": "'from' must be a non-empty string."}
