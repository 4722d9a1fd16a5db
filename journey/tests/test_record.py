"""journey.record: one event per touch point, from the catalogue, never clinical."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

import journey
from journey.catalogue import BY_CODE, CATALOGUE
from journey.models import JourneyEvent, Stage
from journey.services import JourneyDataError
from patients import services


def test_it_stores_the_stage_from_the_catalogue(practice, patient):
    at = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    event = journey.record(
        practice=practice,
        patient=patient,
        touchpoint="online-check-in",
        kind="check_in.completed",
        at=at,
        data={"channel": "sms", "minutes_early": 12, "on_time": True},
    )
    stored = JourneyEvent.objects.get(pk=event.pk)
    assert stored.practice == practice
    assert stored.patient == patient
    assert stored.touchpoint == "online-check-in"
    assert stored.stage == Stage.PREPARE == BY_CODE["online-check-in"].stage
    assert stored.kind == "check_in.completed"
    assert stored.occurred_at == at
    assert stored.data == {"channel": "sms", "minutes_early": 12, "on_time": True}


@pytest.mark.parametrize("touchpoint", [tp.code for tp in CATALOGUE])
def test_it_knows_the_stage_of_every_touch_point(practice, touchpoint):
    event = journey.record(practice=practice, touchpoint=touchpoint, kind="test.event")
    assert event.stage == BY_CODE[touchpoint].stage
    assert event.stage in Stage.values


def test_it_records_events_without_a_patient(practice):
    event = journey.record(practice=practice, touchpoint="public-page", kind="page.viewed")
    assert event.patient is None
    assert event.stage == Stage.DISCOVER


@pytest.mark.parametrize("touchpoint", ["teleport", "", "Online-Check-In", "online_check_in"])
def test_it_refuses_an_unknown_touch_point(practice, patient, touchpoint):
    with pytest.raises(JourneyDataError):
        journey.record(practice=practice, patient=patient, touchpoint=touchpoint, kind="x")
    assert not JourneyEvent.objects.exists()


@pytest.mark.parametrize(
    "key", ["reason", "diagnosis", "Diagnosis", "REASON", "symptoms", "medication", "visit_reason", "notes"]
)
def test_it_refuses_clinical_keys(practice, patient, key):
    with pytest.raises(JourneyDataError):
        journey.record(
            practice=practice,
            patient=patient,
            touchpoint="intake",
            kind="intake.submitted",
            data={"channel": "web", key: "itchy rash"},
        )
    assert not JourneyEvent.objects.exists()


@pytest.mark.parametrize("value", [{"nested": "x"}, ["a", "b"], "x" * 121])
def test_it_refuses_values_that_are_not_short_labels(practice, patient, value):
    with pytest.raises(JourneyDataError):
        journey.record(practice=practice, patient=patient, touchpoint="survey", kind="survey.sent", data={"k": value})
    assert not JourneyEvent.objects.exists()


def test_it_refuses_a_patient_of_another_practice(practice, other_practice, make_patient):
    stranger = make_patient(other_practice)
    with pytest.raises(JourneyDataError):
        journey.record(practice=practice, patient=stranger, touchpoint="reminders", kind="reminder.sent")
    assert not JourneyEvent.objects.exists()


def test_it_records_the_portal_sign_in(client, practice, patient):
    token = services.issue_sign_in_link(patient=patient)
    client.post(reverse("patients:sign_in_confirm", args=[practice.slug, token]))
    event = JourneyEvent.objects.get()
    assert (event.touchpoint, event.stage, event.kind, event.patient) == (
        "patient-portal",
        Stage.AFTERWARDS,
        "portal.signed_in",
        patient,
    )
    assert event.data == {}
