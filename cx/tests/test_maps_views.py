"""The empathy map pages: roles, strangers, bad input, the side-by-side with its marks, ideas and groups."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import journey
from audit.models import AuditEntry
from cx import urls_maps
from cx.models import Action, EmpathyMap, Idea, IdeaStatus, PatientGroup
from cx.services import maps as map_services
from feedback.models import CommentAnalysis, Question
from practices.models import Role
from tests.factories import make_response, make_survey

# Which object each URL's pk names.
PK_OBJECT = {
    "map": "map",
    "map_edit": "map",
    "map_delete": "map",
    "idea_add": "map",
    "idea_edit": "idea",
    "idea_choose": "idea",
    "idea_drop": "idea",
    "idea_reconsider": "idea",
    "idea_action": "idea",
    "group_edit": "group",
    "group_delete": "group",
}
READ_URLS = {"maps", "map", "groups"}  # every team member


@pytest.fixture
def lead(practice, make_staff):
    return make_staff(practice, Role.EXPERIENCE_LEAD, full_name="Lena Lead")


@pytest.fixture
def desk(practice, make_staff):
    return make_staff(practice, Role.FRONT_DESK, full_name="Rita Desk")


def world(practice, actor=None):
    group = map_services.create_group(practice=practice, actor_user=actor, name="Spanish-speaking", language="es")
    the_map = map_services.create_map(
        practice=practice, actor_user=actor, touchpoint="self-scheduling", group=None, thinks="It is easy"
    )
    idea = map_services.add_idea(practice=practice, actor_user=actor, empathy_map=the_map, text="Saturday hours")
    return {"map": the_map, "idea": idea, "group": group}


def url(practice, name, objects=None, **query):
    kwargs = {"practice_slug": practice.slug}
    if name in PK_OBJECT:
        kwargs["pk"] = objects[PK_OBJECT[name]].pk
    address = reverse(f"cx:{name}", kwargs=kwargs)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def names():
    return [pattern.name for pattern in urls_maps.urlpatterns]


def snapshot():
    return (
        list(PatientGroup.objects.order_by("pk").values()),
        list(EmpathyMap.objects.order_by("pk").values()),
        list(Idea.objects.order_by("pk").values()),
        Action.objects.count(),
        AuditEntry.objects.count(),
    )


def test_every_url_is_listed_here():
    assert set(names()) == READ_URLS | set(PK_OBJECT) | {"map_new"}


def test_a_stranger_gets_404_on_every_url(practice, other_practice, make_staff, client):
    theirs = world(other_practice)
    client.force_login(make_staff(practice, Role.OWNER))
    before = snapshot()
    for name in names():
        address = url(other_practice, name, theirs)
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"name": "x", "text": "x", "touchpoint": "waitlist"}).status_code == 404, address
        # Under their own practice's address, another practice's objects are not found either.
        if name in PK_OBJECT:
            own = url(practice, name, theirs)
            assert client.get(own).status_code in (404, 405), own
            assert client.post(own, {"name": "x", "text": "x"}).status_code in (404, 405), own
    assert snapshot() == before


def test_the_team_reads_and_only_editors_write(practice, lead, desk, staff_client):
    objects = world(practice, lead)
    client = staff_client(desk)
    before = snapshot()
    for name in names():
        address = url(practice, name, objects)
        if name in READ_URLS:
            assert client.get(address).status_code == 200, address
        else:
            assert client.get(address).status_code in (403, 405), address
        if name != "map":
            assert client.post(address, {"name": "Mine", "text": "Mine"}).status_code in (403, 405), address
    assert snapshot() == before
    page = client.get(url(practice, "map", objects)).content.decode()
    assert "Saturday hours" in page
    assert "Make it an action" not in page and "Add an idea" not in page and "New map" not in page


def test_an_editor_opens_every_page(practice, lead, staff_client):
    objects = world(practice, lead)
    client = staff_client(lead)
    for name in ("maps", "map_new", "map", "map_edit", "idea_edit", "idea_action", "groups", "group_edit"):
        assert client.get(url(practice, name, objects)).status_code == 200, name


# --- maps -----------------------------------------------------------------------------------------


def test_an_editor_creates_a_map_and_lands_on_it(practice, lead, staff_client):
    group = map_services.create_group(practice=practice, actor_user=lead, name="Over 65", min_age=65)
    client = staff_client(lead)
    form = client.get(url(practice, "map_new", touchpoint="self-scheduling")).content.decode()
    assert 'value="self-scheduling" selected' in form
    response = client.post(
        url(practice, "map_new"),
        {
            "touchpoint": "self-scheduling",
            "group": group.pk,
            "thinks": "Booking online is easy",
            "feels": "Relieved",
            "says": "That was quick",
            "does": "Books in two minutes",
            "expected_feeling": "positive",
        },
    )
    the_map = EmpathyMap.objects.get()
    assert response.status_code == 302 and response["Location"] == url(practice, "map", {"map": the_map})
    assert (the_map.group, the_map.thinks) == (group, "Booking online is easy")
    again = client.post(
        url(practice, "map_new"), {"touchpoint": "self-scheduling", "group": group.pk, "expected_feeling": "positive"}
    )
    assert again.status_code == 400
    assert "There is already a map for this touch point and these patients." in again.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"touchpoint": "the-moon", "expected_feeling": "positive"}, "Select a valid choice."),
        ({"touchpoint": "", "expected_feeling": "positive"}, "This field is required."),
        ({"touchpoint": "waitlist", "expected_feeling": "ecstatic"}, "Select a valid choice."),
        (
            {"touchpoint": "waitlist", "expected_feeling": "positive", "group": "99999999999999999999"},
            "Choose one of the practice",
        ),
        ({"touchpoint": "waitlist", "expected_feeling": "positive", "thinks": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_bad_map_is_refused_with_a_message(practice, lead, staff_client, data, message):
    response = staff_client(lead).post(url(practice, "map_new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EmpathyMap.objects.exists()


def test_another_practices_group_cannot_be_chosen(practice, other_practice, lead, staff_client):
    theirs = map_services.create_group(practice=other_practice, actor_user=None, name="Theirs")
    response = staff_client(lead).post(
        url(practice, "map_new"), {"touchpoint": "waitlist", "group": theirs.pk, "expected_feeling": "positive"}
    )
    assert response.status_code == 400 and not EmpathyMap.objects.exists()


def test_editing_and_deleting_a_map(practice, lead, staff_client):
    objects = world(practice, lead)
    client = staff_client(lead)
    response = client.post(
        url(practice, "map_edit", objects),
        {"touchpoint": "self-scheduling", "thinks": "Finding a Saturday is hard", "expected_feeling": "negative"},
    )
    assert response.status_code == 302
    objects["map"].refresh_from_db()
    assert objects["map"].expected_feeling == "negative"
    assert client.post(url(practice, "map_delete", objects)).status_code == 302
    assert not EmpathyMap.objects.exists()


def test_the_list_shows_maps_by_touch_point_and_group(practice, lead, desk, staff_client):
    objects = world(practice, lead)
    map_services.create_map(practice=practice, actor_user=lead, touchpoint="public-page", group=objects["group"])
    page = staff_client(desk).get(url(practice, "maps")).content.decode()
    assert page.index("Public practice page") < page.index("Online self-scheduling")  # journey order
    assert "Spanish-speaking" in page and "Every patient" in page


# --- the map page: expected beside actual ----------------------------------------------------------


@pytest.fixture
def survey(practice):
    version = make_survey(practice)
    Question.objects.filter(version=version, code="ease_booking").update(touchpoint="self-scheduling")
    return version


def plant(survey, patient, count, *, ease, sentiment, text="Could not find a Saturday time"):
    now = timezone.now() - timedelta(days=2)
    for i in range(count):
        response = make_response(
            survey,
            patient,
            {"ease_booking": ease, "comment": f"{text} ({i})"},
            completed_at=now - timedelta(hours=i),
            touchpoint="self-scheduling",
        )
        CommentAnalysis.objects.create(
            practice=response.practice,
            answer=response.answers.get(question__code="comment"),
            sentiment=sentiment,
            score=-0.6 if sentiment == "negative" else 0.6,
            touchpoints=[{"name": "booking and access", "sentiment": sentiment}],
        )


def test_too_few_answers_are_said_in_words(practice, lead, patient, survey, staff_client):
    objects = world(practice, lead)
    plant(survey, patient, 5, ease=2, sentiment="negative")
    page = staff_client(lead).get(url(practice, "map", objects)).content.decode()
    assert "Too few patients answered to say." in page
    assert "too few to trust</span></td>" in page
    assert "The team and the patients disagree." not in page


def test_a_disagreement_is_marked_in_words(practice, lead, patient, survey, staff_client):
    objects = world(practice, lead)  # the team expects positive
    plant(survey, patient, 40, ease=2, sentiment="negative")
    page = staff_client(lead).get(url(practice, "map", objects)).content.decode()
    assert "The team and the patients disagree." in page
    assert "The team expected: Positive. Patients: Negative." in page
    assert "0 % of 40 comments positive, 100 % negative." in page
    assert "gap-disagrees" in page
    assert "Could not find a Saturday time" in page  # the patients' own words
    assert "How easy was it to book?" in page  # the linked survey item, with n
    assert "too few to trust</span></td>" not in page


def test_an_agreement_is_marked_too(practice, lead, patient, survey, staff_client):
    objects = world(practice, lead)
    plant(survey, patient, 35, ease=5, sentiment="positive", text="So easy to book online")
    page = staff_client(lead).get(url(practice, "map", objects)).content.decode()
    assert "The team and the patients agree." in page
    assert "The team and the patients disagree." not in page


def test_quotes_on_the_page_are_redacted(practice, lead, make_patient, survey, staff_client):
    objects = world(practice, lead)
    writer = make_patient(practice, first_name="Valentina", last_name="Quiroga")
    response = make_response(
        survey,
        writer,
        {
            "comment": "Valentina here, born 03/14/1980: call (512) 555-0142 or mail v.q@example.com, "
            "or my neighbour Jennifer Walsh."
        },
        completed_at=timezone.now() - timedelta(days=1),
        touchpoint="self-scheduling",
    )
    CommentAnalysis.objects.create(
        practice=practice, answer=response.answers.get(), sentiment="neutral", score=0.0, touchpoints=[]
    )
    page = staff_client(lead).get(url(practice, "map", objects)).content.decode()
    for secret in ("Valentina", "Quiroga", "03/14/1980", "555-0142", "v.q@example.com", "Jennifer", "Walsh"):
        assert secret not in page, secret
    assert "[phone]" in page and "[email]" in page


def test_a_bad_date_range_is_refused_and_the_default_shown(practice, lead, staff_client):
    objects = world(practice, lead)
    client = staff_client(lead)
    response = client.get(url(practice, "map", objects, start="2030-01-10", end="2029-01-01"))
    assert response.status_code == 400
    assert "The start date must be on or before the end date." in response.content.decode()
    assert client.get(url(practice, "map", objects, start="abc")).status_code == 400
    assert client.get(url(practice, "map", objects, start="2029-01-01", end="2029-03-01")).status_code == 200


# --- ideas ----------------------------------------------------------------------------------------


def test_ideas_show_in_the_grid_and_ranked_by_rice(practice, lead, make_patient, staff_client):
    objects = world(practice, lead)
    for _ in range(3):  # three patients booked online lately: the reach
        journey.record(
            practice=practice, patient=make_patient(practice), touchpoint="self-scheduling", kind="appointment.booked"
        )
    the_map = objects["map"]
    client = staff_client(lead)
    response = client.post(
        url(practice, "idea_add", objects),
        {"text": "Open Saturday mornings", "impact": "5", "effort": "5", "confidence": "80", "effort_weeks": "2"},
    )
    assert response.status_code == 302
    page = client.get(url(practice, "map", objects)).content.decode()
    grid = page[page.index('class="data idea-grid"') : page.index("</table>", page.index('class="data idea-grid"'))]
    quick_win = grid[grid.index("quadrant-quick_win") : grid.index("quadrant-big_bet")]
    big_bet = grid[grid.index("quadrant-big_bet") : grid.index("quadrant-fill_in")]
    assert "Saturday hours" in quick_win and "Open Saturday mornings" not in quick_win  # 3 and 3
    assert "Open Saturday mornings" in big_bet  # 5 and 5
    ranked = page[page.index('class="data idea-table"') :]
    # 3 × 3 (massive) × 0.8 ÷ 2 = 3.6 beats 3 × 1 × 0.8 ÷ 1 = 2.4.
    assert ranked.index("Open Saturday mornings") < ranked.index("Saturday hours")
    assert "Reach for the RICE score: 3 patients at this touch point in the last 90 days." in page
    assert Idea.objects.filter(empathy_map=the_map).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "impact": "3", "effort": "3", "confidence": "80", "effort_weeks": "1"},
        {"text": "x", "impact": "9", "effort": "3", "confidence": "80", "effort_weeks": "1"},
        {"text": "x", "impact": "abc", "effort": "3", "confidence": "80", "effort_weeks": "1"},
        {"text": "x", "impact": "3", "effort": "3", "confidence": "101", "effort_weeks": "1"},
        {"text": "x", "impact": "3", "effort": "3", "confidence": "80", "effort_weeks": "0"},
        {"text": "x", "impact": "3", "effort": "3", "confidence": "80", "effort_weeks": "99999999999999999999"},
    ],
)
def test_a_bad_idea_is_refused_on_the_map_page(practice, lead, staff_client, data):
    objects = world(practice, lead)
    response = staff_client(lead).post(url(practice, "idea_add", objects), data)
    assert response.status_code == 400
    assert "The idea was not added: see the form below." in response.content.decode()
    assert Idea.objects.count() == 1


def test_choose_drop_and_put_back(practice, lead, staff_client):
    objects = world(practice, lead)
    client = staff_client(lead)
    idea = objects["idea"]
    for name, status in (("idea_choose", "chosen"), ("idea_drop", "dropped"), ("idea_reconsider", "new")):
        assert client.post(url(practice, name, objects)).status_code == 302
        idea.refresh_from_db()
        assert idea.status == status


def test_an_idea_becomes_an_action_with_owner_and_due_date(practice, lead, desk, staff_client):
    objects = world(practice, lead)
    client = staff_client(lead)
    form = client.get(url(practice, "idea_action", objects)).content.decode()
    assert "Saturday hours" in form and "Rita Desk" in form
    due = practice.local_date(timezone.now()) + timedelta(days=10)
    response = client.post(
        url(practice, "idea_action", objects),
        {"title": "Ask providers about Saturdays", "owner": desk.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.due_on, action.idea, action.title) == (
        desk,
        due,
        objects["idea"],
        "Ask providers about Saturdays",
    )
    objects["idea"].refresh_from_db()
    assert objects["idea"].status == IdeaStatus.CHOSEN
    page = client.get(url(practice, "map", objects)).content.decode()
    assert "Action: Ask providers about Saturdays (Rita Desk" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "x", "owner": "", "due_on": "2099-01-01"}, "This field is required."),
        ({"title": "x", "owner": "99999999999999999999", "due_on": "2099-01-01"}, "Choose someone on the team."),
        ({"title": "x", "owner": "OWNER", "due_on": "2000-01-01"}, "Choose today or a later day."),
        ({"title": "x", "owner": "OWNER", "due_on": "9999-12-31"}, "Enter a date between"),
        ({"title": "", "owner": "OWNER", "due_on": "2099-01-01"}, "This field is required."),
    ],
)
def test_a_bad_action_is_refused(practice, lead, staff_client, data, message):
    objects = world(practice, lead)
    if data["owner"] == "OWNER":
        data = {**data, "owner": lead.pk}
    response = staff_client(lead).post(url(practice, "idea_action", objects), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_the_project_link_carries_the_idea(practice, lead, staff_client):
    objects = world(practice, lead)
    page = staff_client(lead).get(url(practice, "map", objects)).content.decode()
    new_project = reverse("cx:project_new", kwargs={"practice_slug": practice.slug})
    assert f'href="{new_project}?idea={objects["idea"].pk}"' in page


# --- groups ---------------------------------------------------------------------------------------


def test_groups_are_listed_created_edited_and_deleted(practice, lead, desk, staff_client):
    client = staff_client(lead)
    response = client.post(url(practice, "groups"), {"name": "Over 65", "visits": "", "language": "", "min_age": "65"})
    assert response.status_code == 302
    group = PatientGroup.objects.get()
    assert (group.name, group.min_age, group.max_age) == ("Over 65", 65, None)
    response = client.post(
        url(practice, "group_edit", {"group": group}), {"name": "Over 65, Spanish", "language": "es", "min_age": "65"}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.language == "es"
    page = staff_client(desk).get(url(practice, "groups")).content.decode()
    assert "Over 65, Spanish" in page and "65 or older" in page and "Add a patient group" not in page
    client = staff_client(lead)
    assert client.post(url(practice, "group_delete", {"group": group})).status_code == 302
    assert not PatientGroup.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Ages", "min_age": "70", "max_age": "20"}, "The oldest age must be at least the youngest age."),
        ({"name": "Ages", "min_age": "-1"}, "greater than or equal to 0"),
        ({"name": "Ages", "min_age": "99999999999999999999"}, "less than or equal to 120"),
        ({"name": "", "min_age": "1"}, "This field is required."),
        ({"name": "Lang", "language": "fr"}, "Select a valid choice."),
        ({"name": "Visits", "visits": "sometimes"}, "Select a valid choice."),
        ({"name": "taken"}, "There is already a group called “taken”."),
    ],
)
def test_a_bad_group_is_refused_with_a_message(practice, lead, staff_client, data, message):
    map_services.create_group(practice=practice, actor_user=lead, name="Taken")
    response = staff_client(lead).post(url(practice, "groups"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PatientGroup.objects.count() == 1


def test_a_group_in_use_is_not_deleted(practice, lead, staff_client):
    objects = world(practice, lead)
    map_services.create_map(practice=practice, actor_user=lead, touchpoint="waitlist", group=objects["group"])
    response = staff_client(lead).post(url(practice, "group_delete", objects), follow=True)
    assert "1 empathy map is for this group: delete the map first." in response.content.decode()
    assert PatientGroup.objects.filter(pk=objects["group"].pk).exists()
