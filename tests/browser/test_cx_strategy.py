"""The strategy page in a real browser, in English and Spanish: goal → intended experience → touch
point → measure, each measure on or off track against the noise with its n, interval, target and
trend; axe-clean, no CSP errors, fits a 360 px phone, and works by keyboard."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from cx.models import Goal, GoalMeasure, IntendedExperience, StrategyReview
from practices.models import Role
from tests.factories import make_response, make_survey

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, is_focused, sign_in_staff, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(site: Site) -> tuple[GoalMeasure, GoalMeasure]:
    """Sixteen weeks of access answers at 40 % top box (60 in the last four weeks); one goal aims at 80 %
    (off track), one at 30 % (met)."""
    practice = site.practice
    zone = ZoneInfo(practice.timezone)
    today = practice.local_date(timezone.now())
    version = make_survey(practice)
    for i in range(180):
        day = today - timedelta(days=i % 28 if i < 60 else 28 + i % 84)
        at = datetime.combine(day, time(11), tzinfo=zone).astimezone(UTC)
        make_response(version, site.patient, {"cg_access": 4 if i % 5 < 2 else 2, "recommend": 9}, completed_at=at)
    made = []
    for title, sentence, target in (
        ("Be the easiest practice in town to reach", "A patient gets through on the first call, any weekday.", 80.0),
        ("Keep access fair", "A new patient gets a visit within two weeks.", 30.0),
    ):
        goal = Goal.objects.create(practice=practice, title=title)
        experience = IntendedExperience.objects.create(
            practice=practice, goal=goal, touchpoint="self-scheduling", sentence=sentence
        )
        made.append(
            GoalMeasure.objects.create(
                practice=practice,
                goal=goal,
                experience=experience,
                measure="top_box:cg_access",
                target=target,
                target_on=today + timedelta(days=120),
            )
        )
    StrategyReview.objects.create(
        practice=practice,
        quarter_start=today.replace(day=1, month=3 * ((today.month - 1) // 3) + 1),
        what_moved="Phone access stayed flat.",
        what_will_change="A second line in the mornings.",
    )
    return made[0], made[1]


def open_strategy(page: Page, base_url: str, site: Site, user, lang: str) -> None:
    sign_in_staff(page, user, base_url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
    page.goto(f"/staff/{site.slug}/experience/strategy/")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_strategy_page_judges_each_measure_against_the_noise(desktop, live_server, site, make_staff, lang):
    page = desktop
    off, met = seed(site)
    open_strategy(page, live_server.url, site, make_staff(site.practice, Role.FRONT_DESK), lang)

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(t(lang, "Strategy"))
    expect(page.locator("main")).to_contain_text("A patient gets through on the first call, any weekday.")
    expect(page.locator(f"#gm{off.pk}-state")).to_contain_text(t(lang, "Off track"))
    expect(page.locator(f"#gm{met.pk}-state")).to_contain_text(t(lang, "On track"))
    expect(page.locator(f"#gm{off.pk}-current")).to_contain_text("n = 60")
    expect(page.locator("main")).to_contain_text("Phone access stayed flat.")
    # The trend is drawn without script, and its numbers are in a table behind a disclosure.
    expect(page.locator(f"#gm{off.pk}-label ~ dl svg.spark")).to_have_count(1)
    assert_no_axe_violations(page, f"strategy page [{lang}]")

    page.locator(f"#gm{off.pk}-label ~ details summary").click()
    expect(page.locator(f"#gm{off.pk}-weeks-caption")).to_be_visible()
    assert page.locator(f"#gm{off.pk}-label ~ details tbody tr").count() == 16
    assert_no_axe_violations(page, f"strategy page, weeks open [{lang}]")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"strategy page [{lang}, 360px]")
    assert_fits_phone(page)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_strategy_page_by_keyboard(desktop, live_server, site, make_staff, lang):
    page = desktop
    off, _met = seed(site)
    open_strategy(page, live_server.url, site, make_staff(site.practice, Role.OWNER), lang)

    # The week-by-week table opens from the keyboard.
    summary = f"#gm{off.pk}-label ~ details summary"
    tab_to(page, summary, limit=60)
    page.keyboard.press("Enter")
    expect(page.locator(f"#gm{off.pk}-weeks-caption")).to_be_visible()
    assert is_focused(page, summary)

    # The owner reaches "New goal" and writes one without a mouse.
    page.goto(f"/staff/{site.slug}/experience/strategy/")
    tab_to(page, "main a.button[href$='/strategy/goals/new/']", limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_title", limit=40)
    page.keyboard.type("Grow new patients 10 % this year")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Grow new patients 10 % this year")
    assert_no_axe_violations(page, f"goal page [{lang}]")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page)


def test_the_forms_and_the_catalogue_pass_axe(desktop, live_server, site, make_staff):
    page = desktop
    off, _met = seed(site)
    open_strategy(page, live_server.url, site, make_staff(site.practice, Role.EXPERIENCE_LEAD), "en")
    page.goto(f"/staff/{site.slug}/experience/strategy/measures/")
    expect(page.locator("main")).to_contain_text("Where the data comes from")
    assert_no_axe_violations(page, "measure catalogue")
    page.goto(f"/staff/{site.slug}/experience/strategy/goals/{off.goal_id}/measures/add/")
    page.locator("#id_target").fill("150")
    page.locator("#id_measure").select_option("top_box:cg_access")
    with page.expect_navigation():
        page.locator("main form.strategy-form button[type=submit]").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("between 0 and 100")
    assert_no_axe_violations(page, "measure form with errors")
    page.goto(f"/staff/{site.slug}/experience/strategy/reviews/new/")
    assert_no_axe_violations(page, "review form")
