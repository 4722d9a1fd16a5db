"""Front-desk fixtures: the practice's intake questions and financial policy, a visit whose online
check-in is open now (``soon``), and the online check-in form filled in (``check_in_form``)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from frontdesk.models import IntakeQuestion, PracticePolicy, QuestionKind
from scheduling.models import Appointment
from tests.factories import make_appointment, make_provider, make_visit_type, move_to_zone, zone_with_room

# The answer check_in_form gives to the first intake question: it must never reach a log.
SECRET_ANSWER = "Allergic to penicillin"


@pytest.fixture
def questions(practice) -> list[IntakeQuestion]:
    return [
        IntakeQuestion.objects.create(
            practice=practice,
            text_en="Any allergies?",
            text_es="¿Alguna alergia?",
            kind=QuestionKind.SHORT_TEXT,
            required=True,
            position=1,
        ),
        IntakeQuestion.objects.create(
            practice=practice, text_en="New moles?", text_es="¿Lunares nuevos?", kind=QuestionKind.YES_NO, position=2
        ),
    ]


@pytest.fixture
def policy(practice) -> PracticePolicy:
    return PracticePolicy.objects.create(
        practice=practice,
        title_en="Financial policy",
        title_es="Política financiera",
        body_en="Payment is due at the time of service.",
        body_es="El pago se hace en el momento del servicio.",
        version=3,
    )


@pytest.fixture
def soon(practice, patient, provider, location, visit_type) -> Appointment:
    """An appointment 20 hours from the real now (the views use it): online check-in is open."""
    now = timezone.now()
    start = (now + timedelta(hours=20)).replace(second=0, microsecond=0)
    move_to_zone(practice, location, zone_with_room(start, before=timedelta(0), after=timedelta(hours=1)))
    return make_appointment(patient, provider, location, visit_type, start=start)


@pytest.fixture
def check_in_form(questions, policy) -> Callable[..., dict[str, object]]:
    """``check_in_form(**changes)``: the online check-in form's fields, new contact details and
    insurance, both questions answered (the first with SECRET_ANSWER) and the policy acknowledged."""

    def data(**extra: object) -> dict[str, object]:
        return {
            "phone": "(512) 555-0111",
            "email": "new.address@example.com",
            "insurance_carrier": "Blue Cross",
            "insurance_member_id": "XK 123 456",
            f"question_{questions[0].pk}": SECRET_ANSWER,
            f"question_{questions[1].pk}": "yes",
            f"policy_{policy.pk}": "on",
            **extra,
        }

    return data


@pytest.fixture
def two_provider_clinic(practice, provider, location, visit_type, front_desk) -> None:
    """A second provider and visit types of every length ``benchmarks.clinic_world`` books (10-30 min),
    so a generated two-provider world can be played into ``practice``."""
    second = make_provider(practice, locations=[location], first_name="Omar", last_name="Haddad")
    for minutes in (10, 15, 20, 30):
        make_visit_type(
            practice,
            name=f"Visit {minutes}",
            duration_minutes=minutes,
            offered_by=[provider, second],
            offered_at=[location],
        )
