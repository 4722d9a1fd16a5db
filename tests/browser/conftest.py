"""Fixtures for the browser tests only: Django's live server driven by Debian's Chromium.

The root conftest.py picks the Chromium binary and its flags; this file adds the test data (a practice
with long names, a skin check offered every day), phone and desktop pages, and a watch on the browser
console (CSP violations, script errors).
"""

import os
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response

from patients.models import Patient
from practices.models import Location, OpeningHours, Practice, Provider, Weekday
from scheduling.models import AvailabilityTemplate, VisitType
from tests.factories import make_visit_type

from .pages import DESKTOP, PHONE, Site


@pytest.fixture(scope="session")
def playwright(playwright):
    """Playwright's sync API keeps an asyncio loop running in the main thread from the moment it
    starts until the session ends, so Django's async-safety check refuses every ORM call made
    by the test code (and by pytest-django's flush). The check is off exactly as long as that
    loop runs; it is no protection here, because nothing in these tests is async."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    # Relative URLs in page.goto() go to the live server; the browser asks for English by default.
    return {**browser_context_args, "base_url": live_server.url, "locale": "en-US"}


@pytest.fixture
def site(transactional_db: None, make_practice: Callable[..., Practice], make_patient: Callable[..., Patient]) -> Site:
    """A practice with realistic, deliberately long content: phones are where it breaks first."""
    practice = make_practice(
        name="ClearSkin Dermatology & Mohs Surgery Center",
        slug="clearskin",
        phone="(512) 555-0100",
        about="Board-certified dermatologists caring for Central Texas families since 2009.",
        services="Skin cancer screening\nMohs micrographic surgery\nAcne and rosacea care\nPediatric dermatology",
    )
    location = Location.objects.create(
        practice=practice,
        name="Downtown Austin",
        address_line1="410 Congress Avenue",
        address_line2="Suite 1200",
        city="Austin",
        region="TX",
        postal_code="78701",
        phone="(512) 555-0140",
        timezone="America/Chicago",
    )
    for weekday in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY):
        OpeningHours.objects.create(
            practice=practice, location=location, weekday=weekday, opens=time(8), closes=time(17)
        )
    provider = Provider.objects.create(
        practice=practice,
        first_name="Hannah",
        last_name="Cole",
        credentials="MD, FAAD",
        bio="Dr. Cole specializes in skin cancer surgery and sees adults and children.",
        languages="English, Spanish",
    )
    provider.locations.add(location)
    patient = make_patient(
        practice,
        first_name="Anabelle",
        last_name="Rivera-Gutiérrez",
        email="anabelle.rivera-gutierrez.family@example.com",
        phone="(512) 555-0199",
        email_consent=True,
    )
    return Site(practice=practice, location=location, provider=provider, patient=patient)


@pytest.fixture
def skin_check(site) -> VisitType:
    """A skin check offered every day, 07:00-20:00 in the practice's time zone, from yesterday on."""
    visit_type = make_visit_type(
        site.practice,
        name="Full-body skin check",
        slug="skin-check",
        instructions_for_patient="Please come without nail polish or makeup.",
        offered_by=[site.provider],
        offered_at=[site.location],
    )
    for weekday in range(7):
        AvailabilityTemplate.objects.create(
            practice=site.practice,
            provider=site.provider,
            location=site.location,
            weekday=weekday,
            starts_at=time(7),
            ends_at=time(20),
            effective_from=date.today() - timedelta(days=2),
        )
    return visit_type


class ConsoleWatch:
    """Collects what the browser complains about: CSP violations, script errors, and stylesheets,
    scripts or images that did not load."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._on_console)
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_request_failed(self, request: Request) -> None:
        # A load the browser dropped because the test navigated on (the favicon, typically) is
        # not a fault of the page.
        if request.failure != "net::ERR_ABORTED" or request.resource_type == "document":
            self.problems.append(f"failed: {request.url} {request.failure}")

    def _on_console(self, message: ConsoleMessage) -> None:
        # Each failed load is also logged to the console; _on_response judges those.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _on_response(self, response: Response) -> None:
        # Pages themselves may be 404 or 410 on purpose (the tests check those statuses).
        expected = response.request.resource_type == "document"
        if response.status >= 400 and not expected:
            self.problems.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def console_watch() -> Iterator[ConsoleWatch]:
    watch = ConsoleWatch()
    yield watch
    assert not watch.problems, "The browser reported problems:\n" + "\n".join(watch.problems)


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext], console_watch: ConsoleWatch) -> Page:
    """A 360-pixel-wide phone: touch, mobile viewport rules (the page's meta viewport applies)."""
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    console_watch.attach(page)
    return page


@pytest.fixture
def desktop(new_context: Callable[..., BrowserContext], console_watch: ConsoleWatch) -> Page:
    context = new_context(viewport=DESKTOP)
    page = context.new_page()
    console_watch.attach(page)
    return page
