from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cx.models import JobTitle, Recognition, RecognitionStatus, TeamMemberProfile
from cx.services import actions as action_services
from feedback.models import CommentAnalysis, Sentiment, SurveyVersion
from practices.models import Membership, Role
from tests.factories import make_response, make_survey


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")


@pytest.fixture
def marias(practice, make_staff):
    return (
        make_staff(practice, Role.FRONT_DESK, full_name="Maria Lopez"),
        make_staff(practice, Role.CLINICIAN, full_name="Maria Garcia"),
    )


@pytest.fixture
def tom(practice, make_staff):
    return make_staff(practice, Role.BILLING, full_name="Tom Biller")


def _recognition(practice, patient, text, status, user=None, possible=()):
    version = SurveyVersion.objects.filter(survey__practice=practice).first() or make_survey(practice)
    response = make_response(version, patient, {"comment": text})
    answer = response.answers.get(question__code="comment")
    return Recognition.objects.create(
        practice=practice,
        answer=answer,
        user=user,
        possible_users=list(possible) or ([user.pk] if user else []),
        mention=text.split()[0],
        evidence=text,
        touchpoint="survey",
        said_at=timezone.now() - timedelta(days=1),
        status=status,
    )


def _url(practice, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": practice.slug, **kwargs})


def _membership(practice, user):
    return Membership.objects.get(practice=practice, user=user)


def test_lead_sees_candidates_and_ambiguous_with_the_people(practice, patient, lead, marias, tom, staff_client):
    _recognition(practice, patient, "Tom sorted my bill quickly.", RecognitionStatus.CANDIDATE, user=tom)
    _recognition(
        practice, patient, "Maria made me feel welcome.", RecognitionStatus.AMBIGUOUS, possible=[m.pk for m in marias]
    )
    page = staff_client(lead).get(_url(practice, "cx:recognitions")).content.decode()
    assert "Tom sorted my bill quickly." in page
    assert "Ambiguous:" in page and "Maria Lopez" in page and "Maria Garcia" in page
    assert "Waiting for a decision" in page


def test_confirm_candidate_and_counts(practice, patient, lead, tom, staff_client):
    rec = _recognition(practice, patient, "Tom sorted my bill.", RecognitionStatus.CANDIDATE, user=tom)
    client = staff_client(lead)
    assert client.post(_url(practice, "cx:recognition_confirm", pk=rec.pk)).status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.user, rec.decided_by) == (RecognitionStatus.CONFIRMED, tom, lead)
    page = client.get(_url(practice, "cx:recognitions")).content.decode()
    assert "Confirmed recognitions per person (1 in all)" in page


def test_ambiguous_needs_a_choice_among_the_possible(practice, patient, lead, marias, tom, staff_client):
    rec = _recognition(
        practice, patient, "Maria was kind.", RecognitionStatus.AMBIGUOUS, possible=[m.pk for m in marias]
    )
    client = staff_client(lead)
    url = _url(practice, "cx:recognition_confirm", pk=rec.pk)
    response = client.post(url)
    assert response.status_code == 400
    assert "choose which of the people the patient meant" in response.content.decode()
    response = client.post(url, {f"r{rec.pk}-user": tom.pk})
    assert response.status_code == 400
    response = client.post(url, {f"r{rec.pk}-user": "nonsense"})
    assert response.status_code == 400
    rec.refresh_from_db()
    assert rec.status == RecognitionStatus.AMBIGUOUS and rec.user is None
    assert client.post(url, {f"r{rec.pk}-user": marias[1].pk}).status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.user) == (RecognitionStatus.CONFIRMED, marias[1])


def test_dismiss(practice, patient, owner, tom, staff_client):
    rec = _recognition(practice, patient, "Tom was fine.", RecognitionStatus.CANDIDATE, user=tom)
    assert staff_client(owner).post(_url(practice, "cx:recognition_dismiss", pk=rec.pk)).status_code == 302
    rec.refresh_from_db()
    assert rec.status == RecognitionStatus.DISMISSED


def test_scan_button_finds_mentions(practice, patient, lead, tom, staff_client):
    version = make_survey(practice)
    response = make_response(version, patient, {"comment": "Tom Biller fixed my billing question, thank you!"})
    answer = response.answers.get(question__code="comment")
    CommentAnalysis.objects.create(practice=practice, answer=answer, sentiment=Sentiment.POSITIVE, score=0.9)
    client = staff_client(lead)
    response = client.post(_url(practice, "cx:recognition_scan"), follow=True)
    assert "New mentions of the team found: 1." in response.content.decode()
    assert Recognition.objects.get().user == tom


def test_member_sees_only_their_own_confirmed(practice, patient, marias, tom, staff_client):
    _recognition(practice, patient, "Tom was wonderful.", RecognitionStatus.CONFIRMED, user=tom)
    _recognition(practice, patient, "Maria was wonderful.", RecognitionStatus.CONFIRMED, user=marias[0])
    _recognition(practice, patient, "Tom again, waiting.", RecognitionStatus.CANDIDATE, user=tom)
    page = staff_client(tom).get(_url(practice, "cx:recognitions")).content.decode()
    assert "Tom was wonderful." in page
    assert "Maria was wonderful." not in page
    assert "Tom again, waiting." not in page  # not confirmed yet
    assert "Waiting for a decision" not in page


@pytest.mark.parametrize("name", ["cx:recognition_confirm", "cx:recognition_dismiss"])
def test_non_editors_cannot_decide(practice, patient, tom, name, staff_client):
    rec = _recognition(practice, patient, "Tom was wonderful.", RecognitionStatus.CANDIDATE, user=tom)
    assert staff_client(tom).post(_url(practice, name, pk=rec.pk)).status_code == 403
    rec.refresh_from_db()
    assert rec.status == RecognitionStatus.CANDIDATE


def test_team_member_page_own_only_for_members(practice, patient, lead, marias, tom, staff_client):
    _recognition(practice, patient, "Tom was wonderful.", RecognitionStatus.CONFIRMED, user=tom)
    action_services.create_action(
        practice=practice,
        actor_user=lead,
        title="Call the insurer",
        owner=tom,
        due_on=practice.local_date(timezone.now()) - timedelta(days=1),
    )
    client = staff_client(tom)
    page = client.get(_url(practice, "cx:team_member", pk=_membership(practice, tom).pk)).content.decode()
    assert "Tom was wonderful." in page and "1 confirmed recognition" in page
    assert "Call the insurer" in page and "Overdue" in page
    assert "Job title and other names" not in page  # the member does not set their own job title
    assert client.get(_url(practice, "cx:team_member", pk=_membership(practice, marias[0]).pk)).status_code == 404
    response = client.post(_url(practice, "cx:team_member", pk=_membership(practice, tom).pk), {"job_title": "manager"})
    assert response.status_code == 403
    assert not TeamMemberProfile.objects.exists()


def test_editor_sets_job_title_and_nicknames(practice, lead, marias, staff_client):
    url = _url(practice, "cx:team_member", pk=_membership(practice, marias[1]).pk)
    client = staff_client(lead)
    page = client.get(url).content.decode()
    assert "Job title and other names" in page and "Nurse" in page  # the default from the clinician role
    response = client.post(url, {"job_title": JobTitle.MEDICAL_ASSISTANT, "also_known_as": "Mari"})
    assert response.status_code == 302
    profile = TeamMemberProfile.objects.get(user=marias[1])
    assert (profile.job_title, profile.also_known_as) == (JobTitle.MEDICAL_ASSISTANT, "Mari")


def test_editor_bad_job_title_changes_nothing(practice, lead, marias, staff_client):
    url = _url(practice, "cx:team_member", pk=_membership(practice, marias[1]).pk)
    response = staff_client(lead).post(url, {"job_title": "wizard", "also_known_as": "Mari"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not TeamMemberProfile.objects.exists()


def test_my_profile_saves_nicknames_and_email_choices(practice, tom, staff_client):
    client = staff_client(tom)
    url = _url(practice, "cx:my_profile")
    assert client.get(url).status_code == 200
    response = client.post(url, {"also_known_as": "Tommy", "recognition_email": "on"})
    assert response.status_code == 302
    profile = TeamMemberProfile.objects.get(user=tom)
    assert (profile.also_known_as, profile.recognition_email, profile.moment_email, profile.job_title) == (
        "Tommy",
        True,
        False,
        "",
    )
    # A job title sent to "My profile" is ignored: job titles are the editors'.
    client.post(url, {"also_known_as": "Tommy", "job_title": "manager"})
    profile.refresh_from_db()
    assert profile.job_title == "" and profile.recognition_email is False


def test_my_profile_too_long_changes_nothing(practice, tom, staff_client):
    response = staff_client(tom).post(_url(practice, "cx:my_profile"), {"also_known_as": "x" * 201})
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    assert not TeamMemberProfile.objects.exists()


def test_stranger_gets_404_everywhere(practice, other_practice, patient, tom, make_staff, staff_client):
    rec = _recognition(practice, patient, "Tom was wonderful.", RecognitionStatus.CANDIDATE, user=tom)
    tom_membership = _membership(practice, tom)
    stranger = make_staff(other_practice, Role.OWNER)
    client = staff_client(stranger)
    assert client.get(_url(practice, "cx:recognitions")).status_code == 404
    assert client.get(_url(practice, "cx:my_profile")).status_code == 404
    assert client.post(_url(practice, "cx:my_profile"), {"also_known_as": "x"}).status_code == 404
    assert client.post(_url(practice, "cx:recognition_scan")).status_code == 404
    assert client.get(_url(practice, "cx:team_member", pk=tom_membership.pk)).status_code == 404
    for name in ("cx:recognition_confirm", "cx:recognition_dismiss"):
        assert client.post(_url(practice, name, pk=rec.pk)).status_code == 404
        # Their own practice's address does not find our rows either.
        assert client.post(_url(other_practice, name, pk=rec.pk)).status_code == 404
    assert client.get(_url(other_practice, "cx:team_member", pk=tom_membership.pk)).status_code == 404
    rec.refresh_from_db()
    assert rec.status == RecognitionStatus.CANDIDATE


def test_pages_in_spanish(practice, patient, lead, marias, staff_client):
    _recognition(
        practice, patient, "Maria made me feel welcome.", RecognitionStatus.AMBIGUOUS, possible=[m.pk for m in marias]
    )
    client = staff_client(lead)
    page = client.get(_url(practice, "cx:recognitions"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Pendientes de decisión" in page and "Ambiguo:" in page
    page = client.get(_url(practice, "cx:actions") + "?who=everyone", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Acciones de todos" in page and "Añadir una acción" in page
    page = client.get(_url(practice, "cx:my_profile"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Otros nombres que usan los pacientes" in page
