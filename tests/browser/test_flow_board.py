"""The flow board in a real browser: a patient moved Arrived → Roomed with the keyboard alone, axe finds
nothing, and a second member of staff sees the change without reloading."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk.models import FlowStatus, Visit
from frontdesk.services.flow import change_status
from practices.models import Role
from tests.factories import make_appointment, make_visit_type

from .axe import assert_no_axe_violations
from .pages import DESKTOP, focused, is_focused, open_flow_board, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_moves_a_patient_by_keyboard_and_shows_everyone(
    desktop, new_context, console_watch, site, make_staff, settings
):
    settings.FLOW_POLL_SECONDS = 1
    appt = make_appointment(
        site.patient, site.provider, site.location, make_visit_type(site.practice), start=timezone.now()
    )
    change_status(appointment=appt, to_status=FlowStatus.ARRIVED)
    front_desk = make_staff(site.practice, Role.FRONT_DESK)
    clinician = make_staff(site.practice, Role.CLINICIAN)

    watcher = new_context(viewport=DESKTOP).new_page()
    console_watch.attach(watcher)
    open_flow_board(watcher, clinician, site.slug)
    watcher_row = watcher.locator(f"#appt-{appt.pk}")
    expect(watcher_row).to_contain_text("Arrived")

    page = desktop
    open_flow_board(page, front_desk, site.slug)
    row = page.locator(f"#appt-{appt.pk}")
    expect(row).to_contain_text(site.patient.last_name)
    assert_no_axe_violations(page, "flow board")

    tab_to(page, f"#next-{appt.pk}", limit=60)
    expect(page.locator(f"#next-{appt.pk}")).to_contain_text("Roomed")
    page.keyboard.press("Enter")
    expect(row.locator(".flow-status")).to_have_text("Roomed")
    assert Visit.objects.get(appointment=appt).status == FlowStatus.ROOMED
    # Focus stays on the row's next step, so the next key press moves the patient on again.
    expect(page.locator(f"#next-{appt.pk}")).to_contain_text("With provider")
    assert is_focused(page, f"#next-{appt.pk}"), focused(page)
    expect(page.locator("#board-announce")).to_contain_text("Roomed")
    assert_no_axe_violations(page, "flow board after a change")

    # The other member of staff sees it without reloading (the board polls every second here).
    expect(watcher_row.locator(".flow-status")).to_have_text("Roomed", timeout=5000)
    expect(watcher.locator(f"#next-{appt.pk}")).to_contain_text("With provider")
