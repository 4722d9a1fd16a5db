"""The project pages: the list with verdicts, the before/after page, the form; roles, strangers, bad input."""

import json
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx.models import EmpathyMap, Idea, ImprovementProject, ProjectStatus
from practices.models import Role
from tests.factories import make_patient, make_response, make_staff, make_survey

pytestmark = pytest.mark.django_db


def url(name, practice, **kwargs):
    return reverse(f"cx:{name}", kwargs={"practice_slug": practice.slug, **kwargs})


def today(practice):
    return practice.local_date(timezone.now())


def plant_answers(practice, *, went_live_on, before, after):
    """(top-box count, answers) of cg_access in the 4 weeks before and after ``went_live_on``."""
    version = make_survey(practice)
    patient = make_patient(practice)
    zone = ZoneInfo(practice.timezone)
    for sign, (k, n) in ((-1, before), (1, after)):
        for i in range(n):
            # Before: the 27 days before the change; after: the change's day and the 26 after it.
            day = went_live_on - timedelta(days=i % 27 + 1) if sign < 0 else went_live_on + timedelta(days=i % 27)
            moment = datetime.combine(day, time(11), tzinfo=zone).astimezone(UTC)
            make_response(version, patient, {"cg_access": 4 if i < k else 2}, completed_at=moment)


def make_project(practice, **fields):
    values = {
        "title": "New check-in instructions",
        "change": "Clearer online check-in instructions",
        "touchpoints": ["online-check-in"],
        "went_live_on": today(practice) - timedelta(days=28),
        "window_weeks": 4,
        "primary_measure": "top_box:cg_access",
        "secondary_measures": ["nps"],
    }
    values.update(fields)
    return ImprovementProject.objects.create(practice=practice, **values)


@pytest.fixture
def better_project(practice):
    project = make_project(practice)
    plant_answers(practice, went_live_on=project.went_live_on, before=(30, 60), after=(55, 60))
    return project


def test_the_project_page_shows_the_verdict_chart_and_table(staff_client, practice, owner, better_project):
    response = staff_client(owner).get(url("project", practice, pk=better_project.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Better: 50 % → 92 % top box (difference +42 points, 95 % CI +" in page
    assert "; 60 vs 60 answers)" in page
    assert "Did you get an appointment as soon as you needed?" in page  # the question, named
    # The secondary measure has no answers at all.
    assert "Too few answers yet to say (0 before, 0 after)" in page
    chart = json.loads(page.split('id="m0-chart-data" type="application/json">')[1].split("</script>")[0])
    assert chart["change_index"] == 4  # four weeks before, then the change
    assert len(chart["labels"]) == 8 and chart["after"] == [False] * 4 + [True] * 4
    assert chart["centre"][0] == 50.0 and chart["centre"][-1] == 50.0  # the baseline carried on
    assert sum(chart["n"]) == 120
    assert 'canvas data-project-chart="m0-chart-data"' in page
    assert page.count("<tr") >= 8  # the weekly table beside the chart
    assert "static/vendor/chart.umd.min.js" in page or "chart.umd.min.js" in page


def test_the_list_shows_each_projects_verdict(staff_client, practice, make_staff, better_project):
    make_project(practice, title="Planned change", went_live_on=today(practice) + timedelta(days=10))
    clinician = make_staff(practice, Role.CLINICIAN)
    response = staff_client(clinician).get(url("projects", practice))
    page = response.content.decode()
    assert response.status_code == 200
    assert "New check-in instructions" in page and "Better: 50 % → 92 % top box" in page
    assert "Not live yet: the after weeks start on" in page
    assert url("project_new", practice) not in page  # a clinician reads only


def test_the_page_in_spanish(client, practice, owner, better_project):
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(url("project", practice, pk=better_project.pk)).content.decode()
    assert "Mejor: 50 % → 92 % en la categoría más alta (diferencia +42 puntos, IC del 95 %" in page
    assert "60 frente a 60 respuestas" in page
    assert "(es) Did you get an appointment as soon as you needed?" in page
    assert "Semanas comparadas" in page


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING])
def test_the_team_reads_and_only_editors_edit(staff_client, practice, role, better_project):
    member = make_staff(practice, role)
    client = staff_client(member)
    assert client.get(url("projects", practice)).status_code == 200
    assert client.get(url("project", practice, pk=better_project.pk)).status_code == 200
    assert client.get(url("project_new", practice)).status_code == 403
    assert client.get(url("project_edit", practice, pk=better_project.pk)).status_code == 403
    assert client.post(url("project_edit", practice, pk=better_project.pk), {"action": "finish"}).status_code == 403
    better_project.refresh_from_db()
    assert better_project.status == ProjectStatus.LIVE


@pytest.mark.parametrize("role", [Role.OWNER, Role.EXPERIENCE_LEAD])
def test_editors_open_every_page(staff_client, practice, role, better_project):
    client = staff_client(make_staff(practice, role))
    for name, kwargs in [
        ("projects", {}),
        ("project_new", {}),
        ("project", {"pk": better_project.pk}),
        ("project_edit", {"pk": better_project.pk}),
    ]:
        assert client.get(url(name, practice, **kwargs)).status_code == 200, name


def test_a_stranger_gets_404_everywhere(staff_client, practice, other_practice, better_project):
    stranger = make_staff(other_practice, Role.OWNER)
    client = staff_client(stranger)
    before = ImprovementProject.objects.count(), AuditEntry.objects.count()
    for name, kwargs in [
        ("projects", {}),
        ("project_new", {}),
        ("project", {"pk": better_project.pk}),
        ("project_edit", {"pk": better_project.pk}),
    ]:
        assert client.get(url(name, practice, **kwargs)).status_code == 404, name
        assert client.post(url(name, practice, **kwargs), {"action": "finish", "title": "x"}).status_code == 404
    # Their own slug with this practice's project: 404 too.
    assert client.get(url("project", other_practice, pk=better_project.pk)).status_code == 404
    finish = client.post(url("project_edit", other_practice, pk=better_project.pk), {"action": "finish"})
    assert finish.status_code == 404
    assert (ImprovementProject.objects.count(), AuditEntry.objects.count()) == before
    better_project.refresh_from_db()
    assert better_project.status == ProjectStatus.LIVE


def form_data(practice, **overrides):
    data = {
        "title": "Saturday times first",
        "change": "Show Saturday times first in online booking",
        "touchpoints": ["self-scheduling"],
        "went_live_on": (today(practice) - timedelta(days=14)).isoformat(),
        "window_weeks": "6",
        "primary_measure": "online_booking_completion",
        "secondary_measures": ["no_show_rate"],
        "owner": "",
    }
    data.update(overrides)
    return data


def test_an_editor_creates_a_project(staff_client, practice, owner):
    response = staff_client(owner).post(url("project_new", practice), form_data(practice, owner=str(owner.pk)))
    project = ImprovementProject.objects.get()
    assert response.status_code == 302 and response["Location"] == url("project", practice, pk=project.pk)
    assert project.owner == owner and project.window_weeks == 6
    assert project.secondary_measures == ["no_show_rate"]
    assert AuditEntry.objects.filter(practice=practice, action="create", object_id=str(project.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"primary_measure": "happiness"}, "Select a valid choice."),
        ({"primary_measure": "top_box:cg_access"}, "Select a valid choice."),  # no survey asks it here
        ({"went_live_on": "2025-13-45"}, "Enter a valid date."),
        ({"went_live_on": "yesterday-ish"}, "Enter a valid date."),
        ({"went_live_on": "9999-12-31"}, "Enter a date between 1900 and 2199."),
        ({"touchpoints": ["moon-landing"]}, "Select a valid choice."),
        ({"window_weeks": "0"}, "greater than or equal to 2"),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_input_changes_nothing_and_says_why(staff_client, practice, owner, overrides, message):
    response = staff_client(owner).post(url("project_new", practice), form_data(practice, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImprovementProject.objects.exists()
    assert not AuditEntry.objects.filter(practice=practice).exists()


def test_a_refusal_from_the_service_shows_on_the_form(staff_client, practice, owner):
    far = (today(practice) + timedelta(days=500)).isoformat()
    response = staff_client(owner).post(url("project_new", practice), form_data(practice, went_live_on=far))
    assert response.status_code == 200
    assert "The change cannot go live more than a year from today." in response.content.decode()
    assert not ImprovementProject.objects.exists()


def test_a_project_from_an_idea(staff_client, practice, other_practice, owner):
    empathy_map = EmpathyMap.objects.create(practice=practice, touchpoint="self-scheduling")
    idea = Idea.objects.create(practice=practice, empathy_map=empathy_map, text="Show Saturday times first")
    client = staff_client(owner)
    page = client.get(url("project_new", practice) + f"?idea={idea.pk}").content.decode()
    assert "From the idea “Show Saturday times first”." in page
    checked = re.findall(r'<input type="checkbox" name="touchpoints" value="([a-z-]+)"[^>]* checked>', page)
    assert checked == ["self-scheduling"]
    response = client.post(url("project_new", practice) + f"?idea={idea.pk}", form_data(practice))
    assert response.status_code == 302
    assert ImprovementProject.objects.get().idea == idea

    other_map = EmpathyMap.objects.create(practice=other_practice, touchpoint="self-scheduling")
    other_idea = Idea.objects.create(practice=other_practice, empathy_map=other_map, text="Theirs")
    assert client.get(url("project_new", practice) + f"?idea={other_idea.pk}").status_code == 404
    assert client.get(url("project_new", practice) + "?idea=garbage").status_code == 404


def test_an_editor_changes_and_finishes_a_project(staff_client, practice, owner, better_project):
    client = staff_client(owner)
    data = form_data(
        practice,
        title="Check-in, take two",
        touchpoints=["online-check-in"],
        went_live_on=better_project.went_live_on.isoformat(),
        window_weeks="4",
        primary_measure="top_box:cg_access",
        secondary_measures=["nps"],
    )
    response = client.post(url("project_edit", practice, pk=better_project.pk), data)
    assert response.status_code == 302
    better_project.refresh_from_db()
    assert better_project.title == "Check-in, take two"
    client.post(url("project_edit", practice, pk=better_project.pk), {"action": "finish"})
    better_project.refresh_from_db()
    assert better_project.status == ProjectStatus.FINISHED
    response = client.post(url("project_edit", practice, pk=better_project.pk), {"action": "explode"}, follow=True)
    assert "Nothing was changed: unknown action." in response.content.decode()
    better_project.refresh_from_db()
    assert better_project.status == ProjectStatus.FINISHED


def test_a_planned_project_page_says_when_measuring_starts(staff_client, practice, owner):
    project = make_project(practice, went_live_on=today(practice) + timedelta(days=30), status=ProjectStatus.PLANNED)
    page = staff_client(owner).get(url("project", practice, pk=project.pk)).content.decode()
    assert "Not live yet: the after weeks start on" in page
    assert "Nothing measured in these weeks yet, so there is no chart." in page
    assert "data-project-chart" not in page
