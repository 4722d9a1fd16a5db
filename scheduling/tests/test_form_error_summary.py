"""Patient forms after a failed submit: an error summary the page moves focus to (``data-error-summary``,
``tabindex="-1"``, focused by static/js/error-summary.js, loaded on every patient page), and a date-of-birth
error that shows its example instead of pointing "below" at it."""

import re
from html import unescape

import pytest
from django.urls import reverse

from frontdesk.services.setup import flow_settings
from scheduling import manage_links
from tests.factories import TUESDAY_10

from .booking_steps import NEW_PATIENT, details_key, hold_post

SUMMARY = re.compile(r'<[^>]+ tabindex="-1" data-error-summary>')


def _summary_count(html: str) -> int:
    return len(SUMMARY.findall(html))


@pytest.mark.parametrize(
    ("language", "wording"),
    [
        ("en", "Enter your date of birth like this: 04/12/1985"),
        ("es", "Escriba su fecha de nacimiento así: 12/04/1985"),
    ],
)
def test_the_birthday_error_shows_its_example(client, practice, online, provider, location, language, wording):
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    key = details_key(client, practice)
    response = client.post(
        reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}),
        {**NEW_PATIENT, "date_of_birth": "31/31/1990", "idempotency_key": key},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = unescape(response.content.decode())
    assert wording in html
    assert "below" not in html.split('id="id_date_of_birth_error"')[1].split("</div>")[0]
    assert _summary_count(html) == 1
    assert 'src="/static/js/error-summary.js"' in html


def test_a_fresh_form_has_no_summary(client, practice, online, provider, location):
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    page = client.get(reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}))
    assert _summary_count(page.content.decode()) == 0


def test_every_patient_form_gets_a_summary_after_a_failed_submit(client, practice, appointment):
    slug = practice.slug
    failed = {
        "sign in": client.post(reverse("patients:sign_in", args=[slug]), {"email": "not-an-email"}),
        "cancel": client.post(
            reverse("scheduling:manage_cancel", args=[slug, manage_links.token_for(appointment)]), {"reason": "itch"}
        ),
        "arrival": client.post(
            reverse("frontdesk:arrive", args=[slug, flow_settings(practice).arrival_key]),
            {"month": "4", "day": "12", "year": "19x5", "last_name_start": "ri"},
        ),
    }
    for name, response in failed.items():
        assert response.status_code in (200, 400), name
        assert _summary_count(response.content.decode()) >= 1, name
