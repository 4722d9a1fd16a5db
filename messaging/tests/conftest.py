"""Messaging fixtures: outbox rows made directly, SMS to a private folder, a patient who consented,
and a world to book reminded appointments in (``reminder_world``)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from accounts.models import User
from messaging.models import Channel, Message, MessageKind, MessageStatus, MessagingSettings
from patients.models import Patient
from practices.models import Location, Practice, Provider
from scheduling.models import Appointment, VisitType
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


@dataclass
class ReminderWorld:
    """A patient who agreed to email and text, and a visit type whose name is clinical detail no
    reminder may show. ``reminder_world(start)`` books ``start`` through the scheduling service (a staff
    override, so no hours are needed) as if booked at ``booked``, 30 days before unless told."""

    practice: Practice
    patient: Patient
    provider: Provider
    location: Location
    visit_type: VisitType
    owner: User

    def __call__(
        self,
        start: datetime,
        *,
        booked: datetime | None = None,
        who: Patient | None = None,
        kind: VisitType | None = None,
        by: Provider | None = None,
    ) -> Appointment:
        booked = booked or start - timedelta(days=30)
        appointment = factories.book_appointment(
            who or self.patient,
            by or self.provider,
            self.location,
            kind or self.visit_type,
            start=start,
            now=booked,
            actor_user=self.owner,
            override_reason="test",
        )
        Appointment.objects.filter(pk=appointment.pk).update(created_at=booked, updated_at=booked)
        appointment.refresh_from_db()
        return appointment


@pytest.fixture
def reminder_world(practice, patient, provider, location, owner) -> ReminderWorld:
    patient.email_consent = True
    patient.sms_consent = True
    patient.save()
    visit_type = factories.make_visit_type(
        practice,
        name="Mohs surgery follow-up for melanoma",
        slug="mohs",
        offered_by=[provider],
        offered_at=[location],
    )
    return ReminderWorld(practice, patient, provider, location, visit_type, owner)
