"""The thank-you after a visit: once per fulfilled visit, by a channel the patient agreed to."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Survey, SurveyKind
from messaging.models import Channel, Message, MessageKind, MessageStatus
from messaging.services.recall import queue_thank_you, queue_thank_yous, thank_you_link
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_visit_type


@pytest.fixture(autouse=True)
def _visit_survey_switched_off(practice):
    """The thank-you goes only where the practice switched its visit survey off (the survey thanks otherwise)."""
    Survey.objects.create(
        practice=practice, kind=SurveyKind.POST_VISIT, name_en="Visit", name_es="Visita", is_active=False
    )


@pytest.fixture
def visit(practice, make_patient, provider, location):
    patient = make_patient(practice, sms_consent=True)
    start = timezone.now() - timedelta(hours=2)
    return make_appointment(
        patient, provider, location, make_visit_type(practice), start=start, status=AppointmentStatus.FULFILLED
    )


def test_it_thanks_the_patient_once_per_visit(visit):
    first = queue_thank_you(appointment=visit)
    second = queue_thank_you(appointment=visit)
    assert first.pk == second.pk and Message.objects.count() == 1
    assert first.kind == MessageKind.THANK_YOU and first.channel == Channel.SMS
    assert first.dedupe_key == f"thanks:{visit.pk}" and first.appointment == visit
    assert thank_you_link(visit) in first.body
    assert thank_you_link(visit).endswith(reverse("practices:public", args=[visit.practice.slug]))
    assert "skin check" not in first.body.lower()


def test_it_does_not_thank_for_a_visit_that_did_not_happen(visit):
    visit.status = AppointmentStatus.NOSHOW
    visit.save()
    assert queue_thank_you(appointment=visit) is None
    assert not Message.objects.exists()


def test_it_keeps_a_not_sent_row_when_the_patient_agreed_to_nothing(visit):
    visit.patient.sms_consent = False
    visit.patient.save()
    message = queue_thank_you(appointment=visit)
    assert message.channel == Channel.EMAIL and message.status == MessageStatus.SKIPPED


def test_the_periodic_job_catches_fulfilled_visits_of_the_last_day_only_once(
    practice, make_patient, provider, location, visit
):
    vt = visit.visit_type
    now = timezone.now()
    old = make_appointment(
        make_patient(practice),
        provider,
        location,
        vt,
        start=now - timedelta(days=3),
        status=AppointmentStatus.FULFILLED,
    )
    booked = make_appointment(make_patient(practice), provider, location, vt, start=now - timedelta(hours=3))
    assert queue_thank_yous(now=now) == 1
    assert queue_thank_yous(now=now) == 0
    assert set(Message.objects.values_list("appointment_id", flat=True)) == {visit.pk}
    assert old.pk and booked.pk


@pytest.mark.django_db
def test_it_runs_the_thank_yous_and_recalls_on_the_workers_schedule():
    from huey.api import PeriodicTask

    from messaging import tasks

    for periodic in (tasks.queue_thank_yous_every_ten_minutes, tasks.recall_daily):
        assert issubclass(periodic.task_class, PeriodicTask)
    assert tasks.queue_thank_yous_every_ten_minutes.call_local() == 0  # nothing to thank yet, and no error


def test_the_visit_survey_thanks_the_patient_instead(visit):
    Survey.objects.filter(practice=visit.practice).update(is_active=True)
    assert queue_thank_you(appointment=visit) is None
    assert not Message.objects.exists()
