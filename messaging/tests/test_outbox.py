"""The outbox: one row per dedupe key, consent checked, each message a journey event."""

from journey.models import JourneyEvent
from messaging.models import Message, MessageStatus
from messaging.services.outbox import queue_message


def test_it_queues_once_per_key_and_records_one_journey_event(
    practice, make_patient, django_capture_on_commit_callbacks
):
    patient = make_patient(practice, phone="(512) 555-0101", sms_consent=True)
    for _ in range(2):
        message = queue_message(
            practice=practice, patient=patient, kind="reminder", channel="sms", dedupe_key="reminder:1:1:sms", body="Hi"
        )
    assert Message.objects.filter(practice=practice).count() == 1
    assert message.status == MessageStatus.QUEUED and message.to == "(512) 555-0101"
    event = JourneyEvent.objects.get(practice=practice, kind="message.queued")
    assert (event.touchpoint, event.patient_id) == ("reminders", patient.pk)
    assert event.data == {"message_kind": "reminder", "channel": "sms"}


def test_it_keeps_a_skipped_row_when_the_patient_has_not_agreed(practice, make_patient):
    patient = make_patient(practice, phone="(512) 555-0102", sms_consent=False)
    message = queue_message(
        practice=practice, patient=patient, kind="recall", channel="sms", dedupe_key="recall:9:1", body="Hi"
    )
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, "no_consent")
    event = JourneyEvent.objects.get(practice=practice, kind="message.skipped")
    assert event.touchpoint == "recall" and event.data["skipped_because"] == "no_consent"
