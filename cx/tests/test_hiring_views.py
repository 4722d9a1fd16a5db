"""Hiring pages: default kits on the first visit, the owner edits kits, candidates visible only to the
owner and their interviewers, scoring 1-4 with notes, the average per competency with n, the decision."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx.models import Candidate, HiringDecision, HiringKit, InterviewQuestion, InterviewScore, JobTitle
from cx.services import hiring as hiring_services
from practices.models import Role


def _url(practice, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": practice.slug, **kwargs})


@pytest.fixture
def team(practice, make_staff):
    return {
        "owner": make_staff(practice, Role.OWNER, full_name="Olivia Owner"),
        "lead": make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead"),
        "desk": make_staff(practice, Role.FRONT_DESK, full_name="Dora Desk"),
        "nurse": make_staff(practice, Role.CLINICIAN, full_name="Nina Nurse"),
    }


@pytest.fixture
def candidate(practice, team):
    today = timezone.localdate()
    return hiring_services.create_candidate(
        practice=practice,
        actor_user=team["owner"],
        name="Carla Candidate",
        job_title=JobTitle.RECEPTIONIST,
        interviewed_on=today,
        interviewers=[team["desk"], team["nurse"]],
        today=today,
    )


def _questions(practice, job_title=JobTitle.RECEPTIONIST):
    return list(InterviewQuestion.objects.filter(practice=practice, kit__job_title=job_title).order_by("position"))


def _scores_post(questions, values, notes=None):
    data = {}
    for i, q in enumerate(questions):
        data[f"score_{q.pk}"] = "" if values[i] is None else str(values[i])
        data[f"note_{q.pk}"] = (notes or {}).get(i, "")
    return data


# --- kits ---------------------------------------------------------------------------------------------


def test_the_first_visit_creates_a_default_kit_per_role_once(client, practice, team):
    client.force_login(team["desk"])
    page = client.get(_url(practice, "cx:hiring"))
    assert page.status_code == 200
    assert HiringKit.objects.filter(practice=practice).count() == len(JobTitle.values)
    count = InterviewQuestion.objects.filter(practice=practice).count()
    assert count >= 4 * len(JobTitle.values)
    client.get(_url(practice, "cx:hiring"))
    assert HiringKit.objects.filter(practice=practice).count() == len(JobTitle.values)
    assert InterviewQuestion.objects.filter(practice=practice).count() == count
    assert "Receptionist / front desk" in page.content.decode()


def test_the_kit_page_shows_the_question_and_rubric_in_the_readers_language(client, practice, team):
    hiring_services.ensure_default_kits(practice=practice)
    kit = HiringKit.objects.get(practice=practice, job_title=JobTitle.NURSE)
    client.force_login(team["nurse"])
    english = client.get(_url(practice, "cx:hiring_kit", pk=kit.pk)).content.decode()
    assert "Tell me about a time a patient or customer was upset with a wait." in english
    assert "Cuénteme" not in english
    spanish = client.get(_url(practice, "cx:hiring_kit", pk=kit.pk), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cuénteme de una vez en que un paciente o cliente estaba molesto por una espera." in spanish
    assert "Culpa a la persona o a otros" in spanish
    assert "upset with a wait" not in spanish


def test_a_question_without_spanish_shows_in_english_marked_as_such(client, practice, team):
    hiring_services.ensure_default_kits(practice=practice)
    kit = HiringKit.objects.get(practice=practice, job_title=JobTitle.BILLING)
    InterviewQuestion.objects.filter(kit=kit).update(text_es="", anchors_es=[])
    client.force_login(team["desk"])
    spanish = client.get(_url(practice, "cx:hiring_kit", pk=kit.pk), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="en"' in spanish and "upset with a wait" in spanish


def _edit_post(kit, **override):
    data = {}
    for q in InterviewQuestion.objects.filter(kit=kit):
        p = f"q{q.pk}"
        data.update(
            {
                f"{p}-competency": q.competency,
                f"{p}-text_en": q.text_en,
                f"{p}-text_es": q.text_es,
                **{f"{p}-anchor_{n}_en": q.anchors_en[n - 1] for n in range(1, 5)},
                **{f"{p}-anchor_{n}_es": (q.anchors_es or [""] * 4)[n - 1] for n in range(1, 5)},
            }
        )
    data.update(override)
    return data


def test_only_the_owner_edits_a_kit(client, practice, team):
    hiring_services.ensure_default_kits(practice=practice)
    kit = HiringKit.objects.get(practice=practice, job_title=JobTitle.PROVIDER)
    first = kit.questions.order_by("position").first()
    for who in ("lead", "desk", "nurse"):
        client.force_login(team[who])
        assert client.get(_url(practice, "cx:hiring_kit_edit", pk=kit.pk)).status_code == 403
        data = _edit_post(kit, **{f"q{first.pk}-text_en": "Changed?"})
        assert client.post(_url(practice, "cx:hiring_kit_edit", pk=kit.pk), data).status_code == 403
        assert client.post(_url(practice, "cx:hiring_question_add", pk=kit.pk), {}).status_code == 403
    first.refresh_from_db()
    assert first.text_en != "Changed?"
    client.force_login(team["owner"])
    assert client.get(_url(practice, "cx:hiring_kit_edit", pk=kit.pk)).status_code == 200
    data = _edit_post(kit, **{f"q{first.pk}-text_en": "Tell me about a time you listened well."})
    response = client.post(_url(practice, "cx:hiring_kit_edit", pk=kit.pk), data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.text_en == "Tell me about a time you listened well."
    assert AuditEntry.objects.filter(summary="Hiring kit changed").exists()


def test_a_bad_rubric_saves_nothing(client, practice, team):
    hiring_services.ensure_default_kits(practice=practice)
    kit = HiringKit.objects.get(practice=practice, job_title=JobTitle.PROVIDER)
    first, second = kit.questions.order_by("position")[:2]
    client.force_login(team["owner"])
    data = _edit_post(
        kit,
        **{
            f"q{first.pk}-text_en": "A new wording",
            f"q{second.pk}-anchor_3_en": "",  # a score without its description
            f"q{second.pk}-anchor_2_es": "",  # Spanish: all four or none
        },
    )
    response = client.post(_url(practice, "cx:hiring_kit_edit", pk=kit.pk), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    first.refresh_from_db()
    assert first.text_en != "A new wording"
    for bad in ("nonsense", "9", ""):
        data = _edit_post(kit, **{f"q{first.pk}-competency": bad})
        assert client.post(_url(practice, "cx:hiring_kit_edit", pk=kit.pk), data).status_code == 400


def test_the_owner_adds_and_removes_questions(client, practice, team):
    hiring_services.ensure_default_kits(practice=practice)
    kit = HiringKit.objects.get(practice=practice, job_title=JobTitle.OTHER)
    before = kit.questions.count()
    client.force_login(team["owner"])
    new = {
        "new-competency": "teamwork",
        "new-text_en": "Tell me about a time you covered for a colleague.",
        "new-text_es": "",
        **{f"new-anchor_{n}_en": f"Level {n}" for n in range(1, 5)},
    }
    assert client.post(_url(practice, "cx:hiring_question_add", pk=kit.pk), new).status_code == 302
    added = kit.questions.order_by("-position").first()
    assert added.text_en.startswith("Tell me about a time you covered") and added.anchors_es == []
    assert added.position == before
    missing = {**new, "new-anchor_4_en": ""}
    assert client.post(_url(practice, "cx:hiring_question_add", pk=kit.pk), missing).status_code == 400
    assert kit.questions.count() == before + 1
    data = _edit_post(kit, **{f"q{added.pk}-remove": "on"})
    assert client.post(_url(practice, "cx:hiring_kit_edit", pk=kit.pk), data).status_code == 302
    assert kit.questions.count() == before


def test_a_scored_question_cannot_be_removed(client, practice, team, candidate):
    questions = _questions(practice)
    hiring_services.record_scores(
        practice=practice,
        interviewer=team["desk"],
        candidate=candidate,
        entries={questions[0].pk: hiring_services.ScoreEntry(3, "")},
    )
    kit = questions[0].kit
    client.force_login(team["owner"])
    data = _edit_post(kit, **{f"q{questions[0].pk}-remove": "on"})
    response = client.post(_url(practice, "cx:hiring_kit_edit", pk=kit.pk), data)
    assert response.status_code == 400
    assert "stays while those candidates are kept" in response.content.decode()
    assert InterviewQuestion.objects.filter(pk=questions[0].pk).exists()


# --- candidates ---------------------------------------------------------------------------------------


def test_only_the_owner_adds_candidates(client, practice, team):
    today = timezone.localdate()
    data = {
        "name": "Pat Applicant",
        "job_title": JobTitle.NURSE,
        "interviewed_on": today.isoformat(),
        "interviewers": [team["nurse"].pk],
    }
    for who in ("lead", "desk"):
        client.force_login(team[who])
        assert client.get(_url(practice, "cx:candidate_new")).status_code == 403
        assert client.post(_url(practice, "cx:candidate_new"), data).status_code == 403
    assert not Candidate.objects.exists()
    client.force_login(team["owner"])
    assert client.get(_url(practice, "cx:candidate_new")).status_code == 200
    response = client.post(_url(practice, "cx:candidate_new"), data)
    made = Candidate.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/hiring/candidates/{made.pk}/")
    assert made.interviewers == [team["nurse"].pk] and made.decision == HiringDecision.PENDING
    assert HiringKit.objects.filter(practice=practice, job_title=JobTitle.NURSE).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"name": "x" * 121},
        {"job_title": "astronaut"},
        {"interviewed_on": "2026-02-30"},
        {"interviewed_on": "yesterday"},
        {"interviewers": []},
        {"interviewers": ["abc"]},
        {"interviewers": [999999]},
    ],
)
def test_a_bad_candidate_is_refused_with_a_message(client, practice, team, change):
    client.force_login(team["owner"])
    data = {
        "name": "Pat Applicant",
        "job_title": JobTitle.NURSE,
        "interviewed_on": timezone.localdate().isoformat(),
        "interviewers": [team["nurse"].pk],
        **change,
    }
    response = client.post(_url(practice, "cx:candidate_new"), data)
    assert response.status_code == 400
    assert "The candidate was not added" in response.content.decode()
    assert not Candidate.objects.exists()


def test_an_interview_older_than_the_retention_is_refused(client, practice, team, other_practice, make_staff):
    client.force_login(team["owner"])
    old = timezone.localdate() - timedelta(days=366)
    data = {"name": "Pat", "job_title": "nurse", "interviewed_on": old.isoformat(), "interviewers": [team["nurse"].pk]}
    response = client.post(_url(practice, "cx:candidate_new"), data)
    assert response.status_code == 400 and "would be deleted at once" in response.content.decode()
    # Someone of another practice is not an interviewer here.
    stranger = make_staff(other_practice, Role.FRONT_DESK)
    data = {**data, "interviewed_on": timezone.localdate().isoformat(), "interviewers": [stranger.pk]}
    assert client.post(_url(practice, "cx:candidate_new"), data).status_code == 400
    assert not Candidate.objects.exists()


def test_a_candidate_is_visible_only_to_the_owner_and_its_interviewers(client, practice, team, candidate, make_staff):
    address = _url(practice, "cx:candidate", pk=candidate.pk)
    for who in ("owner", "desk", "nurse"):
        client.force_login(team[who])
        assert client.get(address).status_code == 200, who
        assert "Carla Candidate" in client.get(_url(practice, "cx:hiring")).content.decode()
    other_desk = make_staff(practice, Role.FRONT_DESK, full_name="Other Desk")
    for user in (team["lead"], other_desk):
        client.force_login(user)
        assert client.get(address).status_code == 404
        assert client.post(address, {}).status_code == 404
        assert client.post(
            _url(practice, "cx:candidate_decide", pk=candidate.pk), {"decision": "hire"}
        ).status_code in (
            403,
            404,
        )
        assert "Carla Candidate" not in client.get(_url(practice, "cx:hiring")).content.decode()
    candidate.refresh_from_db()
    assert candidate.decision == HiringDecision.PENDING


def test_a_candidate_of_another_practice_is_404(client, practice, other_practice, team, make_staff):
    owner_b = make_staff(other_practice, Role.OWNER)
    today = timezone.localdate()
    theirs = hiring_services.create_candidate(
        practice=other_practice,
        actor_user=owner_b,
        name="Bea",
        job_title="nurse",
        interviewed_on=today,
        interviewers=[owner_b],
        today=today,
    )
    client.force_login(team["owner"])
    assert client.get(_url(practice, "cx:candidate", pk=theirs.pk)).status_code == 404
    assert client.post(_url(practice, "cx:candidate_decide", pk=theirs.pk), {"decision": "hire"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.decision == HiringDecision.PENDING


def test_interviewers_score_and_the_page_shows_each_and_the_average_with_n(client, practice, team, candidate):
    questions = _questions(practice)
    address = _url(practice, "cx:candidate", pk=candidate.pk)
    client.force_login(team["desk"])
    values = [4, 3, 2, 1, 4][: len(questions)]
    response = client.post(address, _scores_post(questions, values, {0: "Asked two clarifying questions"}))
    assert response.status_code == 302
    client.force_login(team["nurse"])
    response = client.post(address, _scores_post(questions, [2, None, None, None, None][: len(questions)]))
    assert response.status_code == 302
    assert InterviewScore.objects.filter(candidate=candidate, interviewer=team["desk"]).count() == len(questions)
    assert InterviewScore.objects.filter(candidate=candidate, interviewer=team["nurse"]).count() == 1
    client.force_login(team["owner"])
    page = client.get(address).content.decode()
    assert "Asked two clarifying questions" in page
    assert "Dora Desk" in page and "Nina Nurse" in page
    # Listening: the desk's 4 on the common question and 4 on the receptionist's own, the nurse's 2.
    assert "3.3" in page  # (4 + 4 + 2) / 3
    assert "Only the candidate's interviewers score them." in page  # the owner is not an interviewer here
    assert 'name="score_' not in page


def test_scores_outside_1_to_4_or_not_numbers_save_nothing(client, practice, team, candidate):
    questions = _questions(practice)
    address = _url(practice, "cx:candidate", pk=candidate.pk)
    client.force_login(team["desk"])
    for bad in ("0", "5", "-1", "3.5", "abc", "9" * 30, "\x00"):
        data = _scores_post(questions, [3] * len(questions))
        data[f"score_{questions[1].pk}"] = bad
        response = client.post(address, data)
        assert response.status_code == 400, bad
        assert "Your scores were not saved" in response.content.decode()
    data = _scores_post(questions, [None] * len(questions), {0: "a note without a score"})
    assert client.post(address, data).status_code == 400
    data = _scores_post(questions, [3] * len(questions), {0: "x" * 301})
    assert client.post(address, data).status_code == 400
    assert not InterviewScore.objects.exists()


def test_scores_are_each_interviewers_own_and_can_be_changed_or_cleared(client, practice, team, candidate):
    questions = _questions(practice)
    address = _url(practice, "cx:candidate", pk=candidate.pk)
    client.force_login(team["desk"])
    client.post(address, _scores_post(questions, [3] * len(questions)))
    client.post(address, _scores_post(questions, [4] + [None] * (len(questions) - 1)))
    mine = InterviewScore.objects.filter(candidate=candidate, interviewer=team["desk"])
    assert [s.score for s in mine] == [4]
    # The owner, not an interviewer, cannot score.
    client.force_login(team["owner"])
    assert client.post(address, _scores_post(questions, [1] * len(questions))).status_code == 403
    assert not InterviewScore.objects.filter(interviewer=team["owner"]).exists()


def test_the_service_refuses_what_the_form_cannot_send(practice, team, candidate):
    questions = _questions(practice)
    hiring_services.ensure_default_kits(practice=practice)
    other_kit_question = _questions(practice, JobTitle.BILLING)[0]
    with pytest.raises(hiring_services.HiringError):
        hiring_services.record_scores(
            practice=practice,
            interviewer=team["desk"],
            candidate=candidate,
            entries={other_kit_question.pk: hiring_services.ScoreEntry(3)},
        )
    with pytest.raises(hiring_services.HiringError):
        hiring_services.record_scores(
            practice=practice,
            interviewer=team["desk"],
            candidate=candidate,
            entries={questions[0].pk: hiring_services.ScoreEntry(5)},
        )
    with pytest.raises(hiring_services.HiringError):
        hiring_services.record_scores(
            practice=practice,
            interviewer=team["lead"],
            candidate=candidate,
            entries={questions[0].pk: hiring_services.ScoreEntry(3)},
        )
    with pytest.raises(hiring_services.HiringError):
        hiring_services.decide(practice=practice, actor_user=team["owner"], candidate=candidate, decision="maybe")
    assert not InterviewScore.objects.exists()


def test_the_owner_decides(client, practice, team, candidate):
    address = _url(practice, "cx:candidate_decide", pk=candidate.pk)
    client.force_login(team["desk"])
    assert client.post(address, {"decision": "hire"}).status_code == 403
    client.force_login(team["owner"])
    assert client.get(address).status_code == 405
    assert client.post(address, {"decision": "perhaps"}).status_code == 400
    candidate.refresh_from_db()
    assert candidate.decision == HiringDecision.PENDING
    assert client.post(address, {"decision": "hire"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.decision == HiringDecision.HIRE
    assert "Hire" in client.get(_url(practice, "cx:candidate", pk=candidate.pk)).content.decode()


def test_the_hiring_pages_in_spanish(client, practice, team, candidate):
    client.force_login(team["desk"])
    page = client.get(_url(practice, "cx:hiring"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Contratación" in page and "Guías de entrevista por puesto" in page
    page = client.get(_url(practice, "cx:candidate", pk=candidate.pk), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Sus puntuaciones" in page and "Cuénteme" in page
