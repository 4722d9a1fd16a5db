"""The staff list of survey responses and comments: what each row shows, the filters, paging, who may
see it, and the audit entry for showing named patients' answers."""

from datetime import UTC, datetime, timedelta

import pytest

from audit.models import Action, AuditEntry
from feedback.models import Response, SurveyKind
from feedback.services import listening
from practices.models import Location, Provider, Role
from tests.factories import NOW, make_response, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(practice):
    return make_survey(practice)


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD)


def page_url(practice, query=""):
    return f"/staff/{practice.slug}/feedback/responses/" + (f"?{query}" if query else "")


def answered(version, patient, comment="", at=NOW, **kwargs) -> Response:
    answers = {"recommend": kwargs.pop("recommend", 10), "cg_access": 4}
    if comment:
        answers["comment"] = comment
    response = make_response(version, patient, answers, completed_at=at, **kwargs)
    listening.response_completed(response=response, now=at)
    return response


def test_it_shows_each_response_with_its_comment_reading(staff_client, lead, practice, version, make_patient):
    patient = make_patient(practice, first_name="Lucia", last_name="Marquez")
    answered(version, patient, "The front desk was rude but Dr. Lee was wonderful", recommend=7)
    body = staff_client(lead).get(page_url(practice)).content.decode()
    assert "Lucia Marquez" in body
    assert "After your visit" in body
    assert "Would recommend: 7 of 10" in body
    assert "The front desk was rude but Dr. Lee was wonderful" in body
    assert 'class="sentiment sentiment-mixed"' in body
    assert "Front desk and staff:" in body and "Provider communication:" in body


def test_it_audits_the_names_shown(staff_client, lead, practice, version, patient):
    answered(version, patient, "Great visit")
    staff_client(lead).get(page_url(practice))
    entry = AuditEntry.objects.get(action=Action.VIEW, object_type="feedback.response")
    assert entry.actor_user == lead and "1 shown" in entry.summary and entry.practice == practice


def test_it_lists_only_completed_responses_of_this_practice(
    staff_client, lead, practice, other_practice, version, make_patient
):
    mine = make_patient(practice, last_name="Mine")
    partial = make_patient(practice, last_name="Halfway")
    stranger = make_patient(other_practice, last_name="Elsewhere")
    answered(version, mine)
    make_response(version, partial, {"recommend": 2}, completed_at=None)
    answered(make_survey(other_practice), stranger)
    body = staff_client(lead).get(page_url(practice)).content.decode()
    assert "Mine" in body and "Halfway" not in body and "Elsewhere" not in body


def test_it_answers_404_to_strangers_and_403_to_billing(staff_client, practice, other_practice, make_staff):
    assert staff_client(make_staff(other_practice, Role.OWNER)).get(page_url(practice)).status_code == 404
    assert staff_client(make_staff(practice, Role.BILLING)).get(page_url(practice)).status_code == 403


def test_it_filters_by_provider_location_and_touch_point(staff_client, lead, practice, version, make_patient):
    north = Location.objects.create(
        practice=practice,
        name="North",
        address_line1="1 A St",
        city="Austin",
        region="TX",
        postal_code="78701",
        phone="1",
    )
    south = Location.objects.create(
        practice=practice,
        name="South",
        address_line1="2 B St",
        city="Austin",
        region="TX",
        postal_code="78702",
        phone="2",
    )
    cole = Provider.objects.create(practice=practice, first_name="Hannah", last_name="Cole")
    lee = Provider.objects.create(practice=practice, first_name="Sam", last_name="Lee")
    answered(version, make_patient(practice, last_name="Alpha"), provider=cole, location=north)
    answered(
        version, make_patient(practice, last_name="Bravo"), provider=lee, location=south, touchpoint="self-scheduling"
    )
    client = staff_client(lead)
    body = client.get(page_url(practice, f"provider={cole.pk}")).content.decode()
    assert "Alpha" in body and "Bravo" not in body
    body = client.get(page_url(practice, f"location={south.pk}")).content.decode()
    assert "Bravo" in body and "Alpha" not in body
    body = client.get(page_url(practice, "touchpoint=self-scheduling")).content.decode()
    assert "Bravo" in body and "Alpha" not in body


def test_it_filters_by_sentiment_and_comment_topic(staff_client, lead, practice, version, make_patient):
    answered(
        version,
        make_patient(practice, last_name="Grumpy"),
        "The billing office sent me to collections for a bill my insurance already paid. Awful.",
    )
    answered(version, make_patient(practice, last_name="Happy"), "Dr. Cole was wonderful and explained everything.")
    answered(version, make_patient(practice, last_name="Silent"))
    client = staff_client(lead)
    body = client.get(page_url(practice, "sentiment=negative")).content.decode()
    assert "Grumpy" in body and "Happy" not in body and "Silent" not in body
    body = client.get(page_url(practice, "topic=provider+communication")).content.decode()
    assert "Happy" in body and "Grumpy" not in body
    body = client.get(page_url(practice, "topic=billing+and+cost&sentiment=negative")).content.decode()
    assert "Grumpy" in body and "Happy" not in body


def test_it_filters_on_the_corrected_reading(staff_client, lead, practice, version, make_patient):
    answered(version, make_patient(practice, last_name="Happy"), "Dr. Cole was wonderful and explained everything.")
    analysis = Response.objects.get().answers.get(question__code="comment").analysis
    listening.correct_comment(
        analysis=analysis,
        sentiment="mixed",
        touchpoints=[{"name": "waiting", "sentiment": "negative"}],
        actor_user=lead,
    )
    client = staff_client(lead)
    assert "Happy" in client.get(page_url(practice, "sentiment=mixed")).content.decode()
    assert "Happy" not in client.get(page_url(practice, "sentiment=positive")).content.decode()
    assert "Happy" in client.get(page_url(practice, "topic=waiting")).content.decode()
    assert "Happy" not in client.get(page_url(practice, "topic=provider+communication")).content.decode()


def test_it_filters_by_local_dates_and_survey_kind(staff_client, lead, practice, version, make_patient):
    # 8 January 2030, 23:30 in Chicago is already the 9th in UTC.
    answered(version, make_patient(practice, last_name="Late"), at=datetime(2030, 1, 9, 5, 30, tzinfo=UTC))
    answered(version, make_patient(practice, last_name="Early"), at=datetime(2030, 1, 9, 6, 30, tzinfo=UTC))
    booking = make_survey(practice, kind=SurveyKind.AFTER_BOOKING)
    booking.survey.is_active = False
    booking.survey.save()
    answered(booking, make_patient(practice, last_name="Booker"), at=NOW)
    client = staff_client(lead)
    body = client.get(page_url(practice, "start=2030-01-08&end=2030-01-08")).content.decode()
    assert "Late" in body and "Early" not in body and "Booker" not in body
    body = client.get(page_url(practice, "survey_kind=after_booking")).content.decode()
    assert "Booker" in body and "Late" not in body


@pytest.mark.parametrize(
    "query",
    ["sentiment=furious", "topic=parking", "provider=999999", "start=2030-02-30", "start=2030-01-09&end=2030-01-01"],
)
def test_it_refuses_bad_filters_with_a_message(staff_client, lead, practice, version, patient, query):
    answered(version, patient)
    response = staff_client(lead).get(page_url(practice, query))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="errors"' in body
    assert patient.full_name not in body


def test_it_refuses_another_practices_provider(staff_client, lead, practice, other_practice):
    foreign = Provider.objects.create(practice=other_practice, first_name="Not", last_name="Ours")
    assert staff_client(lead).get(page_url(practice, f"provider={foreign.pk}")).status_code == 400


def test_it_pages_by_fifty(staff_client, lead, practice, version, patient):
    for minutes in range(51):
        answered(version, patient, at=NOW - timedelta(minutes=minutes))
    client = staff_client(lead)
    first = client.get(page_url(practice, "sentiment=")).content.decode()
    assert first.count('class="card response"') == 50
    assert "Page 1 of 2" in first and "sentiment=&amp;page=2" in first
    second = client.get(page_url(practice, "page=2")).content.decode()
    assert second.count('class="card response"') == 1


def test_it_shows_the_correct_link_only_to_leads(staff_client, practice, version, patient, lead, front_desk):
    answered(version, patient, "Great visit")
    assert "Correct the reading" in staff_client(lead).get(page_url(practice)).content.decode()
    assert "Correct the reading" not in staff_client(front_desk).get(page_url(practice)).content.decode()
