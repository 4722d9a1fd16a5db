"""An empathy map in a real browser, in English and Spanish: what the team expected beside what patients
said, the mark where they disagree (in words), the too-few sentence, redacted quotes, the ideas' 2×2
and RICE table; axe-clean, no CSP errors, fits a phone. The groups page and the map form too."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

import journey
from cx.models import EmpathyMap, Idea, PatientGroup
from feedback.models import CommentAnalysis, Question
from practices.models import Role
from tests.factories import make_response, make_survey

from .axe import assert_no_axe_violations
from .pages import PHONE, Site, assert_fits_phone, sign_in_staff, t

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(site: Site) -> EmpathyMap:
    """Online booking: the team expects "easy"; 40 patients found it hard (negative comments, low top
    box). The Spanish-speaking group's map has too few answers to say anything."""
    practice = site.practice
    version = make_survey(practice)
    Question.objects.filter(version=version, code="ease_booking").update(touchpoint="self-scheduling")
    now = timezone.now() - timedelta(days=1)
    for i in range(40):
        response = make_response(
            version,
            site.patient,
            {
                "ease_booking": 2 if i % 4 else 5,
                "comment": f"Could not find a Saturday time, call me on (512) 555-01{i:02d} ({i})",
            },
            completed_at=now - timedelta(hours=i),
            touchpoint="self-scheduling",
        )
        CommentAnalysis.objects.create(
            practice=practice,
            answer=response.answers.get(question__code="comment"),
            sentiment="negative" if i % 4 else "positive",
            score=-0.6 if i % 4 else 0.6,
            touchpoints=[{"name": "booking and access", "sentiment": "negative" if i % 4 else "positive"}],
        )
        journey.record(practice=practice, patient=site.patient, touchpoint="self-scheduling", kind="appointment.booked")
    the_map = EmpathyMap.objects.create(
        practice=practice,
        touchpoint="self-scheduling",
        thinks="Booking online is easy",
        feels="Relieved",
        says="That was quick",
        does="Books in two minutes",
        expected_feeling="positive",
    )
    Idea.objects.create(
        practice=practice, empathy_map=the_map, text="Open Saturday mornings", impact=5, effort=4, effort_weeks=6
    )
    Idea.objects.create(practice=practice, empathy_map=the_map, text="Show the next Saturday first", impact=4, effort=1)
    spanish = PatientGroup.objects.create(practice=practice, name="Spanish-speaking", language="es")
    EmpathyMap.objects.create(practice=practice, touchpoint="self-scheduling", group=spanish)
    return the_map


def open_page(page: Page, base_url: str, user, path: str, lang: str) -> None:
    sign_in_staff(page, user, base_url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
    page.goto(path)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_map_shows_expected_beside_actual_with_the_gap_in_words(desktop, live_server, site, make_staff, lang):
    page = desktop
    the_map = seed(site)
    lead = make_staff(site.practice, Role.EXPERIENCE_LEAD)
    open_page(page, live_server.url, lead, f"/staff/{site.slug}/experience/maps/{the_map.pk}/", lang)

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_contain_text(
        t(lang, "Empathy map: %(name)s") % {"name": t(lang, "Online self-scheduling")}
    )
    overall = page.locator("section.overall")
    expect(overall.locator(".gap-disagrees")).to_contain_text(t(lang, "The team and the patients disagree."))
    expect(overall).to_contain_text(
        t(lang, "The team expected: %(expected)s. Patients: %(actual)s.")
        % {"expected": t(lang, "Positive"), "actual": t(lang, "Negative")}
    )
    expect(page.locator("#think-heading")).to_have_text(t(lang, "They think"))
    expect(page.locator(".items-table tbody tr")).to_have_count(1)
    expect(page.locator(".sentiment-table tbody tr")).to_have_count(4)
    quotes = page.locator(".quotes li")
    expect(quotes).to_have_count(5)
    assert "555-01" not in page.locator(".quotes").inner_text()  # phone numbers redacted
    expect(page.locator(".quotes")).to_contain_text("[phone]")
    # The 2×2 as a table, then the RICE ranking.
    grid = page.locator("table.idea-grid")
    expect(grid.locator(".quadrant-quick_win")).to_contain_text("Show the next Saturday first")
    expect(grid.locator(".quadrant-big_bet")).to_contain_text("Open Saturday mornings")
    expect(page.locator("table.idea-table tbody tr").first).to_contain_text("Show the next Saturday first")
    assert_no_axe_violations(page, f"empathy map [{lang}]")

    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"empathy map [{lang}, 360px]")
    assert_fits_phone(page)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_too_few_answers_are_said_in_words(desktop, live_server, site, make_staff, lang):
    page = desktop
    seed(site)
    spanish_map = EmpathyMap.objects.get(group__name="Spanish-speaking")
    clinician = make_staff(site.practice, Role.CLINICIAN)  # reads, does not edit
    open_page(page, live_server.url, clinician, f"/staff/{site.slug}/experience/maps/{spanish_map.pk}/", lang)
    expect(page.locator("section.overall .gap-too-few")).to_contain_text(t(lang, "Too few patients answered to say."))
    expect(page.locator("main")).not_to_contain_text(t(lang, "Add an idea"))
    assert_no_axe_violations(page, f"empathy map, too few [{lang}]")


def test_the_list_groups_and_forms_pass_axe(desktop, live_server, site, make_staff):
    page = desktop
    the_map = seed(site)
    owner = make_staff(site.practice, Role.OWNER)
    open_page(page, live_server.url, owner, f"/staff/{site.slug}/experience/maps/", "en")
    expect(page.locator("table.maps-table tbody tr")).to_have_count(2)
    assert_no_axe_violations(page, "map list")

    page.goto(f"/staff/{site.slug}/experience/patient-groups/")
    page.locator("#id_name").fill("Ages the wrong way")
    page.locator("#id_min_age").fill("70")
    page.locator("#id_max_age").fill("20")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".field-invalid")).to_contain_text("The oldest age must be at least the youngest age.")
    assert_no_axe_violations(page, "patient groups with an error")

    page.goto(f"/staff/{site.slug}/experience/maps/{the_map.pk}/edit/")
    assert_no_axe_violations(page, "map form")
    page.goto(f"/staff/{site.slug}/experience/ideas/{the_map.ideas.first().pk}/action/")
    assert_no_axe_violations(page, "idea to action form")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page)
