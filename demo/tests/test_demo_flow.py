"""The demo practice's flow history: real step times, a provider who runs late, busy Monday mornings,
and a wait estimate that beats the patient's own guess on it."""

from collections import defaultdict
from datetime import date, datetime, time
from statistics import mean
from zoneinfo import ZoneInfo

import pytest

from demo import practices as demo
from demo.frontdesk import LATE_PROVIDER_INDEX, build_flow
from frontdesk.models import FlowSettings, FlowStatus, IntakeQuestion, PracticePolicy, Visit
from frontdesk.selectors.wait import estimate_errors
from practices.models import Provider
from scheduling.models import Appointment, AppointmentStatus

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _minutes(a, b) -> float:
    return (b - a).total_seconds() / 60


@pytest.mark.django_db
def test_it_gives_the_small_demo_a_realistic_flow_history():
    practice = demo.build_demo(size="small", seed=3, today=TODAY)  # build_demo runs build_flow
    tz = ZoneInfo(practice.timezone)
    now = datetime.combine(TODAY, time.min, tzinfo=tz)

    past = Appointment.objects.filter(practice=practice, start__lt=now)
    fulfilled = past.filter(status=AppointmentStatus.FULFILLED)
    assert fulfilled.count() > 1000
    # Every fulfilled visit went through the steps, in order; no-shows never arrived; nothing else has a visit.
    assert Visit.objects.filter(practice=practice, status=FlowStatus.DONE).count() == fulfilled.count()
    no_shows = Visit.objects.filter(practice=practice, status=FlowStatus.NO_SHOW)
    assert no_shows.count() == past.filter(status=AppointmentStatus.NOSHOW).count() > 0
    assert not no_shows.filter(arrived_at__isnull=False).exists()
    assert not Visit.objects.filter(practice=practice, appointment__start__gte=now).exists()
    assert not Visit.objects.filter(practice=practice, appointment__status=AppointmentStatus.CANCELLED).exists()

    lag_by_provider = defaultdict(list)
    mornings = {"monday": [], "other": []}
    for visit in Visit.objects.filter(practice=practice, status=FlowStatus.DONE).select_related("appointment"):
        a = visit.appointment
        assert visit.arrived_at <= visit.roomed_at <= visit.with_provider_at <= visit.checkout_at <= visit.done_at
        assert abs(_minutes(a.start, visit.arrived_at)) <= 30
        assert visit.updated_at == visit.done_at == visit.status_changed_at
        lag_by_provider[a.provider_id].append(_minutes(a.start, visit.with_provider_at))
        local = a.start.astimezone(tz)
        if local.hour < 12:
            mornings["monday" if local.weekday() == 0 else "other"].append(_minutes(visit.arrived_at, visit.roomed_at))

    providers = sorted(lag_by_provider)
    late = providers[LATE_PROVIDER_INDEX]
    others = [mean(lag_by_provider[p]) for p in providers if p != late]
    assert mean(lag_by_provider[late]) > 1.5 * max(others)
    assert mean(mornings["monday"]) > 1.3 * mean(mornings["other"])

    # The estimate beats "I'll be called at my appointment time" clearly, on this seed's history.
    first = past.earliest("start").start
    accuracy = estimate_errors(practice=practice, start=first, end=now)
    assert accuracy.n == fulfilled.count()
    assert accuracy.mae_minutes < 0.95 * accuracy.naive_mae_minutes
    late_only = estimate_errors(practice=practice, start=first, end=now, provider=Provider.objects.get(pk=late))
    assert late_only.n == len(lag_by_provider[late])
    assert late_only.mae_minutes < late_only.naive_mae_minutes


@pytest.mark.django_db
def test_it_sets_up_check_in_in_english_and_spanish(practice):
    build_flow(practice=practice, seed=1, today=TODAY)
    assert FlowSettings.objects.filter(practice=practice).count() == 1
    questions = list(IntakeQuestion.objects.filter(practice=practice))
    assert 4 <= len(questions) <= 5
    assert all(q.text_en != q.text_es and q.text_es and q.is_active for q in questions)
    assert any("allergic" in q.text_en and q.kind == "yes_no" for q in questions)
    policies = list(PracticePolicy.objects.filter(practice=practice))
    assert {p.title_en for p in policies} >= {"Financial policy", "Notice of privacy practices"}
    assert all(p.body_es and p.body_es != p.body_en and p.version == 1 for p in policies)
