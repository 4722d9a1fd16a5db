"""The inbox pages in a real browser: axe-core finds no WCAG 2 AA violation, wide and at 360 pixels,
and the reply form works with the keyboard only."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from messaging.models import Message, MessageKind
from practices.models import Role
from tests.factories import PASSWORD, make_messaging_settings, receive_text

from .axe import assert_no_axe_violations
from .pages import DESKTOP, PHONE, assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inbox_pages_are_accessible_and_the_reply_works_by_keyboard(desktop, site, make_staff):
    page = desktop
    make_messaging_settings(site.practice)
    site.patient.sms_consent = True
    site.patient.save()
    conversation = receive_text("Is there parking near the office? Thank you!").conversation
    receive_text("hello, who is this?", from_number="+17375550123")
    front_desk = make_staff(site.practice, Role.FRONT_DESK)

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(front_desk.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()

    slug = site.practice.slug
    for url, name in [
        (reverse("messaging:inbox", args=[slug]), "inbox"),
        (reverse("messaging:running_late", args=[slug]), "running late"),
        (reverse("messaging:recall_list", args=[slug]), "recall"),
        (reverse("messaging:reactivation", args=[slug]), "reactivation"),
        # The history as a page of its own: on the patient page it loads beside the appointments
        # section, and two requests at once share the live server's one in-memory SQLite connection.
        (reverse("messaging:patient_history", args=[slug, site.patient.pk]), "message history"),
        (reverse("messaging:inbox_conversation", args=[slug, conversation.pk]), "conversation"),
    ]:
        page.set_viewport_size(DESKTOP)
        page.goto(url)
        if name == "message history":
            expect(page.locator("#patient-messages")).to_contain_text("Reply from the patient")
        assert_no_axe_violations(page, name)
        page.set_viewport_size(PHONE)
        assert_no_axe_violations(page, f"{name} [360px]")
        assert_fits_phone(page)

    # On the conversation page: Tab to the reply box, type, Tab to the button, Enter.
    page.locator("#id_body").focus()
    page.keyboard.type("Yes, there is free parking behind the building.")
    page.keyboard.press("Tab")
    expect(page.locator("button", has_text="Send reply")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".thread")).to_contain_text("free parking behind the building")
    assert Message.objects.filter(kind=MessageKind.CONVERSATION).count() == 1
