"""A staff member's experience record: visible to the owner and to the person only (404 to everyone
else, the experience lead included); recognitions, comments naming them by sentiment, recovery cases,
actions and RCA actions, over the chosen period, with counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx.models import Action, ActionStatus, RcaAction, Recognition, RecognitionStatus, RootCauseAnalysis
from feedback.models import Answer, CommentAnalysis, RecoveryCase, SurveyVersion
from practices.models import Membership, Role
from tests.factories import make_patient, make_response, make_survey


def _url(practice, membership, **query):
    address = reverse("cx:staff_record", kwargs={"practice_slug": practice.slug, "pk": membership.pk})
    if query:
        address += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return address


@pytest.fixture
def people(practice, make_staff):
    made = {
        "owner": make_staff(practice, Role.OWNER, full_name="Olivia Owner"),
        "lead": make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead"),
        "maria": make_staff(practice, Role.FRONT_DESK, full_name="Maria Lopez"),
        "kim": make_staff(practice, Role.CLINICIAN, full_name="Kim Park"),
        "billing": make_staff(practice, Role.BILLING, full_name="Bo Biller"),
    }
    made["maria_membership"] = Membership.objects.get(user=made["maria"], practice=practice)
    return made


def _comment(practice, text, sentiment, *, days_ago=5, corrected=""):
    at = timezone.now() - timedelta(days=days_ago)
    patient = make_patient(practice, first_name="Rosa", last_name="Diaz")
    version = SurveyVersion.objects.filter(survey__practice=practice).first() or make_survey(practice)
    response = make_response(version, patient, {"comment": text}, completed_at=at)
    answer = Answer.objects.get(response=response, question__code="comment")
    Answer.objects.filter(pk=answer.pk).update(answered_at=at)
    CommentAnalysis.objects.create(
        practice=practice, answer=answer, sentiment=sentiment, score=0.5, corrected_sentiment=corrected
    )
    return response, answer


def test_only_the_owner_and_the_person_see_the_record(client, practice, people):
    address = _url(practice, people["maria_membership"])
    for who in ("owner", "maria"):
        client.force_login(people[who])
        assert client.get(address).status_code == 200, who
    for who in ("lead", "kim", "billing"):
        client.force_login(people[who])
        assert client.get(address).status_code == 404, who
    # Each member opens their own.
    client.force_login(people["kim"])
    assert client.get(_url(practice, Membership.objects.get(user=people["kim"]))).status_code == 200


def test_a_stranger_and_another_practices_member_are_404(client, practice, other_practice, people, make_staff):
    owner_b = make_staff(other_practice, Role.OWNER)
    client.force_login(owner_b)
    assert client.get(_url(practice, people["maria_membership"])).status_code == 404
    theirs = Membership.objects.get(user=owner_b)
    client.force_login(people["owner"])
    assert client.get(_url(practice, theirs)).status_code == 404
    assert client.get(reverse("cx:staff_record", args=[practice.slug, 999999])).status_code == 404
    assert client.post(_url(practice, people["maria_membership"])).status_code == 405


def test_the_record_counts_what_happened_in_the_period(client, practice, people):
    maria, kim, owner = people["maria"], people["kim"], people["owner"]
    now = timezone.now()
    _, praised = _comment(practice, "Maria at the desk was so kind and patient with me.", "positive")
    _comment(practice, "Maria was rude and would not listen.", "negative")
    _comment(practice, "Maria helped, but the wait was awful.", "mixed")
    _comment(practice, "Maria was rude", "positive", corrected="negative")  # the staff's correction wins
    _comment(practice, "Maria was lovely long ago.", "positive", days_ago=500)  # before the period
    _comment(practice, "Kim was great.", "positive")  # someone else
    Recognition.objects.create(
        practice=practice,
        answer=praised,
        user=maria,
        possible_users=[maria.pk],
        mention="Maria",
        evidence="Maria at the desk was so kind and patient with me.",
        said_at=now - timedelta(days=5),
        status=RecognitionStatus.CONFIRMED,
    )
    response, _ = _comment(practice, "The bill was wrong.", "negative")
    RecoveryCase.objects.create(
        practice=practice,
        response=response,
        patient=response.patient,
        reason="negative_comment",
        due_at=now,
        opened_at=now - timedelta(days=4),
        assigned_to=maria,
        status="closed",
        closed_at=now - timedelta(days=3),
        closed_by=maria,
        outcome="resolved",
    )
    Action.objects.create(
        practice=practice,
        title="Call the patient back",
        owner=maria,
        due_on=timezone.localdate(),
        status=ActionStatus.DONE,
        done_at=now - timedelta(days=1),
    )
    Action.objects.create(practice=practice, title="Still open", owner=maria, due_on=timezone.localdate())
    Action.objects.create(
        practice=practice, title="Kim's", owner=kim, due_on=timezone.localdate(), status="done", done_at=now
    )
    rca = RootCauseAnalysis.objects.create(practice=practice, title="Hold times", touchpoint="self-scheduling")
    RcaAction.objects.create(
        practice=practice,
        rca=rca,
        description="Add a call-back option to the phone line",
        hierarchy_kind="software",
        strength="stronger",
        owner=maria,
        due_on=timezone.localdate() + timedelta(days=10),
        measure="hold minutes",
    )
    client.force_login(owner)
    response = client.get(_url(practice, people["maria_membership"]))
    record = response.context["record"]
    assert record.recognition_count == 1
    assert [s.sentiment for s in record.mentions.positive] == ["positive"]
    assert len(record.mentions.negative) == 2
    assert len(record.mentions.mixed) == 1
    assert record.case_count == 1 and record.cases_closed == 1 and record.cases_resolved == 1
    assert record.actions_done_count == 1 and record.actions_done[0].title == "Call the patient back"
    assert record.rca_actions_count == 1 and record.rca_actions_done == 0
    page = response.content.decode()
    assert "Maria was rude and would not listen." in page
    assert "Rosa" not in page and "Diaz" not in page  # the patient's own names are redacted
    assert "Kim was great" not in page and "long ago" not in page
    assert "1 positive, 1 mixed, 2 negative" in page
    assert AuditEntry.objects.filter(summary="Staff experience record viewed", actor_user=owner).exists()
    # A longer period reaches the old comment.
    start = (timezone.localdate() - timedelta(days=600)).isoformat()
    end = timezone.localdate().isoformat()
    longer = client.get(_url(practice, people["maria_membership"], start=start, end=end))
    assert longer.status_code == 200 and len(longer.context["record"].mentions.positive) == 2


def test_an_ambiguous_mention_is_left_out(client, practice, people, make_staff):
    make_staff(practice, Role.FRONT_DESK, full_name="Maria Sanchez")
    _comment(practice, "Maria was rude.", "negative")
    client.force_login(people["maria"])
    record = client.get(_url(practice, people["maria_membership"])).context["record"]
    assert record.mentions.negative == []


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13-01"},
        {"start": "nonsense"},
        {"start": "2020-01-01", "end": "2026-01-01"},  # longer than two years
        {"start": "2026-05-01", "end": "2026-04-01"},  # backwards
        {"end": "1800-01-01"},
    ],
)
def test_a_bad_period_says_so_and_shows_the_default(client, practice, people, query):
    client.force_login(people["maria"])
    response = client.get(_url(practice, people["maria_membership"], **query))
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode() or "form-errors" in response.content.decode()
    assert response.context["record"].last_day == timezone.localdate()


def test_the_team_member_page_links_to_the_record_for_the_owner_and_the_person_only(client, practice, people):
    page = reverse("cx:team_member", args=[practice.slug, people["maria_membership"].pk])
    record = _url(practice, people["maria_membership"])
    for who in ("owner", "maria"):
        client.force_login(people[who])
        assert record in client.get(page).content.decode(), who
    client.force_login(people["lead"])
    assert record not in client.get(page).content.decode()
    client.force_login(people["maria"])
    assert record in client.get(reverse("cx:my_profile", args=[practice.slug])).content.decode()
