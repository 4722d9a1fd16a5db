"""Booking confirmation, new time and cancellation emails go through the outbox, with a calendar file
built at send time, once each, and show in the patient's message history."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from journey.models import JourneyEvent
from messaging import confirmations, receivers
from messaging.delivery import appointments_for, deliver_batch, message_id_header
from messaging.models import Channel, Message, MessageKind, MessageStatus
from messaging.services import notices as notice_services
from scheduling.models import BookedVia
from scheduling.services import booking as booking_services
from tests.factories import NOW, TUESDAY_10

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(practice, patient, provider, location, visit_type, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return booking_services.book_appointment(
            practice=practice,
            patient=patient,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=TUESDAY_10,
            booked_via=BookedVia.ONLINE,
            notify=True,
            now=NOW,
        )


def event_of(email):
    name, content, mimetype = email.attachments[0]
    assert name == "appointment.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    event = next(iter(calendar.walk("VEVENT")))
    return str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])


def test_it_queues_one_email_per_booking_and_sends_it_with_the_calendar_request(booked, mailoutbox, patient):
    message = Message.objects.get()
    assert (message.kind, message.channel, message.status) == (MessageKind.CONFIRMATION, Channel.EMAIL, "sent")
    assert message.dedupe_key == f"appointment:{booked.pk}:confirmation:0"
    assert message.appointment == booked and message.patient == patient and message.to == patient.email
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.extra_headers["Message-ID"] == message_id_header(message.pk)
    method, uid, sequence = event_of(email)
    assert (method, sequence) == ("REQUEST", 0)
    assert uid.startswith(str(booked.uid))
    assert email.subject == message.subject and email.body == message.body


def test_it_records_a_journey_event_for_the_message(booked):
    event = JourneyEvent.objects.get(kind="message.queued")
    assert event.touchpoint == "confirmation"
    assert event.patient == booked.patient
    assert event.data == {"message_kind": "confirmation", "channel": "email"}


def test_it_tells_a_new_time_and_a_cancellation_with_the_same_uid(
    booked, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moved = booking_services.reschedule_appointment(
            appointment=booked, start=TUESDAY_10 + timedelta(hours=2), notify=True, now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.cancel_appointment(appointment=moved, reason="other", notify=True, now=NOW)

    rows = list(Message.objects.order_by("pk").values_list("kind", "status", "dedupe_key"))
    assert rows == [
        ("confirmation", "sent", f"appointment:{booked.pk}:confirmation:0"),
        ("reschedule", "sent", f"appointment:{booked.pk}:reschedule:1"),
        ("cancellation", "sent", f"appointment:{booked.pk}:cancel:2"),
    ]
    events = [event_of(email) for email in mailoutbox]
    assert [(method, sequence) for method, _, sequence in events] == [("REQUEST", 0), ("REQUEST", 1), ("CANCEL", 2)]
    assert len({uid for _, uid, _ in events}) == 1


def test_it_never_names_the_visit_type(booked, mailoutbox, visit_type, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.cancel_appointment(appointment=booked, reason="other", notify=True, now=NOW)
    assert len(mailoutbox) == 2
    for message in Message.objects.all():
        text = (message.subject + message.body).lower()
        assert visit_type.name.lower() not in text and "skin check" not in text
    for email in mailoutbox:
        assert visit_type.name.lower() not in str(email.attachments[0][1]).lower()


def test_it_queues_once_when_the_receiver_runs_again(booked, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        again = confirmations.queue_appointment_notice.call(booked.pk, "confirmation", 0)
        receivers.on_appointment_notice(None, appointment_id=booked.pk, kind="confirmation", sequence=0)
    assert again == Message.objects.get().pk
    assert len(mailoutbox) == 1


def test_it_sends_once_when_delivery_runs_again_after_a_crash(booked, settings, tmp_path):
    """A worker died after the send and before recording it: the retry is the same message, not a second one."""
    settings.MAILERS = {
        "default": {"BACKEND": "messaging.delivery.EmailFileBackend", "OPTIONS": {"file_path": str(tmp_path)}}
    }
    message = Message.objects.get()
    # First send, then the row looks like its worker died mid-batch (lease ran out).
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.QUEUED)
    assert deliver_batch(worker="w1").sent == 1
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, lease_until=timezone.now() - timedelta(minutes=1)
    )
    assert deliver_batch(worker="w2").sent == 1
    assert deliver_batch(worker="w3").claimed == 0

    files = list(tmp_path.glob("msg-*.eml"))
    assert [f.name for f in files] == [f"msg-{message.pk}.eml"]
    raw = files[0].read_text()
    assert "text/calendar" in raw and "METHOD:REQUEST" in raw


def test_it_skips_a_notice_overtaken_by_a_later_change(practice, patient, provider, location, visit_type):
    appointment = booking_services.book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10,
        booked_via=BookedVia.ONLINE,
        now=NOW,
    )
    message = notice_services.queue_notice(appointment_id=appointment.pk, kind="confirmation", sequence=0)
    booking_services.reschedule_appointment(appointment=appointment, start=TUESDAY_10 + timedelta(hours=1), now=NOW)

    result = deliver_batch(worker="w")

    message.refresh_from_db()
    assert (result.sent, message.status, message.skip_reason) == (0, MessageStatus.SKIPPED, "visit_changed")
    # And a notice for an older sequence is not even queued.
    assert notice_services.queue_notice(appointment_id=appointment.pk, kind="confirmation", sequence=0) is None
    assert notice_services.queue_notice(appointment_id=appointment.pk, kind="reschedule", sequence=0) is None


def test_it_emails_without_reminder_consent_and_skips_without_an_address(
    practice,
    make_patient,
    provider,
    location,
    visit_type,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    no_consent = make_patient(practice, email_consent=False)
    no_email = make_patient(practice, email="", email_consent=True)
    for n, who in enumerate((no_consent, no_email)):
        with django_capture_on_commit_callbacks(execute=True):
            booking_services.book_appointment(
                practice=practice,
                patient=who,
                provider=provider,
                location=location,
                visit_type=visit_type,
                start=TUESDAY_10 + timedelta(hours=n),
                booked_via=BookedVia.ONLINE,
                notify=True,
                now=NOW,
            )
    assert Message.objects.get(patient=no_consent).status == MessageStatus.SENT
    skipped = Message.objects.get(patient=no_email)
    assert (skipped.status, skipped.skip_reason) == (MessageStatus.SKIPPED, "no_address")
    assert [email.to for email in mailoutbox] == [[no_consent.email]]


def test_it_writes_in_the_patients_language(practice, make_patient, provider, location, visit_type):
    ana = make_patient(practice, preferred_language="es")
    appointment = booking_services.book_appointment(
        practice=practice,
        patient=ana,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10,
        booked_via=BookedVia.ONLINE,
        now=NOW,
    )
    message = notice_services.queue_notice(appointment_id=appointment.pk, kind="confirmation", sequence=0)
    assert message.subject == "Su cita en ClearSkin Test"
    assert "martes 8 de enero a las 10:00" in message.body
    assert "410 Elm Street" in message.body and "Hannah Cole" in message.body


def test_it_shows_the_confirmation_in_the_patients_message_history(client, booked, practice, patient, front_desk):
    client.force_login(front_desk)
    response = client.get(reverse("messaging:patient_history", args=[practice.slug, patient.pk]))
    assert response.status_code == 200
    assert "Booking confirmation" in response.content.decode()


def test_it_adds_no_query_for_a_batch_without_appointment_emails(make_message, django_assert_num_queries):
    messages = [make_message(), make_message(channel=Channel.EMAIL)]
    with django_assert_num_queries(0):
        assert appointments_for(messages) == {}


def test_scheduling_imports_nothing_from_messaging():
    root = Path(__file__).resolve().parents[2] / "scheduling"
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "messaging"]
    assert offenders == []
