"""Sentry is off unless SENTRY_DSN is set, and an event carries no patient data or token when it
leaves (core/sentry.py). No network: events go to a list."""

import io
import json

import pytest
import sentry_sdk
from django.db import IntegrityError
from sentry_sdk.transport import Transport

from core.sentry import init_sentry, scrub_breadcrumb, scrub_event

OPAQUE = "Zq3xVbN7mK2pL9sT4wYc"
EMAIL = "ana.rivera@example.com"
PHONE = "(512) 555-0199"


def _realistic_event() -> dict:
    """Shaped like the Django integration's event for a failed POST to a manage link."""
    return {
        "event_id": "f" * 32,
        "level": "error",
        "platform": "python",
        "transaction": "/p/{practice_slug}/manage/{token}/reschedule/",
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": f'duplicate key value violates unique constraint "patient_email"\n'
                    f"DETAIL:  Key (practice_id, email)=(3, {EMAIL}) already exists.",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "scheduling/views/manage.py",
                                "function": "reschedule",
                                "context_line": "    services.reschedule(appointment, slot)",
                                "vars": {"patient": f"<Patient: Ana Rivera {EMAIL}>", "token": OPAQUE, "phone": PHONE},
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "url": f"https://book.example.com/p/clearskin/manage/{OPAQUE}/reschedule/",
            "method": "POST",
            "query_string": f"token={OPAQUE}&email={EMAIL}",
            "data": {"first_name": "Ana", "date_of_birth": "1985-04-12", "phone": PHONE},
            "cookies": {"sessionid": "s3ss10n", "csrftoken": "c5rf"},
            "headers": {
                "User-Agent": "Mozilla/5.0",
                "Cookie": "sessionid=s3ss10n",
                "Referer": f"https://book.example.com/p/clearskin/manage/{OPAQUE}/",
                "Authorization": "Bearer secret",
                "X-Forwarded-For": "198.51.100.7",
            },
            "env": {"REMOTE_ADDR": "198.51.100.7", "SERVER_NAME": "web-1"},
        },
        "user": {"id": "12", "email": EMAIL, "ip_address": "198.51.100.7"},
        "breadcrumbs": {
            "values": [
                {
                    "category": "query",
                    "message": 'SELECT ... FROM "patients_patient" WHERE "email" = %s',
                    "data": {"db.params": [EMAIL]},
                },
                {
                    "category": "httplib",
                    "data": {"url": "https://sms.example.com/send", "http.query": f"to={PHONE}", "method": "POST"},
                },
                {"category": "django.request", "message": f"Not Found: /p/clearskin/visit/{OPAQUE}/"},
            ]
        },
        "logentry": {
            "message": "reminder for %s failed",
            "params": [EMAIL],
            "formatted": f"reminder for {EMAIL} failed",
        },
        "extra": {"sys.argv": ["gunicorn"], "note": f"sent to {EMAIL}"},
    }


def test_the_scrubber_removes_patient_data_and_tokens_from_a_realistic_event():
    event = scrub_event(_realistic_event())
    sent = json.dumps(event)

    for secret in (OPAQUE, EMAIL, PHONE, "Ana", "1985-04-12", "s3ss10n", "c5rf", "Bearer secret", "198.51.100.7"):
        assert secret not in sent, secret
    assert "user" not in event
    assert event["request"] == {
        "method": "POST",
        "url": "https://book.example.com/p/clearskin/manage/[masked]/reschedule/",
        "headers": {"User-Agent": "Mozilla/5.0"},
    }
    frame = event["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert "vars" not in frame and frame["function"] == "reschedule"
    assert "Key (practice_id, email)=([masked]) already exists" in event["exception"]["values"][0]["value"]
    crumbs = event["breadcrumbs"]["values"]
    assert crumbs[0]["data"] == {} and crumbs[1]["data"] == {"url": "https://sms.example.com/send", "method": "POST"}
    assert crumbs[2]["message"] == "Not Found: /p/clearskin/visit/[masked]/"
    assert event["logentry"]["formatted"] == "reminder for [email] failed"
    # What helps to debug stays.
    assert event["exception"]["values"][0]["type"] == "IntegrityError"
    assert event["transaction"] == "/p/{practice_slug}/manage/[masked]/reschedule/"  # the route's shape


def test_a_breadcrumb_is_scrubbed_as_it_is_recorded():
    crumb = scrub_breadcrumb({"category": "query", "message": f"UPDATE ... {EMAIL}", "data": {"db.params": [EMAIL]}})
    assert EMAIL not in json.dumps(crumb)


def test_sentry_is_off_without_a_dsn(settings):
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


class KeepEvents(Transport):
    """Instead of the network: the events as they would leave."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        if (event := envelope.get_event()) is not None:
            self.events.append(event)


@pytest.fixture
def sentry_to_a_list():
    transport = KeepEvents()
    init_sentry(dsn="https://public@sentry.invalid/1", transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # off again for the next test


def test_an_exception_sent_to_sentry_arrives_scrubbed(sentry_to_a_list):
    patient_email = EMAIL  # a local variable Sentry would otherwise capture  # noqa: F841
    try:
        raise IntegrityError(f"DETAIL:  Key (practice_id, email)=(3, {EMAIL}) already exists.")
    except IntegrityError:
        sentry_sdk.capture_exception()
    sentry_sdk.get_client().flush()

    assert len(sentry_to_a_list) == 1
    sent = json.dumps(sentry_to_a_list[0])
    assert EMAIL not in sent
    assert "IntegrityError" in sent
    assert not sentry_sdk.get_client().should_send_default_pii()


class FailsOnManageLinks:
    """Stands for a view that fails while serving a patient's manage link."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "/manage/" in request.path:
            raise IntegrityError(f"DETAIL:  Key (practice_id, email)=(3, {EMAIL}) already exists.")
        return self.get_response(request)


@pytest.fixture
def wsgi_application(monkeypatch):
    """Django's WSGI application as gunicorn calls it (the test client bypasses the WSGI layer that
    Sentry's integration reads the URL, query string, headers and environment from). Connections are
    left open, as the test client does, so the test's transaction survives the request."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application  # called by the test, after it has set MIDDLEWARE
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_a_failing_request_reaches_sentry_without_cookies_query_body_or_token(
    sentry_to_a_list, wsgi_application, db, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailsOnManageLinks"]
    body = f"first_name=Ana&phone={PHONE}".encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/p/clearskin/manage/{OPAQUE}/reschedule/",
        "QUERY_STRING": f"email={EMAIL}",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.7",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": "sessionid=s3ss10n",
        "HTTP_REFERER": f"http://testserver/p/clearskin/manage/{OPAQUE}/",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "HTTP_X_REQUEST_ID": "req-sentry-1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    statuses: list[str] = []
    response = wsgi_application()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()  # as a WSGI server does; Django then sends request_finished
    assert statuses == ["500 Internal Server Error"]
    sentry_sdk.get_client().flush()

    assert len(sentry_to_a_list) == 1
    event = sentry_to_a_list[0]
    sent = json.dumps(event)
    for secret in (OPAQUE, EMAIL, PHONE, "Ana", "s3ss10n", "198.51.100.7"):
        assert secret not in sent, secret
    assert event["request"]["url"] == "http://testserver/p/clearskin/manage/[masked]/reschedule/"
    assert event["request"]["method"] == "POST"
    assert set(event["request"]["headers"]) == {"Host", "User-Agent", "Content-Type", "Content-Length"}
    assert set(event["request"]) == {"method", "url", "headers"}
    assert event["tags"]["request_id"] == "req-sentry-1"
