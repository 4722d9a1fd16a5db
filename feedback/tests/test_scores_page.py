"""The scores page: who may see it, its filters, and numbers equal to ones worked out by hand."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from feedback.models import Answer, Invitation, InvitationStatus, Question, Response, SurveyKind
from feedback.services import surveys
from practices.models import Location, Provider, Role

# Answers are seeded a few days ago, inside the default 90-day range.
NOW = timezone.now()


def url(practice) -> str:
    return reverse("feedback:scores", kwargs={"practice_slug": practice.slug})


@pytest.fixture
def post_visit(practice):
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.POST_VISIT)
    version = surveys.current_version(survey)
    questions = {q.code: q for q in Question.objects.filter(version=version)}
    # Short name for the likelihood-to-recommend question, whatever its code.
    questions["recommend"] = next(q for q in questions.values() if q.kind == "recommend")
    return version, questions


_tokens = iter(range(10**6))


def respond(practice, patient, version, questions, values: dict, *, at=None, provider=None, location=None, done=True):
    """One response with ``values`` ({question code: value}); ``done`` completes it."""
    at = at or NOW - timedelta(days=3)
    invitation = Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        token_hash=f"hash-{next(_tokens)}",
        status=InvitationStatus.COMPLETED if done else InvitationStatus.STARTED,
        created_at=at - timedelta(hours=1),
        expires_at=at + timedelta(days=14),
        completed_at=at if done else None,
    )
    response = Response.objects.create(
        practice=practice,
        invitation=invitation,
        version=version,
        patient=patient,
        provider=provider,
        location=location,
        touchpoint="survey",
        started_at=at,
        completed_at=at if done else None,
    )
    Answer.objects.bulk_create(
        Answer(practice_id=response.practice_id, response=response, question=questions[code], value=value)
        for code, value in values.items()
    )
    return response


@pytest.fixture
def seeded(practice, patient, post_visit, provider, location):
    """Four responses worked out by hand (see the assertions), plus one invitation never answered."""
    version, q = post_visit
    respond(
        practice,
        patient,
        version,
        q,
        {"recommend": 10, "cg_comm_explain": 4, "cg_comm_listen": 4},
        provider=provider,
        location=location,
    )
    respond(
        practice,
        patient,
        version,
        q,
        {"recommend": 9, "cg_comm_explain": 3, "cg_comm_listen": 4},
        provider=provider,
        location=location,
    )
    respond(practice, patient, version, q, {"recommend": 7, "cg_comm_explain": 4}, provider=provider, location=location)
    respond(practice, patient, version, q, {"recommend": 3, "cg_provider_rating": 6}, done=False)
    Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        token_hash="hash-unanswered",
        created_at=NOW - timedelta(days=2),
        expires_at=NOW + timedelta(days=12),
    )
    Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        token_hash="hash-skipped",
        status=InvitationStatus.SKIPPED,
        skip_reason="no_consent",
        created_at=NOW - timedelta(days=2),
        expires_at=NOW + timedelta(days=12),
    )
    return version, q


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row(html: str, table_id: str, label: str) -> str:
    """The text of the row whose header contains ``label`` in table ``table_id``."""
    table = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    for tr in table.split("<tr>")[1:]:
        if label in tr:
            return text(tr)
    raise AssertionError(f"{label!r} not in {table_id}")


# --- who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OWNER, Role.EXPERIENCE_LEAD, Role.FRONT_DESK, Role.CLINICIAN])
def test_it_shows_the_scores_to_the_people_who_look_after_patients(staff_client, make_staff, practice, role):
    page = staff_client(make_staff(practice, role)).get(url(practice))
    assert page.status_code == 200
    assert "Net Promoter Score" in page.content.decode()


def test_billing_staff_get_403(staff_client, make_staff, practice):
    assert staff_client(make_staff(practice, Role.BILLING)).get(url(practice)).status_code == 403


def test_staff_of_another_practice_get_404_and_see_nothing(staff_client, make_staff, practice, other_practice, seeded):
    page = staff_client(make_staff(other_practice, Role.OWNER)).get(url(practice))
    assert page.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, practice):
    page = client.get(url(practice))
    assert page.status_code == 302 and "/login/" in page["Location"]


def test_each_practice_sees_only_its_own_answers(staff_client, make_staff, practice, other_practice, seeded):
    html = staff_client(make_staff(other_practice, Role.OWNER)).get(url(other_practice)).content.decode()
    assert "No answers in this range" in html
    assert "0 completed of 0 invitations" in text(html)


# --- the numbers ----------------------------------------------------------------------------------


def test_the_page_shows_the_hand_computed_scores(staff_client, owner, practice, seeded):
    page = staff_client(owner).get(url(practice))
    html = page.content.decode()
    body = text(html)
    # Recommend 10, 9, 7, 3: 2 promoters, 1 passive, 1 detractor of 4 → 50 − 25 = 25.
    nps = text(html.split('id="nps-card"')[1].split("</div>")[0])
    assert "25" in nps.split("n =")[0]
    assert "n = 4 too few to trust" in nps
    assert "Promoters (9–10) 2 50.0%" in nps and "Passives (7–8) 1 25.0%" in nps and "Detractors (0–6) 1 25.0%" in nps
    # Communication: "explained" 4, 3, 4 → 66.7 % top box; "listened" 4, 4 → 100 %; mean 83.3 %; 3 responses.
    # Linear means: explained (100 + 66.67 + 100) / 3 = 88.9, listened 100 → 94.4.
    assert row(html, "composites-table", "How well the provider communicates").endswith("83.3% 94.4 3 too few to trust")
    # Provider rating: one answer of 6 (partial response): 0 % top box, mean 60.
    assert row(html, "composites-table", "Rating of the provider").endswith("0.0% 60.0 1 too few to trust")
    assert row(html, "composites-table", "Getting timely appointments").endswith("no answers no answers 0")
    explain = surveys.current_version(surveys.survey_for(practice=practice, kind="post_visit")).questions.get(
        code="cg_comm_explain"
    )
    assert row(html, "items-table", explain.text_en[:40]).endswith("66.7% 88.9 3 too few to trust")
    # Response rate: 3 completed of 5 sent (4 answered, one partial, plus one unanswered); skipped not sent.
    assert "3 completed of 5 invitations sent" in body and "60.0%" in text(html.split('id="response-rate-card"')[1])
    assert "1 patient was not asked" in body


def test_aggregates_only_leave_no_audit_entry_and_no_patient_name(staff_client, owner, practice, patient, seeded):
    html = staff_client(owner).get(url(practice)).content.decode()
    assert patient.last_name not in html
    assert not AuditEntry.objects.filter(practice=practice, path__contains="/feedback/scores/").exists()


def test_thirty_responses_are_no_longer_too_few(staff_client, owner, practice, patient, post_visit):
    version, q = post_visit
    for i in range(30):
        respond(practice, patient, version, q, {"recommend": 10 if i % 3 else 0})
    nps = text(staff_client(owner).get(url(practice)).content.decode().split('id="nps-card"')[1].split("</div>")[0])
    # 20 promoters, 10 detractors of 30 → 66.7 − 33.3 = 33.3 → 33.
    assert "Net Promoter Score 33 n = 30 Promoters" in nps
    assert "too few" not in nps


def test_the_trend_table_holds_the_charts_numbers(staff_client, owner, practice, patient, post_visit):
    version, q = post_visit
    respond(practice, patient, version, q, {"recommend": 10}, at=NOW - timedelta(days=1))
    html = staff_client(owner).get(url(practice)).content.decode()
    assert 'id="scores-chart-nps"' in html and 'id="scores-chart-composites"' in html
    assert '"data": [' in html.split('id="scores-chart-nps"')[1].split("</script>")[0]
    trend = html.split('id="scores-table-nps"')[1].split("</table>")[0]
    last_row = text(trend.split("<tr>")[-1])
    assert last_row.endswith("100 1 too few to trust")


# --- filters --------------------------------------------------------------------------------------


def test_it_filters_by_provider_and_location(staff_client, owner, practice, patient, post_visit, provider, location):
    version, q = post_visit
    other = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    elsewhere = Location.objects.create(practice=practice, name="North", timezone="America/Chicago")
    respond(practice, patient, version, q, {"recommend": 10}, provider=provider, location=location)
    respond(practice, patient, version, q, {"recommend": 0}, provider=other, location=elsewhere)
    client = staff_client(owner)
    mine = text(client.get(url(practice), {"provider": provider.pk}).content.decode())
    assert "Net Promoter Score 100 n = 1" in mine
    north = text(client.get(url(practice), {"location": elsewhere.pk}).content.decode())
    assert "Net Promoter Score -100 n = 1" in north or "Net Promoter Score −100 n = 1" in north
    both = client.get(url(practice)).content.decode()
    assert row(both, "providers-table", "Lee Park").startswith("Lee Park")
    assert row(both, "locations-table", "North")


def test_it_filters_by_date_range_in_the_practices_days(staff_client, owner, practice, patient, post_visit):
    version, q = post_visit
    respond(practice, patient, version, q, {"recommend": 10}, at=datetime(2025, 3, 1, 3, tzinfo=UTC))  # 28 Feb, Chicago
    respond(practice, patient, version, q, {"recommend": 0}, at=datetime(2025, 3, 2, 18, tzinfo=UTC))
    page = staff_client(owner).get(url(practice), {"start": "2025-02-01", "end": "2025-02-28"})
    assert "Net Promoter Score 100 n = 1" in text(page.content.decode())


def test_it_filters_by_survey_kind_and_touch_point(staff_client, owner, practice, patient, post_visit):
    version, q = post_visit
    respond(practice, patient, version, q, {"recommend": 10, "cg_access_seen_on_time": 1})
    client = staff_client(owner)
    booking = text(client.get(url(practice), {"survey_kind": "after_booking"}).content.decode())
    assert "No answers in this range" in booking
    waiting = client.get(url(practice), {"touchpoint": q["cg_access_seen_on_time"].touchpoint}).content.decode()
    touchpoints = waiting.split('id="touchpoints-table"')[1].split("</table>")[0]
    assert touchpoints.count("<tr>") == 2 and "Live wait estimate" in touchpoints
    items = waiting.split('id="items-table"')[1].split("</table>")[0]
    assert items.count("<tr>") == 2  # the header and the one question at that touch point
    assert "Net Promoter Score" in waiting and "n = 0" in text(waiting.split('id="nps-card"')[1].split("</div>")[0])


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2025-13-45"},
        {"start": "2025-03-01", "end": "2025-02-01"},
        {"start": "2015-01-01", "end": "2025-01-01"},
        {"provider": "999999"},
        {"provider": "not-a-number"},
        {"survey_kind": "whatever"},
        {"touchpoint": "<script>"},
        {"period": "decade"},
    ],
)
def test_bad_filters_get_a_message_and_the_defaults(staff_client, owner, practice, seeded, query):
    page = staff_client(owner).get(url(practice), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Some filters could not be used; the page shows the last 90 days instead." in html
    assert "Net Promoter Score 25 n = 4" in text(html)  # the default range's figures


def test_another_practices_provider_cannot_be_chosen(staff_client, owner, practice, other_practice, seeded):
    theirs = Provider.objects.create(practice=other_practice, first_name="Zoe", last_name="Ng")
    page = staff_client(owner).get(url(practice), {"provider": theirs.pk})
    assert "Some filters could not be used" in page.content.decode()


def test_the_page_reads_in_the_same_few_queries_whatever_the_number_of_answers(
    staff_client, owner, practice, patient, post_visit, provider, location
):
    version, q = post_visit
    client = staff_client(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(practice)).status_code == 200
        return len(captured)

    respond(practice, patient, version, q, {"recommend": 9})
    few = queries()
    for i in range(40):
        other = Provider.objects.create(practice=practice, first_name="P", last_name=f"Doc{i}")
        respond(practice, patient, version, q, {"recommend": i % 11, "cg_comm_explain": 1 + i % 4}, provider=other)
    assert queries() == few <= 16
