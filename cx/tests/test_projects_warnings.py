"""What else changed in the compared weeks: another project on the same touch point, a provider or team
member who started or left, and the December holidays in one window only."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cx.models import ImprovementProject
from cx.selectors import projects as project_selectors
from practices.models import Membership, Role
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_provider, make_staff

pytestmark = pytest.mark.django_db

LIVE = date(2025, 5, 5)
TODAY = date(2025, 6, 30)  # the 8-week after window runs to 29 June


def project(practice, *, touchpoints=("online-check-in",), went_live_on=LIVE, title="Check-in instructions"):
    return ImprovementProject.objects.create(
        practice=practice,
        title=title,
        change="Clearer instructions",
        touchpoints=list(touchpoints),
        went_live_on=went_live_on,
        window_weeks=8,
        primary_measure="no_show_rate",
    )


def kinds(practice, p, today=TODAY):
    return [w.kind for w in project_selectors.warnings(practice=practice, project=p, today=today)]


def at(practice, day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(practice.timezone)).astimezone(UTC)


def test_a_quiet_project_has_no_warnings(practice):
    assert kinds(practice, project(practice)) == []


def test_another_project_on_the_same_touch_point_inside_the_windows(practice, other_practice):
    p = project(practice)
    project(practice, touchpoints=("online-check-in", "intake"), went_live_on=LIVE + timedelta(days=14), title="Intake")
    project(practice, touchpoints=("recall",), went_live_on=LIVE + timedelta(days=7), title="Recall")  # elsewhere
    project(practice, went_live_on=LIVE + timedelta(weeks=20), title="Much later")  # outside the windows
    project(other_practice, went_live_on=LIVE, title="Other practice")
    found = project_selectors.warnings(practice=practice, project=p, today=TODAY)
    assert [w.kind for w in found] == ["project"]
    assert "“Intake”" in found[0].text
    assert found[0].text.startswith("Another change on the same touch point went live on May 19, 2025")


def test_a_provider_who_started_or_stopped_inside_the_windows(practice, patient, provider, location, visit_type):
    newcomer = make_provider(practice, locations=[location], first_name="Omar", last_name="Ruiz")
    leaver = make_provider(practice, locations=[location], first_name="Lena", last_name="Park")
    # The usual provider saw patients all along, from well before the windows.
    for week in range(-30, 8):
        make_appointment(patient, provider, location, visit_type, start=at(practice, LIVE + timedelta(weeks=week)))
    # Omar's first patient is two weeks after the change.
    for week in (2, 3, 5, 7):
        make_appointment(
            patient, newcomer, location, visit_type, start=at(practice, LIVE + timedelta(weeks=week), hour=11)
        )
    # Lena saw patients until three weeks before the change, then nobody (a cancelled visit does not count).
    for week in (-20, -10, -3):
        make_appointment(
            patient, leaver, location, visit_type, start=at(practice, LIVE + timedelta(weeks=week), hour=12)
        )
    make_appointment(
        patient,
        leaver,
        location,
        visit_type,
        start=at(practice, LIVE + timedelta(weeks=4), hour=12),
        status=AppointmentStatus.CANCELLED,
    )
    found = project_selectors.warnings(practice=practice, project=project(practice), today=TODAY)
    assert [w.kind for w in found] == ["provider_left", "provider_started"]
    assert found[0].text.startswith("Lena Park has seen no patients since April 14, 2025")
    assert found[1].text.startswith("Omar Ruiz started seeing patients on May 19, 2025")


def test_a_team_member_who_joined_inside_the_windows(practice):
    p = project(practice)
    make_staff(practice, Role.OWNER, full_name="Old Hand")
    Membership.objects.filter(user__full_name="Old Hand").update(created_at=at(practice, date(2024, 1, 8)))
    make_staff(practice, Role.FRONT_DESK, full_name="Maria Lopez")
    Membership.objects.filter(user__full_name="Maria Lopez").update(created_at=at(practice, LIVE - timedelta(days=9)))
    found = project_selectors.warnings(practice=practice, project=p, today=TODAY)
    assert [w.text for w in found] == [
        "Maria Lopez (Front desk) joined the team on April 26, 2025, inside the compared weeks."
    ]


def test_the_december_holidays_in_one_window_only(practice):
    p = project(practice, went_live_on=date(2025, 1, 6))
    found = project_selectors.warnings(practice=practice, project=p, today=date(2025, 6, 30))
    assert [w.kind for w in found] == ["season"]
    assert found[0].text.startswith("55 % of the before weeks and 0 % of the after weeks fall in December")
    assert kinds(practice, project(practice, went_live_on=date(2025, 4, 7), title="Spring")) == []


def test_a_project_ahead_has_nothing_to_warn_about_yet(practice):
    assert kinds(practice, project(practice, went_live_on=date(2026, 3, 2)), today=date(2025, 6, 30)) == []


def test_warnings_are_for_the_practices_own_projects_only(practice, other_practice):
    from django.http import Http404

    with pytest.raises(Http404):
        project_selectors.warnings(practice=other_practice, project=project(practice), today=TODAY)
