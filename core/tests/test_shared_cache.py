"""Rate-limit counters live in a cache every web process shares, never in one process's memory."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import RequestFactory

from core import limits
from core.models import CacheEntry


def test_it_configures_a_cache_that_processes_share():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {"core.cache.DatabaseCache", "django.core.cache.backends.redis.RedisCache"}
    assert "locmem" not in backend.lower()


def test_it_keeps_counters_in_the_database_table_where_another_process_reads_them(database_cache):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert not limits.hit(request, group="test", key="203.0.113.9", rates="3/h")
    stored = CacheEntry.objects.get().cache_key  # ":<version>:<django-ratelimit's hashed key>"
    # Another process builds its own cache object from the same settings and reads the same count.
    elsewhere = caches.create_connection("default")
    assert elsewhere is not cache
    assert elsewhere.get(stored.split(":", 2)[2]) == 3
    assert limits.hit(request, group="test", key="203.0.113.9", rates="3/h")
    assert elsewhere.get(stored.split(":", 2)[2]) == 4


def test_its_increment_keeps_the_expiry_and_refuses_a_missing_or_expired_key(database_cache):
    cache.set("counter", 1, timeout=100)
    expires = CacheEntry.objects.get().expires
    assert cache.incr("counter") == 2
    assert cache.incr("counter", 5) == 7
    assert cache.get("counter") == 7
    assert CacheEntry.objects.get().expires == expires
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("gone", 1, timeout=1)
    time.sleep(1.1)
    with pytest.raises(ValueError):
        cache.incr("gone")
