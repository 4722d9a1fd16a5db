"""A committee meeting's page in a real browser, in English and Spanish: the agenda prepared from the
practice's rows (a failed experience, a recurring theme, an open root-cause analysis, a project due
for a verdict, a proposed change), the minutes and a decision linked to what it was about; axe-clean,
fits a 360-pixel phone, and the minutes are recorded by keyboard alone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from cx.models import CommitteeMeeting, Decision, ImprovementProject, ProposedChange, RcaStatus
from cx.services import governance as services
from practices.models import Role
from tests.factories import make_survey
from tests.governance_data import analysis, closed_case, comment, today

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, sign_in_staff, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(site: Site, owner) -> CommitteeMeeting:
    practice = site.practice
    day = today(practice)
    version = make_survey(practice)
    case = closed_case(version, site.patient, closed_on=day - timedelta(days=2), outcome="not_resolved")
    for ago in (1, 3, 6):
        comment(version, site.patient, day=day - timedelta(days=ago))
    analysis(practice, title="Long holds on the phone at opening time", status=RcaStatus.ACTIONS)
    ImprovementProject.objects.create(
        practice=practice,
        title="Call-back instead of hold music",
        change="Offer a call-back after two minutes on hold",
        touchpoints=["phone-booking"],
        went_live_on=day - timedelta(weeks=10),
        window_weeks=4,
        primary_measure="nps",
    )
    ProposedChange.objects.create(practice=practice, title="Close the phone lines at lunchtime")
    services.add_member(practice=practice, actor_user=owner, user=owner, name="", role="chair")
    services.add_member(practice=practice, actor_user=owner, user=None, name="Rosa Delgado-Hernández", role="adviser")
    meeting = services.prepare_meeting(practice=practice, actor_user=owner, held_on=day)
    Decision.objects.create(
        practice=practice,
        meeting=meeting,
        text="Call the patient back this week and review the hold-time script.",
        subject_kind="case",
        subject_id=case.pk,
        subject_label=f"recovery case {case.pk}",
    )
    return meeting


def open_meeting(page: Page, base_url: str, site: Site, user, meeting: CommitteeMeeting, lang: str) -> None:
    sign_in_staff(page, user, base_url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
    page.goto(f"/staff/{site.slug}/experience/governance/meetings/{meeting.pk}/")


@pytest.mark.parametrize(
    ("lang", "failed", "themes", "recurring", "decision_kind"),
    [
        ("en", "Failed experiences", "Recurring themes", "Negative 3 times", "Failed experience"),
        ("es", "Experiencias fallidas", "Temas recurrentes", "Negativo 3 veces", "Experiencia fallida"),
    ],
)
def test_the_agenda_and_minutes_pass_axe_in_both_languages_and_on_a_phone(
    desktop, live_server, site, make_staff, lang, failed, themes, recurring, decision_kind
):
    page = desktop
    owner = make_staff(site.practice, Role.OWNER)
    meeting = seed(site, owner)
    open_meeting(page, live_server.url, site, owner, meeting, lang)

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#agenda-failed h3")).to_contain_text(failed)
    expect(page.locator("#agenda-failed .agenda-items > li")).to_have_count(1)
    expect(page.locator("#agenda-themes h3")).to_contain_text(themes)
    expect(page.locator("#agenda-themes")).to_contain_text(recurring)
    expect(page.locator("#agenda-rcas")).to_contain_text("Long holds on the phone at opening time")
    expect(page.locator("#agenda-projects a")).to_have_text("Call-back instead of hold music")
    expect(page.locator("#agenda-proposals a")).to_have_text("Close the phone lines at lunchtime")
    expect(page.locator(".decision-list")).to_contain_text(decision_kind)
    case_pk = Decision.objects.get(meeting=meeting).subject_id
    expect(page.locator(".decision-list a")).to_have_attribute(
        "href", reverse("feedback:recovery_case", args=[site.slug, case_pk])
    )
    assert_no_axe_violations(page, f"meeting page [{lang}]")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"meeting page [{lang}, 360px]")
    assert_fits_phone(page)


def test_the_minutes_are_recorded_by_keyboard(desktop, live_server, site, make_staff):
    page = desktop
    owner = make_staff(site.practice, Role.OWNER)
    meeting = seed(site, owner)
    open_meeting(page, live_server.url, site, owner, meeting, "en")

    page.locator("h1").click()  # start tabbing from the page's heading
    tab_to(page, "#agenda-failed a", limit=40)
    tab_to(page, "#id_minutes", limit=80)
    page.keyboard.type("Agreed a call-back pilot.")
    adviser_box = page.locator(".minutes-form label", has_text="Rosa Delgado").get_attribute("for")
    tab_to(page, f"#{adviser_box}", limit=10)
    page.keyboard.press("Space")
    tab_to(page, "#id_held", limit=10)
    page.keyboard.press("Space")
    tab_to(page, ".minutes-form button[type=submit]", limit=10)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".minutes")).to_contain_text("Agreed a call-back pilot.")
    expect(page.locator(".attendees")).to_contain_text("Rosa Delgado-Hernández")
    meeting.refresh_from_db()
    assert meeting.held
    assert_no_axe_violations(page, "meeting page after the minutes")
