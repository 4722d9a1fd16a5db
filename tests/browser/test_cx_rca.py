"""A root-cause analysis page in a real browser, in English and Spanish: a causal statement with the
rules it breaks beside it, the warning that every action is a weaker one; axe-clean at desktop width
and on a 360 px phone, and an action's owner marks it done by keyboard alone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from cx.models import CausalStatement, RcaAction, RcaStatus, RootCauseAnalysis, TimelineEntry
from practices.models import Role

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, sign_in_staff, t, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = (
    "The booking page showed no Saturday times, which increased the likelihood that working patients would "
    "call, which led to longer hold times."
)


def seed(site: Site, owner, front_desk) -> RootCauseAnalysis:
    practice = site.practice
    rca = RootCauseAnalysis.objects.create(
        practice=practice,
        title="Hold time on the phone",
        touchpoint="phone-booking",
        theme="hold time",
        led_by=owner,
        status=RcaStatus.OPEN,
    )
    TimelineEntry.objects.create(
        practice=practice, rca=rca, happened_at=timezone.now() - timedelta(days=3), what="Saturday times removed"
    )
    CausalStatement.objects.create(practice=practice, rca=rca, statement=GOOD, category="technology")
    CausalStatement.objects.create(
        practice=practice, rca=rca, statement="The receptionist poorly handled the calls.", category="people"
    )
    for description, kind, who in (
        ("Train the front desk on the phone system", "training", front_desk),
        ("Send a memo about the call-back policy", "policy", owner),
    ):
        RcaAction.objects.create(
            practice=practice,
            rca=rca,
            description=description,
            hierarchy_kind=kind,
            strength="weaker",
            owner=who,
            due_on=timezone.localdate() + timedelta(days=14),
            measure="Median hold time under 2 minutes",
        )
    return rca


def open_rca(page: Page, base_url: str, site: Site, user, rca: RootCauseAnalysis, lang: str) -> None:
    sign_in_staff(page, user, base_url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
    page.goto(f"/staff/{site.slug}/experience/rca/{rca.pk}/")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_rca_page_shows_the_failures_and_the_warning(desktop, live_server, site, make_staff, lang):
    page = desktop
    owner = make_staff(site.practice, Role.OWNER)
    rca = seed(site, owner, make_staff(site.practice, Role.FRONT_DESK))
    open_rca(page, live_server.url, site, owner, rca, lang)

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text("Hold time on the phone")
    expect(page.locator(".rca-weak-warning h2")).to_have_text(t(lang, "Every action is a weaker one"))
    failing = page.locator(".rca-cause-failing")
    expect(failing).to_have_count(1)
    expect(failing.locator(".rca-failures")).to_contain_text(
        t(lang, "“%(words)s” judges what happened instead of describing it.") % {"words": "poorly"}
    )
    expect(page.locator(".rca-passes")).to_have_text(t(lang, "Passes the five rules."))
    expect(page.locator(".rca-blockers")).to_be_visible()
    assert_no_axe_violations(page, f"rca page [{lang}]")

    # The forms opened (rewrite a statement, add an action with its grouped kinds) pass too.
    page.locator(".rca-rewrite summary").first.click()
    assert_no_axe_violations(page, f"rca page, forms open [{lang}]")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"rca page [{lang}, 360px]")
    assert_fits_phone(page)


def test_the_owner_of_an_action_marks_it_done_by_keyboard(desktop, live_server, site, make_staff):
    page = desktop
    owner = make_staff(site.practice, Role.OWNER)
    front_desk = make_staff(site.practice, Role.FRONT_DESK)
    rca = seed(site, owner, front_desk)
    open_rca(page, live_server.url, site, front_desk, rca, "en")
    # Only their own action offers the button; no editing forms for the front desk.
    buttons = page.locator(".rca-action form button")
    expect(buttons).to_have_count(1)
    expect(page.locator(".rca-add")).to_have_count(0)
    page.locator("h1").focus()
    tab_to(page, ".rca-action form button", limit=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".rca-action-done")).to_have_count(1)
    action = RcaAction.objects.get(owner=front_desk)
    assert action.done_on is not None


def test_the_list_and_the_new_form_pass_axe(desktop, live_server, site, make_staff):
    page = desktop
    owner = make_staff(site.practice, Role.OWNER)
    rca = seed(site, owner, make_staff(site.practice, Role.FRONT_DESK))
    open_rca(page, live_server.url, site, owner, rca, "es")
    page.goto(f"/staff/{site.slug}/experience/rca/")
    expect(page.locator("table.rca-table")).to_contain_text("Hold time on the phone")
    assert_no_axe_violations(page, "rca list [es]")
    page.goto(f"/staff/{site.slug}/experience/rca/new/?touchpoint=phone-booking&theme=hold+time")
    expect(page.locator("#id_theme")).to_have_value("hold time")
    page.locator("#id_title").fill("")
    with page.expect_navigation():
        page.locator("main form.rca-form button[type=submit]").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    assert_no_axe_violations(page, "rca form with errors [es]")
