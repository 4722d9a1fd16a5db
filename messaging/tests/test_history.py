"""A patient's message history on the staff patient page: every message to and from them, newest
first, only theirs, audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from messaging.models import Channel, MessageKind
from messaging.services.outbox import queue_message
from tests.factories import make_messaging_settings, receive_text


@pytest.fixture
def ana(practice, make_patient):
    make_messaging_settings(practice)
    return make_patient(practice, first_name="Ana", phone="(512) 555-0199", sms_consent=True)


def _queue(patient, kind, key, *, at):
    return queue_message(
        practice=patient.practice, patient=patient, kind=kind, channel=Channel.SMS, dedupe_key=key, body="x", now=at
    )


def test_it_lists_the_patients_messages_newest_first_and_audits(client, practice, ana, make_patient, front_desk):
    now = timezone.now()
    _queue(ana, MessageKind.REMINDER, "a", at=now - timedelta(days=3))
    receive_text("Can I park?", at=now - timedelta(days=2))
    _queue(ana, MessageKind.RECALL, "b", at=now - timedelta(days=1))
    other = make_patient(practice, phone="")
    _queue(other, MessageKind.THANK_YOU, "c", at=now)
    client.force_login(front_desk)

    response = client.get(reverse("messaging:patient_history", args=[practice.slug, ana.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert html.index("Recall") < html.index("Reply from the patient") < html.index("Appointment reminder")
    assert "Thank you after the visit" not in html
    assert "Can I park?" not in html  # the history shows what and when; the text is in the conversation
    entry = AuditEntry.objects.get(summary="message history, 3 shown")
    assert entry.patient == ana and entry.actor_user == front_desk


def test_it_pages_a_long_history(client, practice, ana, owner):
    now = timezone.now()
    for n in range(30):
        _queue(ana, MessageKind.REMINDER, f"k{n}", at=now - timedelta(minutes=n))
    client.force_login(owner)
    url = reverse("messaging:patient_history", args=[practice.slug, ana.pk])
    first = client.get(url)
    second = client.get(url + "?page=2")
    assert len(first.context["items"]) == 25 and len(second.context["items"]) == 5
    shown = [i.item.pk for i in first.context["items"]] + [i.item.pk for i in second.context["items"]]
    assert len(set(shown)) == 30


def test_the_patient_page_loads_the_messages_section_for_roles_that_may_see_it(
    client, practice, ana, owner, make_staff
):
    client.force_login(owner)
    url = reverse("patients:staff_detail", args=[practice.slug, ana.pk])
    history = reverse("messaging:patient_history", args=[practice.slug, ana.pk])
    assert f'hx-get="{history}"' in client.get(url).content.decode()
    client.force_login(make_staff(practice, "billing"))
    assert history not in client.get(url).content.decode()
