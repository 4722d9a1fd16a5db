"""A patient taps "I'm here" on their phone; the front desk's flow board, open in another browser,
shows them as arrived without anyone reloading it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk import checkin_links
from frontdesk.models import ChangeSource, FlowStatus, Visit
from practices.models import Role
from tests.factories import make_appointment, make_visit_type, move_to_zone, zone_with_room

from .axe import assert_no_axe_violations
from .pages import open_flow_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_check_in_shows_on_the_flow_board_without_a_reload(phone, desktop, site, make_staff, settings):
    settings.FLOW_POLL_SECONDS = 1
    now = timezone.now()
    move_to_zone(site.practice, site.location, zone_with_room(now, before=timedelta(hours=1), after=timedelta(hours=2)))
    appointment = make_appointment(
        site.patient,
        site.provider,
        site.location,
        make_visit_type(site.practice),
        start=(now + timedelta(minutes=20)).replace(second=0, microsecond=0),
    )

    open_flow_board(desktop, make_staff(site.practice, Role.FRONT_DESK), site.slug)
    row = desktop.locator(f"#appt-{appointment.pk}")
    expect(row.locator(".flow-status")).to_have_text("Scheduled")

    phone.goto(checkin_links.visit_path(appointment))
    with phone.expect_navigation():
        phone.get_by_role("button", name="I'm here").click()
    expect(phone.locator("#visit-live")).to_contain_text("You're checked in.")
    assert_no_axe_violations(phone, "visit page after I'm here")

    # The board was never reloaded: its poll brought the change.
    expect(row.locator(".flow-status")).to_have_text("Arrived", timeout=5000)
    expect(desktop.locator(f"#next-{appointment.pk}")).to_contain_text("Roomed")
    visit = Visit.objects.get(appointment=appointment)
    assert visit.status == FlowStatus.ARRIVED and visit.arrival_source == ChangeSource.PHONE
