"""The staff flow board: today's patients by provider, one-click status changes, the poll."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from frontdesk.models import FlowSettings, FlowStatus, Visit, VisitStatusChange
from frontdesk.services.flow import change_status
from journey.models import JourneyEvent
from practices.models import Location, Provider, Role
from scheduling.models import AppointmentStatus
from tests.factories import make_appointment, make_visit_type

# Monday 7 January 2030, 09:00 in Chicago (the test practice's time zone).
NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """``clock.now`` is what timezone.now() answers; tests move it on with ``clock.tick(seconds)``."""

    class Clock:
        now = NOW

        def tick(self, seconds=1):
            self.now += timedelta(seconds=seconds)

    c = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: c.now)
    return c


@pytest.fixture
def day(practice, provider, location, make_patient):
    vt = make_visit_type(practice, name="Mole check")
    lee = Provider.objects.create(practice=practice, first_name="Lee", last_name="Park")
    lee.locations.add(location)

    def book(first, start, who=provider, status=AppointmentStatus.BOOKED, where=location):
        return make_appointment(make_patient(practice, first_name=first), who, where, vt, start=start, status=status)

    return {
        "lee": lee,
        "early": book("Early", NOW - timedelta(minutes=30)),
        "nine": book("Nine", NOW),
        "lee_ten": book("Leeten", NOW + timedelta(hours=1), who=lee),
        "tomorrow": book("Tomorrow", NOW + timedelta(days=1)),
        "yesterday": book("Yesterday", NOW - timedelta(days=1)),
        "cancelled": book("Cancelled", NOW + timedelta(hours=2), status=AppointmentStatus.CANCELLED),
    }


def board_url(practice, name="board", *args):
    return reverse(f"frontdesk:{name}", args=[practice.slug, *args])


def post_change(client, practice, appt, to, frm, **headers):
    url = reverse("frontdesk:board_change", args=[practice.slug, appt.pk])
    return client.post(url, {"to": to, "from": frm}, **headers)


def test_it_lists_todays_patients_by_provider_and_nothing_else(
    staff_client, practice, other_practice, front_desk, day, clock, make_patient, provider, location
):
    theirs = make_patient(other_practice, first_name="Stranger")
    other_vt = make_visit_type(other_practice)
    other_provider = Provider.objects.create(practice=other_practice, first_name="Zed", last_name="Zulu")
    other_location = Location.objects.create(practice=other_practice, name="Far", timezone="America/Chicago")
    make_appointment(theirs, other_provider, other_location, other_vt, start=NOW)

    page = staff_client(front_desk).get(board_url(practice)).content.decode()

    for shown in ("Early", "Nine", "Leeten"):
        assert shown in page
    for hidden in ("Tomorrow", "Yesterday", "Cancelled", "Stranger"):
        assert hidden not in page
    # A section per provider (Cole before Park), each patient in time order.
    assert page.index(provider.display_name) < page.index("Early") < page.index("Nine") < page.index("Lee Park")
    assert page.index("Lee Park") < page.index("Leeten")
    assert reverse("patients:staff_detail", args=[practice.slug, day["nine"].patient_id]) in page
    assert AuditEntry.objects.filter(action="view", object_type="scheduling.appointment", actor_user=front_desk)


def test_it_filters_by_location_and_remembers_the_choice(staff_client, practice, front_desk, day, clock, provider):
    uptown = Location.objects.create(practice=practice, name="Uptown", timezone="America/Chicago")
    provider.locations.add(uptown)
    vt = day["nine"].visit_type
    make_appointment(day["nine"].patient, provider, uptown, vt, start=NOW + timedelta(hours=3))
    client = staff_client(front_desk)

    page = client.get(board_url(practice), {"location": uptown.pk}).content.decode()
    assert "Nine" in page and "Early" not in page
    assert "Early" not in client.get(board_url(practice)).content.decode()  # remembered
    assert "Early" in client.get(board_url(practice), {"location": ""}).content.decode()


def test_it_moves_a_patient_one_step_and_records_who_when_and_the_journey(
    staff_client, practice, front_desk, day, clock
):
    client = staff_client(front_desk)
    response = post_change(client, practice, day["nine"], "arrived", "scheduled")
    assert response.status_code == 302
    clock.tick(600)
    response = post_change(client, practice, day["nine"], "roomed", "arrived", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="board-rows"' in response.content.decode()

    visit = Visit.objects.get(appointment=day["nine"])
    assert visit.status == FlowStatus.ROOMED
    assert visit.arrived_at == NOW and visit.roomed_at == NOW + timedelta(seconds=600)
    change = VisitStatusChange.objects.get(to_status="roomed")
    assert change.by_user == front_desk and change.source == "desk" and change.from_status == "arrived"
    assert JourneyEvent.objects.filter(kind="visit.roomed", patient=day["nine"].patient).exists()
    assert JourneyEvent.objects.filter(kind="visit.arrived", touchpoint="flow-board").exists()
    assert AuditEntry.objects.filter(object_type="frontdesk.visit", actor_user=front_desk, action="update").count() == 2


def test_it_changes_a_double_submit_once_and_says_so(staff_client, practice, front_desk, day, clock):
    client = staff_client(front_desk)
    post_change(client, practice, day["nine"], "arrived", "scheduled")
    clock.tick()
    again = post_change(client, practice, day["nine"], "arrived", "scheduled", HTTP_HX_REQUEST="true")
    page = again.content.decode()
    assert again.status_code == 200 and "already moved on by someone else" in page
    assert VisitStatusChange.objects.count() == 1
    # The row is shown as it is now: its next step is Roomed.
    assert 'name="to" value="roomed"' in page


def test_it_marks_the_appointment_fulfilled_when_done(staff_client, practice, front_desk, day, clock):
    for step in ("arrived", "roomed", "with_provider", "checkout"):
        change_status(appointment=day["nine"], to_status=step, now=clock.now)
        clock.tick(60)
    post_change(staff_client(front_desk), practice, day["nine"], "done", "checkout")
    day["nine"].refresh_from_db()
    assert day["nine"].status == AppointmentStatus.FULFILLED
    assert Visit.objects.get(appointment=day["nine"]).done_at == clock.now


@pytest.mark.parametrize(
    "data", [{"to": "teleported", "from": "scheduled"}, {"to": "arrived"}, {"to": "done", "from": "scheduled"}]
)
def test_it_refuses_bad_changes_with_a_message(staff_client, practice, front_desk, day, clock, data):
    url = reverse("frontdesk:board_change", args=[practice.slug, day["nine"].pk])
    response = staff_client(front_desk).post(url, data)
    assert response.status_code == 400 and 'class="message message-error"' in response.content.decode()
    assert not Visit.objects.exists()


def test_it_refuses_a_change_on_another_day(staff_client, practice, front_desk, day, clock):
    response = post_change(staff_client(front_desk), practice, day["tomorrow"], "arrived", "scheduled")
    assert response.status_code == 400 and "not on today&#x27;s board" in response.content.decode()
    assert not Visit.objects.exists()


def test_it_answers_strangers_and_other_practices_with_404(
    staff_client, client, practice, other_practice, make_staff, day, clock
):
    outsider = make_staff(other_practice, Role.OWNER)
    c = staff_client(outsider)
    assert c.get(board_url(practice)).status_code == 404
    assert c.get(board_url(practice, "board_rows")).status_code == 404
    assert post_change(c, practice, day["nine"], "arrived", "scheduled").status_code == 404
    # Their own board does not reach our appointment either.
    assert post_change_at(c, other_practice, day["nine"]).status_code == 404
    assert not Visit.objects.exists()


def post_change_at(client, practice, appt):
    url = reverse("frontdesk:board_change", args=[practice.slug, appt.pk])
    return client.post(url, {"to": "arrived", "from": "scheduled"})


def test_it_shows_billing_the_board_without_buttons_and_refuses_their_changes(
    staff_client, practice, make_staff, day, clock
):
    billing = make_staff(practice, Role.BILLING)
    client = staff_client(billing)
    page = client.get(board_url(practice)).content.decode()
    assert "Nine" in page and 'name="to"' not in page and "Mark running late" not in page
    assert post_change(client, practice, day["nine"], "arrived", "scheduled").status_code == 403
    assert not Visit.objects.exists()


def test_it_lets_clinicians_move_patients(staff_client, practice, make_staff, day, clock):
    clinician = make_staff(practice, Role.CLINICIAN)
    assert post_change(staff_client(clinician), practice, day["nine"], "arrived", "scheduled").status_code == 302
    assert Visit.objects.get().status == FlowStatus.ARRIVED


def test_it_answers_the_poll_with_204_until_something_changes(staff_client, practice, front_desk, day, clock):
    client = staff_client(front_desk)
    first = client.get(board_url(practice, "board_rows"))
    assert first.status_code == 200
    version = first.context["version"]
    assert f'"v": "{version}"' in first.content.decode()
    assert client.get(board_url(practice, "board_rows"), {"v": version}).status_code == 204

    clock.tick(5)
    change_status(appointment=day["nine"], to_status="arrived", now=clock.now)
    changed = client.get(board_url(practice, "board_rows"), {"v": version})
    assert changed.status_code == 200 and changed.context["version"] != version
    assert 'value="roomed"' in changed.content.decode()


def test_it_highlights_a_wait_past_the_threshold_in_words(staff_client, practice, front_desk, day, clock):
    FlowSettings.objects.create(practice=practice, arrived_threshold_minutes=15)
    change_status(appointment=day["nine"], to_status="arrived", now=NOW)
    change_status(appointment=day["early"], to_status="arrived", now=NOW + timedelta(minutes=20))
    clock.now = NOW + timedelta(minutes=23)
    page = staff_client(front_desk).get(board_url(practice)).content.decode()
    assert "Waiting 23 min — over 15" in page
    assert page.count("flow-over") == 1
    assert '<td role="cell">3 min</td>' in page  # the early patient arrived 3 minutes ago: not highlighted


def test_it_shows_the_online_check_in_marker_and_running_late_badge(
    staff_client, practice, front_desk, day, clock, provider
):
    from frontdesk.models import OnlineCheckIn
    from messaging.models import RunningLate

    OnlineCheckIn.objects.create(practice=practice, appointment=day["nine"], self_pay=True)
    RunningLate.objects.create(practice=practice, provider=provider, day=NOW.date(), minutes=20, marked_at=NOW)
    page = staff_client(front_desk).get(board_url(practice)).content.decode()
    assert reverse("frontdesk:check_in_detail", args=[practice.slug, day["nine"].pk]) in page
    assert reverse("frontdesk:check_in_detail", args=[practice.slug, day["early"].pk]) not in page
    assert "Running 20 min late" in page


# --- the expected waits ----------------------------------------------------------------------------

BOARD_RANGE = r"{} (?:(\d+)–(\d+)|{} (\d+)) min"  # "20–35 min", or "within 5 min" (from 0)


def _row_html(page: str, appointment) -> str:
    start = page.index(f'id="appt-{appointment.pk}"')
    return page[start : page.index("</tr>", start)]


def _board_range(label: str, row: str, within: str = "within") -> tuple[int, int]:
    found = re.findall(BOARD_RANGE.format(re.escape(label), within), row)
    assert len(found) == 1, f"{label} once in {row}"
    low, high = (int(found[0][0]), int(found[0][1])) if found[0][0] else (0, int(found[0][2]))
    assert low % 5 == 0 and high >= low + 5, (low, high)
    return low, high


@pytest.fixture
def waiting_and_roomed(day, clock):
    """Nine arrived 10 minutes ago; Early arrived before and is in the room since 5 minutes."""
    change_status(appointment=day["early"], to_status="arrived", now=NOW - timedelta(minutes=35))
    change_status(appointment=day["early"], to_status="roomed", now=NOW + timedelta(minutes=5))
    change_status(appointment=day["nine"], to_status="arrived", now=NOW)
    clock.now = NOW + timedelta(minutes=10)
    return day


def test_it_shows_the_two_expected_waits_of_an_arrived_patient_and_the_providers_of_a_roomed_one(
    staff_client, practice, front_desk, waiting_and_roomed
):
    day = waiting_and_roomed
    page = unescape(staff_client(front_desk).get(board_url(practice)).content.decode())
    assert ">Expected</th>" in page
    arrived = _row_html(page, day["nine"])
    called = _board_range("Called in:", arrived)
    seen = _board_range("Provider:", arrived)
    assert seen[1] >= called[1]
    roomed = _row_html(page, day["early"])
    _board_range("Provider:", roomed)
    assert "Called in:" not in roomed
    scheduled = _row_html(page, day["lee_ten"])
    assert "Called in:" not in scheduled and "Provider:" not in scheduled
    assert '<td class="flow-expected" role="cell"></td>' in scheduled  # empty: hidden on a phone card
    assert "“Expected” times are 80 % ranges from a general rule" in page  # no model fitted yet


def test_it_says_how_many_visits_the_expected_waits_were_learned_from(staff_client, practice, front_desk, day):
    from frontdesk.models import WaitModelFit
    from frontdesk.wait_model import DEFAULT

    WaitModelFit.objects.create(practice=practice, params={**DEFAULT.as_json(), "n": 1234}, visits=1234)
    page = unescape(staff_client(front_desk).get(board_url(practice)).content.decode())
    assert "“Expected” times are 80 % ranges learned from this practice's last 1234 visits" in page


def test_the_expected_waits_grow_when_the_provider_is_marked_late_and_the_lag_badge_stays(
    staff_client, practice, front_desk, provider, day, clock
):
    from messaging.models import RunningLate

    change_status(appointment=day["nine"], to_status="arrived", now=NOW - timedelta(minutes=5))
    clock.now = NOW + timedelta(minutes=2)
    client = staff_client(front_desk)
    page = unescape(client.get(board_url(practice)).content.decode())
    before = _board_range("Provider:", _row_html(page, day["nine"]))
    assert "About 30 min behind now" not in page
    RunningLate.objects.create(practice=practice, provider=provider, day=NOW.date(), minutes=30, marked_at=NOW)
    page = unescape(client.get(board_url(practice)).content.decode())
    after = _board_range("Provider:", _row_html(page, day["nine"]))
    assert after[0] > before[0] and after[1] > before[1], (before, after)
    assert "About 30 min behind now" in page and "Running 30 min late" in page


def test_it_shows_the_expected_waits_in_spanish(staff_client, practice, front_desk, waiting_and_roomed):
    day = waiting_and_roomed
    client = staff_client(front_desk)
    client.cookies["django_language"] = "es"
    page = unescape(client.get(board_url(practice)).content.decode())
    assert '<html lang="es">' in page
    assert ">Previsto</th>" in page
    assert "Los tiempos «Previsto» son rangos del 80 % según una regla general" in page
    arrived = _row_html(page, day["nine"])
    _board_range("Pasa a consultorio:", arrived, "dentro de")
    _board_range("Proveedor:", arrived, "dentro de")
    roomed = _row_html(page, day["early"])
    _board_range("Proveedor:", roomed, "dentro de")
    assert "Pasa a consultorio:" not in roomed
    assert "Called in" not in page and "Provider:" not in page
