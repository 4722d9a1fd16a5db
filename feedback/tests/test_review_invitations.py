"""Every patient who answers a survey is offered the public review link when the practice offers it and
has review sites, whatever their answers (Google's review policy forbids asking only happy patients); nobody
when it is off. Service recovery for unhappy patients stays separate. And the public page they land on."""

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from feedback.models import FeedbackSettings, RecoveryCase, ReviewSite
from feedback.services import listening
from messaging.models import Channel, Message, MessageKind, MessageStatus
from practices.models import Role
from tests.factories import NOW, make_response, make_survey

pytestmark = pytest.mark.django_db

PROMOTER = {"cg_access": 4, "provider_rating": 10, "recommend": 9, "comment": "Dr. Cole was wonderful."}


@pytest.fixture
def version(practice):
    return make_survey(practice)


@pytest.fixture
def texting_patient(practice, make_patient):
    return make_patient(practice, sms_consent=True, email_consent=True, preferred_language="es")


@pytest.fixture
def reviews_on(practice):
    FeedbackSettings.objects.create(practice=practice, review_invitations=True)
    return ReviewSite.objects.create(practice=practice, name="Google", url="https://g.page/clearskin/review")


def complete(version, patient, now=NOW, **answers):
    response = make_response(version, patient, {**PROMOTER, **answers}, completed_at=now)
    listening.response_completed(response=response, now=now)
    return response


def invitations():
    return Message.objects.filter(kind=MessageKind.REVIEW_INVITATION)


def test_it_invites_a_promoter_once_with_a_link_to_the_review_page(version, texting_patient, reviews_on):
    response = complete(version, texting_patient)
    listening.response_completed(response=response, now=NOW)
    message = invitations().get()
    assert message.dedupe_key == f"review:{response.pk}"
    assert message.patient == texting_patient
    assert message.channel == Channel.SMS and message.status == MessageStatus.QUEUED
    assert "/p/clearskin-test/reviews/" in message.body
    assert "Cole" not in message.body  # the comment never reaches the message
    assert "reseña" in message.body  # the patient's language


def test_it_does_not_invite_when_switched_off(version, texting_patient, reviews_on, practice):
    FeedbackSettings.objects.filter(practice=practice).update(review_invitations=False)
    complete(version, texting_patient)
    assert not invitations().exists()


def test_it_does_not_invite_without_settings(version, texting_patient, practice):
    ReviewSite.objects.create(practice=practice, name="Google", url="https://g.page/x/review")
    complete(version, texting_patient)
    assert not invitations().exists()


def test_it_does_not_invite_without_an_offered_site(version, texting_patient, reviews_on):
    ReviewSite.objects.update(is_active=False)
    complete(version, texting_patient)
    assert not invitations().exists()


@pytest.mark.parametrize("recommend", [0, 4, 6, 7, 8, 9, 10])
def test_it_offers_the_review_link_whatever_the_score(version, texting_patient, reviews_on, recommend):
    complete(version, texting_patient, recommend=recommend, comment="")
    assert invitations().count() == 1


def test_it_offers_a_detractor_and_a_promoter_the_link_and_still_opens_the_detractors_case(
    version, practice, make_patient, reviews_on, owner
):
    unhappy = make_patient(practice, first_name="Dana", sms_consent=True)
    happy = make_patient(practice, first_name="Pilar", sms_consent=True)
    detractor = complete(version, unhappy, recommend=2, comment="Nobody called me back.")
    complete(version, happy, recommend=10)
    assert set(invitations().values_list("patient", flat=True)) == {unhappy.pk, happy.pk}
    case = RecoveryCase.objects.get()
    assert case.response == detractor and case.reason == "detractor" and case.status == "open"


def test_it_offers_nobody_the_link_when_off(version, practice, make_patient, reviews_on, owner):
    FeedbackSettings.objects.filter(practice=practice).update(review_invitations=False)
    for recommend in (2, 10):
        complete(version, make_patient(practice, sms_consent=True), recommend=recommend)
    assert not invitations().exists()
    assert RecoveryCase.objects.count() == 1  # recovery does not depend on the review setting


def test_it_offers_the_link_while_a_recovery_case_is_open(version, texting_patient, reviews_on, owner):
    complete(version, texting_patient, cg_access=1)  # "never" opens a case
    assert RecoveryCase.objects.filter(status="open").exists()
    assert invitations().count() == 1


def test_the_message_does_not_assume_the_patient_was_pleased(version, practice, make_patient, reviews_on, owner):
    for language in ("en", "es"):
        complete(version, make_patient(practice, email_consent=True, preferred_language=language), recommend=1)
    for message in invitations():
        text = f"{message.subject} {message.body}".lower()
        assert "kind words" not in text and "amables" not in text
        assert "/reviews/" in text


def test_it_invites_a_patient_once_a_year(version, texting_patient, reviews_on):
    complete(version, texting_patient)
    complete(version, texting_patient, now=NOW + timedelta(days=200))
    assert invitations().count() == 1
    complete(version, texting_patient, now=NOW + timedelta(days=366))
    assert invitations().count() == 2


def test_it_keeps_a_not_sent_row_without_consent(version, patient, reviews_on):
    complete(version, patient)
    message = invitations().get()
    assert message.status == MessageStatus.SKIPPED and message.skip_reason == "no_consent"


# --- the patient's page ---------------------------------------------------------------------------


def test_it_lists_the_offered_review_sites_publicly(client, practice, reviews_on):
    ReviewSite.objects.create(practice=practice, name="Healthgrades", url="https://hg.example/r", is_active=False)
    page = client.get(f"/p/{practice.slug}/reviews/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'href="https://g.page/clearskin/review"' in body
    assert "Healthgrades" not in body


def test_it_shows_only_the_practice_in_the_url(client, practice, other_practice, reviews_on):
    ReviewSite.objects.create(practice=other_practice, name="Yelp", url="https://yelp.example/other")
    body = client.get(f"/p/{practice.slug}/reviews/").content.decode()
    assert "Yelp" not in body
    assert client.get("/p/no-such-practice/reviews/").status_code == 404


def test_it_thanks_without_sites(client, other_practice):
    page = client.get(f"/p/{other_practice.slug}/reviews/")
    assert page.status_code == 200
    assert "Thank you for your feedback" in page.content.decode()


# --- review sites and settings (staff) --------------------------------------------------------------


def sites_url(practice, rest=""):
    return f"/staff/{practice.slug}/feedback/review-sites/{rest}"


def test_it_lets_the_owner_add_edit_and_stop_offering_a_site(staff_client, owner, practice):
    client = staff_client(owner)
    response = client.post(
        sites_url(practice, "add/"), {"name": "Google", "url": "https://g.page/cs", "position": 1, "is_active": "on"}
    )
    assert response.status_code == 302
    site = ReviewSite.objects.get(practice=practice)
    assert (site.name, site.url, site.is_active) == ("Google", "https://g.page/cs", True)
    client.post(
        sites_url(practice, f"{site.pk}/"),
        {"name": "Google reviews", "url": "https://g.page/cs2", "position": 2, "is_active": "on"},
    )
    site.refresh_from_db()
    assert (site.name, site.url, site.position) == ("Google reviews", "https://g.page/cs2", 2)
    client.post(sites_url(practice, f"{site.pk}/offered/"), {"is_active": "0"})
    site.refresh_from_db()
    assert not site.is_active
    summaries = set(AuditEntry.objects.filter(object_type="feedback.reviewsite").values_list("summary", flat=True))
    assert summaries == {"review site added: Google", "review site changed: Google reviews"}
    page = client.get(sites_url(practice)).content.decode()
    assert "Google reviews" in page and "Offer again" in page


@pytest.mark.parametrize("address", ["http://g.page/cs", "not a web address", "javascript:alert(1)", ""])
def test_it_refuses_a_site_without_an_https_address(staff_client, owner, practice, address):
    response = staff_client(owner).post(sites_url(practice, "add/"), {"name": "Google", "url": address, "position": 0})
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert not ReviewSite.objects.exists()


def test_it_saves_the_settings(staff_client, owner, practice, make_staff):
    lead = make_staff(practice, Role.EXPERIENCE_LEAD)
    data = {
        "review_invitations": "on",
        "cooldown_days": 45,
        "post_visit_delay_hours": 3,
        "invitation_valid_days": 10,
        "recovery_assignee": lead.pk,
    }
    assert staff_client(owner).post(sites_url(practice, "settings/"), data).status_code == 302
    row = FeedbackSettings.objects.get(practice=practice)
    assert row.review_invitations and row.cooldown_days == 45 and row.recovery_assignee == lead
    entry = AuditEntry.objects.get(object_type="feedback.feedbacksettings")
    assert entry.changes["cooldown_days"] == ["30", "45"]


@pytest.mark.parametrize(
    "change",
    [
        {"cooldown_days": -1},
        {"cooldown_days": 1000},
        {"cooldown_days": "soon"},
        {"recovery_assignee": "front_desk"},
        {"recovery_assignee": "stranger"},
    ],
    ids=["negative", "too-long", "not-a-number", "front-desk", "other-practice"],
)
def test_it_refuses_bad_settings(staff_client, owner, front_desk, practice, other_practice, make_staff, change):
    stranger = make_staff(other_practice, Role.EXPERIENCE_LEAD)
    people = {"front_desk": front_desk.pk, "stranger": stranger.pk}
    data = {"cooldown_days": 30, "post_visit_delay_hours": 2, "invitation_valid_days": 14, **change}
    if "recovery_assignee" in change:
        data["recovery_assignee"] = people[change["recovery_assignee"]]
    response = staff_client(owner).post(sites_url(practice, "settings/"), data)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert not FeedbackSettings.objects.filter(practice=practice).exists()


def test_it_lets_the_lead_read_but_not_edit(staff_client, practice, make_staff, reviews_on):
    lead = staff_client(make_staff(practice, Role.EXPERIENCE_LEAD))
    page = lead.get(sites_url(practice))
    assert page.status_code == 200 and "Google" in page.content.decode()
    assert 'name="url"' not in page.content.decode()
    assert lead.post(sites_url(practice, "add/"), {"name": "Yelp", "url": "https://y.example"}).status_code == 403
    assert lead.post(sites_url(practice, f"{reviews_on.pk}/offered/"), {"is_active": "0"}).status_code == 403
    assert ReviewSite.objects.get(pk=reviews_on.pk).is_active


def test_it_answers_404_to_strangers_and_403_to_the_front_desk(
    staff_client, practice, other_practice, make_staff, front_desk, reviews_on
):
    stranger = staff_client(make_staff(other_practice, Role.OWNER))
    assert stranger.get(sites_url(practice)).status_code == 404
    assert (
        stranger.post(
            sites_url(other_practice, f"{reviews_on.pk}/"), {"name": "X", "url": "https://x.example"}
        ).status_code
        == 404
    )
    assert ReviewSite.objects.get(pk=reviews_on.pk).name == "Google"
    assert staff_client(front_desk).get(sites_url(practice)).status_code == 403


def test_it_invites_again_once_consent_is_given(version, patient, reviews_on):
    complete(version, patient)  # no consent: kept as not sent
    patient.sms_consent = True
    patient.save()
    complete(version, patient, now=NOW + timedelta(days=30))
    assert list(invitations().order_by("pk").values_list("status", flat=True)) == [
        MessageStatus.SKIPPED,
        MessageStatus.QUEUED,
    ]
