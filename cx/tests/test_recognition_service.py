from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cx.models import JobTitle, Recognition, RecognitionStatus, TeamMemberProfile
from cx.selectors import recognition as recognition_selectors
from cx.services import recognition as recognition_services
from cx.tasks import email_recognition, find_recognitions_daily
from feedback.models import CommentAnalysis, Sentiment
from frontdesk.models import ChangeSource, FlowStatus, Visit, VisitStatusChange
from practices.models import Role
from tests.factories import make_fulfilled_appointment, make_response, make_survey


@pytest.fixture
def team(practice, make_staff, provider):
    """Two Marias, a provider linked to a user (Dr. Hannah Lee), a billing clerk."""
    maria_l = make_staff(practice, Role.FRONT_DESK, full_name="Maria Lopez")
    maria_g = make_staff(practice, Role.CLINICIAN, full_name="Maria Garcia")
    doctor = make_staff(practice, Role.CLINICIAN, full_name="Dr. Hannah Lee, MD")
    provider.first_name, provider.last_name, provider.user = "Hannah", "Lee", doctor
    provider.save()
    billing = make_staff(practice, Role.BILLING, full_name="Tom Biller")
    return {"maria_l": maria_l, "maria_g": maria_g, "doctor": doctor, "billing": billing}


@pytest.fixture
def version(practice):
    return make_survey(practice)


NOW = timezone.now


def comment(version, patient, text, *, sentiment=Sentiment.POSITIVE, at=None, corrected="", **kwargs):
    response = make_response(version, patient, {"comment": text}, **kwargs)
    answer = response.answers.get(question__code="comment")
    answer.answered_at = at or timezone.now() - timedelta(days=1)
    answer.save()
    CommentAnalysis.objects.create(
        practice=patient.practice, answer=answer, sentiment=sentiment, score=0.8, corrected_sentiment=corrected
    )
    return answer


def scan(practice):
    now = timezone.now()
    return recognition_services.find_recognitions(practice=practice, since=now - timedelta(days=8), until=now)


def test_team_names_titles_and_nicknames(practice, team, owner, make_staff):
    lead = make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")
    TeamMemberProfile.objects.create(practice=practice, user=team["billing"], also_known_as="Tommy, T ")
    TeamMemberProfile.objects.create(practice=practice, user=team["maria_g"], job_title=JobTitle.MEDICAL_ASSISTANT)
    members = {m.user_id: m for m in recognition_selectors.team(practice=practice)}
    assert (members[team["doctor"].pk].first_name, members[team["doctor"].pk].last_name) == ("Hannah", "Lee")
    assert members[team["doctor"].pk].is_provider and members[team["doctor"].pk].job_title == JobTitle.PROVIDER
    assert members[team["maria_l"].pk].job_title == JobTitle.RECEPTIONIST
    assert members[team["maria_g"].pk].job_title == JobTitle.MEDICAL_ASSISTANT
    assert members[team["billing"].pk].job_title == JobTitle.BILLING
    assert members[team["billing"].pk].nicknames == ("Tommy", "T")
    assert members[owner.pk].job_title == JobTitle.MANAGER
    assert members[lead.pk].job_title == ""


def test_split_name():
    assert recognition_selectors.split_name("Dr. Hannah Cole, MD") == ("Hannah", "Cole")
    assert recognition_selectors.split_name("Cher") == ("Cher", "")
    assert recognition_selectors.split_name("Ana María López RN") == ("Ana", "López")
    assert recognition_selectors.split_name("  ") == ("", "")


def test_scan_finds_candidates_and_is_idempotent(practice, team, version, patient):
    answer = comment(version, patient, "Dr. Lee explained everything so clearly.")
    assert scan(practice) == 1
    row = Recognition.objects.get()
    assert (row.user, row.status, row.answer, row.mention) == (
        team["doctor"],
        RecognitionStatus.CANDIDATE,
        answer,
        "Dr. Lee",
    )
    assert row.said_at == answer.answered_at
    assert scan(practice) == 0
    assert Recognition.objects.count() == 1


def test_scan_skips_negative_old_and_other_practices_comments(
    practice, other_practice, team, version, patient, make_patient
):
    comment(version, patient, "Dr. Lee kept me waiting.", sentiment=Sentiment.NEGATIVE)
    comment(version, patient, "Dr. Lee was great.", at=timezone.now() - timedelta(days=30))
    # A correction to positive counts; a correction to negative wins over the machine's positive.
    comment(version, patient, "Thank you Tom for sorting my bill.", sentiment=Sentiment.NEGATIVE, corrected="positive")
    comment(version, patient, "Maria Lopez was lovely.", corrected="negative")
    other_version = make_survey(other_practice)
    comment(other_version, make_patient(other_practice), "Dr. Lee was great.")
    assert scan(practice) == 1
    assert Recognition.objects.get().user == team["billing"]


def test_ambiguous_name_is_never_credited(practice, team, version, patient, owner):
    comment(version, patient, "Maria was so kind to me.", sentiment=Sentiment.MIXED)
    assert scan(practice) == 1
    row = Recognition.objects.get()
    assert row.status == RecognitionStatus.AMBIGUOUS and row.user is None
    assert sorted(row.possible_users) == sorted([team["maria_l"].pk, team["maria_g"].pk])
    assert not recognition_selectors.confirmed_counts(practice=practice)
    with pytest.raises(recognition_services.RecognitionError, match="Choose who"):
        recognition_services.confirm(practice=practice, actor_user=owner, recognition=row)
    with pytest.raises(recognition_services.RecognitionError, match="one of the people"):
        recognition_services.confirm(practice=practice, actor_user=owner, recognition=row, user=team["billing"])
    row.refresh_from_db()
    assert row.status == RecognitionStatus.AMBIGUOUS and row.user is None
    confirmed = recognition_services.confirm(practice=practice, actor_user=owner, recognition=row, user=team["maria_g"])
    assert (confirmed.status, confirmed.user, confirmed.decided_by) == (
        RecognitionStatus.CONFIRMED,
        team["maria_g"],
        owner,
    )
    counts = recognition_selectors.confirmed_counts(practice=practice)
    assert [(c.user, c.count) for c in counts] == [(team["maria_g"], 1)]


def test_role_word_credits_the_one_on_duty(practice, team, version, patient, location, provider, make_staff):
    second_desk = make_staff(practice, Role.FRONT_DESK, full_name="Rosa Fuentes")
    appointment = make_fulfilled_appointment(patient, provider, location)
    visit = Visit.objects.create(practice=practice, appointment=appointment, status=FlowStatus.DONE)
    VisitStatusChange.objects.create(
        practice=practice,
        visit=visit,
        from_status=FlowStatus.SCHEDULED,
        to_status=FlowStatus.ARRIVED,
        by_user=second_desk,
        source=ChangeSource.DESK,
    )
    answer = comment(version, patient, "The receptionist was so welcoming.")
    answer.response.invitation.appointment = appointment
    answer.response.invitation.save()
    duty = recognition_selectors.on_duty(practice=practice, responses=[answer.response])
    assert duty[answer.response.pk] == {second_desk.pk, team["doctor"].pk}
    assert scan(practice) == 1
    assert Recognition.objects.get().user == second_desk


def test_patient_own_name_is_never_credited_and_evidence_is_redacted(practice, team, version, make_patient):
    maria_patient = make_patient(practice, first_name="Maria", last_name="Lopez")
    comment(version, maria_patient, "I am Maria Lopez, call me on 555-201-3344. Dr. Lee was great.")
    assert scan(practice) == 1
    row = Recognition.objects.get()
    assert row.user == team["doctor"]
    assert "Lopez" not in row.evidence and "555" not in row.evidence
    assert "Dr. Lee" in row.evidence


def test_dismiss(practice, team, version, patient, owner):
    comment(version, patient, "Dr. Lee was great.")
    scan(practice)
    row = recognition_services.dismiss(practice=practice, actor_user=owner, recognition=Recognition.objects.get())
    assert row.status == RecognitionStatus.DISMISSED
    assert scan(practice) == 0  # a dismissed mention is not found again
    assert Recognition.objects.get().status == RecognitionStatus.DISMISSED


def test_confirm_refuses_another_practice(practice, other_practice, team, version, patient, make_staff):
    comment(version, patient, "Dr. Lee was great.")
    scan(practice)
    stranger = make_staff(other_practice, Role.OWNER)
    with pytest.raises(recognition_services.RecognitionError):
        recognition_services.confirm(
            practice=other_practice, actor_user=stranger, recognition=Recognition.objects.get()
        )
    assert Recognition.objects.get().status == RecognitionStatus.CANDIDATE


def _confirm_with_email(practice, owner, row, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return recognition_services.confirm(practice=practice, actor_user=owner, recognition=row, **kwargs)


def test_email_once_when_opted_in_without_patient_details(
    practice, team, version, make_patient, owner, django_capture_on_commit_callbacks
):
    TeamMemberProfile.objects.create(practice=practice, user=team["doctor"], recognition_email=True)
    ana = make_patient(practice, first_name="Anabel", last_name="Quintero", phone="+15552013344")
    comment(
        version, ana, "Anabel Quintero here, phone 555-201-3344. Dr. Lee took the time to explain my biopsy results."
    )
    scan(practice)
    row = _confirm_with_email(practice, owner, Recognition.objects.get(), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [team["doctor"].email]
    body = message.subject + message.body
    for secret in ("Anabel", "Quintero", "555", "3344", "biopsy"):
        assert secret not in body
    assert "Dr. Lee took the time to explain" in body
    row.refresh_from_db()
    assert row.emailed_at is not None
    # A retried task, or confirming again, sends nothing more.
    assert email_recognition.call(row.pk) is False
    _confirm_with_email(practice, owner, row, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_no_email_without_opt_in(practice, team, version, patient, owner, django_capture_on_commit_callbacks):
    comment(version, patient, "Dr. Lee was great.")
    scan(practice)
    row = _confirm_with_email(practice, owner, Recognition.objects.get(), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert recognition_services.send_recognition_email(recognition_id=row.pk) is False
    row.refresh_from_db()
    assert row.emailed_at is None


def test_failed_send_is_retried_and_then_sent_once(practice, team, version, patient, owner, monkeypatch):
    TeamMemberProfile.objects.create(practice=practice, user=team["doctor"], recognition_email=True)
    comment(version, patient, "Dr. Lee was great.")
    scan(practice)
    row = recognition_services.confirm(practice=practice, actor_user=owner, recognition=Recognition.objects.get())
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise OSError("mail server down")

    monkeypatch.setattr(recognition_services, "send_mail", broken)
    with pytest.raises(OSError):
        recognition_services.send_recognition_email(recognition_id=row.pk)
    row.refresh_from_db()
    assert row.emailed_at is None  # the claim was released for the retry
    monkeypatch.undo()
    assert recognition_services.send_recognition_email(recognition_id=row.pk) is True
    assert recognition_services.send_recognition_email(recognition_id=row.pk) is False
    assert len(mail.outbox) == 1


def test_daily_task_scans_every_practice(practice, team, version, patient):
    comment(version, patient, "Dr. Lee was great.")
    assert find_recognitions_daily.call_local() == 1
    assert find_recognitions_daily.call_local() == 0


def test_profile_update_and_bad_input(practice, team, owner):
    profile = recognition_services.update_profile(
        practice=practice,
        actor_user=team["billing"],
        user=team["billing"],
        change=recognition_services.ProfileChange(nicknames="Tommy,  Tommy , T-Bone", recognition_email=True),
    )
    assert (profile.also_known_as, profile.recognition_email) == ("Tommy, T-Bone", True)
    with pytest.raises(recognition_services.RecognitionError, match="job title"):
        recognition_services.update_profile(
            practice=practice,
            actor_user=owner,
            user=team["billing"],
            change=recognition_services.ProfileChange(job_title="wizard"),
        )
    with pytest.raises(recognition_services.RecognitionError, match="200"):
        recognition_services.update_profile(
            practice=practice,
            actor_user=owner,
            user=team["billing"],
            change=recognition_services.ProfileChange(nicknames=", ".join(f"Name{i}" for i in range(40))),
        )
    profile.refresh_from_db()
    assert profile.also_known_as == "Tommy, T-Bone" and profile.job_title == ""
