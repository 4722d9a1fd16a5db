"""Inbound texts: who sent them, what they mean, and that each is acted on once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from journey.models import JourneyEvent
from messaging.models import (
    AppointmentResponse,
    Conversation,
    ConversationStatus,
    InboundAction,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
)
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_messaging_settings, make_visit_type, receive_text

PHONE = "+15125550199"


@pytest.fixture
def texting(practice):
    return make_messaging_settings(practice)


@pytest.fixture
def ana(practice, make_patient, texting):
    return make_patient(practice, first_name="Ana", phone="(512) 555-0199", sms_consent=True)


@pytest.fixture
def next_visit(ana, provider, location):
    vt = make_visit_type(ana.practice)
    return make_appointment(ana, provider, location, vt, start=timezone.now() + timedelta(days=2))


# --- opting out and in -----------------------------------------------------------------------------


def test_it_opts_out_at_once_on_stop_and_the_audit_shows_it(ana):
    inbound = receive_text("Stop.")

    ana.refresh_from_db()
    assert ana.sms_consent is False
    assert inbound.action == InboundAction.STOP and inbound.patient == ana
    entry = AuditEntry.objects.get(patient=ana, action="update", actor_patient=ana)
    assert entry.changes == {"sms_consent": {"from": True, "to": False}}
    # The confirmation goes out although consent is now off, to the number that texted.
    reply = Message.objects.get(kind=MessageKind.OPT_OUT)
    assert reply.status == MessageStatus.QUEUED and reply.to == PHONE and reply.dedupe_key == f"optout:{inbound.pk}"
    assert "START" in reply.body
    event = JourneyEvent.objects.get(patient=ana, kind="consent.sms_withdrawn")
    assert event.touchpoint == "reminders" and "Stop" not in str(event.data)
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("word", ["UNSUBSCRIBE", "stopall", "Cancel", "ALTO", " end "])
def test_it_honours_every_opt_out_keyword(ana, word):
    receive_text(word)
    ana.refresh_from_db()
    assert ana.sms_consent is False


def test_it_does_not_cancel_the_visit_on_cancel_but_opts_out(ana, next_visit):
    receive_text("CANCEL")
    next_visit.refresh_from_db()
    ana.refresh_from_db()
    assert next_visit.status == AppointmentStatus.BOOKED
    assert ana.sms_consent is False
    assert not AppointmentResponse.objects.exists()


def test_it_subscribes_again_on_start_audited(ana):
    receive_text("STOP")
    inbound = receive_text("start")

    ana.refresh_from_db()
    assert ana.sms_consent is True
    assert inbound.action == InboundAction.START
    changes = [e.changes for e in AuditEntry.objects.filter(patient=ana, action="update").order_by("at", "pk")]
    assert changes == [
        {"sms_consent": {"from": True, "to": False}},
        {"sms_consent": {"from": False, "to": True}},
    ]
    assert JourneyEvent.objects.filter(patient=ana, kind="consent.sms_given").count() == 1


def test_it_takes_yes_after_stop_as_subscribing_again_not_as_a_confirmation(ana, next_visit):
    receive_text("STOP")
    inbound = receive_text("Yes")
    ana.refresh_from_db()
    assert inbound.action == InboundAction.START and ana.sms_consent is True
    assert not AppointmentResponse.objects.exists()


def test_it_opts_out_everyone_on_a_shared_number(practice, make_patient, texting):
    mother = make_patient(practice, phone="512-555-0199", sms_consent=True)
    son = make_patient(practice, phone="5125550199", sms_consent=True)
    inbound = receive_text("STOP")
    mother.refresh_from_db()
    son.refresh_from_db()
    assert inbound.patient is None
    assert not mother.sms_consent and not son.sms_consent
    assert Message.objects.filter(kind=MessageKind.OPT_OUT).count() == 1


def test_it_answers_stop_from_an_unknown_number_and_refuses_staff_texts_to_it(practice, texting):
    inbound = receive_text("STOP", from_number="+1 512 555 0111")
    assert inbound.patient is None and inbound.action == InboundAction.STOP
    assert Message.objects.get(kind=MessageKind.OPT_OUT).to == "+15125550111"


# --- answers to reminders --------------------------------------------------------------------------


def test_it_confirms_the_next_upcoming_visit_on_c(ana, next_visit, provider, location):
    later = make_appointment(
        ana, provider, location, next_visit.visit_type, start=next_visit.start + timedelta(days=30)
    )
    inbound = receive_text("c")

    response = AppointmentResponse.objects.get()
    assert response.appointment == next_visit and response.appointment != later
    assert response.action == InboundAction.CONFIRM and response.channel == "sms"
    assert inbound.action == InboundAction.CONFIRM
    assert JourneyEvent.objects.filter(patient=ana, touchpoint="reminders", kind="reminder.confirmed").exists()
    assert not Conversation.objects.filter(status=ConversationStatus.OPEN).exists()


def test_it_puts_a_confirmation_with_nothing_to_confirm_in_the_inbox(ana):
    inbound = receive_text("SI")
    assert inbound.action == InboundAction.NONE
    assert inbound.conversation.status == ConversationStatus.OPEN
    assert not AppointmentResponse.objects.exists()


def test_it_lands_a_reschedule_request_in_the_inbox(ana, next_visit):
    inbound = receive_text("R")

    response = AppointmentResponse.objects.get()
    assert response.appointment == next_visit and response.action == InboundAction.RESCHEDULE
    conversation = inbound.conversation
    assert conversation.patient == ana and conversation.status == ConversationStatus.OPEN
    assert inbound.action == InboundAction.RESCHEDULE
    event = JourneyEvent.objects.get(kind="reminder.reschedule_requested")
    assert event.data == {"channel": "sms"}


def test_it_opens_a_conversation_for_anything_else_and_reopens_a_closed_one(ana):
    first = receive_text("Can I bring my daughter?")
    conversation = first.conversation
    assert conversation.patient == ana and conversation.status == ConversationStatus.OPEN
    Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.CLOSED)

    second = receive_text("Also, is there parking?")
    conversation.refresh_from_db()
    assert second.conversation == conversation
    assert conversation.status == ConversationStatus.OPEN
    assert Conversation.objects.count() == 1


# --- who sent it -----------------------------------------------------------------------------------


def test_it_keeps_an_unknown_numbers_reply_for_staff(practice, texting):
    inbound = receive_text("Hi, is this the skin clinic?", from_number="(737) 555-0123")
    assert inbound.pk and inbound.patient is None and inbound.practice == practice
    assert inbound.body == "Hi, is this the skin clinic?"
    assert inbound.conversation.phone == "+17375550123" and inbound.conversation.patient is None


def test_it_does_not_guess_between_patients_sharing_a_number(practice, make_patient, texting):
    make_patient(practice, phone="(512) 555-0199")
    make_patient(practice, phone="512 555 0199")
    inbound = receive_text("C")
    assert inbound.patient is None and inbound.action == InboundAction.NONE
    assert inbound.conversation.patient is None and inbound.conversation.phone == PHONE


def test_it_uses_the_patient_staff_linked_the_number_to(practice, make_patient, texting):
    first = receive_text("hello?", from_number="+17375550123")
    ana = make_patient(practice, phone="")
    Conversation.objects.filter(pk=first.conversation_id).update(patient=ana)
    second = receive_text("me again", from_number="+17375550123")
    assert second.patient == ana and second.conversation_id == first.conversation_id


def test_it_matches_only_patients_of_the_practice_texted(practice, other_practice, make_patient, texting):
    make_patient(other_practice, phone="(512) 555-0199")
    inbound = receive_text("hello")
    assert inbound.patient is None


def test_it_keeps_a_text_to_a_number_no_practice_owns(ana):
    inbound = receive_text("STOP", to_number="+1 999 555 0000")
    ana.refresh_from_db()
    assert inbound.practice is None and inbound.action == InboundAction.NONE
    assert ana.sms_consent is True


def test_it_changes_nothing_when_the_same_text_is_delivered_again(ana, next_visit):
    first = receive_text("R", pid="SMreplay1")
    again = receive_text("R", pid="SMreplay1")
    assert again.pk == first.pk
    assert InboundMessage.objects.count() == 1
    assert AppointmentResponse.objects.count() == 1
    assert JourneyEvent.objects.filter(kind="reminder.reschedule_requested").count() == 1

    receive_text("STOP", pid="SMreplay2")
    receive_text("STOP", pid="SMreplay2")
    assert Message.objects.filter(kind=MessageKind.OPT_OUT).count() == 1
    assert AuditEntry.objects.filter(patient=ana, action="update").count() == 1


def test_it_refuses_a_text_without_a_provider_id(ana):
    with pytest.raises(ValueError):
        receive_text("hello", pid=" ")
    assert not InboundMessage.objects.exists()


def test_it_stores_a_long_or_odd_body_safely(ana):
    inbound = receive_text("x\x00" * 3000)
    inbound.refresh_from_db()
    assert len(inbound.body) == 2000 and "\x00" not in inbound.body
