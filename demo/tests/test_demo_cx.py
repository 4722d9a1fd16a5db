"""The demo practice's experience toolkit: a front desk that dipped after a new receptionist and a
retraining that shows "better", a project with no detectable change yet, an empathy map for online
booking where patients could not find a Saturday time, recognitions of named staff, and three past
experience moments with their meeting records; every quote redacted, every row the demo practice's.

The small demo is built once for the module and rolled back at the end. Before/after verdicts are
computed here with ``cx.stats.compare_proportions`` on answers read straight from the database, with
the projects' windows (``window_weeks`` whole weeks before the day it went live; from that day to as
many weeks later or today) and answers dated by the day the patient started the survey.
"""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from cx.empathy import gap
from cx.models import (
    Action,
    ActionStatus,
    CxSettings,
    EmpathyMap,
    ExperienceMoment,
    Idea,
    ImprovementProject,
    JobTitle,
    MomentAttendee,
    MomentStatus,
    PatientGroup,
    PatientShown,
    Recognition,
    RecognitionStatus,
    TeamMemberProfile,
)
from cx.selectors import projects as project_selectors
from cx.selectors.patients_said import patients_said
from cx.stats import compare_proportions
from demo import practices as demo
from demo.feedback import DESK_DIP_DAYS_AGO
from feedback.comments import analyze
from feedback.models import Answer, CommentAnalysis, QuestionKind
from feedback.services import listening
from patients.models import Patient
from practices.models import Membership, Practice, Provider, Role, Weekday

TODAY = date(2026, 3, 2)  # a Monday: the last meetings were on Tuesdays 24, 17 and 10 February
SEED = 5
TOP_FROM: dict[str, int] = {QuestionKind.FREQUENCY: 4, QuestionKind.EASE: 5, QuestionKind.YES_NO: 1}
PHONE = re.compile(r"\(?\b\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
SATURDAY = r"saturday|s[aá]bado"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield demo.build_demo(size="small", seed=SEED, today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def practice(seeded, db):
    return seeded


def _local(practice, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(practice.timezone))


def _observations(practice, code: str, first: date, last: date) -> list[bool]:
    """Top box or not, for each answer to ``code`` of a response started on the days [first, last]."""
    rows = Answer.objects.filter(
        response__practice=practice,
        question__code=code,
        value__isnull=False,
        response__started_at__gte=_local(practice, first),
        response__started_at__lt=_local(practice, last + timedelta(days=1)),
    ).values_list("question__kind", "value")
    return [(value or 0) >= TOP_FROM.get(kind, 9) for kind, value in rows]


def _compare(practice, project: ImprovementProject):
    assert project.primary_measure.startswith("top_box:")
    code = project.primary_measure.removeprefix("top_box:")
    span = timedelta(weeks=project.window_weeks)
    live = project.went_live_on
    before = _observations(practice, code, live - span, live - timedelta(days=1))
    after = _observations(practice, code, live, min(live + span - timedelta(days=1), TODAY))
    return compare_proportions(before, after)


def test_the_team_has_its_new_receptionist_two_marias_and_every_provider(practice):
    members = {m.user.full_name: m for m in Membership.objects.filter(practice=practice).select_related("user")}
    titles = dict(TeamMemberProfile.objects.filter(practice=practice).values_list("user__full_name", "job_title"))
    new = members["Maria Delgado"]
    assert new.role == Role.FRONT_DESK and titles["Maria Delgado"] == JobTitle.RECEPTIONIST
    started = (TODAY - new.created_at.astimezone(ZoneInfo(practice.timezone)).date()).days
    assert started == DESK_DIP_DAYS_AGO[0] and 18 * 7 <= started <= 22 * 7  # about twenty weeks ago
    assert titles["Maria Santos"] == JobTitle.MEDICAL_ASSISTANT
    assert titles["Luis Ortega"] == JobTitle.RECEPTIONIST
    # Every provider is a team member (recognitions credit a user); only the demo sign-ins have a password.
    assert not Provider.objects.filter(practice=practice, user__isnull=True).exists()
    assert set(titles) == set(members)
    sign_ins = {email for email, _name, _role in demo.DEMO_STAFF}
    assert all(m.user.has_usable_password() == (m.user.email in sign_ins) for m in members.values())


def test_the_office_staff_items_dip_after_the_new_receptionist_starts(practice):
    start = TODAY - timedelta(days=DESK_DIP_DAYS_AGO[0])
    retrained = TODAY - timedelta(days=DESK_DIP_DAYS_AGO[1])
    for code in ("cg_staff_helpful", "cg_staff_courtesy"):
        earlier = _observations(practice, code, start - timedelta(weeks=26), start - timedelta(days=1))
        learning = _observations(practice, code, start + timedelta(weeks=2), retrained - timedelta(days=1))
        drop = 100 * (sum(earlier) / len(earlier) - sum(learning) / len(learning))
        assert 7 <= drop <= 22, (code, drop)  # about 14 points, give or take the noise of ~200 answers
        assert compare_proportions(earlier, learning).verdict == "worse"

    # Patients said so: more complaints about the front desk in those weeks than in the half year before.
    def desk_complaints(first: date, last: date) -> float:
        comments = CommentAnalysis.objects.filter(
            practice=practice,
            answer__answered_at__gte=_local(practice, first),
            answer__answered_at__lt=_local(practice, last),
        )
        desk = comments.filter(sentiment="negative", answer__text__iregex=r"front desk|receptionist|recepci[oó]n")
        return desk.count() / comments.count()

    learning = desk_complaints(start + timedelta(weeks=2), retrained)
    assert learning > 0.02 and learning > 2 * desk_complaints(start - timedelta(weeks=26), start)
    new_person = Answer.objects.filter(
        response__practice=practice,
        answered_at__gte=_local(practice, start),
        answered_at__lt=_local(practice, retrained + timedelta(days=7)),
        text__iregex=r"new receptionist|new person at the front desk|new front desk|nueva recepcionista",
    )
    assert new_person.exists()


def test_the_front_desk_retraining_shows_better_with_its_interval(practice):
    project = ImprovementProject.objects.get(practice=practice, title="Front-desk retraining")
    assert project.primary_measure == "top_box:cg_staff_helpful"
    assert project.went_live_on == TODAY - timedelta(days=DESK_DIP_DAYS_AGO[1])
    assert project.window_weeks == 8 and "flow-board" in project.touchpoints
    result = _compare(practice, project)
    assert result.n_before >= 150 and result.n_after >= 150
    assert result.verdict == "better"
    assert result.low is not None and result.low > 0
    assert 8 <= result.difference <= 30
    # Its secondary office staff item moved the same way.
    assert project.secondary_measures[0] == "top_box:cg_staff_courtesy"


def test_the_online_check_in_instructions_show_no_detectable_change_yet(practice):
    project = ImprovementProject.objects.get(practice=practice, title="New online check-in instructions")
    assert 25 <= (TODAY - project.went_live_on).days <= 31
    result = _compare(practice, project)
    assert result.n_before >= 30 and result.n_after >= 30
    assert result.verdict == "no_change"
    assert result.low < 0 < result.high
    assert result.needed_per_side and result.needed_per_side > result.n_after


def test_patients_could_not_find_a_saturday_time_when_booking_online(practice):
    the_map = EmpathyMap.objects.get(practice=practice, touchpoint="self-scheduling", group__isnull=True)
    assert the_map.expected_feeling == "positive"
    assert "quick" in the_map.thinks and "Relieved" in the_map.feels
    assert "Easy" in the_map.says and "two minutes" in the_map.does
    said = CommentAnalysis.objects.filter(
        practice=practice,
        answer__response__touchpoint="self-scheduling",
        answer__text__iregex=SATURDAY,
    ).select_related("answer__response")
    assert 20 <= said.count() <= 50
    # Analysed by the shipped analyser, as every demo comment is: not a hard-coded sentiment.
    for analysis in said:
        language = analysis.answer.response.language
        reading = analyze(analysis.answer.text, language)
        assert analysis.model_version == listening.model_version(language)
        assert analysis.sentiment == ("mixed" if reading.mixed else reading.sentiment)
    sentiments = Counter(said.values_list("sentiment", flat=True))
    assert sentiments["negative"] / said.count() >= 0.6
    assert sentiments["positive"] <= 2
    # Most of them in the last three months, after the map's "easy".
    recent = said.filter(answer__answered_at__gte=_local(practice, TODAY - timedelta(days=91)))
    assert recent.count() >= 0.8 * said.count()

    ideas = {i.text: i for i in Idea.objects.filter(practice=practice, empathy_map=the_map)}
    assert len(ideas) == 3
    clinic = next(i for text, i in ideas.items() if "Saturday morning clinic" in text)
    first = next(i for text, i in ideas.items() if "next Saturday opening first" in text)
    assert (clinic.impact, clinic.effort) == (5, 4) and (first.impact, first.effort) == (3, 1)
    assert first.status == "chosen"
    action = Action.objects.get(practice=practice, idea=first)
    assert action.owner and action.due_on > TODAY and action.status == ActionStatus.OPEN
    assert PatientGroup.objects.filter(practice=practice).count() >= 3


def test_three_past_moments_with_their_meeting_records(practice):
    settings = CxSettings.objects.get(practice=practice)
    assert (settings.meeting_weekday, settings.meeting_time) == (Weekday.TUESDAY, time(8))
    assert settings.patient_shown == PatientShown.FIRST_NAME
    moments = list(ExperienceMoment.objects.filter(practice=practice).order_by("meeting_date"))
    assert [m.meeting_date for m in moments] == [date(2026, 2, 10), date(2026, 2, 17), date(2026, 2, 24)]
    team = set(Membership.objects.filter(practice=practice).values_list("user_id", flat=True))
    patients_first = set(Patient.objects.filter(practice=practice).values_list("first_name", flat=True))
    for moment in moments:
        tz = ZoneInfo(practice.timezone)
        assert moment.period_end == datetime.combine(moment.meeting_date, time(8), tzinfo=tz)
        assert moment.period_end - moment.period_start == timedelta(days=7)
        assert moment.status == MomentStatus.PRESENTED and moment.presented_at > moment.period_end
        # The story: a patient's words from that week, at a touch point, the patient by first name only.
        assert moment.story_answer is not None and moment.story_quote and moment.story_touchpoint
        said_at = moment.story_answer.answered_at
        assert moment.period_start <= said_at < moment.period_end
        assert moment.story_answer.analysis.sentiment == "positive"
        assert moment.story_patient in patients_first and " " not in moment.story_patient
        assert moment.story_patient == moment.story_answer.response.patient.first_name.split()[0]
        # The lesson: something that went wrong, and what was done about it.
        assert moment.lesson_source and moment.lesson_touchpoint and moment.lesson_done
        # The record.
        assert moment.decisions
        attendees = set(MomentAttendee.objects.filter(moment=moment).values_list("user_id", flat=True))
        assert len(attendees) >= 4 and attendees <= team
        actions = list(Action.objects.filter(moment=moment))
        assert len(actions) >= 2 and all(a.owner_id in team and a.due_on for a in actions)
        assert moment.recognitions.filter(status=RecognitionStatus.CONFIRMED).exists()
    actions = Action.objects.filter(practice=practice, moment__in=moments)
    assert actions.filter(status=ActionStatus.DONE, done_at__isnull=False).count() >= 2
    overdue = actions.filter(status=ActionStatus.OPEN, due_on__lt=TODAY)
    assert overdue.count() == 1
    assert actions.filter(status=ActionStatus.OPEN, due_on__gte=TODAY).exists()


def test_patients_credit_named_staff_and_the_lead_confirms_them(practice):
    rows = Recognition.objects.filter(practice=practice).select_related("user", "answer")
    statuses = Counter(r.status for r in rows)
    assert statuses[RecognitionStatus.CONFIRMED] >= 10
    assert statuses[RecognitionStatus.CANDIDATE] >= 1
    lead = Membership.objects.get(practice=practice, role=Role.EXPERIENCE_LEAD).user
    for row in rows:
        assert row.answer.response.practice_id == practice.pk
        assert row.evidence and row.said_at == row.answer.answered_at
        if row.status == RecognitionStatus.CONFIRMED:
            assert row.user is not None and row.decided_by == lead and row.decided_at > row.said_at
    confirmed = Counter(r.user.full_name for r in rows if r.status == RecognitionStatus.CONFIRMED)
    assert confirmed["Maria Delgado"] >= 1 and confirmed["Luis Ortega"] >= 1
    assert any(name.startswith("Dr. ") for name in confirmed)
    # "Dr. <last name>" as the patient wrote it, credited to that provider.
    doctor = next(r for r in rows if r.status == RecognitionStatus.CONFIRMED and r.mention.startswith("Dr"))
    assert doctor.mention.split()[-1] == doctor.user.full_name.split()[-1]
    assert doctor.mention in doctor.evidence
    # "Maria" alone could be either Maria: shown as ambiguous, never credited by itself.
    marias = set(
        Membership.objects.filter(practice=practice, user__full_name__startswith="Maria ").values_list(
            "user_id", flat=True
        )
    )
    ambiguous = [r for r in rows if r.status == RecognitionStatus.AMBIGUOUS]
    assert ambiguous and all(r.user is None for r in ambiguous)
    assert any(set(r.possible_users) == marias and r.mention == "Maria" for r in ambiguous)


def test_no_quote_carries_a_phone_an_email_or_another_patients_name(practice):
    texts = []
    for moment in ExperienceMoment.objects.filter(practice=practice):
        texts += [moment.story_quote, moment.story_note, moment.lesson_quote, moment.lesson_done, moment.decisions]
    texts += list(Recognition.objects.filter(practice=practice).values_list("evidence", flat=True))
    for the_map in EmpathyMap.objects.filter(practice=practice):
        texts += [the_map.thinks, the_map.feels, the_map.says, the_map.does]
    texts += list(Idea.objects.filter(practice=practice).values_list("text", flat=True))
    texts += list(Action.objects.filter(practice=practice).values_list("title", flat=True))
    assert len(texts) > 30
    assert not [t for t in texts if PHONE.search(t) or EMAIL.search(t)]
    patients = Patient.objects.filter(practice=practice).values_list("first_name", "last_name")
    full_names = {f"{first} {last}" for first, last in patients}
    assert not [t for t in texts if any(name in t for name in full_names)]
    assert not [t for t in texts if re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", t)]


def test_every_cx_row_is_the_demo_practices(practice):
    second = Practice.objects.get(slug=demo.SECOND_SLUG)
    for model in (CxSettings, ExperienceMoment, MomentAttendee, Recognition, PatientGroup, EmpathyMap, Idea,
                  ImprovementProject, Action, TeamMemberProfile):  # fmt: skip
        assert model.objects.filter(practice=practice).exists(), model
        assert not model.objects.exclude(practice=practice).exists(), model
    assert not Membership.objects.filter(practice=second, user__email__startswith="maria.").exists()
    for attendee in MomentAttendee.objects.filter(practice=practice).select_related("moment"):
        assert attendee.moment.practice_id == practice.pk
    for idea in Idea.objects.filter(practice=practice).select_related("empathy_map"):
        assert idea.empathy_map.practice_id == practice.pk


def test_the_toolkit_pages_tell_the_same_story(practice, client):
    """What the project pages and the map compute from the demo (their own selectors), and that every
    page of the demo's toolkit opens for the experience lead."""
    verdicts = {}
    for project in ImprovementProject.objects.filter(practice=practice):
        primary = project_selectors.results(practice=practice, project=project, today=TODAY)[0]
        assert primary.primary and primary.measure.code == project.primary_measure
        verdicts[project.title] = primary.comparison.verdict
    assert verdicts == {"Front-desk retraining": "better", "New online check-in instructions": "no_change"}

    the_map = EmpathyMap.objects.get(practice=practice, touchpoint="self-scheduling")
    said = patients_said(practice=practice, touchpoint="self-scheduling", group=None, today=TODAY)
    assert gap(the_map.expected_feeling, said.feeling).disagrees  # the team expected better
    assert any(re.search(SATURDAY, quote.text, re.IGNORECASE) for quote in said.quotes)

    lead = Membership.objects.get(practice=practice, role=Role.EXPERIENCE_LEAD).user
    client.force_login(lead)
    slug = {"practice_slug": practice.slug}
    moment = ExperienceMoment.objects.filter(practice=practice).latest("meeting_date")
    pages = [reverse(f"cx:{name}", kwargs=slug) for name in ("home", "moments", "recognitions", "actions", "maps")]
    pages += [reverse("cx:projects", kwargs=slug), reverse("cx:map", kwargs={**slug, "pk": the_map.pk})]
    pages += [reverse(f"cx:{name}", kwargs={**slug, "pk": moment.pk}) for name in ("moment", "moment_screen")]
    pages += [
        reverse("cx:project", kwargs={**slug, "pk": pk})
        for pk in ImprovementProject.objects.filter(practice=practice).values_list("pk", flat=True)
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
