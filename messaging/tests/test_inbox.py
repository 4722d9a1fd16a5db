"""The front-desk inbox: open conversations first, threads in order, replies sent once and only with
consent, done, and filing an unknown number under a patient."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from messaging.models import (
    Channel,
    Conversation,
    ConversationStatus,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
)
from practices.models import Role
from tests.factories import make_messaging_settings, receive_text


@pytest.fixture
def ana(practice, make_patient):
    make_messaging_settings(practice)
    return make_patient(practice, first_name="Ana", last_name="Rivera", phone="(512) 555-0199", sms_consent=True)


def _conversation_url(practice, conversation, name="inbox_conversation"):
    return reverse(f"messaging:{name}", args=[practice.slug, conversation.pk])


def test_it_lists_open_conversations_first_and_audits_the_list(client, practice, ana, front_desk):
    older = receive_text("Where do I park?").conversation
    stranger = receive_text("wrong number?", from_number="+17375550123").conversation
    Conversation.objects.filter(pk=stranger.pk).update(status=ConversationStatus.CLOSED)
    client.force_login(front_desk)

    html = client.get(reverse("messaging:inbox", args=[practice.slug])).content.decode()

    assert html.index(_conversation_url(practice, older)) < html.index(_conversation_url(practice, stranger))
    assert "Where do I park?" in html and "+17375550123" in html
    assert AuditEntry.objects.filter(actor_user=front_desk, action="view", summary__startswith="inbox").exists()
    closed_only = client.get(reverse("messaging:inbox", args=[practice.slug]) + "?status=closed").content.decode()
    assert _conversation_url(practice, stranger) in closed_only
    assert _conversation_url(practice, older) not in closed_only


def test_it_shows_a_reschedule_request_in_the_inbox(client, practice, ana, front_desk):
    conversation = receive_text("R").conversation
    client.force_login(front_desk)
    html = client.get(reverse("messaging:inbox", args=[practice.slug])).content.decode()
    assert "Asked to reschedule" in html and _conversation_url(practice, conversation) in html


def test_it_shows_the_thread_in_order_and_audits_the_opening(client, practice, ana, front_desk):
    first = receive_text("First question")
    client.force_login(front_desk)
    client.post(_conversation_url(practice, first.conversation, "inbox_reply"), {"body": "Our answer", "key": "b" * 32})
    receive_text("Second question")

    response = client.get(_conversation_url(practice, first.conversation))
    html = response.content.decode()
    assert html.index("First question") < html.index("Our answer") < html.index("Second question")
    entry = AuditEntry.objects.filter(action="view", summary="conversation").latest("pk")
    assert entry.patient == ana and entry.actor_user == front_desk


def test_it_sends_a_reply_once_however_often_it_is_submitted(client, practice, ana, front_desk):
    conversation = receive_text("Do you take my insurance?").conversation
    client.force_login(front_desk)
    url = _conversation_url(practice, conversation, "inbox_reply")
    data = {"body": "Please call us at 512-555-0100.", "key": "c" * 32}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    message = Message.objects.get()
    assert message.kind == MessageKind.CONVERSATION and message.channel == Channel.SMS
    assert message.dedupe_key == "reply:" + "c" * 32 and message.conversation == conversation
    assert message.patient == ana and message.to == "+15125550199" and message.status == MessageStatus.QUEUED
    assert AuditEntry.objects.filter(action="send", actor_user=front_desk, patient=ana).count() == 1


def test_it_gives_each_reply_form_its_own_key(client, practice, ana, front_desk):
    conversation = receive_text("hello").conversation
    client.force_login(front_desk)
    one = client.get(_conversation_url(practice, conversation)).context["reply_form"]["key"].value()
    two = client.get(_conversation_url(practice, conversation)).context["reply_form"]["key"].value()
    assert one != two and len(one) == 32


def test_it_cannot_text_a_patient_who_opted_out_and_says_why(client, practice, ana, front_desk):
    conversation = receive_text("question").conversation
    receive_text("STOP")
    client.force_login(front_desk)

    page = client.get(_conversation_url(practice, conversation)).content.decode()
    assert "has not agreed to text messages" in page and "Send reply" not in page

    response = client.post(_conversation_url(practice, conversation, "inbox_reply"), {"body": "Hello", "key": "d" * 32})
    assert response.status_code == 400
    assert "has not agreed to text messages" in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.CONVERSATION).exists()


def test_it_cannot_text_an_unknown_number_that_replied_stop(client, practice, ana, front_desk):
    conversation = receive_text("who is this", from_number="+17375550123").conversation
    receive_text("STOP", from_number="+17375550123")
    client.force_login(front_desk)
    response = client.post(_conversation_url(practice, conversation, "inbox_reply"), {"body": "Hello", "key": "e" * 32})
    assert response.status_code == 400 and "replied STOP" in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.CONVERSATION).exists()


def test_it_replies_by_email_when_the_patient_has_no_phone(client, practice, make_patient, front_desk):
    make_messaging_settings(practice)
    bea = make_patient(practice, phone="", email="bea@example.com", email_consent=True)
    conversation = Conversation.objects.create(practice=practice, patient=bea)
    client.force_login(front_desk)
    client.post(_conversation_url(practice, conversation, "inbox_reply"), {"body": "See you soon", "key": "f" * 32})
    message = Message.objects.get()
    assert message.channel == Channel.EMAIL and message.to == "bea@example.com" and message.subject


@pytest.mark.parametrize("data", [{"body": "   ", "key": "a" * 32}, {"body": "hi", "key": "not-a-key"}, {}])
def test_it_refuses_a_bad_reply_with_a_message(client, practice, ana, front_desk, data):
    conversation = receive_text("hello").conversation
    client.force_login(front_desk)
    response = client.post(_conversation_url(practice, conversation, "inbox_reply"), data)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode() or "form-errors" in response.content.decode()
    assert not Message.objects.exists()


def test_it_marks_a_conversation_done_and_opens_it_again(client, practice, ana, front_desk):
    conversation = receive_text("thanks!").conversation
    client.force_login(front_desk)
    client.post(_conversation_url(practice, conversation, "inbox_status"), {"status": "closed"})
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED
    client.post(_conversation_url(practice, conversation, "inbox_status"), {"status": "open"})
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.OPEN
    client.post(_conversation_url(practice, conversation, "inbox_status"), {"status": "bogus"})
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.OPEN


def test_it_files_an_unknown_numbers_conversation_under_a_patient(client, practice, ana, front_desk):
    inbound = receive_text("It's Ana from my new phone", from_number="+17375550123")
    conversation = inbound.conversation
    client.force_login(front_desk)
    response = client.post(_conversation_url(practice, conversation, "inbox_link"), {"patient_number": ana.pk})
    assert response.status_code == 302
    conversation.refresh_from_db()
    inbound.refresh_from_db()
    assert conversation.patient == ana and inbound.patient == ana
    assert AuditEntry.objects.filter(summary="conversation linked to patient", patient=ana).exists()


def test_it_offers_the_patients_on_a_shared_number_to_file_under(client, practice, make_patient, front_desk):
    make_messaging_settings(practice)
    one = make_patient(practice, first_name="Uno", phone="512-555-0199")
    two = make_patient(practice, first_name="Dos", phone="5125550199")
    conversation = receive_text("hi").conversation
    client.force_login(front_desk)
    html = client.get(_conversation_url(practice, conversation)).content.decode()
    assert one.full_name in html and two.full_name in html


def test_it_never_files_a_conversation_under_another_practices_patient(
    client, practice, other_practice, make_patient, ana, front_desk
):
    theirs = make_patient(other_practice)
    conversation = receive_text("hi", from_number="+17375550123").conversation
    client.force_login(front_desk)
    response = client.post(_conversation_url(practice, conversation, "inbox_link"), {"patient_number": theirs.pk})
    assert response.status_code == 400 and "no patient with this number" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.patient is None
    assert InboundMessage.objects.get().patient is None


def test_it_shows_the_open_count_in_the_navigation(client, practice, ana, front_desk, make_staff):
    receive_text("one")
    receive_text("two", from_number="+17375550123")
    client.force_login(front_desk)
    html = client.get(reverse("messaging:inbox", args=[practice.slug])).content.decode()
    assert 'Inbox <span class="badge">2</span>' in html
    client.force_login(make_staff(practice, Role.BILLING))
    html = client.get(reverse("patients:staff_list", args=[practice.slug])).content.decode()
    assert reverse("messaging:inbox", args=[practice.slug]) not in html
