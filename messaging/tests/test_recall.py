"""Recall: due dates set by staff or by a completed visit, messages never more often than the rules
allow; and the reactivation list of lapsed patients."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from messaging.models import Channel, Message, MessageKind, Recall
from messaging.services.recall import (
    ReactivationRefused,
    add_months,
    refresh_recalls_from_visits,
    send_due_recalls,
    send_reactivation,
    set_recall,
    set_recall_after_visit,
)
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_messaging_settings, make_visit_type

START = datetime(2030, 3, 4, 16, 0, tzinfo=UTC)  # 10:00 in Chicago


@pytest.fixture
def due_patient(practice, make_patient):
    patient = make_patient(practice, sms_consent=True)
    Recall.objects.create(practice=practice, patient=patient, due_on=START.date())
    return patient


def _simulate(days: int, *, runs_per_day: int = 2, each_day=None) -> list[int]:
    """Run the daily job for ``days`` days (twice a day); the days on which a recall was queued."""
    sent_on = []
    for n in range(days):
        if each_day:
            each_day(n)
        for run in range(runs_per_day):
            if send_due_recalls(now=START + timedelta(days=n, hours=run * 5)):
                sent_on.append(n)
    return sent_on


def test_it_sends_recall_no_more_often_than_the_rules_allow_over_120_days(practice, due_patient):
    assert _simulate(120) == [0, 30, 60]  # at most 3 (the default), 30 days apart
    messages = Message.objects.filter(kind=MessageKind.RECALL, patient=due_patient).order_by("created_at")
    assert [m.dedupe_key for m in messages] == [f"recall:{due_patient.pk}:2030-03-04:{n}" for n in (1, 2, 3)]
    recall = Recall.objects.get()
    assert recall.messages_sent == 3 and recall.last_sent_at == START + timedelta(days=60)


def test_it_follows_the_practices_own_limits(practice, due_patient):
    make_messaging_settings(practice, recall_max_messages=5, recall_days_between=10)
    assert _simulate(120) == [0, 10, 20, 30, 40]


def test_it_stops_when_the_patient_books_and_never_sends_to_a_booked_patient(practice, due_patient, provider, location):
    vt = make_visit_type(practice)

    def book_on_day_15(n):
        if n == 15:
            make_appointment(due_patient, provider, location, vt, start=START + timedelta(days=200))

    assert _simulate(120, each_day=book_on_day_15) == [0]


def test_it_waits_until_the_due_date_in_the_practices_time_zone(practice, make_patient):
    patient = make_patient(practice, sms_consent=True)
    Recall.objects.create(practice=practice, patient=patient, due_on=date(2030, 3, 5))
    # 23:00 on 4 March in Chicago is already 5 March in UTC: not due yet.
    assert send_due_recalls(now=datetime(2030, 3, 5, 5, 0, tzinfo=UTC)) == 0
    assert send_due_recalls(now=datetime(2030, 3, 5, 15, 0, tzinfo=UTC)) == 1


def test_it_skips_patients_who_agreed_to_nothing_without_counting(practice, make_patient):
    patient = make_patient(practice, sms_consent=False, email_consent=False)
    Recall.objects.create(practice=practice, patient=patient, due_on=START.date())
    assert _simulate(40) == []
    assert Recall.objects.get().messages_sent == 0


def test_it_emails_when_there_is_no_text_consent_with_a_returning_booking_link(practice, make_patient):
    patient = make_patient(practice, sms_consent=False, email_consent=True)
    Recall.objects.create(practice=practice, patient=patient, due_on=START.date())
    send_due_recalls(now=START)
    message = Message.objects.get()
    assert message.channel == Channel.EMAIL
    assert f"/p/{practice.slug}/book/?kind=returning" in message.body


def test_a_new_recall_cycle_starts_again_after_the_next_visit(practice, due_patient, provider, location):
    _simulate(70)
    vt = make_visit_type(practice, recall_interval_months=12)
    visit = make_appointment(due_patient, provider, location, vt, start=START + timedelta(days=75))
    visit.status = AppointmentStatus.FULFILLED
    visit.save()
    recall = set_recall_after_visit(appointment=visit)
    assert recall.due_on == date(2031, 5, 18) and recall.messages_sent == 0
    assert send_due_recalls(now=datetime(2031, 5, 18, 16, 0, tzinfo=UTC)) == 1
    assert Message.objects.filter(kind=MessageKind.RECALL).count() == 4


# --- setting recall --------------------------------------------------------------------------------


def test_it_sets_recall_from_a_fulfilled_visit_types_interval(practice, patient, provider, location):
    vt = make_visit_type(practice, recall_interval_months=12)
    visit = make_appointment(patient, provider, location, vt, start=datetime(2030, 1, 31, 16, tzinfo=UTC))
    assert set_recall_after_visit(appointment=visit) is None  # not fulfilled yet
    visit.status = AppointmentStatus.FULFILLED
    visit.save()
    recall = set_recall_after_visit(appointment=visit)
    assert recall.due_on == date(2031, 1, 31) and recall.interval_months == 12


def test_a_staff_interval_wins_and_a_due_date_never_moves_back(practice, patient, provider, location, owner):
    set_recall(practice=practice, patient=patient, due_on=date(2030, 2, 1), interval_months=3, actor_user=owner)
    vt = make_visit_type(practice, recall_interval_months=12)
    visit = make_appointment(
        patient, provider, location, vt, start=datetime(2030, 2, 1, 16, tzinfo=UTC), status=AppointmentStatus.FULFILLED
    )
    assert set_recall_after_visit(appointment=visit).due_on == date(2030, 5, 1)
    older = make_appointment(
        patient, provider, location, vt, start=datetime(2029, 6, 1, 16, tzinfo=UTC), status=AppointmentStatus.FULFILLED
    )
    assert set_recall_after_visit(appointment=older).due_on == date(2030, 5, 1)


def test_it_refreshes_recalls_from_the_latest_fulfilled_visits(practice, make_patient, provider, location):
    yearly = make_visit_type(practice, recall_interval_months=12)
    none = make_visit_type(practice)
    a, b, c = make_patient(practice), make_patient(practice), make_patient(practice)
    f = AppointmentStatus.FULFILLED
    make_appointment(a, provider, location, yearly, start=datetime(2028, 5, 1, 16, tzinfo=UTC), status=f)
    make_appointment(a, provider, location, yearly, start=datetime(2029, 5, 1, 16, tzinfo=UTC), status=f)
    make_appointment(b, provider, location, none, start=datetime(2029, 5, 1, 16, tzinfo=UTC), status=f)
    make_appointment(c, provider, location, yearly, start=datetime(2029, 5, 1, 16, tzinfo=UTC))  # booked, not done
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert refresh_recalls_from_visits(now=now) == 1
    assert {r.patient_id: r.due_on for r in Recall.objects.all()} == {a.pk: date(2030, 5, 1)}
    assert refresh_recalls_from_visits(now=now) == 0


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2030, 1, 31), 1) == date(2030, 2, 28)
    assert add_months(date(2030, 3, 15), -18) == date(2028, 9, 15)
    assert add_months(date(2030, 12, 1), 1) == date(2031, 1, 1)


def test_staff_set_a_recall_from_the_page_audited(client, practice, patient, front_desk):
    client.force_login(front_desk)
    url = reverse("messaging:recall_edit", args=[practice.slug, patient.pk])
    response = client.post(url, {"due_on": "2031-02-03", "interval_months": 6})
    assert response.status_code == 302
    recall = Recall.objects.get()
    assert (recall.due_on, recall.interval_months, recall.set_by) == (date(2031, 2, 3), 6, front_desk)
    assert AuditEntry.objects.filter(object_type="messaging.recall", action="create", patient=patient).exists()
    listing = client.get(reverse("messaging:recall_list", args=[practice.slug])).content.decode()
    assert patient.full_name in listing


@pytest.mark.parametrize(
    "data", [{"due_on": "soon", "interval_months": 6}, {"due_on": "2031-01-01", "interval_months": 0}]
)
def test_the_recall_page_refuses_bad_input(client, practice, patient, front_desk, data):
    client.force_login(front_desk)
    response = client.post(reverse("messaging:recall_edit", args=[practice.slug, patient.pk]), data)
    assert response.status_code == 400 and 'class="errors"' in response.content.decode()
    assert not Recall.objects.exists()


# --- reactivation ----------------------------------------------------------------------------------


@pytest.fixture
def patients_by_history(practice, make_patient, provider, location):
    vt = make_visit_type(practice)
    now = datetime(2030, 6, 1, 16, tzinfo=UTC)
    f = AppointmentStatus.FULFILLED
    lapsed = make_patient(practice, first_name="Lapsed", sms_consent=True)
    make_appointment(lapsed, provider, location, vt, start=now - timedelta(days=600), status=f)
    recent = make_patient(practice, first_name="Recent", sms_consent=True)
    make_appointment(recent, provider, location, vt, start=now - timedelta(days=600), status=f)
    make_appointment(recent, provider, location, vt, start=now - timedelta(days=100), status=f)
    booked = make_patient(practice, first_name="Booked", sms_consent=True)
    make_appointment(booked, provider, location, vt, start=now - timedelta(days=600), status=f)
    make_appointment(booked, provider, location, vt, start=now + timedelta(days=10))
    never = make_patient(practice, first_name="Never", sms_consent=True)
    make_appointment(never, provider, location, vt, start=now - timedelta(days=600), status=AppointmentStatus.NOSHOW)
    return {"now": now, "lapsed": lapsed, "recent": recent, "booked": booked, "never": never}


def test_the_reactivation_list_shows_only_lapsed_patients_audited(
    client, practice, owner, patients_by_history, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: patients_by_history["now"])
    client.force_login(owner)
    html = client.get(reverse("messaging:reactivation", args=[practice.slug])).content.decode()
    assert patients_by_history["lapsed"].full_name in html
    for name in ("recent", "booked", "never"):
        assert patients_by_history[name].full_name not in html
    assert AuditEntry.objects.filter(summary__startswith="reactivation list", actor_user=owner).exists()


def test_it_sends_a_reactivation_message_once_a_month(client, practice, front_desk, patients_by_history, monkeypatch):
    now = patients_by_history["now"]
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    lapsed = patients_by_history["lapsed"]
    client.force_login(front_desk)
    url = reverse("messaging:reactivation_send", args=[practice.slug, lapsed.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    message = Message.objects.get(kind=MessageKind.REACTIVATION)
    assert message.patient == lapsed and message.dedupe_key == f"reactivation:{lapsed.pk}:2030-06"
    assert "Sent this month" in client.get(reverse("messaging:reactivation", args=[practice.slug])).content.decode()
    send_reactivation(practice=practice, patient=lapsed, actor_user=front_desk, now=now + timedelta(days=31))
    assert Message.objects.filter(kind=MessageKind.REACTIVATION).count() == 2


def test_it_refuses_reactivation_for_patients_who_are_not_lapsed(practice, front_desk, patients_by_history):
    for name in ("recent", "booked", "never"):
        with pytest.raises(ReactivationRefused):
            send_reactivation(
                practice=practice,
                patient=patients_by_history[name],
                actor_user=front_desk,
                now=patients_by_history["now"],
            )
    assert not Message.objects.exists()
