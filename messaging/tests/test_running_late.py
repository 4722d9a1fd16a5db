"""Running late: only the provider's later booked patients today are told, once per mark."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from messaging.models import Channel, Message, MessageKind, RunningLate
from messaging.services.running_late import RunningLateRefused, mark_running_late
from practices.models import Provider
from scheduling import manage_links
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_visit_type

# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


def local(hour, minute=0, day=7):
    """A wall-clock time in Chicago (UTC-6 in January) on the given January 2030 day."""
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC) + timedelta(hours=6)


@pytest.fixture
def day(practice, provider, location, make_patient):
    vt = make_visit_type(practice)
    other = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    other.locations.add(location)

    def booked(name, start, *, who=provider, status=AppointmentStatus.BOOKED, **patient_fields):
        patient_fields.setdefault("sms_consent", True)
        patient = make_patient(practice, first_name=name, **patient_fields)
        return make_appointment(patient, who, location, vt, start=start, status=status)

    return {
        "later": booked("Later", local(10)),
        "late_evening": booked("Evening", local(23, 30)),
        "by_email": booked("Emailed", local(11), sms_consent=False, email_consent=True),
        "earlier": booked("Earlier", local(8, 30)),
        "now_ish": booked("Started", local(9)),
        "tomorrow": booked("Tomorrow", local(0, 30, day=8)),
        "cancelled": booked("Cancelled", local(12), status=AppointmentStatus.CANCELLED),
        "arrived": booked("Arrived", local(9, 30), status=AppointmentStatus.ARRIVED),
        "other_provider": booked("Other", local(13), who=other),
    }


def test_it_tells_only_the_later_patients_of_that_provider_today(practice, provider, owner, day):
    late, queued = mark_running_late(practice=practice, provider=provider, minutes=25, actor_user=owner, now=NOW)

    told = {m.appointment_id for m in Message.objects.filter(kind=MessageKind.RUNNING_LATE)}
    assert told == {day["later"].pk, day["late_evening"].pk, day["by_email"].pk}
    assert {m.pk for m in queued} == set(Message.objects.values_list("pk", flat=True))
    assert late.day.isoformat() == "2030-01-07" and late.minutes == 25 and late.marked_by == owner
    assert AuditEntry.objects.filter(object_type="messaging.runninglate", actor_user=owner).exists()


def test_it_texts_with_consent_else_emails_with_the_manage_link_and_no_visit_reason(practice, provider, day):
    mark_running_late(practice=practice, provider=provider, minutes=20, now=NOW)
    sms = Message.objects.get(appointment=day["later"])
    email = Message.objects.get(appointment=day["by_email"])
    assert sms.channel == Channel.SMS and email.channel == Channel.EMAIL
    # The manage link's token is signed with a timestamp, so read it back rather than rebuild it.
    prefix = reverse("scheduling:manage", args=[practice.slug, "TOKEN"]).split("TOKEN")[0]
    assert prefix in sms.body
    token = sms.body.split(prefix, 1)[1].split("/", 1)[0]
    assert manage_links.appointment_for_token(practice, token) == day["later"]
    assert sms.body.startswith(practice.name) and "20 min" in sms.body and "10:00 AM" in sms.body
    assert sms.dedupe_key == f"late:{RunningLate.objects.get().pk}:{day['later'].pk}"
    for message in (sms, email):
        assert "skin check" not in message.body.lower() and "skin check" not in message.subject.lower()


def test_it_tells_nobody_twice_for_one_mark_but_again_for_a_new_one(practice, provider, day):
    late, _ = mark_running_late(practice=practice, provider=provider, minutes=15, now=NOW)
    from messaging.services.running_late import _notify

    _notify(late, day["later"], now=NOW)  # a retry
    assert Message.objects.filter(appointment=day["later"]).count() == 1
    mark_running_late(practice=practice, provider=provider, minutes=40, now=NOW + timedelta(minutes=30))
    assert Message.objects.filter(appointment=day["later"]).count() == 2


@pytest.mark.parametrize("minutes", [0, -5, 241])
def test_it_refuses_impossible_delays(practice, provider, minutes):
    with pytest.raises(RunningLateRefused):
        mark_running_late(practice=practice, provider=provider, minutes=minutes, now=NOW)
    assert not RunningLate.objects.exists()


def test_it_refuses_another_practices_provider(practice, other_practice):
    theirs = Provider.objects.create(practice=other_practice, first_name="Zed", last_name="Other")
    with pytest.raises(RunningLateRefused):
        mark_running_late(practice=practice, provider=theirs, minutes=10, now=NOW)


def test_the_front_desk_marks_a_provider_late_from_the_page(client, practice, provider, front_desk, day, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    client.force_login(front_desk)
    url = reverse("messaging:running_late", args=[practice.slug])
    response = client.post(url, {"provider": provider.pk, "minutes": 30})
    assert response.status_code == 302
    assert Message.objects.filter(kind=MessageKind.RUNNING_LATE).count() == 3
    page = client.get(url).content.decode()
    assert provider.display_name in page and "3 later patients will be told" in page


@pytest.mark.parametrize(
    "data", [{"provider": "", "minutes": 10}, {"minutes": "abc"}, {"provider": 999999, "minutes": 5}]
)
def test_the_page_refuses_bad_input_with_a_message(client, practice, provider, front_desk, day, data):
    client.force_login(front_desk)
    response = client.post(reverse("messaging:running_late", args=[practice.slug]), data)
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    assert not RunningLate.objects.exists() and not Message.objects.exists()


def test_the_page_never_offers_or_accepts_another_practices_provider(client, practice, other_practice, front_desk):
    theirs = Provider.objects.create(practice=other_practice, first_name="Zed", last_name="Other")
    client.force_login(front_desk)
    url = reverse("messaging:running_late", args=[practice.slug])
    assert "Zed Other" not in client.get(url).content.decode()
    assert client.post(url, {"provider": theirs.pk, "minutes": 10}).status_code == 400
    assert not RunningLate.objects.exists()
