"""The strategy pages: goals written by the owner and the experience lead, read by the team; each
measure's current value with n and interval, target and trend, on or off track; the governance
agenda's ``goals_off_track``; quarterly reviews; bad input refused with a message, nothing changed."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from cx import measure_status as ms
from cx.models import Goal, GoalMeasure, GoalStatus, IntendedExperience, StrategyReview
from cx.selectors import strategy as strategy_selectors
from cx.services import strategy as strategy_services
from feedback.models import SurveyVersion
from practices.models import Role
from tests.factories import make_patient, make_response, make_survey

pytestmark = pytest.mark.django_db


def today(practice) -> date:
    return practice.local_date(timezone.now())


def answers(practice, *, top: int, other: int, days_ago: range) -> None:
    """``top`` answers of 4 (top box) and ``other`` of 2 to cg_access, spread over the days ``days_ago``."""
    zone = ZoneInfo(practice.timezone)
    existing = SurveyVersion.objects.filter(survey__practice=practice).first()
    version = existing or make_survey(practice)
    patient = make_patient(practice)
    days = list(days_ago)
    for i in range(top + other):
        day = today(practice) - timedelta(days=days[i % len(days)])
        at = datetime.combine(day, time(11), tzinfo=zone).astimezone(UTC)
        make_response(version, patient, {"cg_access": 4 if i < top else 2}, completed_at=at)


def goal_with(practice, owner, *, title: str, target: float, due: date | None = None) -> GoalMeasure:
    goal = Goal.objects.create(practice=practice, title=title, owner=owner)
    experience = IntendedExperience.objects.create(
        practice=practice, goal=goal, touchpoint="self-scheduling", sentence="A patient books online in two minutes."
    )
    return GoalMeasure.objects.create(
        practice=practice,
        goal=goal,
        experience=experience,
        measure="top_box:cg_access",
        target=target,
        target_on=due or today(practice) + timedelta(days=90),
    )


@pytest.fixture
def world(practice, make_staff):
    owner = make_staff(practice, Role.OWNER)
    # The last four weeks: 20 of 50 top box (40 %, 95 % CI about 28 to 54). The twelve weeks before: the same rate.
    answers(practice, top=20, other=30, days_ago=range(0, 28))
    answers(practice, top=48, other=72, days_ago=range(28, 112))
    off = goal_with(practice, owner, title="Easiest practice to reach", target=80.0)
    met = goal_with(practice, owner, title="Keep access decent", target=20.0)
    noise = goal_with(practice, owner, title="Access near 45 %", target=45.0)
    return owner, off, met, noise


def test_each_measure_is_judged_against_the_noise(practice, world):
    _owner, off, met, noise = world
    states = strategy_selectors.measure_states(
        practice=practice, goal_measures=[off, met, noise], today=today(practice)
    )
    current = states[off.pk].current
    assert current.n == 50 and current.value == pytest.approx(40.0)
    assert current.low is not None and current.high is not None and current.low < 40.0 < current.high
    assert states[off.pk].status == ms.Status(ms.OFF_TRACK, ms.NOT_MOVING)
    assert states[met.pk].status == ms.Status(ms.ON_TRACK, ms.MET)
    assert states[noise.pk].status == ms.Status(ms.ON_TRACK, ms.WITHIN_NOISE)
    assert states[off.pk].trend.direction == "flat"
    assert len(states[off.pk].trend.points) == ms.BASELINE_WEEKS + ms.CURRENT_WEEKS


def test_goals_off_track_lists_the_active_goals_with_a_measure_off_track(practice, world):
    _owner, off, _met, _noise = world
    assert strategy_selectors.goals_off_track(practice, today=today(practice)) == [off.goal]
    Goal.objects.filter(pk=off.goal_id).update(status=GoalStatus.DROPPED)
    assert strategy_selectors.goals_off_track(practice, today=today(practice)) == []


def test_goals_off_track_is_scoped_by_practice(practice, other_practice, world):
    assert strategy_selectors.goals_off_track(other_practice, today=today(practice)) == []


def test_too_few_answers_is_not_off_track(practice, make_staff):
    owner = make_staff(practice, Role.OWNER)
    answers(practice, top=2, other=10, days_ago=range(0, 28))
    gm = goal_with(practice, owner, title="Few answers", target=90.0)
    state = strategy_selectors.measure_states(practice=practice, goal_measures=[gm], today=today(practice))[gm.pk]
    assert state.status.state == ms.TOO_FEW and state.current.n == 12
    assert strategy_selectors.goals_off_track(practice, today=today(practice)) == []


def test_the_strategy_page_shows_goal_experience_touch_point_and_measure(client, practice, world, make_staff):
    _owner, off, _met, _noise = world
    client.force_login(make_staff(practice, Role.FRONT_DESK))
    page = client.get(reverse("cx:strategy", args=[practice.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Easiest practice to reach" in html
    assert "A patient books online in two minutes." in html
    assert "Self-scheduling" in html or "self-scheduling" in html.lower()
    assert f'id="gm{off.pk}-state"' in html
    assert "Off track" in html and "On track" in html
    assert "n = 50" in html
    assert "80 % by" in html
    assert "cx:goal_new" not in html and reverse("cx:goal_new", args=[practice.slug]) not in html  # read only


def test_the_strategy_page_in_spanish(client, practice, world, make_staff):
    client.force_login(make_staff(practice, Role.CLINICIAN))
    html = client.get(reverse("cx:strategy", args=[practice.slug]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Estrategia" in html
    assert "Fuera de rumbo" in html


def test_the_catalogue_defines_every_measure(client, practice, make_staff):
    make_survey(practice)
    client.force_login(make_staff(practice, Role.BILLING))
    html = client.get(reverse("cx:measure_catalogue", args=[practice.slug])).content.decode()
    for code in ("nps", "online_booking_completion", "waiting_minutes", "no_show_rate", "late_cancel_rate"):
        assert f"<code>{code}</code>" in html
    assert "<code>top_box:cg_access</code>" in html
    assert "Where the data comes from" in html and "What counts" in html
    assert "The flow board: the time the patient arrived" in html


def test_the_owner_writes_a_goal_its_experience_and_a_measure(client, practice, make_staff):
    make_survey(practice)
    owner = make_staff(practice, Role.OWNER)
    client.force_login(owner)
    response = client.post(
        reverse("cx:goal_new", args=[practice.slug]),
        {"title": "Grow new patients 10 % this year", "why": "", "owner": str(owner.pk), "status": "active"},
    )
    goal = Goal.objects.get(practice=practice)
    assert response.status_code == 302 and response.url == reverse("cx:goal", args=[practice.slug, goal.pk])
    assert goal.created_by == owner and goal.owner == owner
    response = client.post(
        reverse("cx:goal_experience_add", args=[practice.slug, goal.pk]),
        {"touchpoint": "self-scheduling", "sentence": "  A new patient books online in under two minutes, any day. "},
    )
    experience = IntendedExperience.objects.get(goal=goal)
    assert response.status_code == 302
    assert experience.sentence == "A new patient books online in under two minutes, any day."
    response = client.post(
        reverse("cx:goal_measure_add", args=[practice.slug, goal.pk]),
        {
            "measure": "online_booking_completion",
            "experience": str(experience.pk),
            "target": "85",
            "target_on": "2026-12-31",
        },
    )
    assert response.status_code == 302
    gm = GoalMeasure.objects.get(goal=goal)
    assert (gm.measure, gm.target, gm.experience, gm.target_on) == (
        "online_booking_completion",
        85.0,
        experience,
        date(2026, 12, 31),
    )
    assert AuditEntry.objects.filter(practice=practice, object_type__startswith="cx.").count() >= 3
    page = client.get(reverse("cx:goal", args=[practice.slug, goal.pk])).content.decode()
    assert "Too few to judge" in page  # no bookings at all


def test_the_experience_lead_edits_a_goal(client, practice, world, make_staff):
    _owner, off, _met, _noise = world
    lead = make_staff(practice, Role.EXPERIENCE_LEAD)
    client.force_login(lead)
    response = client.post(
        reverse("cx:goal_edit", args=[practice.slug, off.goal_id]),
        {"title": "Reach us by phone", "why": "Patients say so", "owner": "", "status": "achieved"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(pk=off.goal_id)
    assert (goal.title, goal.why, goal.owner, goal.status) == ("Reach us by phone", "Patients say so", None, "achieved")


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.BILLING])
def test_the_team_reads_but_does_not_write(client, practice, world, make_staff, role):
    _owner, off, _met, _noise = world
    client.force_login(make_staff(practice, role))
    for name, args in (("cx:strategy", []), ("cx:goal", [off.goal_id]), ("cx:measure_catalogue", [])):
        assert client.get(reverse(name, args=[practice.slug, *args])).status_code == 200
    before = (Goal.objects.count(), GoalMeasure.objects.count(), StrategyReview.objects.count())
    for name, args in (
        ("cx:goal_new", []),
        ("cx:goal_edit", [off.goal_id]),
        ("cx:goal_measure_add", [off.goal_id]),
        ("cx:goal_experience_add", [off.goal_id]),
        ("cx:strategy_review_new", []),
    ):
        address = reverse(name, args=[practice.slug, *args])
        assert client.get(address).status_code == 403
        assert client.post(address, {"title": "x", "measure": "nps", "target": "1"}).status_code == 403
    assert (Goal.objects.count(), GoalMeasure.objects.count(), StrategyReview.objects.count()) == before


def test_another_practices_goal_is_404_and_its_experience_cannot_be_borrowed(
    client, practice, other_practice, world, make_staff
):
    _owner, off, _met, _noise = world
    stranger_gm = goal_with(other_practice, make_staff(other_practice, Role.OWNER), title="Theirs", target=50)
    client.force_login(world[0])
    assert client.get(reverse("cx:goal", args=[practice.slug, stranger_gm.goal_id])).status_code == 404
    # An experience of another goal (or practice) is not a choice: the form says so, nothing saved.
    before = GoalMeasure.objects.count()
    response = client.post(
        reverse("cx:goal_measure_add", args=[practice.slug, off.goal_id]),
        {"measure": "nps", "experience": str(stranger_gm.experience_id), "target": "40", "target_on": "2026-12-31"},
    )
    assert response.status_code == 200 and b"field-invalid" in response.content
    assert GoalMeasure.objects.count() == before
    with pytest.raises(strategy_services.StrategyRefused):
        strategy_services.add_measure(
            practice=practice,
            actor_user=None,
            goal=off.goal,
            measure="nps",
            target=40,
            target_on=date(2026, 12, 31),
            experience=stranger_gm.experience,
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"measure": "nps", "target": "abc", "target_on": "2026-12-31"}, "Enter a number."),
        ({"measure": "nps", "target": "nan", "target_on": "2026-12-31"}, "Enter a number."),
        ({"measure": "top_box:cg_access", "target": "150", "target_on": "2026-12-31"}, "between 0 and 100"),
        ({"measure": "nps", "target": "-101", "target_on": "2026-12-31"}, "between -100 and 100"),
        ({"measure": "top_box:nothing", "target": "50", "target_on": "2026-12-31"}, "Select a valid choice"),
        ({"measure": "nps", "target": "50", "target_on": "2099-12-31"}, "years ahead"),
        ({"measure": "nps", "target": "50", "target_on": "31/31/2026"}, "Enter a valid date."),
        ({"measure": "", "target": "", "target_on": ""}, "This field is required."),
    ],
)
def test_a_bad_measure_is_refused_with_a_message(client, practice, world, fields, message):
    _owner, off, _met, _noise = world
    client.force_login(world[0])
    before = GoalMeasure.objects.count()
    response = client.post(reverse("cx:goal_measure_add", args=[practice.slug, off.goal_id]), fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert GoalMeasure.objects.count() == before


def test_bad_goals_and_experiences_are_refused(client, practice, world):
    _owner, off, _met, _noise = world
    client.force_login(world[0])
    before = (Goal.objects.count(), IntendedExperience.objects.count())
    response = client.post(reverse("cx:goal_new", args=[practice.slug]), {"title": "   ", "status": "active"})
    assert response.status_code == 200 and b"field-invalid" in response.content
    response = client.post(reverse("cx:goal_new", args=[practice.slug]), {"title": "Ok", "status": "nonsense"})
    assert response.status_code == 200 and b"field-invalid" in response.content
    response = client.post(reverse("cx:goal_new", args=[practice.slug]), {"title": "Ok", "owner": "999999"})
    assert response.status_code == 200 and b"field-invalid" in response.content
    response = client.post(
        reverse("cx:goal_experience_add", args=[practice.slug, off.goal_id]), {"touchpoint": "moon", "sentence": "x"}
    )
    assert response.status_code == 200 and b"field-invalid" in response.content
    response = client.post(
        reverse("cx:goal_experience_add", args=[practice.slug, off.goal_id]),
        {"touchpoint": "self-scheduling", "sentence": "x" * 301},
    )
    assert response.status_code == 200 and b"field-invalid" in response.content
    assert (Goal.objects.count(), IntendedExperience.objects.count()) == before


def test_one_review_per_quarter_listed_on_the_page(client, practice, world):
    client.force_login(world[0])
    this_quarter = strategy_selectors.quarter_start(today(practice))
    address = reverse("cx:strategy_review_new", args=[practice.slug])
    fields = {"quarter": this_quarter.isoformat(), "what_moved": "Phone access", "what_will_change": "More lines"}
    assert client.post(address, fields).status_code == 302
    review = StrategyReview.objects.get(practice=practice)
    assert review.quarter_start == this_quarter and review.recorded_by == world[0]
    html = client.get(reverse("cx:strategy", args=[practice.slug])).content.decode()
    assert "Phone access" in html and "More lines" in html
    # The same quarter again: no longer offered, refused, nothing added.
    response = client.post(address, fields)
    assert response.status_code == 200 and b"field-invalid" in response.content
    with pytest.raises(strategy_services.StrategyRefused):
        strategy_services.record_review(
            practice=practice, actor_user=None, quarter=this_quarter, what_moved="a", what_will_change="b"
        )
    # A quarter ahead, or empty text, is refused.
    ahead = strategy_selectors.quarter_start(this_quarter + timedelta(days=100))
    with pytest.raises(strategy_services.StrategyRefused):
        strategy_services.record_review(
            practice=practice, actor_user=None, quarter=ahead, what_moved="a", what_will_change="b"
        )
    response = client.post(address, {"quarter": "2020-13-01", "what_moved": "", "what_will_change": ""})
    assert response.status_code == 200
    assert StrategyReview.objects.count() == 1


def test_quarters_start_on_their_first_day():
    assert strategy_selectors.quarter_start(date(2026, 12, 6)) == date(2026, 10, 1)
    assert strategy_selectors.quarter_start(date(2026, 1, 1)) == date(2026, 1, 1)
    assert strategy_selectors.quarter_start(date(2026, 6, 30)) == date(2026, 4, 1)
