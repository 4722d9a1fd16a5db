"""GET /metrics: behind METRICS_TOKEN, request latency by URL pattern name (never a path), the task
queue, messages by status and the worker's beat; several processes summed in multiprocess mode."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from huey.contrib import djhuey
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from messaging.models import Channel, Message, MessageKind, MessageStatus
from monitoring import services

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-0123456789"
OPAQUE = "Zq3xVbN7mK2pL9sT4wYc"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def _scrape(client, token=TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def _samples(text: str) -> list:
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def _value(text: str, name: str, **labels) -> float | None:
    for sample in _samples(text):
        if sample.name == name and all(sample.labels.get(key) == value for key, value in labels.items()):
            return sample.value
    return None


def test_without_a_token_configured_there_is_no_endpoint(client, settings):
    settings.METRICS_TOKEN = ""
    assert _scrape(client, "anything").status_code == 404


def test_a_missing_token_is_401_and_a_wrong_one_403(client, metrics_on):
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert _scrape(client, TOKEN + "x").status_code == 403
    assert _scrape(client, TOKEN[:-1]).status_code == 403
    assert b"touchpoints" not in _scrape(client, "wrong").content


def test_request_latency_is_labelled_by_route_name_never_by_path(client, metrics_on):
    manage = reverse("scheduling:manage", kwargs={"practice_slug": "nowhere", "token": OPAQUE})
    series = {"route": "scheduling:manage", "method": "GET", "status": "404"}
    # The same series before and after: other tests in this process may have counted other statuses.
    before = _value(_scrape(client).content.decode(), "touchpoints_http_request_duration_seconds_count", **series) or 0
    assert client.get(manage).status_code == 404
    client.get("/no/such/page/")

    text = _scrape(client).content.decode()
    assert OPAQUE not in text and "nowhere" not in text
    count = _value(text, "touchpoints_http_request_duration_seconds_count", **series)
    assert count == before + 1
    assert _value(text, "touchpoints_http_request_duration_seconds_count", route="unresolved", status="404")
    assert _value(text, "touchpoints_http_request_duration_seconds_bucket", route="scheduling:manage", le="10.0")


def test_queue_depth_is_read_at_scrape_time(client, metrics_on, monkeypatch):
    queue = SimpleNamespace(pending_count=lambda: 7, scheduled_count=lambda: 3, immediate=True)
    monkeypatch.setattr(djhuey, "HUEY", queue)
    text = _scrape(client).content.decode()
    assert _value(text, "touchpoints_queue_pending_tasks") == 7
    assert _value(text, "touchpoints_queue_scheduled_tasks") == 3


def test_messages_sent_and_failed_are_counted_from_the_outbox(client, metrics_on, practice, patient):
    def message(n: int, status: str, channel: str = Channel.SMS) -> None:
        Message.objects.create(
            practice=practice,
            patient=patient,
            kind=MessageKind.REMINDER,
            channel=channel,
            dedupe_key=f"metrics:{n}",
            to=patient.phone,
            body="See you Tuesday.",
            status=status,
        )

    for n, status in enumerate([MessageStatus.SENT, MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED]):
        message(n, status)
    message(9, MessageStatus.BOUNCED, Channel.EMAIL)

    text = _scrape(client).content.decode()
    assert _value(text, "touchpoints_messages", status="sent", channel="sms") == 2
    assert _value(text, "touchpoints_messages", status="delivered", channel="sms") == 1
    assert _value(text, "touchpoints_messages", status="failed", channel="sms") == 1
    assert _value(text, "touchpoints_messages", status="bounced", channel="email") == 1
    assert patient.phone not in text


def test_the_workers_last_beat_is_exposed(client, metrics_on):
    assert _value(_scrape(client).content.decode(), "touchpoints_worker_last_beat_age_seconds") is None
    services.record_worker_beat()
    age = _value(_scrape(client).content.decode(), "touchpoints_worker_last_beat_age_seconds")
    assert age is not None and 0 <= age < 60


_OBSERVE = """
import django
django.setup()
from monitoring import metrics
assert metrics.MULTIPROCESS
metrics.REQUEST_DURATION.labels(route="practices:home", method="GET", status="200").observe(0.02)
"""
_EXPOSE = """
import django
django.setup()
from monitoring import metrics
print(metrics.exposition().decode())
"""


def test_in_multiprocess_mode_the_histograms_of_every_process_are_summed(tmp_path):
    """Two processes (as two gunicorn workers) each record a request; a third answers the scrape."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "TOUCHPOINTS_VAR_DIR": str(tmp_path / "var"),
    }
    for _ in range(2):
        subprocess.run([sys.executable, "-c", _OBSERVE], cwd=settings.BASE_DIR, env=env, check=True, timeout=120)
    exposed = subprocess.run(
        [sys.executable, "-c", _EXPOSE],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout
    assert _value(exposed, "touchpoints_http_request_duration_seconds_count", route="practices:home") == 2

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(shared))
    assert b'route="practices:home"' in generate_latest(registry)


# --- gunicorn.conf.py -----------------------------------------------------------------------------


def _gunicorn_conf():
    namespace: dict = {}
    path = Path(settings.BASE_DIR) / "gunicorn.conf.py"
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102  (as gunicorn loads it)
    return namespace


def test_gunicorn_makes_a_shared_directory_for_several_processes_and_removes_it(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    conf = _gunicorn_conf()
    server = SimpleNamespace(cfg=SimpleNamespace(workers=4))
    conf["on_starting"](server)
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert directory.is_dir()
    conf["on_exit"](server)
    assert not directory.exists()


def test_gunicorn_leaves_one_process_alone(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    _gunicorn_conf()["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=1)))
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ


def test_gunicorn_empties_the_operators_directory_of_an_earlier_run(monkeypatch, tmp_path):
    (tmp_path / "histogram_123.db").write_bytes(b"old")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    _gunicorn_conf()["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=4)))
    assert list(tmp_path.iterdir()) == []
