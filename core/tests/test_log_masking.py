"""Tokens never reach the logs (issue 11, item 9): every URL pattern of the project that carries a
secret (found by walking the URL configuration) is masked by ``core.log_masking.mask_text``; gunicorn's
access log (the Procfile's ``--logger-class``) and Django's request logging (django.request,
django.server) use it."""

from __future__ import annotations

import logging
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import StringConverter
from gunicorn.config import Config

from core.gunicorn_logging import TokenMaskingLogger
from core.log_masking import MASK, MaskTokensFilter, mask_query, mask_text

BASE_DIR = Path(__file__).resolve().parents[2]

# Path parameters that carry a secret, and the str parameters that do not.
SECRET_PARAMETERS = {"token", "key", "uidb64"}
NOT_SECRET = {"side"}  # the card photo's side: "front" or "back"


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _tokenised_patterns() -> list[tuple[str, list[str]]]:
    found = []
    for name, entry in _walk(get_resolver().url_patterns):
        converters = getattr(entry.pattern, "converters", {})
        secret = [param for param in converters if param in SECRET_PARAMETERS]
        if secret:
            found.append((name, sorted(converters)))
    return found


TOKENISED = _tokenised_patterns()
SIGNED = signing.dumps({"a": 123456, "p": 654321}, salt="some.link", compress=True)
OPAQUE = secrets.token_urlsafe(24)


def _url(name: str, params: list[str], secret: str) -> str:
    values = {"practice_slug": "clearskin", "pk": 7, "token": secret, "key": secret, "uidb64": "MTIz"}
    return reverse(name, kwargs={param: values[param] for param in params})


def test_it_finds_every_tokenised_link_of_the_project():
    names = {name for name, _params in TOKENISED}
    assert {
        "accounts:password_reset_confirm",
        "patients:sign_in_confirm",
        "scheduling:book_confirmed",
        "scheduling:manage",
        "scheduling:manage_calendar",
        "scheduling:manage_reschedule",
        "scheduling:manage_cancel",
        "scheduling:waitlist_from_appointment",
        "scheduling:waitlist_withdraw_from_appointment",
        "scheduling:waitlist_offer",
        "messaging:answer",
        "messaging:answer_cancel",
        "frontdesk:visit",
        "frontdesk:visit_status",
        "frontdesk:visit_here",
        "frontdesk:check_in",
        "frontdesk:arrive",
        "frontdesk:arrive_confirm",
        "feedback:survey",
        "feedback:survey_answer",
        "feedback:survey_thanks",
    } <= names


def test_every_string_parameter_of_every_url_is_known_to_be_secret_or_not():
    """A new link with a ``<str:...>`` parameter must be classified here (and masked if secret)."""
    for name, entry in _walk(get_resolver().url_patterns):
        for param, converter in getattr(entry.pattern, "converters", {}).items():
            if type(converter) is StringConverter:
                assert param in SECRET_PARAMETERS | NOT_SECRET, f"{name}: is <{param}> a secret?"


@pytest.mark.parametrize(("name", "params"), TOKENISED, ids=[name for name, _params in TOKENISED])
@pytest.mark.parametrize("secret", [SIGNED, OPAQUE], ids=["signed", "opaque"])
def test_it_masks_the_token_of_each_tokenised_url_pattern(name, params, secret):
    path = _url(name, params, secret)
    assert secret in path
    for line in (
        path,
        f"GET {path} HTTP/1.1",
        f"GET {path}?kiosk=1&v=abc HTTP/1.1",
        f"https://example.org{path}",
        f"Not Found: {path}",
    ):
        masked = mask_text(line)
        assert secret not in masked, line
        assert MASK in masked
    if "uidb64" in params:
        assert "MTIz" not in mask_text(path)
    # What is around the token stays readable.
    assert mask_text(f"GET {path}?kiosk=1 HTTP/1.1").endswith("?kiosk=1 HTTP/1.1")


def test_it_masks_secret_query_parameters_and_tokenised_links_inside_query_values():
    manage = reverse("scheduling:manage", kwargs={"practice_slug": "clearskin", "token": OPAQUE})
    assert OPAQUE not in mask_text(f"GET /accounts/login/?next={manage} HTTP/1.1")
    encoded = manage.replace("/", "%2F")
    assert OPAQUE not in mask_text(f"GET /i18n/setlang/?next={encoded}&language=es HTTP/1.1")
    assert "language=es" in mask_text(f"GET /i18n/setlang/?next={encoded}&language=es HTTP/1.1")
    for param in ("token", "key", "TOKEN", "signature"):
        assert OPAQUE not in mask_query(f"page=2&{param}={OPAQUE}")
        assert mask_query(f"page=2&{param}={OPAQUE}").startswith("page=2&")
    assert OPAQUE not in mask_text(f"/webhooks/sms/status/?token={OPAQUE}")


def test_it_masks_a_signed_value_in_a_path_it_does_not_know_yet():
    assert SIGNED not in mask_text(f"GET /p/clearskin/some-new-link/{SIGNED}/ HTTP/1.1")


@pytest.mark.parametrize(
    "line",
    [
        "GET /staff/clearskin/patients/42/ HTTP/1.1",
        "GET /staff/clearskin/schedule/?date=2026-12-08&provider=3 HTTP/1.1",
        "GET /p/clearskin/book/?visit_type=2 HTTP/1.1",
        "POST /p/clearskin/sign-in/ HTTP/1.1",
        "GET /p/clearskin/book/done/ HTTP/1.1",
        "GET /accounts/password/reset/sent/ HTTP/1.1",
        "GET /p/clearskin/book/requested/ HTTP/1.1",
        "GET /static/css/touchpoints.css HTTP/1.1",
        "GET /p/clearskin/portal/?next=/p/clearskin/portal/details/ HTTP/1.1",
    ],
)
def test_it_leaves_paths_without_a_secret_as_they_are(line):
    assert mask_text(line) == line


# --- gunicorn ---------------------------------------------------------------------------------------


def _environ(path: str, query: str, referer: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test",
    }


def test_the_gunicorn_logger_masks_the_request_line_path_query_and_referer(tmp_path):
    cfg = Config()
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    cfg.set("access_log_format", "%(r)s | %(U)s | %(q)s | %(f)s | %({referer}i)s | %({raw_uri}e)s")
    logger = TokenMaskingLogger(cfg)
    visit = reverse("frontdesk:visit", kwargs={"practice_slug": "clearskin", "token": SIGNED})
    survey = reverse("feedback:survey", kwargs={"practice_slug": "clearskin", "token": OPAQUE})
    environ = _environ(visit + "status/", f"v=abc&token={OPAQUE}", f"https://example.org{survey}")
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log_file.read_text()
    assert "/p/clearskin/visit/[masked]/status/" in line
    assert "/p/clearskin/s/[masked]/" in line
    assert SIGNED not in line and OPAQUE not in line
    assert "v=abc" in line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_procfile_runs_gunicorn_with_the_masking_logger_and_the_access_log_has_no_token(tmp_path):
    web = next(line for line in (BASE_DIR / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "--logger-class core.gunicorn_logging.TokenMaskingLogger" in web
    port = _free_port()
    argv = shlex.split(web.removeprefix("web:").replace("${DEMO_PORT}", str(port)))
    argv = [str(Path(sys.executable).with_name("gunicorn")), *argv[1:], "--workers", "1", "--threads", "1"]
    (tmp_path / "var").mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TOUCHPOINTS_VAR_DIR": str(tmp_path / "var"),
    }
    server = subprocess.Popen(argv, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    manage = reverse("scheduling:manage", kwargs={"practice_slug": "nowhere", "token": OPAQUE})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{manage}?key={OPAQUE}", timeout=5)  # noqa: S310
            except urllib.error.HTTPError:
                break  # the app answered (404, or 500 on this empty database): the request was logged
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
            else:
                break
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "/p/nowhere/manage/[masked]/?key=[masked]" in output, output
    assert OPAQUE not in output, output


# --- Django's request logging ------------------------------------------------------------------------


def test_djangos_request_log_masks_the_path_of_a_404(client, caplog, db):
    url = reverse("frontdesk:visit", kwargs={"practice_slug": "nowhere", "token": SIGNED})
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == 404
    messages = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert messages == ["Not Found: /p/nowhere/visit/[masked]/"]


def test_djangos_server_log_masks_the_request_line():
    logger = logging.getLogger("django.server")
    assert any(isinstance(f, MaskTokensFilter) for f in logger.filters)
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    keep = Keep()
    logger.addHandler(keep)
    try:
        path = reverse("patients:sign_in_confirm", kwargs={"practice_slug": "clearskin", "token": OPAQUE})
        logger.info('"%s" %s %s', f"GET {path} HTTP/1.1", "302", "0")
    finally:
        logger.removeHandler(keep)
    assert seen == ['"GET /p/clearskin/sign-in/[masked]/ HTTP/1.1" 302 0']
    assert not re.search(re.escape(OPAQUE), seen[0])
