"""The demo's message history: reminders with outcomes, answers, inbox conversations, recalls."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from demo.messaging import build_messaging
from messaging.models import AppointmentResponse, Conversation, InboundMessage, Message, MessageKind, ReminderPlan
from tests import factories


@pytest.fixture
def reminder_world(practice, patient, provider, location, owner) -> factories.ReminderWorld:
    return factories.make_reminder_world(practice, patient, provider, location, owner)


def test_it_builds_a_history_without_clinical_detail(reminder_world, practice, make_patient):
    today = datetime(2030, 1, 20).date()
    nine = datetime(2030, 1, 20, 9, tzinfo=ZoneInfo(practice.timezone))
    for day in range(-20, 5):
        reminder_world(
            nine + timedelta(days=day, hours=2), who=make_patient(practice, email_consent=True, sms_consent=True)
        )
    build_messaging(practice=practice, seed=1, today=today)
    reminders = Message.objects.filter(practice=practice, kind=MessageKind.REMINDER)
    assert reminders.count() > 40
    assert {m.status for m in reminders} >= {"delivered"}
    assert all(reminder_world.visit_type.name not in m.body + m.subject for m in reminders)
    assert ReminderPlan.objects.filter(practice=practice, visit_type__isnull=True).exists()
    assert AppointmentResponse.objects.filter(practice=practice).exists()
    assert InboundMessage.objects.filter(practice=practice, patient__isnull=True).count() == 1
    assert Conversation.objects.filter(practice=practice).count() == 4
