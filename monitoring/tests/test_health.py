"""The health checks, /healthz (public, JSON, 503 only when the web process cannot serve) and the
staff health page. Each check is shown healthy and failing, the failure made real where it can be
(a cache at a closed port, rows in huey's queue, an old beat) and simulated only for the database."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from huey.contrib import djhuey

from accounts.models import User
from core.models import CacheEntry, WorkerHeartbeat
from monitoring import services, tasks
from monitoring.selectors import WORKER_BEAT_LABEL

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def _healthz(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response, response.json()


@pytest.fixture
def worker_expected(monkeypatch):
    """As in production: tasks go to a worker, so the worker's beat counts (tests run tasks inline)."""
    monkeypatch.setattr(djhuey, "HUEY", SimpleNamespace(immediate=False, pending_count=lambda: 0))


@pytest.fixture
def queued(settings):
    """Puts n raw entries in huey's queue (the in-memory queue of HUEY_IMMEDIATE) and empties it after."""
    storage = djhuey.HUEY.storage

    def put(n: int) -> None:
        for _ in range(n):
            storage.enqueue(b"task")

    yield put
    storage.flush_queue()


def test_healthz_answers_200_json_without_signing_in_when_everything_is_healthy(client):
    response, body = _healthz(client)
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "queue": "ok", "worker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    class Unreachable:
        def __getitem__(self, alias):
            raise OperationalError("connection refused")

    monkeypatch.setattr("monitoring.health.connections", Unreachable())
    response, body = _healthz(client)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"


def test_the_cache_check_leaves_no_probe_key_behind(client, database_cache):
    before = CacheEntry.objects.count()
    response, body = _healthz(client)
    assert body["checks"]["cache"] == "ok"
    assert CacheEntry.objects.count() == before


def test_healthz_answers_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = CLOSED_PORT_REDIS
    response, body = _healthz(client)
    assert response.status_code == 503
    assert body["checks"] == {"database": "ok", "cache": "unavailable", "queue": "ok", "worker": "ok"}


def test_a_queue_at_the_warning_depth_is_a_warning_and_the_site_stays_up(client, settings, queued):
    settings.HEALTH_QUEUE_WARNING, settings.HEALTH_QUEUE_CRITICAL = 3, 5
    queued(2)
    assert _healthz(client)[1]["checks"]["queue"] == "ok"
    queued(1)
    response, body = _healthz(client)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["queue"] == "warning"


def test_a_queue_at_the_critical_depth_is_unavailable_but_the_web_still_serves(client, settings, queued):
    settings.HEALTH_QUEUE_WARNING, settings.HEALTH_QUEUE_CRITICAL = 3, 5
    queued(5)
    response, body = _healthz(client)
    assert response.status_code == 200
    assert body == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "ok", "queue": "unavailable", "worker": "ok"},
    }


def test_an_unreadable_queue_is_unavailable(client, monkeypatch):
    def unreachable():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(djhuey, "HUEY", SimpleNamespace(immediate=True, pending_count=unreachable))
    assert _healthz(client)[1]["checks"]["queue"] == "unavailable"


def test_the_worker_is_unavailable_until_it_beats(client, worker_expected):
    response, body = _healthz(client)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["worker"] == "unavailable"

    services.record_worker_beat()
    assert _healthz(client)[1] == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok", "worker": "ok"},
    }


def test_a_beat_older_than_the_limit_makes_the_worker_unavailable(client, settings, worker_expected):
    settings.HEALTH_WORKER_BEAT_MAX_AGE = 300
    services.record_worker_beat()
    WorkerHeartbeat.objects.filter(label=WORKER_BEAT_LABEL).update(created_at=timezone.now() - timedelta(seconds=290))
    assert _healthz(client)[1]["checks"]["worker"] == "ok"
    WorkerHeartbeat.objects.filter(label=WORKER_BEAT_LABEL).update(created_at=timezone.now() - timedelta(seconds=310))
    assert _healthz(client)[1]["checks"]["worker"] == "unavailable"


def test_other_heartbeats_are_not_the_workers_beat(client, worker_expected):
    WorkerHeartbeat.objects.create(label="check-worker-abc")  # `manage.py check_worker` writes these
    assert _healthz(client)[1]["checks"]["worker"] == "unavailable"


def test_the_beat_is_a_periodic_task_every_minute_that_keeps_one_hour_of_beats():
    # read_periodic is what huey's scheduler asks each minute; any minute will do.
    due = djhuey.HUEY.read_periodic(timezone.now().replace(minute=37, second=0, microsecond=0))
    assert any(isinstance(task, tasks.worker_beat.task_class) for task in due)
    old = WorkerHeartbeat.objects.create(label=WORKER_BEAT_LABEL)
    WorkerHeartbeat.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    unrelated = WorkerHeartbeat.objects.create(label="check-worker-abc")
    WorkerHeartbeat.objects.filter(pk=unrelated.pk).update(created_at=timezone.now() - timedelta(hours=2))

    tasks.worker_beat.call_local()

    beats = WorkerHeartbeat.objects.filter(label=WORKER_BEAT_LABEL)
    assert beats.count() == 1 and beats.get().pk != old.pk
    assert WorkerHeartbeat.objects.filter(pk=unrelated.pk).exists()


# --- the staff page -------------------------------------------------------------------------------


def test_the_detail_page_asks_a_stranger_to_sign_in(client):
    response = client.get(reverse("health_detail"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_detail_page_shows_practice_staff_each_check(staff_client, front_desk, settings, queued):
    settings.HEALTH_QUEUE_WARNING, settings.HEALTH_QUEUE_CRITICAL = 1, 5
    queued(2)
    response = staff_client(front_desk).get(reverse("health_detail"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("database", "cache", "queue", "worker"):
        assert f'data-check="{name}"' in html
    assert 'data-check="queue" data-status="warning"' in html
    assert "2 tasks waiting (warning at 1)" in html


def test_the_detail_page_answers_json_for_a_superuser_without_a_practice(client):
    admin = User.objects.create_superuser(email="admin@example.com", password=None)
    client.force_login(admin)
    response = client.get(reverse("health_detail"), {"format": "json"})
    assert response.status_code == 200
    assert sorted(response.json().values()) == ["OK", "OK", "OK", "OK"]


def test_the_detail_page_refuses_a_signed_in_user_of_no_practice(client):
    client.force_login(User.objects.create_user(email="former@example.com", password=None))
    assert client.get(reverse("health_detail")).status_code == 403


def test_the_detail_page_sends_a_user_with_an_authenticator_to_verify_first(staff_client, owner):
    owner.totpdevice_set.create(name="phone", confirmed=True)
    response = staff_client(owner).get(reverse("health_detail"))
    assert response.status_code == 302
    assert reverse("accounts:otp_verify") in response["Location"]
