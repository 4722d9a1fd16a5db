"""Messaging fixtures: outbox rows made directly, SMS to a private folder, a patient who consented,
and a world to book reminded appointments in (``reminder_world``)."""

from pathlib import Path

import pytest

from messaging.models import Channel, Message, MessageKind, MessageStatus, MessagingSettings
from tests import factories
from tests.factories import NOW


@pytest.fixture
def sms_dir(settings, tmp_path) -> Path:
    """SMS go to the file backend in a private folder; returns the folder."""
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    return tmp_path / "sms"


@pytest.fixture
def sender_settings(practice) -> MessagingSettings:
    return MessagingSettings.objects.create(
        practice=practice,
        sender_name="ClearSkin Front Desk",
        from_email="hello@clearskin.example",
        sms_number="+15125550100",
    )


@pytest.fixture
def consenting_patient(practice, make_patient):
    return make_patient(practice, phone="+15125550199", email="ana@example.com", sms_consent=True, email_consent=True)


@pytest.fixture
def make_message(consenting_patient):
    """An outbox row, queued and due at NOW unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(channel: str = Channel.SMS, **fields) -> Message:
        patient = fields.pop("patient", consenting_patient)
        n = next(counter)
        fields.setdefault("kind", MessageKind.REMINDER)
        fields.setdefault("to", patient.email if channel == Channel.EMAIL else patient.phone)
        fields.setdefault("body", f"ClearSkin Test: see you Tuesday at 10:00 AM. Reply C to confirm. ({n})")
        fields.setdefault("subject", "Your visit on Tuesday" if channel == Channel.EMAIL else "")
        fields.setdefault("send_after", NOW)
        fields.setdefault("status", MessageStatus.QUEUED)
        return Message.objects.create(
            practice=patient.practice,
            patient=patient,
            channel=channel,
            dedupe_key=fields.pop("dedupe_key", f"test:{n}:{channel}"),
            created_at=NOW,
            **fields,
        )

    return make


@pytest.fixture
def reminder_world(practice, patient, provider, location, owner) -> factories.ReminderWorld:
    return factories.make_reminder_world(practice, patient, provider, location, owner)
