"""The flow board on a 360-pixel phone: the page never scrolls sideways, each patient is a card whose
next-status button is on screen, at least 44 px tall and works by keyboard, the provider groups and the
over-the-threshold waits read in words as well as colour, and axe finds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.models import FlowStatus, Visit
from frontdesk.services.flow import change_status
from messaging.services.running_late import mark_running_late
from practices.models import Provider, Role
from tests.factories import make_appointment, make_visit_type, move_to_zone, zone_with_room

from .axe import assert_no_axe_violations
from .pages import PHONE, assert_fits_phone, assert_tap_target, focused, is_focused, open_flow_board, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_the_day(site, make_patient):
    """Two providers: one running late with a patient waiting past the threshold and one still to come;
    the other with a patient in the room. Long names, as in life."""
    now = timezone.now()
    move_to_zone(site.practice, site.location, zone_with_room(now, before=timedelta(hours=2), after=timedelta(hours=2)))
    kind = make_visit_type(site.practice, name="Mohs surgery follow-up and wound check")
    other = Provider.objects.create(
        practice=site.practice, first_name="Maximiliano", last_name="Echeverría-Santamaría", credentials="MD, FAAD"
    )
    other.locations.add(site.location)
    at = (now - timedelta(minutes=40)).replace(second=0, microsecond=0)
    waiting = make_appointment(site.patient, site.provider, site.location, kind, start=at)
    change_status(appointment=waiting, to_status=FlowStatus.ARRIVED, now=now - timedelta(minutes=35))
    later = make_appointment(
        make_patient(site.practice, first_name="Bartholomew", last_name="Vanderbilt-Oyelaran"),
        site.provider,
        site.location,
        kind,
        start=at + timedelta(minutes=90),
    )
    roomed = make_appointment(
        make_patient(site.practice, first_name="Marisol", last_name="Fuentes"), other, site.location, kind, start=at
    )
    change_status(appointment=roomed, to_status=FlowStatus.ARRIVED, now=now - timedelta(minutes=20))
    change_status(appointment=roomed, to_status=FlowStatus.ROOMED, now=now - timedelta(minutes=5))
    mark_running_late(practice=site.practice, provider=site.provider, minutes=20)
    return waiting, later, roomed


def test_the_board_works_on_a_phone_by_keyboard(phone, site, make_staff, make_patient):
    page = phone
    waiting, later, roomed = fill_the_day(site, make_patient)
    open_flow_board(page, make_staff(site.practice, Role.FRONT_DESK), site.slug)
    expect(page.locator(f"#appt-{waiting.pk}")).to_contain_text(site.patient.last_name)

    # Nothing sticks out sideways, the whole page included.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_fits_phone(page)

    # Provider groups keep their names; the wait past the threshold and the delay are written out.
    expect(page.locator(".board-provider h2")).to_have_count(2)
    expect(page.locator(".board-provider h2").first).to_contain_text("Cole")
    waiting_row = page.locator(f"#appt-{waiting.pk}")
    expect(waiting_row.locator(".over-text")).to_contain_text("over 15")
    expect(waiting_row.locator(".over-text")).to_be_visible()
    expect(waiting_row.locator(".flow-status")).to_have_text("Arrived")
    expect(waiting_row.locator(".flow-status")).to_be_visible()
    expect(page.locator(".badge-late")).to_contain_text("Running 20 min late")
    # Each value still says what it is on the card (the column headings are not shown on a phone).
    expect(waiting_row.locator(".cell-label").first).to_be_visible()

    # Every next-status button, "More" menu and form button is on screen and big enough to tap.
    assert_tap_target(page, ".flow-actions button[id^='next-']")
    assert_tap_target(page, ".more-steps summary")
    assert_tap_target(page, ".late-form button")

    # Keyboard: focus the next step of the waiting patient and press Enter.
    button = page.locator(f"#next-{waiting.pk}")
    expect(button).to_contain_text("Roomed")
    tab_to(page, f"#next-{waiting.pk}", limit=80)  # every stop on the way shows its focus ring, on screen
    expect(button).to_be_in_viewport(ratio=1)  # fully on screen: nothing to scroll sideways
    page.keyboard.press("Enter")
    expect(waiting_row.locator(".flow-status")).to_have_text("Roomed")
    assert Visit.objects.get(appointment=waiting).status == FlowStatus.ROOMED
    expect(page.locator(f"#next-{waiting.pk}")).to_contain_text("With provider")
    assert is_focused(page, f"#next-{waiting.pk}"), focused(page)
    expect(page.locator("#board-announce")).to_contain_text("Roomed")

    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page, "flow board [360px]")
    # A "More" menu opened on the phone still fits.
    page.locator(f"#more-{later.pk} summary").click()
    expect(page.locator(f"#more-{later.pk} .more-steps-list button").first).to_be_visible()
    assert_fits_phone(page)
    assert_no_axe_violations(page, "flow board with a menu open [360px]")
