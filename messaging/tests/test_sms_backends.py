"""The wire formats, proved against real servers: our JSON to a fake SMS provider over HTTP (with the
Idempotency-Key it dedupes by), our email to a real SMTP server (aiosmtpd), and one file per message."""

import io
import json
from email import message_from_bytes

import pytest

from messaging.delivery import EmailFileBackend, send_due
from messaging.models import Channel, MessageStatus
from messaging.sms import (
    ConsoleBackend,
    FileBackend,
    HttpProviderBackend,
    OutgoingSms,
    PermanentSendError,
    SendError,
    get_backend,
)
from tests.factories import NOW

from .fake_sms_provider import FakeSmsProvider, SlowFileBackend, SmtpSink

TEXT = OutgoingSms(message_id=41, to="+15125550199", sender="+15125550100", body="ClearSkin: see you Tue 10:00 AM.")


def test_it_posts_json_with_a_bearer_key_and_an_idempotency_key():
    with FakeSmsProvider(api_key="key-123") as provider:
        backend = HttpProviderBackend(url=provider.url, api_key="key-123")
        first = backend.send(TEXT)
        again = backend.send(TEXT)  # a retry after a crash: the same message id

    assert first == again and first.startswith("SM")
    assert len(provider.requests) == 2
    assert len(provider.sent) == 1  # the provider sent it once
    request = provider.requests[0]
    assert request["headers"]["Authorization"] == "Bearer key-123"
    assert request["headers"]["Idempotency-Key"] == "msg-41"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["raw"]) == {
        "to": "+15125550199",
        "from": "+15125550100",
        "body": "ClearSkin: see you Tue 10:00 AM.",
        "client_reference": "msg-41",
    }


@pytest.mark.parametrize(
    ("status", "error", "permanent"), [(503, "http_503", False), (429, "http_429", False), (401, "http_401", True)]
)
def test_it_tells_a_retryable_failure_from_a_refusal(status, error, permanent):
    with FakeSmsProvider() as provider:
        provider.fail_next, provider.fail_status = 1, status
        with pytest.raises(SendError) as raised:
            HttpProviderBackend(url=provider.url, api_key="test-key").send(TEXT)
    assert raised.value.code == error
    assert isinstance(raised.value, PermanentSendError) is permanent


def test_it_reports_an_unreachable_provider_as_a_network_error():
    with FakeSmsProvider() as provider:
        url = provider.url
    with pytest.raises(SendError, match="network"):
        HttpProviderBackend(url=url, api_key="k", timeout=2).send(TEXT)


def test_it_sends_each_practice_from_its_own_number_through_the_provider(settings, sender_settings, make_message):
    with FakeSmsProvider(api_key="key-123") as provider:
        settings.SMS_BACKEND, settings.SMS_PROVIDER_URL, settings.SMS_PROVIDER_API_KEY = "http", provider.url, "key-123"
        message = make_message()
        send_due(now=NOW)

    (sent,) = provider.sent
    assert sent["from"] == "+15125550100"
    assert sent["client_reference"] == f"msg-{message.pk}"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == provider.answers[f"msg-{message.pk}"]["id"]


def test_it_writes_one_file_per_message_and_never_a_second(tmp_path):
    backend = FileBackend(tmp_path)

    assert backend.send(TEXT) == "file-msg-41"
    assert backend.send(TEXT) == "file-msg-41"

    assert [p.name for p in tmp_path.iterdir()] == ["msg-41.json"]
    assert json.loads((tmp_path / "msg-41.json").read_text())["body"] == TEXT.body
    assert backend.replays == 1


def test_it_prints_texts_readably_for_the_demo():
    stream = io.StringIO()
    ConsoleBackend(stream).send(TEXT)
    assert "Text message to +15125550199 from +15125550100\n\nClearSkin: see you Tue 10:00 AM." in stream.getvalue()


def test_it_picks_the_backend_by_name_or_path(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path)
    assert isinstance(get_backend("console"), ConsoleBackend)
    assert isinstance(get_backend("file"), FileBackend)
    assert isinstance(get_backend("messaging.tests.fake_sms_provider.SlowFileBackend"), SlowFileBackend)
    settings.SMS_PROVIDER_URL = ""
    with pytest.raises(SendError, match="provider_not_configured"):
        get_backend("http")


def test_it_speaks_smtp_to_a_real_server_with_the_message_id(settings, sender_settings, make_message):
    settings.SITE_URL = "https://care.clearskin.example"
    with SmtpSink() as smtp:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5},
            }
        }
        first, second = make_message(Channel.EMAIL), make_message(Channel.EMAIL)
        assert send_due(now=NOW) == 2

    assert len(smtp.envelopes) == 2
    by_id = {message_from_bytes(e.content)["Message-ID"]: e for e in smtp.envelopes}
    envelope = by_id[f"<msg-{first.pk}@care.clearskin.example>"]
    assert f"<msg-{second.pk}@care.clearskin.example>" in by_id
    assert envelope.mail_from == "hello@clearskin.example"
    assert envelope.rcpt_tos == ["ana@example.com"]
    parsed = message_from_bytes(envelope.content)
    assert parsed["From"] == "ClearSkin Front Desk <hello@clearskin.example>"
    assert parsed["Subject"] == "Your visit on Tuesday"
    assert first.body in parsed.get_payload(decode=True).decode()
    first.refresh_from_db()
    assert first.status == MessageStatus.SENT


def test_it_retries_when_the_smtp_server_is_down(settings, make_message):
    with SmtpSink() as smtp:
        port = smtp.port
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    message = make_message(Channel.EMAIL)

    send_due(now=NOW)

    message.refresh_from_db()
    assert (message.status, message.error, message.attempts) == (MessageStatus.QUEUED, "network", 1)


def test_it_writes_one_email_file_per_message(settings, tmp_path, make_message):
    settings.MAILERS = {
        "default": {"BACKEND": "messaging.delivery.EmailFileBackend", "OPTIONS": {"file_path": str(tmp_path)}}
    }
    message = make_message(Channel.EMAIL)
    send_due(now=NOW)
    # Sent again (as after a crash between sending and recording): still one file.
    from django.core.mail import EmailMessage

    again = EmailMessage(subject="x", body="y", to=["a@example.com"], headers={"Message-ID": f"<msg-{message.pk}@h>"})
    assert EmailFileBackend(file_path=tmp_path).send_messages([again]) == 1

    assert [p.name for p in tmp_path.iterdir()] == [f"msg-{message.pk}.eml"]
    assert message_from_bytes((tmp_path / f"msg-{message.pk}.eml").read_bytes())["Subject"] == "Your visit on Tuesday"
