"""Survey invitations: who is asked, when, how, and that a retried job asks once."""

from datetime import UTC, datetime, timedelta

import pytest

import journey
from feedback.models import FeedbackSettings, Invitation, InvitationStatus, SurveyKind
from feedback.services import invitations, surveys
from feedback.survey_links import invitation_for_token
from frontdesk.services.flow import change_status
from journey.models import JourneyEvent
from messaging.models import Channel, Message, MessageKind, MessageStatus
from practices.models import Role
from scheduling.models import Appointment

# Monday 7 January 2030, 09:00 in Chicago (the test practice's zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def visit_type(practice, provider, location):
    from scheduling.models import VisitType

    return VisitType.objects.create(practice=practice, name="Mohs surgery follow-up", slug="mohs", duration_minutes=30)


@pytest.fixture
def make_visit(practice, provider, location, visit_type):
    def make(patient, *, start=NOW - timedelta(hours=1), status="fulfilled") -> Appointment:
        return Appointment.objects.create(
            practice=practice,
            patient=patient,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=start,
            end=start + timedelta(minutes=30),
            blocked_start=start,
            blocked_end=start + timedelta(minutes=30),
            booked_via="staff",
            status=status,
        )

    return make


@pytest.fixture
def texting_patient(practice, make_patient):
    return make_patient(practice, sms_consent=True, email_consent=True)


def visit_done(practice, patient, appointment=None, *, at=NOW, with_id=True) -> JourneyEvent:
    data = {"from": "with_provider", "source": "desk"}
    if appointment is not None and with_id:
        data["appointment"] = appointment.pk
    return journey.record(
        practice=practice, patient=patient, touchpoint="visit-status", kind="visit.done", at=at, data=data
    )


def invite(practice, patient, kind=SurveyKind.POST_VISIT, **kwargs):
    return invitations.invite(practice=practice, patient=patient, kind=kind, **kwargs)


# --- who is asked ---------------------------------------------------------------------------------


def test_it_invites_by_text_with_a_working_single_use_link(practice, texting_patient, make_visit):
    visit = make_visit(texting_patient)
    invitation = invite(practice, texting_patient, appointment=visit, now=NOW)
    assert invitation.status == InvitationStatus.SENT and invitation.appointment == visit
    assert invitation.version.survey.practice == practice and invitation.version.survey.kind == SurveyKind.POST_VISIT
    [message] = Message.objects.filter(practice=practice, kind=MessageKind.SURVEY)
    assert message.channel == Channel.SMS and message.dedupe_key == f"survey:{invitation.pk}"
    assert message.status == MessageStatus.QUEUED and message.patient == texting_patient
    token = message.body.split(f"/p/{practice.slug}/s/")[1].split("/")[0]
    assert invitation_for_token(practice, token) == invitation
    assert invitation.token_hash != token and token not in invitation.token_hash
    event = JourneyEvent.objects.get(practice=practice, kind="survey.invited")
    assert event.touchpoint == "survey" and event.data == {"survey": "post_visit", "channel": "sms"}


def test_it_emails_a_patient_who_agreed_to_email_only(practice, make_patient):
    patient = make_patient(practice, email_consent=True, sms_consent=False)
    invite(practice, patient, now=NOW)
    [message] = Message.objects.filter(kind=MessageKind.SURVEY)
    assert message.channel == Channel.EMAIL and message.to == patient.email and message.subject


def test_without_consent_it_keeps_a_skipped_invitation_and_sends_nothing(practice, make_patient):
    patient = make_patient(practice, email_consent=False, sms_consent=False)
    invitation = invite(practice, patient, now=NOW)
    assert invitation.status == InvitationStatus.SKIPPED and invitation.skip_reason == "no_consent"
    assert not Message.objects.exists()
    assert JourneyEvent.objects.filter(kind="survey.skipped", data__skipped_because="no_consent").exists()
    assert JourneyEvent.objects.filter(kind="survey.invited").count() == 0


def test_consent_without_an_address_is_skipped_as_no_address(practice, make_patient):
    patient = make_patient(practice, sms_consent=True, phone="", email_consent=False)
    invitation = invite(practice, patient, now=NOW)
    assert invitation.skip_reason == "no_address" and not Message.objects.exists()


def test_a_survey_the_practice_switched_off_asks_nobody(practice, texting_patient, owner):
    surveys.set_sending(practice=practice, kind=SurveyKind.AFTER_BOOKING, on=False, actor_user=owner)
    assert invite(practice, texting_patient, kind=SurveyKind.AFTER_BOOKING, now=NOW) is None
    assert not Invitation.objects.exists() and not Message.objects.exists()


def test_it_refuses_a_patient_of_another_practice(practice, other_practice, make_patient):
    stranger = make_patient(other_practice, sms_consent=True)
    with pytest.raises(ValueError):
        invite(practice, stranger, now=NOW)
    assert not Invitation.objects.exists()


# --- the cooldown ---------------------------------------------------------------------------------


def test_a_second_invitation_within_the_cooldown_is_not_made(practice, texting_patient):
    assert invite(practice, texting_patient, now=NOW) is not None
    assert invite(practice, texting_patient, kind=SurveyKind.AFTER_BOOKING, now=NOW + timedelta(days=29)) is None
    assert Invitation.objects.count() == 1 and Message.objects.count() == 1


def test_a_one_question_survey_does_not_hold_back_the_visit_survey(practice, texting_patient):
    assert invite(practice, texting_patient, kind=SurveyKind.AFTER_BOOKING, now=NOW) is not None
    # Booked online yesterday, seen today: the visit survey still goes...
    assert invite(practice, texting_patient, now=NOW + timedelta(days=1)) is not None
    # ...but then nothing else for the cooldown, and no second visit survey either.
    assert invite(practice, texting_patient, kind=SurveyKind.AFTER_CHECK_IN, now=NOW + timedelta(days=2)) is None
    assert invite(practice, texting_patient, now=NOW + timedelta(days=20)) is None
    assert Invitation.objects.count() == 2


def test_after_the_cooldown_the_patient_is_asked_again(practice, texting_patient):
    invite(practice, texting_patient, now=NOW)
    again = invite(practice, texting_patient, now=NOW + timedelta(days=30, seconds=1))
    assert again is not None and Invitation.objects.count() == 2 and Message.objects.count() == 2


def test_the_cooldown_is_the_practices_own(practice, texting_patient):
    FeedbackSettings.objects.create(practice=practice, cooldown_days=7)
    invite(practice, texting_patient, now=NOW)
    assert invite(practice, texting_patient, now=NOW + timedelta(days=6)) is None
    assert invite(practice, texting_patient, now=NOW + timedelta(days=8)) is not None


def test_skipped_invitations_do_not_count_toward_the_cooldown(practice, make_patient):
    patient = make_patient(practice, sms_consent=False, email_consent=False)
    assert invite(practice, patient, now=NOW).status == InvitationStatus.SKIPPED
    patient.sms_consent = True
    patient.save()
    later = invite(practice, patient, now=NOW + timedelta(days=1))
    assert later is not None and later.status == InvitationStatus.SENT


# --- what the message says, and when --------------------------------------------------------------


def test_the_message_carries_no_visit_detail(practice, texting_patient, make_visit):
    visit = make_visit(texting_patient)
    invite(practice, texting_patient, appointment=visit, now=NOW)
    [message] = Message.objects.all()
    assert practice.name in message.body
    for detail in ("Mohs", "surgery", "follow-up", "Cole", texting_patient.last_name):
        assert detail not in message.body and detail not in message.subject
    assert len(message.body) <= 160  # one text message


def test_a_spanish_speaking_patient_gets_the_text_in_spanish(practice, make_patient):
    patient = make_patient(practice, preferred_language="es", sms_consent=True)
    invitation = invite(practice, patient, now=NOW)
    [message] = Message.objects.all()
    assert invitation.language == "es"
    assert "Encuesta" in message.body and "STOP" in message.body and "survey" not in message.body.lower()


def test_a_spanish_speaking_patient_gets_the_email_in_spanish(practice, make_patient):
    patient = make_patient(practice, preferred_language="es", sms_consent=False, email_consent=True)
    invite(practice, patient, now=NOW)
    [message] = Message.objects.all()
    assert message.subject.startswith("¿Cómo fue su experiencia") and "Gracias por elegir" in message.body


def test_the_visit_survey_waits_the_practices_delay_after_the_visit(practice, texting_patient, make_visit):
    FeedbackSettings.objects.create(practice=practice, post_visit_delay_hours=3, invitation_valid_days=10)
    event = visit_done(practice, texting_patient, make_visit(texting_patient))
    invitation = invite(practice, texting_patient, trigger_event=event, now=NOW + timedelta(minutes=5))
    [message] = Message.objects.all()
    assert message.send_after == NOW + timedelta(hours=3)
    assert invitation.expires_at == NOW + timedelta(hours=3, days=10)


def test_nothing_is_sent_in_quiet_hours_it_waits_for_the_morning(practice, texting_patient):
    evening = datetime(2030, 1, 8, 4, 0, tzinfo=UTC)  # 22:00 in Chicago
    invite(practice, texting_patient, kind=SurveyKind.AFTER_CHECK_IN, now=evening)
    [message] = Message.objects.all()
    assert message.send_after == datetime(2030, 1, 8, 14, 0, tzinfo=UTC)  # 08:00 in Chicago


# --- the periodic job -----------------------------------------------------------------------------


def test_a_retried_job_asks_once(practice, texting_patient, make_visit):
    visit_done(practice, texting_patient, make_visit(texting_patient))
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=5)) == 1
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=10)) == 0
    assert Invitation.objects.count() == 1 and Message.objects.filter(kind=MessageKind.SURVEY).count() == 1


def test_an_event_already_handled_returns_its_invitation(practice, texting_patient, make_visit):
    event = visit_done(practice, texting_patient, make_visit(texting_patient))
    first = invite(practice, texting_patient, trigger_event=event, now=NOW)
    # Even after the cooldown a repeated call for the same event does not ask again.
    assert invite(practice, texting_patient, trigger_event=event, now=NOW + timedelta(days=40)) == first
    assert Message.objects.count() == 1


def test_the_job_finds_the_visit_from_the_event_or_from_the_day(practice, make_patient, make_visit):
    with_id, without_id = make_patient(practice, sms_consent=True), make_patient(practice, sms_consent=True)
    first, second = make_visit(with_id), make_visit(without_id)
    visit_done(practice, with_id, first)
    visit_done(practice, without_id, second, with_id=False)
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=5)) == 2
    assert {i.patient_id: i.appointment_id for i in Invitation.objects.all()} == {
        with_id.pk: first.pk,
        without_id.pk: second.pk,
    }


def test_the_job_follows_the_front_desk_marking_a_visit_done(practice, texting_patient, make_visit, make_staff):
    visit = make_visit(texting_patient, start=NOW - timedelta(minutes=30), status="booked")
    desk = make_staff(practice, Role.FRONT_DESK)
    for step in ("arrived", "roomed", "with_provider", "done"):
        change_status(appointment=visit, to_status=step, actor_user=desk, now=NOW)
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=1)) == 1
    invitation = Invitation.objects.get()
    assert invitation.appointment == visit and invitation.version.survey.kind == SurveyKind.POST_VISIT


def test_only_online_bookings_trigger_the_booking_survey(practice, make_patient):
    online, by_phone = make_patient(practice, sms_consent=True), make_patient(practice, sms_consent=True)
    for patient, channel in ((online, "online"), (by_phone, "phone")):
        journey.record(
            practice=practice,
            patient=patient,
            touchpoint="self-scheduling",
            kind="appointment.booked",
            at=NOW,
            data={"channel": channel, "lead_days": 3},
        )
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=1)) == 1
    invitation = Invitation.objects.get()
    assert invitation.patient == online and invitation.version.survey.kind == SurveyKind.AFTER_BOOKING


def test_when_one_patient_has_several_triggers_the_visit_survey_wins(practice, texting_patient, make_visit):
    journey.record(
        practice=practice,
        patient=texting_patient,
        touchpoint="online-check-in",
        kind="checkin.completed",
        at=NOW - timedelta(hours=2),
        data={"cards": 0, "answers": 2, "update": False},
    )
    visit_done(practice, texting_patient, make_visit(texting_patient))
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=1)) == 1
    assert Invitation.objects.get().version.survey.kind == SurveyKind.POST_VISIT
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=6)) == 0


def test_the_job_ignores_events_older_than_three_days(practice, texting_patient, make_visit):
    visit_done(practice, texting_patient, make_visit(texting_patient), at=NOW - timedelta(days=3, minutes=1))
    assert invitations.invite_from_journey(now=NOW) == 0 and not Invitation.objects.exists()


def test_the_job_invites_each_practices_patients_to_its_own_survey(practice, other_practice, make_patient, make_visit):
    mine = make_patient(practice, sms_consent=True)
    theirs = make_patient(other_practice, sms_consent=True)
    visit_done(practice, mine, make_visit(mine))
    visit_done(other_practice, theirs)
    assert invitations.invite_from_journey(now=NOW + timedelta(minutes=1)) == 2
    for invitation in Invitation.objects.select_related("version__survey"):
        assert invitation.version.survey.practice_id == invitation.practice_id == invitation.patient.practice_id
    assert Message.objects.get(patient=theirs).practice == other_practice
