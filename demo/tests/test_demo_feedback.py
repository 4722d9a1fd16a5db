"""The demo practice's survey history: 18 months of invitations and answers that tell a story (a provider
who runs late, a front desk that dipped under a new receptionist and recovered after a retraining),
comments that agree with the answers, in the patient's language, each analysed, and recovery cases
opened by the live rules.

The small demo is built once for the module (it takes a while) and rolled back at the end.
"""

import re
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from demo import practices as demo
from demo.feedback import DESK_DIP_DAYS_AGO, build_feedback
from demo.frontdesk import LATE_PROVIDER_INDEX
from feedback.models import (
    Answer,
    CaseReason,
    CaseStatus,
    CommentAnalysis,
    FeedbackSettings,
    Invitation,
    InvitationStatus,
    QuestionKind,
    RecoveryCase,
    RecoveryCaseEvent,
    Response,
    ReviewSite,
    SurveyKind,
)
from feedback.services import listening
from journey.models import JourneyEvent
from practices.models import Membership, Provider, Role

TODAY = date(2026, 3, 2)
SEED = 5
SPANISH_WORDS = frozenset({"el", "la", "me", "muy", "de", "que", "en", "y", "mi", "los", "las", "con", "pero"})
ENGLISH_WORDS = frozenset({"the", "was", "and", "my", "were", "with", "but", "is"})


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        practice = demo.build_demo(size="small", seed=SEED, today=TODAY)
        if not Invitation.objects.filter(practice=practice).exists():  # until demo/practices.py calls it
            build_feedback(practice=practice, seed=SEED, today=TODAY)
        yield practice
        transaction.set_rollback(True)


@pytest.fixture
def practice(seeded, db):
    return seeded


def _now(practice) -> datetime:
    return datetime.combine(TODAY, time.min, tzinfo=ZoneInfo(practice.timezone))


def _completed(practice, kind=SurveyKind.POST_VISIT):
    return Response.objects.filter(practice=practice, completed_at__isnull=False, version__survey__kind=kind)


def _top_box(answers) -> float:
    rows = list(answers)
    tops = sum(1 for kind, value in rows if (value == 4 if kind == QuestionKind.FREQUENCY else value >= 9))
    return tops / len(rows)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-záéíóúñü]+", text.lower()))


def test_it_gives_eighteen_months_of_post_visit_history_and_six_of_booking_surveys(practice):
    visits = _completed(practice)
    first, last = visits.earliest("completed_at").completed_at, visits.latest("completed_at").completed_at
    assert last - first >= timedelta(days=17 * 30)
    assert last < _now(practice) <= last + timedelta(days=3)
    booking = _completed(practice, SurveyKind.AFTER_BOOKING)
    assert booking.count() > 50
    assert booking.earliest("completed_at").completed_at >= _now(practice) - timedelta(days=184)
    assert not Response.objects.filter(practice=practice, started_at__gte=_now(practice)).exists()


def test_it_gets_a_plausible_response_rate_better_by_email_than_by_text(practice):
    sent = Invitation.objects.filter(practice=practice).exclude(status=InvitationStatus.SKIPPED)
    completed = sent.filter(status=InvitationStatus.COMPLETED)
    assert 0.25 <= completed.count() / sent.count() <= 0.35
    channel = {
        (e.patient_id, e.occurred_at): e.data["channel"]
        for e in JourneyEvent.objects.filter(practice=practice, kind="survey.invited")
    }
    assert len(channel) == sent.count()
    asked, answered = defaultdict(int), defaultdict(int)
    for patient_id, created_at, status in sent.values_list("patient_id", "created_at", "status"):
        asked[channel[(patient_id, created_at)]] += 1
        answered[channel[(patient_id, created_at)]] += status == InvitationStatus.COMPLETED
    assert answered["email"] / asked["email"] > answered["sms"] / asked["sms"] + 0.03
    # Some stopped part way: their answers are kept, the invitation counts as started.
    partial = Response.objects.filter(practice=practice, completed_at__isnull=True, answers__isnull=False).distinct()
    assert partial.count() > 30
    assert not partial.exclude(invitation__status=InvitationStatus.STARTED).exists()
    # Patients with no channel are recorded as not asked, with the reason.
    skipped = Invitation.objects.filter(practice=practice, status=InvitationStatus.SKIPPED)
    assert skipped.exists() and not skipped.filter(skip_reason="").exists()


def test_it_asks_a_patient_at_most_once_in_thirty_days(practice):
    cooldown = FeedbackSettings.objects.get(practice=practice).cooldown_days
    by_patient = defaultdict(list)
    sent = Invitation.objects.filter(practice=practice).exclude(status=InvitationStatus.SKIPPED)
    for patient_id, created_at in sent.values_list("patient_id", "created_at"):
        by_patient[patient_id].append(created_at)
    gaps = [b - a for times in by_patient.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    assert len(gaps) > 500
    assert min(gaps) > timedelta(days=cooldown)


def test_it_scores_like_a_good_practice_with_room_to_improve(practice):
    answers = Answer.objects.filter(response__in=_completed(practice), value__isnull=False)
    recommend = list(answers.filter(question__kind=QuestionKind.RECOMMEND).values_list("value", flat=True))
    nps = 100 * (sum(v >= 9 for v in recommend) - sum(v <= 6 for v in recommend)) / len(recommend)
    assert 50 <= nps <= 70

    def composite(name):
        by_code = defaultdict(list)
        for code, kind, value in answers.filter(question__composite=name).values_list(
            "question__code", "question__kind", "value"
        ):
            by_code[code].append((kind, value))
        return sum(_top_box(rows) for rows in by_code.values()) / len(by_code)

    assert 0.83 <= composite("communication") <= 0.92
    assert 0.73 <= composite("office_staff") <= 0.87
    assert 0.58 <= composite("access") <= 0.72


def test_it_shows_the_late_provider_and_the_warm_one(practice):
    providers = list(Provider.objects.filter(practice=practice).order_by("pk").values_list("pk", flat=True))
    late, warm = providers[LATE_PROVIDER_INDEX], providers[0]
    answers = Answer.objects.filter(response__in=_completed(practice))

    def top_box(code, provider_id):
        rows = answers.filter(question__code=code, response__provider_id=provider_id)
        return _top_box(rows.values_list("question__kind", "value"))

    on_time = {p: top_box("cg_access_seen_on_time", p) for p in providers}
    assert all(on_time[late] < on_time[p] - 0.08 for p in providers if p != late)
    listened = {p: top_box("cg_comm_listen", p) for p in providers}
    assert all(listened[warm] > listened[p] for p in providers if p != warm)


def test_it_shows_the_front_desk_dip_and_its_recovery(practice):
    now = _now(practice)
    start, end = (now - timedelta(days=days) for days in DESK_DIP_DAYS_AGO)
    staff = Answer.objects.filter(response__in=_completed(practice), question__composite="office_staff")

    def top_box(rows):
        return _top_box(rows.values_list("question__kind", "value"))

    # From two weeks after the new receptionist started to the retraining; from a week after it.
    learning = staff.filter(response__completed_at__gte=start + timedelta(days=14), response__completed_at__lt=end)
    during = top_box(learning)
    before = top_box(staff.filter(response__completed_at__lt=start))
    after = top_box(staff.filter(response__completed_at__gte=end + timedelta(days=7)))
    assert during < before - 0.08 and during < after - 0.08
    assert -0.04 < after - before < 0.08  # back, a little above where it was


def test_it_analyses_every_comment_and_the_comments_agree_with_the_answers(practice):
    texts = Answer.objects.filter(response__practice=practice).exclude(text="")
    analyses = CommentAnalysis.objects.filter(practice=practice)
    assert texts.count() == analyses.count() > 300
    assert not texts.filter(analysis__isnull=True).exists()
    assert set(analyses.values_list("model_version", flat=True)) == {
        listening.model_version("en"),
        listening.model_version("es"),
    }
    for analysis in analyses.select_related("answer__response"):
        assert analysis.model_version == listening.model_version(analysis.answer.response.language)
    # Comments on about four responses in ten, and they rarely repeat word for word.
    completed = Response.objects.filter(practice=practice, completed_at__isnull=False)
    assert 0.3 <= texts.count() / completed.count() <= 0.5
    repeats = Counter(texts.values_list("text", flat=True))
    assert len(repeats) >= 0.8 * texts.count()
    assert max(repeats.values()) <= max(5, texts.count() // 100)
    # A detractor's comment complains: the analyser reads most English ones as negative or mixed.
    detractors = Response.objects.filter(
        pk__in=Answer.objects.filter(question__kind=QuestionKind.RECOMMEND, value__lte=6).values("response_id"),
        practice=practice,
        language="en",
    )
    readings = list(analyses.filter(answer__response__in=detractors).values_list("sentiment", flat=True))
    assert len(readings) > 20
    assert sum(r in ("negative", "mixed") for r in readings) / len(readings) >= 0.7
    promoters = Response.objects.filter(
        pk__in=Answer.objects.filter(question__kind=QuestionKind.RECOMMEND, value__gte=9).values("response_id"),
        practice=practice,
        language="en",
    )
    readings = list(analyses.filter(answer__response__in=promoters).values_list("sentiment", flat=True))
    assert sum(r == "negative" for r in readings) / len(readings) < 0.15


def test_it_writes_in_the_patients_language(practice):
    comments = Answer.objects.filter(response__practice=practice).exclude(text="")
    spanish = list(comments.filter(response__language="es").values_list("text", flat=True))
    english = list(comments.filter(response__language="en").values_list("text", flat=True))
    assert len(spanish) > 30 and len(english) > 200
    assert all(_words(text) & SPANISH_WORDS and not _words(text) & ENGLISH_WORDS for text in spanish)
    assert not [text for text in english if {"¿", "ñ"} & set(text) or _words(text) & {"muy", "pero", "gracias"}]
    # Each response is in its patient's language.
    assert not Response.objects.filter(practice=practice).exclude(language=F("patient__preferred_language")).exists()


def test_it_opens_recovery_cases_by_the_live_rules(practice):
    now = _now(practice)
    lead = Membership.objects.get(practice=practice, role=Role.EXPERIENCE_LEAD).user
    cases = {c.response_id: c for c in RecoveryCase.objects.filter(practice=practice)}
    analyses = defaultdict(list)
    for analysis in CommentAnalysis.objects.filter(practice=practice).select_related("answer"):
        analyses[analysis.answer.response_id].append(analysis)
    answers = defaultdict(list)
    completed = Response.objects.filter(practice=practice, completed_at__isnull=False)
    for answer in Answer.objects.filter(response__in=completed).select_related("question"):
        answers[answer.response_id].append(answer)
    expected = {}
    for response_id in completed.values_list("pk", flat=True):
        reason = listening.case_reason(answers[response_id], analyses[response_id])
        if reason:
            expected[response_id] = reason
    assert {pk: c.reason for pk, c in cases.items()} == expected
    assert {c.reason for c in cases.values()} == set(CaseReason.values)
    assert all(c.assigned_to_id == lead.pk and c.due_at - c.opened_at == timedelta(hours=48) for c in cases.values())

    closed = [c for c in cases.values() if c.status == CaseStatus.CLOSED]
    assert all(c.outcome and c.opened_at < c.closed_at < now and c.notes for c in closed)
    on_time = sum(c.closed_at <= c.due_at for c in closed) / len(closed)
    assert 0.8 <= on_time < 1
    reached = [c for c in closed if c.contacted]
    assert reached and all(
        c.contact_method and c.opened_at < c.heard_at <= c.empathized_at <= c.apologized_at <= c.thanked_at
        for c in reached
    )
    still_open = [c for c in cases.values() if c.status == CaseStatus.OPEN]
    assert 2 <= len(still_open) <= 4
    assert 1 <= sum(c.is_overdue(now) for c in still_open) <= 2

    history = defaultdict(list)
    for event in RecoveryCaseEvent.objects.filter(practice=practice):
        history[event.case_id].append((event.kind, event.detail))
    assert {c.pk: history[c.pk] for c in still_open} == {c.pk: [("opened", c.reason)] for c in still_open}
    assert {c.pk: history[c.pk] for c in closed} == {
        c.pk: [("opened", c.reason), ("closed", c.outcome)] for c in closed
    }


def test_it_records_each_step_in_the_journey(practice):
    events = JourneyEvent.objects.filter(practice=practice)
    sent = Invitation.objects.filter(practice=practice).exclude(status=InvitationStatus.SKIPPED)
    assert events.filter(kind="survey.invited", touchpoint="survey").count() == sent.count()
    assert events.filter(kind="survey.completed", touchpoint="survey").count() == _completed(practice).count()
    assert (
        events.filter(kind="survey.completed", touchpoint="self-scheduling").count()
        == _completed(practice, SurveyKind.AFTER_BOOKING).count()
    )
    cases = RecoveryCase.objects.filter(practice=practice)
    assert events.filter(kind="recovery.opened").count() == cases.count()
    assert events.filter(kind="recovery.closed").count() == cases.filter(status=CaseStatus.CLOSED).count()
    # Numbers and labels only; recorded when it happened.
    completed = events.filter(kind="survey.completed")
    assert all(set(e.data) <= {"survey", "version", "answered", "recommend", "provider_rating"} for e in completed)
    assert not events.filter(kind__startswith="survey.").exclude(recorded_at=F("occurred_at")).exists()


def test_it_sets_up_listening_for_the_experience_lead(practice):
    lead = Membership.objects.get(practice=practice, role=Role.EXPERIENCE_LEAD).user
    settings = FeedbackSettings.objects.get(practice=practice)
    assert settings.recovery_assignee == lead and settings.review_invitations
    sites = list(ReviewSite.objects.filter(practice=practice))
    assert [s.name for s in sites] == ["Google", "Healthgrades"]
    assert all(s.url.startswith("https://") and practice.slug in s.url and s.is_active for s in sites)
