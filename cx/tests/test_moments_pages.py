"""The experience moment's pages: who may read and edit, a stranger's 404 on every URL, what the pages
show (redacted words, the week's movement), and bad input answered with a message, nothing changed."""

from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from cx.models import (
    Action,
    CxSettings,
    ExperienceMoment,
    MomentStatus,
    PatientShown,
    Recognition,
    RecognitionStatus,
)
from cx.selectors import moments as selectors
from cx.services import moments as services
from practices.models import Role
from tests.factories import make_survey

from .moment_data import MEETING, comment, in_week

pytestmark = pytest.mark.django_db

PAGES = ["cx:moment", "cx:moment_screen", "cx:moment_print"]
POSTS = [
    "cx:moment_refresh",
    "cx:moment_story",
    "cx:moment_lesson",
    "cx:moment_recognition",
    "cx:moment_meeting",
    "cx:moment_action",
    "cx:moment_presented",
]
PLANTED = (
    "Dr. Cole fixed everything. Maria Gonzalez at (512) 555-0123, maria.gonzalez@example.com, "
    "born 04/12/1985, and Zebediah Quintrell agree."
)
NEVER_SHOWN = ("Gonzalez", "555-0123", "maria.gonzalez@example.com", "04/12/1985", "Quintrell", "Ambrose")


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")


@pytest.fixture
def moment(practice, lead, make_patient, provider):
    version = make_survey(practice)
    comment(
        version, make_patient(practice, first_name="Zebediah", last_name="Quintrell"), "Fine.", at=in_week(practice)
    )
    comment(
        version,
        make_patient(practice, first_name="Zuleika", last_name="Ambrose"),
        PLANTED + " Thanks, Zuleika Ambrose",
        at=in_week(practice),
        score=0.99,
    )
    return services.prepare_moment(practice=practice, actor_user=lead, meeting_date=MEETING)


def url(name, practice, moment=None):
    args = [practice.slug] if moment is None else [practice.slug, moment.pk]
    return reverse(name, args=args)


def test_the_lead_reviews_the_draft_with_redacted_candidates(staff_client, lead, practice, moment):
    page = staff_client(lead).get(url("cx:moment", practice, moment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dr. Cole fixed everything" in html
    for planted in NEVER_SHOWN:
        assert planted not in html
    assert "Zuleika" not in html  # the practice shows patients anonymously by default
    assert 'name="key"' in html and "Save the story" in html and "Save the meeting record" in html


def test_the_page_shows_the_first_name_when_the_practice_chooses_it(staff_client, lead, practice, moment):
    CxSettings.objects.create(practice=practice, patient_shown=PatientShown.FIRST_NAME)
    services.clear_story(practice=practice, actor_user=lead, moment=moment)
    moment = services.prepare_moment(practice=practice, actor_user=lead, meeting_date=MEETING)
    html = staff_client(lead).get(url("cx:moment", practice, moment)).content.decode()
    assert "Zuleika, a patient" in html
    assert "Ambrose" not in html


@pytest.mark.parametrize("name", PAGES)
def test_the_team_reads_every_view_without_editing_or_candidates(staff_client, front_desk, practice, moment, name):
    page = staff_client(front_desk).get(url(name, practice, moment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dr. Cole fixed everything" in html  # the chosen story
    assert 'name="key"' not in html and "<textarea" not in html
    for planted in NEVER_SHOWN:
        assert planted not in html


def test_the_screen_and_print_views_have_no_editing_chrome(staff_client, lead, practice, moment):
    screen = staff_client(lead).get(url("cx:moment_screen", practice, moment)).content.decode()
    assert "staff-nav" not in screen and "<form" not in screen
    assert 'tabindex="-1"' in screen and "cx-moments.js" in screen
    printed = staff_client(lead).get(url("cx:moment_print", practice, moment)).content.decode()
    assert "staff-nav" not in printed and "<form" not in printed


@pytest.mark.parametrize("name", POSTS)
def test_the_team_cannot_change_a_moment(staff_client, front_desk, practice, moment, name):
    before = AuditEntry.objects.count()
    assert staff_client(front_desk).post(url(name, practice, moment), {"key": "comment:1"}).status_code == 403
    assert AuditEntry.objects.count() == before


def test_the_team_cannot_prepare_a_moment(staff_client, front_desk, practice):
    assert staff_client(front_desk).post(url("cx:moment_prepare", practice)).status_code == 403
    assert not ExperienceMoment.objects.exists()


def test_a_stranger_gets_404_on_every_url(staff_client, make_staff, other_practice, practice, moment):
    stranger = make_staff(other_practice, Role.OWNER)
    client = staff_client(stranger)
    assert client.get(url("cx:moments", practice)).status_code == 404
    assert client.post(url("cx:moment_prepare", practice)).status_code == 404
    for name in PAGES:
        assert client.get(url(name, practice, moment)).status_code == 404
    for name in POSTS:
        assert client.post(url(name, practice, moment), {"key": "comment:1"}).status_code == 404
    # ...and another practice's moment under the stranger's own practice is 404 too.
    for name in PAGES:
        assert client.get(url(name, other_practice, moment)).status_code == 404
    assert ExperienceMoment.objects.count() == 1


def test_the_history_lists_and_searches_and_prepares_the_next_meeting(staff_client, lead, practice, moment):
    client = staff_client(lead)
    page = client.get(url("cx:moments", practice), {"q": "fixed everything"})
    assert page.status_code == 200
    assert url("cx:moment", practice, moment) in page.content.decode()
    assert (
        url("cx:moment", practice, moment) not in client.get(url("cx:moments", practice), {"q": "zzz"}).content.decode()
    )
    response = client.post(url("cx:moment_prepare", practice))
    assert response.status_code == 302
    assert ExperienceMoment.objects.filter(practice=practice).count() >= 1


def test_picking_another_candidate_and_editing_the_story(staff_client, lead, practice, moment):
    client = staff_client(lead)
    other = next(o for o in selectors.story_options(practice, moment) if "Fine" in o.quote)
    assert client.post(url("cx:moment_story", practice, moment), {"key": other.key}).status_code == 302
    moment.refresh_from_db()
    assert moment.story_quote == "Fine."
    response = client.post(
        url("cx:moment_story", practice, moment),
        {"touchpoint": "visit-summary", "quote": "She said it was fine.", "note": "Lena explained the plan."},
    )
    assert response.status_code == 302
    moment.refresh_from_db()
    assert (moment.story_touchpoint, moment.story_note) == ("visit-summary", "Lena explained the plan.")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cx:moment_story", {"key": "comment:999999"}, "not one of this week"),
        ("cx:moment_story", {"key": "drop table"}, "not one of this week"),
        ("cx:moment_story", {"touchpoint": "nowhere", "quote": "x", "note": ""}, "Select a valid choice"),
        ("cx:moment_story", {"touchpoint": "", "quote": "", "note": ""}, "Write the patient"),
        ("cx:moment_lesson", {"key": "answer:abc"}, "not one of this week"),
        ("cx:moment_lesson", {"touchpoint": "", "quote": "", "done": ""}, "Say what went wrong"),
        ("cx:moment_meeting", {"meeting_date": "9999-12-31", "decisions": ""}, "Enter a date between"),
        ("cx:moment_meeting", {"meeting_date": "2030-01-08", "attendees": ["99999"]}, "Select a valid choice"),
        ("cx:moment_action", {"title": "", "owner": "", "due_on": "2030-01-20"}, "This field is required"),
        ("cx:moment_action", {"title": "Call back", "owner": "99999", "due_on": "not a date"}, "Enter a valid date"),
    ],
)
def test_bad_input_is_answered_with_a_message_and_changes_nothing(
    staff_client, lead, practice, moment, name, data, message
):
    before = (AuditEntry.objects.count(), Action.objects.count())
    response = staff_client(lead).post(url(name, practice, moment), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (AuditEntry.objects.count(), Action.objects.count()) == before


def test_the_meeting_record_and_an_action_are_saved_and_shown_to_the_team(
    staff_client, lead, front_desk, practice, moment, client
):
    lead_client = staff_client(lead)
    response = lead_client.post(
        url("cx:moment_meeting", practice, moment),
        {"meeting_date": "2030-01-08", "attendees": [lead.pk, front_desk.pk], "decisions": "Call back within a day."},
    )
    assert response.status_code == 302
    response = lead_client.post(
        url("cx:moment_action", practice, moment),
        {"title": "Write the call-back script", "owner": front_desk.pk, "due_on": "2030-01-15"},
    )
    assert response.status_code == 302
    assert Action.objects.get(moment=moment).owner == front_desk
    assert lead_client.post(url("cx:moment_presented", practice, moment)).status_code == 302
    moment.refresh_from_db()
    assert moment.status == MomentStatus.PRESENTED
    client.logout()
    html = staff_client(front_desk).get(url("cx:moment", practice, moment)).content.decode()
    assert "Call back within a day." in html and "Write the call-back script" in html and "Lena Lead" in html


def test_refreshing_a_presented_moment_changes_nothing(staff_client, lead, practice, moment):
    services.mark_presented(practice=practice, actor_user=lead, moment=moment)
    before = AuditEntry.objects.count()
    response = staff_client(lead).post(url("cx:moment_refresh", practice, moment))
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before


def test_the_movement_section_says_when_nothing_moved(staff_client, lead, practice, moment):
    html = staff_client(lead).get(url("cx:moment", practice, moment)).content.decode()
    assert "Nothing moved beyond its control limits this week." in html
    assert "recovery cases open" in html or "recovery case open" in html


def test_a_moment_a_week_later_is_another_moment(staff_client, lead, practice, moment):
    later = services.prepare_moment(practice=practice, actor_user=lead, meeting_date=MEETING + timedelta(days=7))
    assert later.pk != moment.pk
    assert later.period_start == moment.period_end


def test_the_lead_confirms_and_dismisses_the_week_s_recognitions_from_the_moment(
    staff_client, lead, front_desk, owner, practice, moment
):
    candidate = Recognition.objects.create(
        practice=practice, user=front_desk, mention="Sam", evidence="Sam was kind.", said_at=in_week(practice)
    )
    ambiguous = Recognition.objects.create(
        practice=practice,
        mention="the nurse",
        evidence="The nurse was kind.",
        said_at=in_week(practice),
        status=RecognitionStatus.AMBIGUOUS,
        possible_users=[front_desk.pk, owner.pk],
    )
    old = Recognition.objects.create(
        practice=practice,
        user=front_desk,
        mention="Sam",
        evidence="Long ago.",
        said_at=in_week(practice, days_before=20),
    )
    client = staff_client(lead)
    page = client.get(url("cx:moment", practice, moment)).content.decode()
    assert "Sam was kind." in page and "The nurse was kind." in page and "Long ago." not in page
    target = url("cx:moment_recognition", practice, moment)
    assert client.post(target, {"recognition": candidate.pk, "decision": "confirm"}).status_code == 302
    assert (
        client.post(target, {"recognition": ambiguous.pk, "decision": "confirm", "user": owner.pk}).status_code == 302
    )
    candidate.refresh_from_db()
    ambiguous.refresh_from_db()
    assert (candidate.status, ambiguous.status, ambiguous.user_id) == ("confirmed", "confirmed", owner.pk)
    # Someone who could not have been meant, a recognition of another week, nonsense: refused, nothing changed.
    lead_ambiguous = Recognition.objects.create(
        practice=practice,
        mention="Maria",
        evidence="Maria helped.",
        said_at=in_week(practice),
        status=RecognitionStatus.AMBIGUOUS,
        possible_users=[front_desk.pk, owner.pk],
    )
    for data in (
        {"recognition": lead_ambiguous.pk, "decision": "confirm", "user": lead.pk},
        {"recognition": lead_ambiguous.pk, "decision": "confirm"},
        {"recognition": old.pk, "decision": "dismiss"},
        {"recognition": "abc", "decision": "confirm"},
        {"recognition": lead_ambiguous.pk, "decision": "maybe"},
    ):
        response = client.post(target, data)
        assert response.status_code == 400, data
    lead_ambiguous.refresh_from_db()
    old.refresh_from_db()
    assert (lead_ambiguous.status, old.status) == ("ambiguous", "candidate")
    assert client.post(target, {"recognition": lead_ambiguous.pk, "decision": "dismiss"}).status_code == 302
    lead_ambiguous.refresh_from_db()
    assert lead_ambiguous.status == "dismissed"
    page = client.get(url("cx:moment", practice, moment)).content.decode()
    assert "Maria helped." not in page
