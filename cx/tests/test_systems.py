"""Using our systems well: the default checklists, the tracked figures computed from what Touchpoints
really records (audit entries of opened check-ins, flow board times, texts and replies, recovery
cases), business time, and editing (owner and experience lead only; bad input changes nothing)."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx import systems_measures as sm
from cx.models import SystemsPractice
from cx.selectors import systems as systems_selectors
from feedback.models import RecoveryCase
from frontdesk.models import OnlineCheckIn, Visit
from messaging.models import Conversation, InboundAction, InboundMessage, Message, MessageKind
from practices.models import Role
from tests.factories import (
    make_appointment,
    make_location,
    make_patient,
    make_provider,
    make_response,
    make_staff,
    make_survey,
    make_visit_type,
)

pytestmark = pytest.mark.django_db


def url(name, practice):
    return reverse(f"cx:{name}", kwargs={"practice_slug": practice.slug})


def figure(practice, code, now):
    return systems_selectors.figures(practice=practice, codes=[code], today=practice.local_date(now), now=now)[code]


# --- business time (pure) ------------------------------------------------------------------------


def test_business_minutes_count_only_opening_hours():
    zone = ZoneInfo("America/Chicago")
    hours = {d: [(time(9), time(17))] for d in range(5)}
    monday_late = datetime(2026, 3, 2, 16, 30, tzinfo=zone)
    tuesday_early = datetime(2026, 3, 3, 9, 30, tzinfo=zone)
    assert sm.business_minutes(monday_late, tuesday_early, hours, zone) == pytest.approx(60)
    friday = datetime(2026, 3, 6, 16, 45, tzinfo=zone)
    monday = datetime(2026, 3, 9, 9, 15, tzinfo=zone)  # the clocks changed on Sunday 8 March
    assert sm.business_minutes(friday, monday, hours, zone) == pytest.approx(30)
    # Two locations' overlapping hours count once; no hours at all: clock time.
    both = {0: [(time(9), time(13)), (time(12), time(17))]}
    assert sm.business_minutes(
        datetime(2026, 3, 2, 8, tzinfo=zone), datetime(2026, 3, 2, 18, tzinfo=zone), both, zone
    ) == pytest.approx(8 * 60)
    assert sm.business_minutes(monday_late, tuesday_early, {}, zone) == pytest.approx(17 * 60)


# --- the figures ---------------------------------------------------------------------------------


@pytest.fixture
def clinic(practice):
    location = make_location(practice)
    provider_user = make_staff(practice, Role.CLINICIAN)
    provider = make_provider(practice, locations=[location], user=provider_user)
    visit_type = make_visit_type(practice, offered_by=[provider], offered_at=[location])
    return location, provider, provider_user, visit_type


_slots = itertools.count()


def visit(practice, clinic, *, start, check_in_at=None, roomed_at=None, with_provider_at=None):
    """A visit with its step times; the appointment itself sits in its own slot (one provider's
    appointments may not overlap), the measures read the visit's times."""
    location, provider, _user, visit_type = clinic
    slot = start - timedelta(days=200) + timedelta(minutes=40 * next(_slots))
    appointment = make_appointment(make_patient(practice), provider, location, visit_type, start=slot)
    found = Visit.objects.create(
        practice=practice,
        appointment=appointment,
        status="with_provider" if with_provider_at else "roomed",
        arrived_at=start - timedelta(minutes=10),
        roomed_at=roomed_at,
        with_provider_at=with_provider_at,
    )
    check_in = None
    if check_in_at is not None:
        check_in = OnlineCheckIn.objects.create(practice=practice, appointment=appointment, completed_at=check_in_at)
    return found, check_in


def viewed(practice, check_in, user, at):
    AuditEntry.objects.create(
        practice=practice,
        at=at,
        actor_user=user,
        actor_label=user.email if user else "patient",
        action="view",
        object_type="frontdesk.onlinecheckin",
        object_id=str(check_in.pk),
        summary="online check-in viewed",
    )


def test_check_in_answers_opened_before_rooming(practice, clinic):
    now = timezone.now()
    desk = make_staff(practice, Role.FRONT_DESK)
    start = now - timedelta(days=2)
    roomed = start + timedelta(minutes=5)
    _, read = visit(practice, clinic, start=start, check_in_at=start - timedelta(hours=20), roomed_at=roomed)
    viewed(practice, read, desk, roomed - timedelta(minutes=3))
    _, late = visit(practice, clinic, start=start, check_in_at=start - timedelta(hours=20), roomed_at=roomed)
    viewed(practice, late, desk, roomed + timedelta(minutes=3))
    _, unread = visit(practice, clinic, start=start, check_in_at=start - timedelta(hours=20), roomed_at=roomed)
    viewed(practice, unread, None, roomed - timedelta(minutes=30))  # not staff: a patient's own view
    visit(practice, clinic, start=start, roomed_at=roomed)  # no online check-in: not counted
    visit(
        practice,
        clinic,
        start=now - timedelta(days=120),
        check_in_at=now - timedelta(days=121),
        roomed_at=now - timedelta(days=120),
    )
    found = figure(practice, sm.CHECKIN_READ_BEFORE_ROOMING, now)
    assert (found.count, found.n) == (1, 3)
    assert found.too_few and found.low is not None and found.low < 33.4 < found.high


def test_check_in_answers_opened_by_the_provider_before_going_in(practice, clinic):
    now = timezone.now()
    _location, _provider, provider_user, _vt = clinic
    desk = make_staff(practice, Role.FRONT_DESK)
    start = now - timedelta(days=1)
    went_in = start + timedelta(minutes=15)
    _, mine = visit(
        practice, clinic, start=start, check_in_at=start - timedelta(hours=3), roomed_at=start, with_provider_at=went_in
    )
    viewed(practice, mine, provider_user, went_in - timedelta(minutes=1))
    _, desk_only = visit(
        practice, clinic, start=start, check_in_at=start - timedelta(hours=3), roomed_at=start, with_provider_at=went_in
    )
    viewed(practice, desk_only, desk, went_in - timedelta(minutes=10))
    found = figure(practice, sm.CHECKIN_READ_BY_PROVIDER, now)
    assert (found.count, found.n) == (1, 2)


def test_patients_texts_answered_within_a_business_hour(practice):
    now = timezone.now()
    patient = make_patient(practice)

    def conversation():
        return Conversation.objects.create(practice=practice, patient=patient, phone="+15555550100")

    def text(conv, at):
        InboundMessage.objects.create(
            practice=practice,
            patient=patient,
            conversation=conv,
            from_number="+15555550100",
            body="Can I move my visit?",
            provider_message_id=f"SM{conv.pk}-{at.timestamp()}",
            action=InboundAction.NONE,
            received_at=at,
        )

    def reply(conv, at):
        Message.objects.create(
            practice=practice,
            patient=patient,
            conversation=conv,
            kind=MessageKind.CONVERSATION,
            channel="sms",
            dedupe_key=f"reply-{conv.pk}-{at.timestamp()}",
            to="+15555550100",
            body="Yes, we can.",
            created_at=at,
        )

    quick = conversation()
    text(quick, now - timedelta(hours=10))
    text(quick, now - timedelta(hours=10) + timedelta(minutes=5))  # same wait: counted once
    reply(quick, now - timedelta(hours=10) + timedelta(minutes=30))
    slow = conversation()
    text(slow, now - timedelta(hours=8))
    reply(slow, now - timedelta(hours=5))
    ignored = conversation()
    text(ignored, now - timedelta(hours=5))
    waiting = conversation()
    text(waiting, now - timedelta(minutes=10))  # still inside its hour: not counted yet
    confirmed = conversation()
    InboundMessage.objects.create(
        practice=practice,
        conversation=confirmed,
        from_number="+15555550100",
        body="C",
        provider_message_id="SMconfirm",
        action=InboundAction.CONFIRM,
        received_at=now - timedelta(hours=3),
    )
    found = figure(practice, sm.TEXT_REPLY_BUSINESS_HOUR, now)  # the practice has no opening hours: clock time
    assert (found.count, found.n) == (1, 3)


def test_recovery_cases_acted_on_before_they_were_due(practice):
    now = timezone.now()
    version = make_survey(practice)
    patient = make_patient(practice)

    def case(opened, due, heard=None):
        response = make_response(version, patient, {"recommend": 9}, completed_at=opened)
        return RecoveryCase.objects.create(
            practice=practice,
            response=response,
            patient=patient,
            reason="negative_comment",
            opened_at=opened,
            due_at=due,
            heard_at=heard,
        )

    case(now - timedelta(days=5), now - timedelta(days=3), heard=now - timedelta(days=4))
    case(now - timedelta(days=5), now - timedelta(days=3), heard=now - timedelta(days=2))
    case(now - timedelta(days=5), now - timedelta(days=3))
    case(now - timedelta(hours=5), now + timedelta(hours=43))  # not due yet, nothing done: not counted
    found = figure(practice, sm.RECOVERY_BEFORE_DUE, now)
    assert (found.count, found.n) == (1, 3)


def test_another_practices_records_are_not_counted(practice, other_practice, clinic):
    now = timezone.now()
    desk = make_staff(practice, Role.FRONT_DESK)
    start = now - timedelta(days=2)
    _, mine = visit(practice, clinic, start=start, check_in_at=start - timedelta(hours=5), roomed_at=start)
    viewed(practice, mine, desk, start - timedelta(minutes=1))
    found = systems_selectors.figures(
        practice=other_practice, codes=list(sm.MEASURES), today=other_practice.local_date(now), now=now
    )
    assert all(f.n == 0 and f.percent is None for f in found.values())
    assert set(found) == set(sm.MEASURES)


# --- the pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_everyone_reads_the_checklists(client, practice, role):
    client.force_login(make_staff(practice, role))
    page = client.get(url("systems", practice)).content.decode()
    assert "Read the patient&#x27;s check-in answers before calling them in." in page
    assert "Not tracked by Touchpoints." in page
    assert "Check-in answers opened before rooming: nothing to measure in these days yet (n = 0)." in page


def test_the_checklists_in_spanish(client, practice):
    client.force_login(make_staff(practice, Role.FRONT_DESK))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(url("systems", practice)).content.decode()
    assert "Lea las respuestas del registro del paciente antes de llamarlo." in page
    assert "Touchpoints no lo mide." in page


@pytest.mark.parametrize("role", [Role.OWNER, Role.EXPERIENCE_LEAD])
def test_editors_change_a_roles_lines_and_the_others_keep_their_defaults(client, practice, role):
    client.force_login(make_staff(practice, role))
    assert client.get(url("systems_edit", practice) + "?role=billing").status_code == 200
    data = {"role": "receptionist", "text_0": "Greet every patient by name.", "measure_0": ""}
    data |= {"text_1": "  Answer texts   fast. ", "measure_1": sm.TEXT_REPLY_BUSINESS_HOUR}
    response = client.post(url("systems_edit", practice), data)
    assert response.status_code == 302
    assert list(
        SystemsPractice.objects.filter(practice=practice, job_title="receptionist").values_list("text", "measure")
    ) == [("Greet every patient by name.", ""), ("Answer texts fast.", sm.TEXT_REPLY_BUSINESS_HOUR)]
    providers = SystemsPractice.objects.filter(practice=practice, job_title="provider")
    assert [p.measure for p in providers][0] == sm.CHECKIN_READ_BY_PROVIDER
    # A role emptied on purpose stays empty.
    client.post(url("systems_edit", practice), {"role": "billing"})
    assert not SystemsPractice.objects.filter(practice=practice, job_title="billing").exists()
    page = client.get(url("systems", practice)).content.decode()
    assert "Greet every patient by name." in page and "No lines for this role." in page
    assert AuditEntry.objects.filter(practice=practice, object_type="cx.systemspractice").count() == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"measure_0": "no_such_measure"},
        {"text_0": "x" * 201},
        {"text_0": "", "measure_0": sm.RECOVERY_BEFORE_DUE},
    ],
)
def test_bad_lines_change_nothing(client, practice, bad):
    client.force_login(make_staff(practice, Role.OWNER))
    response = client.post(url("systems_edit", practice), {"role": "receptionist", "text_0": "Fine", **bad})
    assert response.status_code == 200
    assert not SystemsPractice.objects.filter(practice=practice).exists()


def test_an_unknown_role_is_404(client, practice):
    client.force_login(make_staff(practice, Role.OWNER))
    assert client.get(url("systems_edit", practice) + "?role=astronaut").status_code == 404
    assert client.post(url("systems_edit", practice), {"role": "astronaut", "text_0": "x"}).status_code == 404
    assert not SystemsPractice.objects.filter(practice=practice).exists()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING])
def test_the_team_cannot_edit(client, practice, role):
    client.force_login(make_staff(practice, role))
    assert client.get(url("systems_edit", practice)).status_code == 403
    assert client.post(url("systems_edit", practice), {"role": "receptionist", "text_0": "x"}).status_code == 403
    assert not SystemsPractice.objects.filter(practice=practice).exists()


def test_a_practices_lines_are_its_own(client, practice, other_practice):
    SystemsPractice.objects.create(practice=other_practice, job_title="receptionist", text="Their own secret line")
    client.force_login(make_staff(practice, Role.FRONT_DESK))
    page = client.get(url("systems", practice)).content.decode()
    assert "Their own secret line" not in page
    assert "Read the patient&#x27;s check-in answers" in page


def test_a_tracked_line_shows_its_figure(client, practice, clinic):
    now = timezone.now()
    desk = make_staff(practice, Role.FRONT_DESK)
    start = now - timedelta(days=3)
    for i in range(4):
        _, check_in = visit(practice, clinic, start=start, check_in_at=start - timedelta(hours=5), roomed_at=start)
        if i < 3:
            viewed(practice, check_in, desk, start - timedelta(minutes=2))
    client.force_login(desk)
    page = client.get(url("systems", practice)).content.decode()
    assert "Check-in answers opened before rooming: 75 % (3 of 4; 95 % interval" in page
    assert "too few to trust" in page
