"""What changed: the week's list and its filters, the monthly counts, one signal's responses (a call,
the one-question survey through feedback's cooldown, a recovery case), handling and dismissing, the
lesson search with recurring lessons, the patient's change timeline; roles, strangers, bad input."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx.models import Action, ChangeSignal, SignalKind, SignalStatus, SuggestedResponse
from cx.selectors import signals as signal_selectors
from cx.services import signals as signal_services
from feedback.models import (
    Answer,
    Invitation,
    InvitationStatus,
    RecoveryCase,
    Survey,
    SurveyKind,
)
from feedback.selectors.surveys import questions_for
from journey.models import JourneyEvent
from messaging.models import Message
from practices.models import Role
from tests.factories import make_location, make_patient, make_provider, make_response, make_staff, make_survey

pytestmark = pytest.mark.django_db


def url(name, practice, **kwargs):
    return reverse(f"cx:{name}", kwargs={"practice_slug": practice.slug, **kwargs})


def local_noon(practice, day):
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(practice.timezone)).astimezone(UTC)


def today(practice):
    return practice.local_date(timezone.now())


def make_signal(practice, patient=None, **fields):
    day = today(practice)
    values = {
        "kind": SignalKind.ONLINE_TO_PHONE,
        "evidence": "Booked online 6 times since 2024; booked by phone on 3 Dec and 28 Nov.",
        "changed_on": day - timedelta(days=2),
        "detected_at": timezone.now(),
    }
    values.update(fields)
    return ChangeSignal.objects.create(practice=practice, patient=patient or make_patient(practice), **values)


@pytest.fixture
def lead(practice):
    return make_staff(practice, Role.EXPERIENCE_LEAD)


@pytest.fixture
def desk(practice):
    return make_staff(practice, Role.FRONT_DESK)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_this_weeks_signals_with_their_evidence(client, practice, lead):
    patient = make_patient(practice, first_name="Maria", last_name="Lopez")
    signal = make_signal(practice, patient)
    last_month = make_signal(practice, detected_at=timezone.now() - timedelta(days=40), kind=SignalKind.OPTED_OUT)
    client.force_login(lead)
    page = client.get(url("signals", practice)).content.decode()
    assert "Maria Lopez" in page
    assert "Booked online 6 times since 2024" in page
    assert url("signal_patient", practice, pk=patient.pk) in page
    assert url("signal", practice, pk=signal.pk) in page
    assert url("signal", practice, pk=last_month.pk) not in page
    assert "A call from the front desk" in page  # the suggested response
    # Listing patients' names is recorded like the patient list.
    assert AuditEntry.objects.filter(practice=practice, summary__startswith="change signals, week of").exists()


def test_the_week_picker_shows_another_week(client, practice, lead):
    old = make_signal(practice, detected_at=timezone.now() - timedelta(days=14))
    client.force_login(lead)
    day = practice.local_date(old.detected_at)
    page = client.get(url("signals", practice), {"week": day.isoformat()}).content.decode()
    assert url("signal", practice, pk=old.pk) in page
    assert url("signal", practice, pk=old.pk) not in client.get(url("signals", practice)).content.decode()


def test_a_long_week_is_paged_and_the_pages_keep_the_filters(client, practice, lead, monkeypatch):
    monkeypatch.setattr("cx.views.signals.PAGE_SIZE", 2)
    signals = [make_signal(practice, kind=SignalKind.OPTED_OUT) for _ in range(3)]
    make_signal(practice, kind=SignalKind.LAPSED_RECALL)
    client.force_login(lead)
    first = client.get(url("signals", practice), {"kind": SignalKind.OPTED_OUT}).content.decode()
    second = client.get(url("signals", practice), {"kind": SignalKind.OPTED_OUT, "page": "2"}).content.decode()
    shown = [sum(url("signal", practice, pk=s.pk) in page for s in signals) for page in (first, second)]
    assert shown == [2, 1]
    assert "Page 1 of 2" in first and "kind=opted_out&amp;page=2" in first
    # A page number that is not one shows the last page, never an error.
    assert client.get(url("signals", practice), {"kind": SignalKind.OPTED_OUT, "page": "99"}).status_code == 200


def test_filters_by_kind_location_provider_and_status(client, practice, lead):
    north, south = make_location(practice, name="North"), make_location(practice, name="South")
    lee = make_provider(practice, first_name="Sam", last_name="Lee", locations=[north])
    a = make_signal(practice, location=north, provider=lee)
    b = make_signal(practice, location=south, kind=SignalKind.LAPSED_RECALL)
    c = make_signal(practice, location=north, status=SignalStatus.HANDLED, handled_at=timezone.now(), lesson="x")
    client.force_login(lead)

    def shown(**params):
        page = client.get(url("signals", practice), params).content.decode()
        return {s.pk for s in (a, b, c) if url("signal", practice, pk=s.pk) in page}

    assert shown() == {a.pk, b.pk, c.pk}
    assert shown(kind=SignalKind.LAPSED_RECALL) == {b.pk}
    assert shown(location=north.pk) == {a.pk, c.pk}
    assert shown(provider=lee.pk) == {a.pk}
    assert shown(status=SignalStatus.OPEN) == {a.pk, b.pk}
    assert shown(status=SignalStatus.HANDLED, location=north.pk) == {c.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"week": "not-a-day"},
        {"week": "99999-01-01"},
        {"kind": "nonsense"},
        {"location": "abc"},
        {"provider": "999999"},
        {"status": "maybe"},
    ],
)
def test_bad_filters_show_this_week_and_never_fail(client, practice, lead, params):
    signal = make_signal(practice)
    client.force_login(lead)
    response = client.get(url("signals", practice), params)
    assert response.status_code == 200
    assert url("signal", practice, pk=signal.pk) in response.content.decode()


def test_monthly_counts_per_kind_with_each_months_n(practice):
    day = today(practice)
    first = day.replace(day=1)
    make_signal(practice, changed_on=first)
    make_signal(practice, changed_on=first, kind=SignalKind.OPTED_OUT)
    make_signal(practice, changed_on=first - timedelta(days=1), kind=SignalKind.OPTED_OUT)
    make_signal(practice, changed_on=first - timedelta(days=400))  # older than twelve months
    monthly = signal_selectors.monthly_counts(practice=practice, today=day)
    assert len(monthly.months) == 12
    assert monthly.kinds == [SignalKind.ONLINE_TO_PHONE, SignalKind.OPTED_OUT]
    this, last = monthly.months[-1], monthly.months[-2]
    assert this.first_day == first and this.n == 2
    assert this.counts == {SignalKind.ONLINE_TO_PHONE: 1, SignalKind.OPTED_OUT: 1}
    assert last.n == 1 and last.counts[SignalKind.OPTED_OUT] == 1
    assert monthly.total == 3


def test_the_chart_has_its_numbers_in_a_table(client, practice, lead):
    make_signal(practice, changed_on=today(practice).replace(day=1))
    client.force_login(lead)
    page = client.get(url("signals", practice)).content.decode()
    assert 'id="signal-months-data"' in page
    assert 'aria-describedby="signal-months-table"' in page
    assert 'id="signal-months-table"' in page


# --- one signal: handling --------------------------------------------------------------------------


def test_handling_needs_a_lesson_and_records_it(client, practice, lead):
    signal = make_signal(practice)
    client.force_login(lead)
    response = client.post(url("signal_handle", practice, pk=signal.pk), {"outcome": "handled", "lesson": "  "})
    assert response.status_code == 400
    assert "Write what you learned" in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN

    lesson = "The online booking page had no Saturday times."
    response = client.post(url("signal_handle", practice, pk=signal.pk), {"outcome": "handled", "lesson": lesson})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.status, signal.lesson, signal.handled_by) == (SignalStatus.HANDLED, lesson, lead)
    entry = AuditEntry.objects.filter(practice=practice, summary="change signal handled").get()
    assert entry.patient_id == signal.patient_id
    assert "Saturday" not in str(entry.changes) and "Saturday" not in entry.summary


def test_dismissing_needs_no_lesson_and_can_be_reopened(client, practice, desk):
    signal = make_signal(practice)
    client.force_login(desk)
    client.post(url("signal_handle", practice, pk=signal.pk), {"outcome": "dismissed", "lesson": ""})
    signal.refresh_from_db()
    assert signal.status == SignalStatus.DISMISSED and signal.handled_at is not None
    client.post(url("signal_handle", practice, pk=signal.pk), {"action": "reopen"})
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN and signal.handled_at is None


@pytest.mark.parametrize(
    "data", [{}, {"outcome": "maybe", "lesson": "x"}, {"outcome": "handled", "lesson": "x" * 2001}]
)
def test_bad_handling_changes_nothing(client, practice, lead, data):
    signal = make_signal(practice)
    client.force_login(lead)
    assert client.post(url("signal_handle", practice, pk=signal.pk), data).status_code == 400
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN and signal.lesson == ""


def test_the_handle_service_refuses_an_empty_lesson(practice, lead):
    signal = make_signal(practice)
    with pytest.raises(signal_services.SignalRefused):
        signal_services.handle_signal(signal, user=lead, lesson="")
    done = signal_services.handle_signal(signal, user=lead, lesson="", dismissed=True)
    assert done.status == SignalStatus.DISMISSED


# --- one signal: responses -------------------------------------------------------------------------


def test_a_call_is_a_front_desk_action_naming_the_patient_only(client, practice, lead, desk):
    patient = make_patient(practice, first_name="Maria", last_name="Lopez")
    signal = make_signal(practice, patient, evidence="Booked online 6 times; by phone on 3 Dec.")
    client.force_login(lead)
    client.post(url("signal_respond", practice, pk=signal.pk), {"response": "call"})
    signal.refresh_from_db()
    action = Action.objects.get(practice=practice)
    assert signal.call_action == action and signal.response_taken == SuggestedResponse.CALL
    assert action.owner == desk  # the front desk makes the calls
    assert "Maria Lopez" in action.title and str(patient.pk) in action.title
    assert "Booked online, now books by phone" in action.title
    assert "3 Dec" not in action.title  # the evidence stays on the signal
    # Twice is refused, and makes no second action.
    response = client.post(url("signal_respond", practice, pk=signal.pk), {"response": "call"}, follow=True)
    assert "already" in response.content.decode()
    assert Action.objects.filter(practice=practice).count() == 1


def test_a_front_desk_member_who_asks_for_the_call_gets_it(client, practice, desk):
    make_staff(practice, Role.FRONT_DESK)
    signal = make_signal(practice)
    client.force_login(desk)
    client.post(url("signal_respond", practice, pk=signal.pk), {"response": "call"})
    assert Action.objects.get(practice=practice).owner == desk


def test_without_a_front_desk_the_call_is_refused(client, practice, lead):
    signal = make_signal(practice)
    client.force_login(lead)
    response = client.post(url("signal_respond", practice, pk=signal.pk), {"response": "call"}, follow=True)
    assert "front-desk role" in response.content.decode()
    assert not Action.objects.filter(practice=practice).exists()


def test_the_micro_survey_goes_through_the_survey_system_with_one_question(client, practice, lead):
    patient = make_patient(practice, sms_consent=True, preferred_language="es")
    signal = make_signal(practice, patient)
    client.force_login(lead)
    page = client.get(url("signal", practice, pk=signal.pk)).content.decode()
    assert "Notamos que esta vez hizo su cita por teléfono" in page  # the patient's language
    response = client.post(url("signal_respond", practice, pk=signal.pk), {"response": "micro_survey"}, follow=True)
    assert "on its way" in response.content.decode()
    signal.refresh_from_db()
    invitation = signal.survey_invitation
    assert invitation is not None and invitation.status == InvitationStatus.SENT
    assert invitation.version.survey.kind == SurveyKind.AFTER_CHANGE
    assert invitation.version.survey.practice == practice  # the practice's copy of the shipped survey
    assert signal.response_taken == SuggestedResponse.MICRO_SURVEY
    # The patient sees the one question about this change.
    assert [q.code for q in questions_for(invitation)] == ["change_online_to_phone"]
    # The message holds the link only; the event the kind of change only.
    message = Message.objects.get(practice=practice, patient=patient)
    assert "phone" not in message.body.lower() and "Booked" not in message.body
    event = JourneyEvent.objects.get(pk=invitation.trigger_event_id)
    assert event.data == {"signal": "online_to_phone"}


def test_the_cooldown_refuses_the_micro_survey_and_says_so(client, practice, lead):
    patient = make_patient(practice, sms_consent=True)
    version = make_survey(practice)
    make_response(version, patient, {"recommend": 9}, completed_at=timezone.now() - timedelta(days=3))
    signal = make_signal(practice, patient)
    client.force_login(lead)
    page = client.get(url("signal", practice, pk=signal.pk)).content.decode()
    assert "cooldown-note" in page and "at most once" in page
    invitations = Invitation.objects.count()
    response = client.post(url("signal_respond", practice, pk=signal.pk), {"response": "micro_survey"}, follow=True)
    assert "Not sent" in response.content.decode() and "30 days" in response.content.decode()
    signal.refresh_from_db()
    assert signal.survey_invitation is None and signal.response_taken == ""
    assert Invitation.objects.count() == invitations
    assert not JourneyEvent.objects.filter(kind="change.asked").exists()


def test_a_patient_without_consent_gets_no_message_and_the_page_says_so(client, practice, lead):
    patient = make_patient(practice)  # no consent to texts or email
    signal = make_signal(practice, patient)
    client.force_login(lead)
    response = client.post(url("signal_respond", practice, pk=signal.pk), {"response": "micro_survey"}, follow=True)
    assert "has not agreed to texts or email" in response.content.decode()
    signal.refresh_from_db()
    assert signal.survey_invitation.status == InvitationStatus.SKIPPED
    assert not Message.objects.filter(practice=practice).exists()


def test_a_switched_off_survey_is_refused(client, practice, lead):
    Survey.objects.create(practice=practice, kind=SurveyKind.AFTER_CHANGE, name_en="x", name_es="x", is_active=False)
    signal = make_signal(practice, make_patient(practice, sms_consent=True))
    client.force_login(lead)
    response = client.post(url("signal_respond", practice, pk=signal.pk), {"response": "micro_survey"}, follow=True)
    assert "switched off" in response.content.decode()
    assert not Invitation.objects.filter(practice=practice).exists()


def test_a_recovery_case_needs_an_unhappy_answer_and_the_page_says_so(client, practice, lead):
    signal = make_signal(practice, kind=SignalKind.TURNED_DETRACTOR)
    client.force_login(lead)
    page = client.get(url("signal", practice, pk=signal.pk)).content.decode()
    assert "no-case-note" in page
    response = client.post(url("signal_respond", practice, pk=signal.pk), {"response": "recovery_case"}, follow=True)
    assert "starts from a survey answer" in response.content.decode()
    assert not RecoveryCase.objects.exists()


def test_a_recovery_case_opens_on_the_patients_unhappy_answer(client, practice, lead):
    patient = make_patient(practice)
    version = make_survey(practice)
    answer_response = make_response(version, patient, {"recommend": 3}, completed_at=timezone.now() - timedelta(days=2))
    signal = make_signal(practice, patient, kind=SignalKind.TURNED_DETRACTOR)
    client.force_login(lead)
    client.post(url("signal_respond", practice, pk=signal.pk), {"response": "recovery_case"})
    signal.refresh_from_db()
    case = RecoveryCase.objects.get(practice=practice)
    assert signal.recovery_case == case and case.response == answer_response and case.reason == "detractor"
    assert signal.response_taken == SuggestedResponse.RECOVERY_CASE


def test_an_open_case_is_linked_rather_than_a_second_one(client, practice, lead):
    patient = make_patient(practice)
    version = make_survey(practice)
    answered = make_response(version, patient, {"recommend": 9})
    case = RecoveryCase.objects.create(
        practice=practice, response=answered, patient=patient, reason="bottom_box", due_at=timezone.now()
    )
    signal = make_signal(practice, patient)
    client.force_login(lead)
    client.post(url("signal_respond", practice, pk=signal.pk), {"response": "recovery_case"})
    signal.refresh_from_db()
    assert signal.recovery_case == case and RecoveryCase.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"response": "letter"}, {"response": ""}])
def test_an_unknown_response_does_nothing(client, practice, lead, data):
    signal = make_signal(practice)
    client.force_login(lead)
    response = client.post(url("signal_respond", practice, pk=signal.pk), data, follow=True)
    assert "Nothing was done" in response.content.decode()
    signal.refresh_from_db()
    assert signal.response_taken == ""


# --- lessons ---------------------------------------------------------------------------------------


def handled(practice, kind, lesson):
    return make_signal(practice, kind=kind, status=SignalStatus.HANDLED, handled_at=timezone.now(), lesson=lesson)


def test_lessons_are_searchable_by_words_and_kind(client, practice, lead):
    a = handled(practice, SignalKind.ONLINE_TO_PHONE, "No Saturday times online.")
    b = handled(practice, SignalKind.LAPSED_RECALL, "Moved away; Saturday was the only day she could come.")
    c = handled(practice, SignalKind.ONLINE_TO_PHONE, "Her new phone could not open the page.")
    client.force_login(lead)

    def found(**params):
        page = client.get(url("signal_lessons", practice), params).content.decode()
        return {s.pk for s in (a, b, c) if url("signal", practice, pk=s.pk) in page}

    assert found() == {a.pk, b.pk, c.pk}
    assert found(q="saturday") == {a.pk, b.pk}
    assert found(q="saturday times") == {a.pk}
    assert found(q="saturday", kind=SignalKind.LAPSED_RECALL) == {b.pk}
    assert found(q="nothing like it") == set()
    assert client.get(url("signal_lessons", practice), {"kind": "nonsense"}).status_code == 200


def test_recurring_lessons_are_counted_by_kind(practice):
    handled(practice, SignalKind.ONLINE_TO_PHONE, "No Saturday times online.")
    handled(practice, SignalKind.ONLINE_TO_PHONE, "no saturday times online")
    handled(practice, SignalKind.ONLINE_TO_PHONE, "Phone was quicker.")
    make_signal(practice, kind=SignalKind.ONLINE_TO_PHONE, status=SignalStatus.DISMISSED, handled_at=timezone.now())
    handled(practice, SignalKind.OPTED_OUT, "Too many texts.")
    rows = {row.kind: row for row in signal_selectors.lessons_by_kind(practice=practice)}
    online = rows[SignalKind.ONLINE_TO_PHONE]
    assert (online.handled, online.dismissed) == (3, 1)
    assert [(r.lesson, r.times) for r in online.recurring] == [("No Saturday times online.", 2)]
    assert rows[SignalKind.OPTED_OUT].recurring == []


# --- the patient's timeline ------------------------------------------------------------------------


def test_the_patients_timeline_is_audited_and_linked_from_their_page(client, practice, lead):
    patient = make_patient(practice)
    older = make_signal(
        practice, patient, changed_on=today(practice) - timedelta(days=300), kind=SignalKind.NEW_LOCATION
    )
    newer = make_signal(practice, patient)
    client.force_login(make_staff(practice, Role.OWNER))
    detail = client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).content.decode()
    assert url("signal_patient", practice, pk=patient.pk) in detail
    client.force_login(lead)
    page = client.get(url("signal_patient", practice, pk=patient.pk)).content.decode()
    assert page.index(url("signal", practice, pk=newer.pk)) < page.index(url("signal", practice, pk=older.pk))
    entry = AuditEntry.objects.filter(practice=practice, summary="change timeline").get()
    assert entry.patient_id == patient.pk and entry.actor_user == lead


def test_a_clinician_sees_no_timeline_link(client, practice):
    patient = make_patient(practice)
    client.force_login(make_staff(practice, Role.CLINICIAN))
    detail = client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).content.decode()
    assert url("signal_patient", practice, pk=patient.pk) not in detail


# --- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.BILLING])
def test_other_roles_are_refused_and_change_nothing(client, practice, role):
    signal = make_signal(practice)
    client.force_login(make_staff(practice, role))
    for name, kwargs in [
        ("signals", {}),
        ("signal_lessons", {}),
        ("signal", {"pk": signal.pk}),
        ("signal_patient", {"pk": signal.patient_id}),
    ]:
        assert client.get(url(name, practice, **kwargs)).status_code == 403
    assert client.post(url("signal_handle", practice, pk=signal.pk), {"outcome": "dismissed"}).status_code == 403
    assert client.post(url("signal_respond", practice, pk=signal.pk), {"response": "call"}).status_code == 403
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN and signal.response_taken == ""


def test_another_practices_signal_and_patient_are_404_and_unchanged(client, practice, other_practice, lead):
    theirs = make_signal(other_practice, make_patient(other_practice, sms_consent=True))
    make_staff(other_practice, Role.FRONT_DESK)
    client.force_login(lead)
    assert client.get(url("signal", practice, pk=theirs.pk)).status_code == 404
    assert client.get(url("signal_patient", practice, pk=theirs.patient_id)).status_code == 404
    for response in ("call", "micro_survey", "recovery_case"):
        assert client.post(url("signal_respond", practice, pk=theirs.pk), {"response": response}).status_code == 404
    assert (
        client.post(url("signal_handle", practice, pk=theirs.pk), {"outcome": "handled", "lesson": "x"}).status_code
        == 404
    )
    page = client.get(url("signals", practice)).content.decode()
    assert theirs.patient.full_name not in page
    theirs.refresh_from_db()
    assert theirs.status == SignalStatus.OPEN and theirs.response_taken == ""
    assert not Action.objects.exists() and not Invitation.objects.exists()
    assert not Answer.objects.exists()
