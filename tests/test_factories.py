"""The shared test factories build valid rows of one practice, and refuse parents of another."""

from datetime import timedelta

import pytest

from tests import factories
from tests.factories import NOW, PASSWORD, TUESDAY_10, WrongPractice

pytestmark = pytest.mark.django_db


def test_each_factory_builds_valid_rows_of_one_practice():
    practice = factories.make_practice()
    location = factories.make_location(practice)
    provider = factories.make_provider(practice, locations=[location])
    patient = factories.make_patient(practice)
    visit_type = factories.make_visit_type(practice, offered_by=[provider], offered_at=[location])
    hours = factories.make_weekday_hours(provider, location)
    made = factories.make_appointment(patient, provider, location, visit_type, start=TUESDAY_10)
    booked = factories.book_appointment(
        patient, provider, location, visit_type, start=TUESDAY_10 + timedelta(hours=1), now=NOW
    )
    entry = factories.make_waitlist_entry(practice, patient, visit_type, now=NOW)
    messaging_settings = factories.make_messaging_settings(practice)
    version = factories.make_survey(practice)
    response = factories.make_response(
        version, patient, {"recommend": 9, "comment": "Kind staff"}, provider=provider, location=location
    )
    done = factories.make_fulfilled_appointment(patient, provider, location)

    rows = [location, provider, patient, visit_type, *hours, made, booked, entry, messaging_settings]
    rows += [version.survey, response, response.invitation, done]
    for row in rows:
        row.full_clean()
        assert row.practice_id == practice.pk, row
    assert list(provider.locations.all()) == [location]
    assert list(visit_type.providers.all()) == [provider] and list(visit_type.locations.all()) == [location]
    assert made.end - made.start == timedelta(minutes=visit_type.duration_minutes)
    assert response.answers.count() == 2


def test_staff_sign_in_with_the_shared_password_at_their_practice():
    practice = factories.make_practice()
    staff = factories.make_staff(practice, "front_desk")
    assert staff.check_password(PASSWORD)
    assert [(m.practice, m.role) for m in staff.memberships.all()] == [(practice, "front_desk")]


def test_a_text_reaches_the_practice_whose_number_it_was_sent_to():
    practice = factories.make_practice()
    factories.make_messaging_settings(practice)
    patient = factories.make_patient(practice, phone=factories.PATIENT_NUMBER)
    inbound = factories.receive_text("Is there parking?")
    assert (inbound.practice_id, inbound.patient_id) == (practice.pk, patient.pk)


def test_parents_of_another_practice_are_refused():
    practice, other = factories.make_practice(), factories.make_practice()
    location, elsewhere = factories.make_location(practice), factories.make_location(other)
    provider = factories.make_provider(practice, locations=[location])
    patient = factories.make_patient(practice)
    visit_type = factories.make_visit_type(practice)
    with pytest.raises(WrongPractice):
        factories.make_provider(practice, locations=[elsewhere])
    with pytest.raises(WrongPractice):
        factories.make_weekday_hours(provider, elsewhere)
    with pytest.raises(WrongPractice):
        factories.make_appointment(patient, provider, elsewhere, visit_type, start=TUESDAY_10)
    with pytest.raises(WrongPractice):
        factories.make_appointment(factories.make_patient(other), provider, location, visit_type, start=TUESDAY_10)
    with pytest.raises(WrongPractice):
        factories.make_response(factories.make_survey(other), patient, {})
    with pytest.raises(WrongPractice):
        factories.move_to_zone(practice, elsewhere, "Asia/Tokyo")
