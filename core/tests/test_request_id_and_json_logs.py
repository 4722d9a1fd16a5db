"""Request ids and JSON log lines: every line of a request carries its id, tokens stay masked, and
email addresses never reach the log (core/request_id.py, core/json_logging.py, core/gunicorn_logging.py)."""

import copy
import io
import json
import logging
import logging.config
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from gunicorn.config import Config

from core.gunicorn_logging import TokenMaskingLogger
from core.json_logging import configure
from core.request_id import HEADER, current_request_id, request_id_from

OPAQUE = "Zq3xVbN7mK2pL9sT4wYc"


@pytest.mark.parametrize("incoming", ["3f2a9c1e-7d4b-4e8a-9c1f-2b3a4c5d6e7f", "abc123", "trace.1:2_3-4"])
def test_a_sane_incoming_id_is_kept(incoming):
    assert request_id_from(incoming) == incoming


@pytest.mark.parametrize("incoming", [None, "", "two words", 'quote"', "line\nbreak", "x" * 129, "<script>"])
def test_anything_else_gets_a_fresh_id(incoming):
    made = request_id_from(incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert request_id_from(incoming) != made


def test_the_response_carries_the_incoming_id_or_a_new_one(client, db):
    assert client.get("/healthz", headers={HEADER: "from-the-proxy-1"})[HEADER] == "from-the-proxy-1"
    fresh = client.get("/healthz", headers={HEADER: "not sane!"})[HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert client.get("/healthz")[HEADER] != fresh


@pytest.fixture
def log_as():
    """The project's LOGGING as LOG_FORMAT makes it, writing to a buffer; restored afterwards."""

    def configured(log_format: str):
        config = configure(copy.deepcopy(settings.LOGGING), log_format)
        for handler in config["handlers"].values():
            handler["class"] = "logging.StreamHandler"
            handler["stream"] = "ext://core.tests.test_request_id_and_json_logs.BUFFER"
        BUFFER.seek(0)
        BUFFER.truncate()
        logging.config.dictConfig(config)
        return BUFFER.getvalue

    yield configured
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def json_log(log_as):
    written = log_as("json")
    return lambda: [json.loads(line) for line in written().splitlines()]


BUFFER = io.StringIO()


class LogsInsideTheRequest:
    """Stands for any code that logs while a request runs (a view, a service)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        logging.getLogger("scheduling").warning("looking up %s for ana.rivera@example.com", request.path)
        return self.get_response(request)


def test_a_requests_log_lines_are_json_carry_its_id_and_mask_the_token(client, db, json_log, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.LogsInsideTheRequest"]
    url = reverse("scheduling:manage", kwargs={"practice_slug": "nowhere", "token": OPAQUE})
    assert client.get(url, headers={HEADER: "req-42"}).status_code == 404

    lines = json_log()
    assert lines, "nothing was logged"
    raw = json.dumps(lines)
    assert OPAQUE not in raw and "ana.rivera" not in raw
    by_logger = {line["logger"]: line for line in lines}
    assert by_logger["scheduling"]["message"] == "looking up /p/nowhere/manage/[masked]/ for [email]"
    assert by_logger["scheduling"]["request_id"] == "req-42"
    assert by_logger["django.request"]["message"] == "Not Found: /p/nowhere/manage/[masked]/"
    assert by_logger["django.request"]["request_id"] == "req-42"  # written after every middleware returned
    assert by_logger["django.request"]["status_code"] == 404
    assert by_logger["django.request"]["request"] == "<WSGIRequest>"
    assert {"time", "level", "logger", "message", "request_id"} <= set(by_logger["django.request"])
    assert current_request_id() == "-"  # nothing left behind for the thread's next request


def test_a_line_outside_a_request_has_no_id(json_log):
    logging.getLogger("messaging").warning("batch done")
    assert json_log()[-1]["request_id"] == "-"


def test_a_traceback_is_scrubbed_in_both_formats(log_as):
    for log_format in ("plain", "json"):
        written = log_as(log_format)
        try:
            raise ValueError("DETAIL:  Key (practice_id, email)=(3, ana.rivera@example.com) already exists.")
        except ValueError:
            logging.getLogger("scheduling").exception("booking failed")
        output = written()
        assert "ValueError" in output and "Key (practice_id, email)=([masked])" in output, log_format
        assert "ana.rivera" not in output, log_format


def test_json_mode_writes_the_workers_lines_as_json_too():
    config = configure(copy.deepcopy(settings.LOGGING), "json")
    assert config["loggers"]["huey"]["handlers"] == ["console"]
    assert all(handler["formatter"] == "json" for handler in config["handlers"].values())
    plain = configure(copy.deepcopy(settings.LOGGING), "plain")
    assert all(handler["formatter"] != "json" for handler in plain["handlers"].values())
    assert all("request_id" in handler["filters"] for handler in plain["handlers"].values())


# --- gunicorn's access log ------------------------------------------------------------------------


def _access_line(tmp_path, monkeypatch, log_format: str, access_format: str | None = None) -> str:
    monkeypatch.setenv("LOG_FORMAT", log_format)
    cfg = Config()
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    if access_format:
        cfg.set("access_log_format", access_format)
    logger = TokenMaskingLogger(cfg)
    path = reverse("scheduling:manage", kwargs={"practice_slug": "clearskin", "token": OPAQUE})
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
    }
    response = SimpleNamespace(status="404 Not Found", sent=120, headers=[("X-Request-ID", "req-7")])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text().strip()


def test_gunicorns_plain_access_line_ends_with_the_request_id(tmp_path, monkeypatch):
    line = _access_line(tmp_path, monkeypatch, "plain")
    assert line.endswith(" req-7")
    assert "/p/clearskin/manage/[masked]/" in line and OPAQUE not in line


def test_a_custom_access_format_can_place_the_request_id(tmp_path, monkeypatch):
    assert _access_line(tmp_path, monkeypatch, "plain", "%(request_id)s %(s)s") == "req-7 404"


def test_gunicorns_json_access_line(tmp_path, monkeypatch):
    line = json.loads(_access_line(tmp_path, monkeypatch, "json"))
    assert line["request_id"] == "req-7"
    assert line["path"] == "/p/clearskin/manage/[masked]/"
    assert line["status"] == 404 and line["duration_ms"] == 12 and line["method"] == "GET"
    assert line["logger"] == "gunicorn.access"
    assert OPAQUE not in json.dumps(line)
