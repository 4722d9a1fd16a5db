"""The survey editor on a 360-px phone and at 1280 px: the page never scrolls sideways (the versions
table scrolls within its own region), and axe finds nothing."""

import pytest
from django.urls import reverse

from feedback.models import SurveyKind
from feedback.services import surveys
from practices.models import Role

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, assert_fits_phone, sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_survey_editor_fits_a_phone_and_a_desktop(phone, site, make_staff, live_server):
    owner = make_staff(site.practice, Role.OWNER)
    survey = surveys.survey_for(practice=site.practice, kind=SurveyKind.values[0])
    sign_in_staff(phone, owner, live_server.url)
    phone.goto(reverse("feedback:survey_edit", args=[site.slug, survey.pk]))
    assert phone.locator("#versions-title").is_visible()
    assert_fits_phone(phone)
    assert_no_axe_violations(phone, "survey editor [360px]")
    phone.set_viewport_size(DESKTOP)
    assert_no_axe_violations(phone, "survey editor")
    phone.set_viewport_size(PHONE)
