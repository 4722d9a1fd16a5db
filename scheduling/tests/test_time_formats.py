"""One way to write a time per language, everywhere a patient reads one (config/formats/<language>/formats.py):
English "9:30 AM" (TIME_FORMAT "g:i A"), Spanish "17:15" (TIME_FORMAT "H:i").

The main patient-facing outputs are rendered in both languages (the booking times page, the confirmation email,
the reminder text, the manage page) and every time in them must have the language's one shape; no "10 a.m.",
"noon", "08:15" in English nor "5:15 PM" in Spanish.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format

from messaging.models import Channel, Message, MessageKind
from messaging.services import reminders
from scheduling import manage_links
from scheduling.models import BookedVia, DayPart
from scheduling.services import booking as booking_services
from tests.factories import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    """A Spanish request leaves Spanish active in the thread; the next test starts in English."""
    yield
    translation.activate("en")


# Thursday 10 January 2030, 2:30 PM in Chicago: an afternoon time shows the difference between the languages.
THURSDAY_1430 = datetime(2030, 1, 10, 20, 30, tzinfo=UTC)

ONE_FORMAT = {
    "en": re.compile(r"(?:1[0-2]|[1-9]):[0-5]\d (?:AM|PM)"),
    "es": re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d"),
}
# Anything that looks like a time of day, in any of the ways times were written.
ANY_TIME = re.compile(
    r"(?<![\w.:])\d{1,2}:\d{2}(?!\d|\.\d)(?::\d{2})?(?:\s?(?:AM|PM|am|pm|a\.\s?m\.|p\.\s?m\.))?"
    r"|\b\d{1,2}\s?(?:AM|PM|am|pm|a\.\s?m\.|p\.\s?m\.)(?!\w)"
    r"|\b(?:noon|midnight|mediod[ií]a|medianoche)\b",
    re.IGNORECASE,
)


def times_in(text: str) -> list[str]:
    return [m.group(0) for m in ANY_TIME.finditer(text)]


def readable(html: str) -> str:
    """The page's text and its aria-labels, without tags and attributes (slot values, ISO datetimes)."""
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + labels


def assert_one_format(text: str, language: str, *, expect: list[str]) -> None:
    found = times_in(text)
    assert found, "no time found"
    wrong = [t for t in found if not ONE_FORMAT[language].fullmatch(t)]
    assert not wrong, f"{language}: times not written the one {language} way: {wrong}"
    for time_text in expect:
        assert time_text in found, (time_text, found)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def in_language(client, language):
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    "language, expect", [("en", ["9:00 AM", "12:00 PM", "4:30 PM"]), ("es", ["09:00", "12:00", "16:30"])]
)
def test_the_booking_times_page_writes_times_one_way(
    client, practice, visit_type, provider, location, frozen, language, expect
):
    url = reverse("scheduling:book", kwargs={"practice_slug": practice.slug})
    query = f"?kind=new&vt={visit_type.pk}&loc={location.pk}&prov=any&day=2030-01-08"
    page = in_language(client, language).get(url + query)
    assert page.status_code == 200
    assert_one_format(readable(page.content.decode()), language, expect=expect)


@pytest.mark.parametrize("language, expect", [("en", ["2:30 PM"]), ("es", ["14:30"])])
def test_the_manage_page_writes_times_one_way(
    client, practice, patient, provider, location, visit_type, frozen, language, expect
):
    appointment = booking_services.book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=THURSDAY_1430,
        booked_via=BookedVia.ONLINE,
        now=NOW,
    )
    url = reverse(
        "scheduling:manage",
        kwargs={"practice_slug": practice.slug, "token": manage_links.token_for(appointment)},
    )
    page = in_language(client, language).get(url)
    assert page.status_code == 200
    assert_one_format(readable(page.content.decode()), language, expect=expect)


@pytest.mark.parametrize("language, expect", [("en", ["2:30 PM"]), ("es", ["14:30"])])
def test_the_confirmation_email_writes_times_one_way(
    practice, patient, provider, location, visit_type, mailoutbox, django_capture_on_commit_callbacks, language, expect
):
    patient.preferred_language = language
    patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.book_appointment(
            practice=practice,
            patient=patient,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=THURSDAY_1430,
            booked_via=BookedVia.ONLINE,
            notify=True,
            now=NOW,
        )
    [email] = mailoutbox
    calendar = email.attachments[0][1]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    description = re.search(r"DESCRIPTION:(.*?)\r\n(?! )", calendar, re.S).group(1)
    assert_one_format(f"{email.subject}\n{email.body}", language, expect=expect)
    assert [t for t in times_in(description) if not ONE_FORMAT[language].fullmatch(t)] == []


@pytest.mark.parametrize("language, expect", [("en", ["2:30 PM"]), ("es", ["14:30"])])
def test_the_reminder_text_writes_times_one_way(
    practice, patient, provider, location, visit_type, owner, language, expect
):
    patient.preferred_language = language
    patient.sms_consent = True
    patient.save()
    appointment = booking_services.book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=THURSDAY_1430,
        booked_via=BookedVia.STAFF,
        actor_user=owner,
        override_reason="test",
        now=NOW,
    )
    plan = reminders.default_plan_for(practice=practice)
    plan.steps.all().delete()
    plan.steps.create(minutes_before=48 * 60, channel=Channel.SMS)
    assert reminders.queue_due_reminders(now=THURSDAY_1430 - timedelta(hours=48) + timedelta(minutes=1)) == 1
    sms = Message.objects.get(kind=MessageKind.REMINDER, appointment=appointment)
    assert sms.channel == Channel.SMS
    assert_one_format(sms.body, language, expect=expect)


@pytest.mark.parametrize("language, expect", [("en", ["12:00 PM", "5:00 PM"]), ("es", ["12:00", "17:00"])])
def test_the_times_of_day_on_the_waitlist_use_the_same_format(language, expect):
    with translation.override(language):
        labels = " ".join(str(label) for _value, label in DayPart.choices)
    assert_one_format(labels, language, expect=expect)


@pytest.mark.parametrize(
    "language, moment, written",
    [
        ("en", datetime(2030, 1, 8, 14, 0), "2:00 PM"),
        ("en", datetime(2030, 1, 8, 8, 5), "8:05 AM"),
        ("en", datetime(2030, 1, 8, 0, 0), "12:00 AM"),
        ("es", datetime(2030, 1, 8, 8, 5), "08:05"),
        ("es", datetime(2030, 1, 8, 17, 15), "17:15"),
    ],
)
def test_the_named_format_is_the_one_format(language, moment, written):
    with translation.override(language):
        assert time_format(moment) == written
