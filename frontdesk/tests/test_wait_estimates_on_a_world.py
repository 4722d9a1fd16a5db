"""The wait estimates read from the database equal the pure replay of the same days, and the nightly
refit stores the practice's own model: three weeks of an independently generated clinic
(``benchmarks.clinic_world``) played into a practice through the booking, flow and running-late services."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from benchmarks.bench_wait_worlds import as_provider_days
from benchmarks.clinic_world import generate
from benchmarks.clinic_world_db import write_through_services
from frontdesk.estimate_accuracy import replay, summarise, training_rows
from frontdesk.models import WaitModelFit
from frontdesk.selectors.flow import day_bounds
from frontdesk.selectors.wait import estimate_errors, wait_model_for
from frontdesk.services.wait_model import refit_wait_model
from frontdesk.tasks import refit_wait_models_daily


@pytest.fixture
def world(practice, two_provider_clinic):
    days = generate(seed=5, weeks=3, providers=2, double_booking=False, tz=practice.timezone)
    write_through_services(practice, days)
    return days


def test_the_database_replay_equals_the_pure_replay_of_the_same_days(practice, world):
    tz = ZoneInfo(practice.timezone)
    start, _ = day_bounds(practice, world[0].day)
    _, end = day_bounds(practice, world[-1].day)
    from_database = estimate_errors(practice=practice, start=start, end=end)
    pure = summarise(replay(as_provider_days(world), tz=tz))
    assert from_database.n == pure.n > 100
    assert from_database.seen_n == pure.seen_n
    for field in ("mae_minutes", "naive_mae_minutes", "lag_mae_minutes", "seen_mae_minutes", "coverage"):
        assert getattr(from_database, field) == pytest.approx(getattr(pure, field), abs=1e-6), field


def test_the_nightly_refit_keeps_the_practice_model_and_the_pages_use_it(practice, other_practice, world, monkeypatch):
    tz = ZoneInfo(practice.timezone)
    the_morning_after, _ = day_bounds(practice, world[-1].day + timedelta(days=3))
    assert not wait_model_for(practice).learned  # the default until the first refit

    fit = refit_wait_model(practice=practice, now=the_morning_after)

    rows = [row for day in as_provider_days(world) for row in training_rows(day, tz=tz)]
    assert fit is not None and fit.visits == len(rows)
    model = wait_model_for(practice)
    assert model.learned and model.n == len(rows)
    assert refit_wait_model(practice=other_practice, now=the_morning_after) is None  # no history: no model
    assert not wait_model_for(other_practice).learned
    assert WaitModelFit.objects.filter(practice=other_practice).count() == 0

    # The daily task refits every practice that has the history (and only those).
    WaitModelFit.objects.all().delete()
    monkeypatch.setattr(timezone, "now", lambda: the_morning_after)
    assert refit_wait_models_daily.call_local() == 1
    assert WaitModelFit.objects.get(practice=practice).visits == len(rows)


def test_the_accuracy_is_kept_until_a_visit_changes(practice, world, monkeypatch, settings):
    from frontdesk import estimate_accuracy
    from frontdesk.models import Visit
    from frontdesk.selectors import wait as wait_selectors

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    start, _ = day_bounds(practice, world[0].day)
    _, end = day_bounds(practice, world[-1].day)
    replays = []
    real_replay = estimate_accuracy.replay
    monkeypatch.setattr(wait_selectors, "replay", lambda *a, **k: replays.append(1) or real_replay(*a, **k))

    first = estimate_errors(practice=practice, start=start, end=end)
    assert estimate_errors(practice=practice, start=start, end=end) == first
    assert len(replays) == 1  # the second read came from the cache
    visit = Visit.objects.filter(practice=practice, roomed_at__isnull=False).first()
    visit.roomed_at -= timedelta(minutes=1)
    visit.save()
    assert estimate_errors(practice=practice, start=start, end=end) != first
    assert len(replays) == 2
