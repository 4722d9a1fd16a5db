"""Candidates are kept only as long as the practice's retention setting: the daily task deletes older
ones with their scores, idempotently, by each practice's own setting; the owner changes the setting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx import tasks
from cx.models import Candidate, CxSettings, InterviewQuestion, InterviewScore
from cx.services import hiring as hiring_services
from practices.models import Role


def _candidate(practice, interviewer, days_ago, name="Carla"):
    today = timezone.localdate()
    candidate = hiring_services.create_candidate(
        practice=practice,
        actor_user=interviewer,
        name=name,
        job_title="receptionist",
        interviewed_on=today,
        interviewers=[interviewer],
        today=today,
    )
    question = InterviewQuestion.objects.filter(practice=practice, kit__job_title="receptionist").first()
    hiring_services.record_scores(
        practice=practice,
        interviewer=interviewer,
        candidate=candidate,
        entries={question.pk: hiring_services.ScoreEntry(3, "Good")},
    )
    Candidate.objects.filter(pk=candidate.pk).update(interviewed_on=today - timedelta(days=days_ago))
    return candidate


def test_the_purge_deletes_only_candidates_past_the_retention_with_their_scores(practice, owner):
    old = _candidate(practice, owner, 366, "Old")
    edge = _candidate(practice, owner, 365, "Edge")
    new = _candidate(practice, owner, 3, "New")
    today = timezone.localdate()
    assert hiring_services.purge_expired_candidates(practice=practice, today=today) == 1
    assert set(Candidate.objects.values_list("name", flat=True)) == {"Edge", "New"}
    assert not InterviewScore.objects.filter(candidate_id=old.pk).exists()
    assert InterviewScore.objects.filter(candidate_id__in=[edge.pk, new.pk]).count() == 2
    entry = AuditEntry.objects.filter(summary__startswith="1 candidates deleted").get()
    assert "Old" not in str(entry.changes) and "Old" not in entry.summary
    # Idempotent: nothing more to delete.
    assert hiring_services.purge_expired_candidates(practice=practice, today=today) == 0
    assert Candidate.objects.count() == 2


def test_each_practice_by_its_own_setting(practice, other_practice, owner, make_staff):
    owner_b = make_staff(other_practice, Role.OWNER)
    CxSettings.objects.create(practice=other_practice, candidate_retention_days=30)
    _candidate(practice, owner, 40, "Kept by A's year")
    _candidate(other_practice, owner_b, 40, "Past B's month")
    _candidate(other_practice, owner_b, 10, "Within B's month")
    assert tasks.purge_expired_candidates_daily.call_local() == 1
    assert set(Candidate.objects.values_list("name", flat=True)) == {"Kept by A's year", "Within B's month"}
    assert tasks.purge_expired_candidates_daily.call_local() == 0


def test_the_owner_changes_the_retention_in_the_settings(client, practice, owner, make_staff):
    url = reverse("cx:settings", kwargs={"practice_slug": practice.slug})
    data = {"meeting_weekday": 1, "meeting_time": "08:00", "patient_shown": "anonymous", "team_email": "on"}
    client.force_login(owner)
    assert "keep interview records for" in client.get(url).content.decode().lower()
    assert client.post(url, {**data, "candidate_retention_days": 90}).status_code == 302
    assert CxSettings.objects.get(practice=practice).candidate_retention_days == 90
    for bad in ("29", "1096", "-5", "abc", ""):
        response = client.post(url, {**data, "candidate_retention_days": bad})
        assert response.status_code == 200 and "errors" in response.content.decode(), bad
        assert CxSettings.objects.get(practice=practice).candidate_retention_days == 90
    _candidate(practice, owner, 100)
    assert hiring_services.purge_expired_candidates(practice=practice, today=timezone.localdate()) == 1


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING])
def test_the_team_cannot_change_the_retention(client, practice, make_staff, role):
    client.force_login(make_staff(practice, role))
    url = reverse("cx:settings", kwargs={"practice_slug": practice.slug})
    assert client.post(url, {"candidate_retention_days": 30}).status_code == 403
    assert not CxSettings.objects.filter(practice=practice).exists()


def test_the_experience_lead_saves_the_settings_but_not_the_retention(client, practice, make_staff):
    client.force_login(make_staff(practice, Role.EXPERIENCE_LEAD))
    url = reverse("cx:settings", kwargs={"practice_slug": practice.slug})
    data = {"meeting_weekday": 3, "meeting_time": "09:00", "patient_shown": "anonymous", "team_email": "on"}
    assert client.post(url, {**data, "candidate_retention_days": 30}).status_code == 302
    saved = CxSettings.objects.get(practice=practice)
    assert saved.meeting_weekday == 3 and saved.candidate_retention_days == 365
