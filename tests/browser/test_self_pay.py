"""A patient who pays for themselves is not asked for an insurance card on the check-in page: with "I pay
for myself" ticked (as their record says) the insurance company, member ID and card photos are hidden by
the stylesheet alone (no script), and come back when the box is unticked. 360 px, axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from frontdesk import checkin_links
from patients.models import Coverage
from scheduling.models import VisitType
from tests.factories import make_appointment

from .axe import assert_no_axe_violations
from .pages import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_self_paying_patient_sees_no_card_fields_until_they_untick_self_pay(phone, site):
    site.patient.coverage = Coverage.SELF_PAY
    site.patient.save()
    visit_type = VisitType.objects.create(practice=site.practice, name="Skin check", slug="skin", duration_minutes=30)
    start = (timezone.now() + timedelta(hours=30)).replace(second=0, microsecond=0)
    appointment = make_appointment(site.patient, site.provider, site.location, visit_type, start=start)
    page = phone
    page.goto(checkin_links.visit_path(appointment))
    expect(page.locator("main")).not_to_contain_text("insurance card")
    page.get_by_role("link", name="Check in online").click()
    # The date of birth comes before anything personal (issue 11, item 8).
    born = site.patient.date_of_birth
    page.get_by_label("Month").select_option(str(born.month))
    page.get_by_label("Day").select_option(str(born.day))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Online check-in")
    expect(page.locator("#id_self_pay")).to_be_checked()
    expect(page.locator("#id_card_front")).to_be_hidden()
    expect(page.locator("#id_insurance_member_id")).to_be_hidden()
    assert_fits_phone(page)
    assert_no_axe_violations(page, "check-in, self-pay")
    page.locator("#id_self_pay").uncheck()
    expect(page.locator("#id_card_front")).to_be_visible()
    expect(page.locator("#id_insurance_member_id")).to_be_visible()
