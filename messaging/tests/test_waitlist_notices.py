"""Waitlist emails through the outbox: the offer with its single-use link, and "someone else took it"."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from journey.models import JourneyEvent
from messaging import receivers
from messaging.models import Channel, Message, MessageKind, MessageStatus
from messaging.services import notices as notice_services
from scheduling.models import OfferStatus, WaitlistOffer
from scheduling.services import waitlist as waitlist_services
from scheduling.signals import waitlist_notice
from tests.factories import NOW, TUESDAY_10, make_waitlist_entry

pytestmark = pytest.mark.django_db

OFFER_LINK = re.compile(r"https?://\S+/offer/(\S+)/")


@pytest.fixture
def offer_time(practice, provider, location, django_capture_on_commit_callbacks):
    """``offer_time()``: offer TUESDAY_10 to the waiting patients, on-commit work (and emails) included."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return waitlist_services.send_offers_for_time(
                practice_id=practice.pk, provider_id=provider.pk, location_id=location.pk, start=TUESDAY_10, now=NOW
            )

    return run


@pytest.fixture
def two_waiting(practice, visit_type, make_patient):
    """Two patients on the waitlist, oldest first; neither ever gave email consent for reminders."""
    ana = make_patient(practice, first_name="Ana", email="ana@example.com")
    ben = make_patient(practice, first_name="Ben", email="ben@example.com", preferred_language="es")
    for i, patient in enumerate((ana, ben)):
        make_waitlist_entry(practice, patient, visit_type, now=NOW + timedelta(seconds=i))
    return ana, ben


def test_it_queues_one_offer_email_with_its_link_and_no_visit_type(
    practice,
    visit_type,
    two_waiting,
    offer_time,
    mailoutbox,
):
    ana, _ben = two_waiting
    first, _second = offer_time()

    message = Message.objects.get(patient=ana)
    assert (message.kind, message.channel) == (MessageKind.WAITLIST_OFFER, Channel.EMAIL)
    assert message.dedupe_key == f"waitlist-offer:{first.pk}"
    assert message.to == ana.email and message.appointment is None
    link = OFFER_LINK.search(message.body)
    assert link and link.group(0).startswith("http")
    assert link.group(0) in message.body
    assert practice.name in message.subject
    assert "Tuesday, January 8 at 10:00 AM" in message.body
    assert "60 minutes" in message.body  # how long the offer stays open
    assert "With: Hannah Cole" in message.body and "410 Elm Street" in message.body
    assert visit_type.name not in message.body and visit_type.name not in message.subject
    # The link opens this offer (its token's hash is what the offer stores).
    assert waitlist_services.wl.token_hash(link.group(1)) == first.token_hash
    event = JourneyEvent.objects.get(kind="message.queued", patient=ana)
    assert event.touchpoint == "waitlist"
    assert event.data == {"message_kind": "waitlist_offer", "channel": "email"}


def test_it_writes_the_offer_in_the_patients_language(two_waiting, offer_time):
    _ana, ben = two_waiting
    offer_time()
    message = Message.objects.get(patient=ben)
    assert message.subject.startswith("Se liberó un horario más pronto")
    assert "martes 8 de enero a las 10:00" in message.body and "60 minutos" in message.body
    assert "Con: " in message.body and "Dónde: " in message.body  # issue 11, item 18
    assert "With:" not in message.body and "Where:" not in message.body


def test_it_emails_a_patient_who_never_gave_email_consent(two_waiting, offer_time, mailoutbox):
    """Joining the waitlist is asking to be told: the offer is not a reminder needing consent."""
    ana, ben = two_waiting
    assert not ana.email_consent and not ben.email_consent
    offer_time()
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    by_patient = {m.to[0]: m for m in mailoutbox}
    assert set(by_patient) == {ana.email, ben.email}
    row = Message.objects.get(patient=ana)
    assert (by_patient[ana.email].subject, by_patient[ana.email].body) == (row.subject, row.body)


def test_it_queues_an_offer_once_when_the_signal_comes_twice(two_waiting, offer_time):
    ana, _ben = two_waiting
    first, _second = offer_time()
    row = Message.objects.get(patient=ana)
    link = OFFER_LINK.search(row.body).group(0)

    receivers.on_waitlist_notice(None, offer_id=first.pk, kind="offer", link=link)
    waitlist_notice.send(sender=None, offer_id=first.pk, kind="offer", link=link)

    assert Message.objects.filter(patient=ana).count() == 1
    assert JourneyEvent.objects.filter(kind="message.queued", patient=ana).count() == 1


def test_it_tells_the_other_patient_once_that_the_time_was_taken(
    two_waiting, offer_time, mailoutbox, django_capture_on_commit_callbacks
):
    ana, ben = two_waiting
    first, second = offer_time()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_services.accept_offer(offer=first, now=NOW + timedelta(minutes=5))

    taken = Message.objects.get(kind=MessageKind.WAITLIST_TAKEN)
    assert taken.patient == ben and taken.dedupe_key == f"waitlist-taken:{second.pk}"
    assert taken.subject.startswith("Ya se tomó ese horario")
    assert "sigue en la lista de espera" in taken.body and "martes 8 de enero" in taken.body
    assert not OFFER_LINK.search(taken.body)
    event = JourneyEvent.objects.filter(patient=ben, kind="message.queued").latest("pk")
    assert (event.touchpoint, event.data["message_kind"]) == ("waitlist", "waitlist_taken")
    assert [m.to for m in mailoutbox if m.subject == taken.subject] == [[ben.email]]

    # The signal again (a second run, a retried callback): nothing new.
    receivers.on_waitlist_notice(None, offer_id=second.pk, kind="taken", link="")
    assert Message.objects.filter(kind=MessageKind.WAITLIST_TAKEN).count() == 1


def test_it_queues_nothing_for_a_notice_that_does_not_fit_the_offer(two_waiting, offer_time):
    first, _second = offer_time()
    before = Message.objects.count()
    receivers.on_waitlist_notice(None, offer_id=first.pk, kind="taken", link="")  # still open
    receivers.on_waitlist_notice(None, offer_id=first.pk, kind="offer", link="")  # no link
    receivers.on_waitlist_notice(None, offer_id=first.pk, kind="other", link="x")
    receivers.on_waitlist_notice(None, offer_id=0, kind="offer", link="https://x.test/offer/t/")
    assert Message.objects.count() == before
    first.refresh_from_db()
    assert first.status == OfferStatus.SENT


def test_a_patient_without_an_address_gets_a_visible_skipped_row(
    practice,
    provider,
    location,
    visit_type,
    make_patient,
):
    entry = make_waitlist_entry(practice, make_patient(practice, email=""), visit_type, now=NOW)
    offer = WaitlistOffer.objects.create(
        practice=practice,
        entry=entry,
        provider=provider,
        location=location,
        start=TUESDAY_10,
        token_hash="0" * 64,
        sent_at=NOW,
        expires_at=NOW + timedelta(minutes=30),
    )
    message = notice_services.queue_waitlist_notice(offer_id=offer.pk, kind="offer", link="https://x.test/o/")
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, "no_address")
    assert "30 minutes" in message.body


def test_both_notices_appear_in_the_patients_message_history(
    client, practice, two_waiting, offer_time, front_desk, django_capture_on_commit_callbacks
):
    _ana, ben = two_waiting
    first, _second = offer_time()
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_services.accept_offer(offer=first, now=NOW + timedelta(minutes=5))
    client.force_login(front_desk)

    html = client.get(reverse("messaging:patient_history", args=[practice.slug, ben.pk])).content.decode()

    assert "Waitlist time taken by someone else" in html
    assert html.count("Waitlist offer") == 1
    assert html.index("Waitlist time taken by someone else") < html.index("Waitlist offer")  # newest first
