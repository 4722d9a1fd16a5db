"""The team's email on the meeting morning: after 07:00 local time on the meeting day, once per person
and moment, only to members who opted in, with no patient-identifying detail and a link to the screen."""

from datetime import UTC, datetime, time

import pytest
from django.core import mail
from django.urls import reverse

from cx.models import (
    CxSettings,
    ExperienceMoment,
    MomentEmail,
    PatientShown,
    Recognition,
    RecognitionStatus,
    TeamMemberProfile,
)
from cx.services import moments as services
from cx.tasks import send_moment_emails_every_fifteen_minutes
from practices.models import Membership, Role
from tests.factories import make_survey

from .moment_data import MEETING, comment, in_week, local

pytestmark = pytest.mark.django_db

PLANTED = (
    "Nurse Sam stayed late for me. My sister Maria Gonzalez (512) 555-0123 maria.gonzalez@example.com "
    "born 04/12/1985 agrees, and so does Zebediah Quintrell. Love, Zuleika"
)
NEVER_SENT = ("Zuleika", "Ambrose", "Gonzalez", "555-0123", "maria.gonzalez@example.com", "04/12/1985", "Quintrell")


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")


@pytest.fixture
def sam(practice, make_staff):
    return make_staff(practice, Role.FRONT_DESK, full_name="Sam Rivers")


def opt_in(practice, *users, on=True):
    for user in users:
        TeamMemberProfile.objects.update_or_create(practice=practice, user=user, defaults={"moment_email": on})


@pytest.fixture
def moment(practice, lead, sam, make_patient):
    # The patient is shown by first name on the practice's pages: never in the email.
    CxSettings.objects.create(practice=practice, patient_shown=PatientShown.FIRST_NAME)
    version = make_survey(practice)
    comment(version, make_patient(practice, first_name="Zebediah", last_name="Quintrell"), "Ok.", at=in_week(practice))
    comment(
        version,
        make_patient(practice, first_name="Zuleika", last_name="Ambrose"),
        PLANTED,
        at=in_week(practice),
        score=0.99,
    )
    moment = services.prepare_moment(practice=practice, actor_user=lead, meeting_date=MEETING)
    assert moment.story_patient == "Zuleika"
    services.save_story(
        practice=practice,
        actor_user=lead,
        moment=moment,
        touchpoint="visit-summary",
        quote=moment.story_quote,
        note="Sam stayed after closing so Zuleika could be seen on 01/03/2030.",
    )
    Recognition.objects.create(
        practice=practice,
        user=sam,
        mention="Nurse Sam",
        evidence="Nurse Sam stayed late for me.",
        said_at=in_week(practice),
        status=RecognitionStatus.CONFIRMED,
    )
    return moment


MORNING = datetime(2030, 1, 8, 13, 15, tzinfo=UTC)  # 07:15 in Chicago on the meeting day


def test_the_morning_email_goes_once_to_each_member_who_opted_in(practice, lead, sam, owner, moment):
    opt_in(practice, lead, sam)
    opt_in(practice, owner, on=False)
    assert services.send_moment_emails(now=MORNING) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, sam.email])
    assert services.send_moment_emails(now=MORNING.replace(minute=30)) == 0
    assert len(mail.outbox) == 2
    assert MomentEmail.objects.filter(moment=moment).count() == 2


def test_it_carries_the_story_and_the_recognised_but_nothing_about_the_patient(practice, lead, sam, moment):
    opt_in(practice, sam)
    services.send_moment_emails(now=MORNING)
    (email,) = mail.outbox
    text = email.subject + email.body
    assert "Sam Rivers" in text and "stayed after closing" in text and "stayed late for me" in text
    for detail in NEVER_SENT:
        assert detail not in text
    assert "01/03/2030" not in text  # no date of service
    screen = reverse("cx:moment_screen", args=[practice.slug, moment.pk])
    assert screen in email.body


@pytest.mark.parametrize(
    "now",
    [
        datetime(2030, 1, 8, 12, 45, tzinfo=UTC),  # 06:45 in Chicago: too early
        datetime(2030, 1, 9, 15, 0, tzinfo=UTC),  # the day after the meeting
        datetime(2030, 1, 7, 15, 0, tzinfo=UTC),  # the day before
    ],
)
def test_nothing_is_sent_outside_the_meeting_morning(practice, lead, moment, now):
    opt_in(practice, lead)
    assert services.send_moment_emails(now=now) == 0
    assert mail.outbox == []


def test_nothing_is_sent_when_the_practice_turned_the_team_email_off(practice, lead, moment):
    CxSettings.objects.filter(practice=practice).update(team_email=False)
    opt_in(practice, lead)
    assert services.send_moment_emails(now=MORNING) == 0


def test_a_member_who_left_gets_nothing(practice, lead, sam, moment):
    opt_in(practice, lead, sam)
    Membership.objects.filter(practice=practice, user=sam).update(is_active=False)
    assert services.send_moment_emails(now=MORNING) == 1
    assert [m.to[0] for m in mail.outbox] == [lead.email]


def test_the_draft_is_prepared_the_day_before_if_nobody_did(practice, lead):
    services.send_moment_emails(now=local(practice, MEETING.replace(day=7), 9))
    assert ExperienceMoment.objects.filter(practice=practice, meeting_date=MEETING).exists()


def test_the_periodic_task_sends_through_the_service(practice, lead, moment, monkeypatch):
    opt_in(practice, lead)
    monkeypatch.setattr("django.utils.timezone.now", lambda: MORNING)
    assert send_moment_emails_every_fifteen_minutes.call_local() == 1


def test_a_failed_send_is_retried_on_the_next_run(practice, lead, moment, monkeypatch):
    opt_in(practice, lead)

    def broken(self, fail_silently=False):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert services.send_moment_emails(now=MORNING) == 0
    assert not MomentEmail.objects.exists()
    monkeypatch.undo()
    assert services.send_moment_emails(now=MORNING) == 1


def test_the_meeting_time_does_not_change_the_morning(practice, lead, moment):
    CxSettings.objects.filter(practice=practice).update(meeting_time=time(12, 0))
    opt_in(practice, lead)
    assert services.send_moment_emails(now=MORNING) == 1
