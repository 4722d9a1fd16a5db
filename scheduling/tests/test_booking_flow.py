"""The booking flow's state (``scheduling.booking_flow``) and the slot display (``scheduling.slot_display``).

Round trips (choices → query string → choices, session value → session value) and bad input, which
reads as nothing or as a step's error, never as an exception.
"""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.staticfiles import finders
from django.http import QueryDict

from scheduling.booking_flow import (
    AskedTime,
    BookingResult,
    BookingSession,
    FlowError,
    FlowParams,
    HeldTime,
    Outcome,
    parse_flow,
)
from scheduling.engine import Slot
from scheduling.models import PatientKind
from scheduling.slot_display import (
    ChosenSlot,
    group_by_day_part,
    parse_day,
    parse_slot,
    slot_value,
    time_choices,
)

TODAY = date(2030, 1, 7)  # a Monday
TUESDAY = date(2030, 1, 8)
TUESDAY_10 = datetime(2030, 1, 8, 16, 0, tzinfo=UTC)  # 10:00 in Chicago

HELD = HeldTime(
    token="hold-token",
    kind="new",
    visit_type_id=3,
    location_id=4,
    prov="any",
    provider_id=5,
    start=TUESDAY_10,
    idempotency_key="key-1",
    source="widget",
)


def _query(params: dict) -> FlowParams:
    return FlowParams.from_query(QueryDict(urlencode(params)))


# --- what the session keeps ----------------------------------------------------------------------


def test_a_held_time_reads_back_as_it_was_written():
    assert HeldTime.from_session(HELD.to_session()) == HELD
    assert HeldTime.from_session(replace(HELD, source=None).to_session()) == replace(HELD, source=None)


def test_a_held_time_keeps_the_session_format_of_before():
    assert HELD.to_session() == {
        "token": "hold-token",
        "kind": "new",
        "vt": 3,
        "loc": 4,
        "prov": "any",
        "provider": 5,
        "start": int(TUESDAY_10.timestamp()),
        "key": "key-1",
        "src": "widget",
    }


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "booking",
        [],
        {},
        {**HELD.to_session(), "token": None},
        {**HELD.to_session(), "vt": "3"},
        {**HELD.to_session(), "provider": True},
        {**HELD.to_session(), "start": 10**20},
        {k: v for k, v in HELD.to_session().items() if k != "key"},
    ],
)
def test_a_held_time_that_does_not_read_is_none(raw):
    assert HeldTime.from_session(raw) is None


def test_a_held_time_gives_back_the_choices_with_its_day_in_the_practice_time_zone():
    practice = SimpleNamespace(timezone="America/Chicago")
    late = replace(HELD, start=datetime(2030, 1, 9, 3, 0, tzinfo=UTC))  # 21:00 on Tuesday in Chicago
    assert late.flow_params(practice) == FlowParams(
        kind="new", vt="3", loc="4", prov="any", day="2030-01-08", src="widget"
    )


@pytest.mark.parametrize("result", [BookingResult(Outcome.BOOKED, "manage-token"), BookingResult(Outcome.REQUESTED)])
def test_a_booking_result_reads_back_as_it_was_written(result):
    assert BookingResult.from_session(result.to_session()) == result


def test_a_booking_result_written_before_the_dataclass_still_reads():
    assert BookingResult.from_session("a:manage-token") == BookingResult(Outcome.BOOKED, "manage-token")
    assert BookingResult.from_session("r:") == BookingResult(Outcome.REQUESTED)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        5,
        "",
        "a:",
        "x:abc",
        "r:abc",
        {},
        {"outcome": "lost"},
        {"outcome": "booked"},
        {"outcome": "booked", "token": 5},
    ],
)
def test_a_booking_result_that_does_not_read_is_none(raw):
    assert BookingResult.from_session(raw) is None


def test_an_asked_time_reads_back_and_bad_values_read_as_none():
    asked = AskedTime(start=TUESDAY_10, provider_id=5, location_id=4)
    assert AskedTime.from_session(asked.to_session()) == asked
    for raw in (None, {}, {"start": "x", "provider": 5, "location": 4}, {"start": 1, "provider": 5}):
        assert AskedTime.from_session(raw) is None


def test_the_booking_session_keeps_each_practice_apart_and_the_last_five_results():
    session = SessionBase()
    one, two = BookingSession(session, SimpleNamespace(pk=1)), BookingSession(session, SimpleNamespace(pk=2))
    assert one.held() is None and one.pop_held() is None and not session.modified  # reading writes nothing
    one.keep_held(HELD)
    assert one.held() == HELD and two.held() is None
    assert one.pop_held() == HELD and one.held() is None
    assert not one.started
    one.mark_started()
    assert one.started and not two.started
    one.end_flow()
    assert not one.started
    for n in range(7):
        one.remember_result(f"key-{n}", BookingResult(Outcome.BOOKED, f"token-{n}"))
    assert one.result_for("key-1") is None
    assert one.result_for("key-6") == BookingResult(Outcome.BOOKED, "token-6")
    assert len(session["booking-done:1"]) == 5 and two.result_for("key-6") is None
    one.remember_asked(AskedTime(start=TUESDAY_10, provider_id=5, location_id=4))
    assert one.asked() == AskedTime(start=TUESDAY_10, provider_id=5, location_id=4) and two.asked() is None


def test_a_session_value_of_the_wrong_shape_reads_as_nothing():
    session = SessionBase()
    session["booking:1"], session["booking-done:1"], session["booking-requested:1"] = "x", ["a:t"], 3
    flow_session = BookingSession(session, SimpleNamespace(pk=1))
    assert flow_session.held() is None and flow_session.result_for("a") is None and flow_session.asked() is None


# --- the choices ---------------------------------------------------------------------------------


def test_the_query_string_is_read_as_sent():
    assert _query({"kind": "new", "vt": "3", "prov": "any", "day": "2030-01-08", "src": "page", "other": "x"}) == (
        FlowParams(kind="new", vt="3", prov="any", day="2030-01-08", src="page")
    )
    assert FlowParams.from_query(QueryDict("")) == FlowParams()


@pytest.mark.django_db
def test_the_choices_survive_the_round_trip_through_the_query_string(practice, visit_type, provider, location):
    params = FlowParams(
        kind="new", vt=str(visit_type.pk), loc=str(location.pk), prov=str(provider.pk), day="2030-01-08"
    )
    flow = parse_flow(practice, replace(params, src="link"), today=TODAY)
    assert flow.error is None
    assert (flow.kind, flow.visit_type, flow.location, flow.provider, flow.day) == (
        PatientKind.NEW,
        visit_type,
        location,
        provider,
        TUESDAY,
    )
    assert flow.locations == (location,) and flow.providers == (provider,) and flow.source == "link"
    assert parse_flow(practice, _query(flow.params()), today=TODAY) == flow
    assert flow.url().startswith(f"/p/{practice.slug}/book/?kind=new&vt={visit_type.pk}")
    first_available = parse_flow(practice, replace(params, prov="any"), today=TODAY)
    assert first_available.first_available and first_available.provider is None
    assert first_available.params()["prov"] == "any"
    assert parse_flow(practice, _query(first_available.params()), today=TODAY) == first_available


@pytest.mark.django_db
def test_each_missing_choice_stops_at_its_step(practice, visit_type, provider, location):
    assert parse_flow(practice, FlowParams(), today=TODAY) == parse_flow(practice, FlowParams(), today=TODAY)
    assert parse_flow(practice, FlowParams(), today=TODAY).kind is None
    reason = parse_flow(practice, FlowParams(kind="returning"), today=TODAY)
    assert reason.kind == PatientKind.RETURNING and reason.visit_type is None and reason.error is None
    # A single location is chosen without asking.
    provider_step = parse_flow(practice, FlowParams(kind="new", vt=str(visit_type.pk)), today=TODAY)
    assert provider_step.location == location and not provider_step.provider_chosen
    day_step = parse_flow(practice, FlowParams(kind="new", vt=str(visit_type.pk), prov="any"), today=TODAY)
    assert day_step.provider_chosen and day_step.day is None and day_step.error is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"kind": "both"}, FlowError.CHOOSE_AGAIN),
        ({"vt": "abc"}, FlowError.CHOOSE_AGAIN),
        ({"vt": "999999"}, FlowError.CHOOSE_AGAIN),
        ({"loc": "999999"}, FlowError.CHOOSE_AGAIN),
        ({"loc": "not-a-number"}, FlowError.CHOOSE_AGAIN),
        ({"prov": "999999"}, FlowError.CHOOSE_AGAIN),
        ({"prov": ""}, FlowError.CHOOSE_AGAIN),
        ({"day": "2030-13-45"}, FlowError.BAD_DAY),
        ({"day": ""}, FlowError.BAD_DAY),
        ({"day": "2030-01-06"}, FlowError.BAD_DAY),  # yesterday
        ({"day": (TODAY + timedelta(days=91)).isoformat()}, FlowError.BAD_DAY),  # past the horizon
    ],
)
def test_a_wrong_choice_is_that_step_again_with_an_error(practice, visit_type, provider, location, change, error):
    good = {"kind": "new", "vt": str(visit_type.pk), "loc": str(location.pk), "prov": "any", "day": "2030-01-08"}
    flow = parse_flow(practice, FlowParams(**{**good, **change}), today=TODAY)
    assert flow.error is error
    assert str(flow.error.message)
    assert flow.day is None


@pytest.mark.django_db
def test_another_practice_s_visit_type_is_not_a_choice(practice, other_practice, visit_type):
    flow = parse_flow(other_practice, FlowParams(kind="new", vt=str(visit_type.pk)), today=TODAY)
    assert flow.error is FlowError.CHOOSE_AGAIN and flow.visit_type is None


@pytest.mark.django_db
def test_an_unknown_source_is_dropped(practice):
    assert parse_flow(practice, FlowParams(src="bogus"), today=TODAY).source is None
    assert parse_flow(practice, FlowParams(src="widget"), today=TODAY).source == "widget"


# --- the slot display ----------------------------------------------------------------------------


def test_a_slot_value_reads_back_and_anything_else_is_none():
    assert parse_slot(slot_value(5, 4, TUESDAY_10)) == ChosenSlot(5, 4, TUESDAY_10)
    for value in (None, "", "5:4", "5:4:x", "a:b:c", "5:4:1:2", f"5:4:{10**20}"):
        assert parse_slot(value) is None


def test_a_day_reads_from_the_first_ten_characters():
    assert parse_day(" 2030-01-08T10:00") == TUESDAY
    assert parse_day("2030-02-30") is None and parse_day(None) is None


def test_times_are_one_per_start_and_grouped_by_part_of_the_day():
    tz = ZoneInfo("America/Chicago")
    providers = {5: SimpleNamespace(pk=5), 6: SimpleNamespace(pk=6)}
    locations = {4: SimpleNamespace(pk=4)}

    def slot(hour: int, provider_id: int, location_id: int = 4) -> Slot:
        start = datetime(2030, 1, 8, hour, tzinfo=tz).astimezone(UTC)
        return Slot(start=start, end=start + timedelta(minutes=30), provider_id=provider_id, location_id=location_id)

    slots = [slot(18, 5), slot(10, 6), slot(10, 5), slot(14, 5), slot(11, 7), slot(12, 5, 9)]
    choices = time_choices(slots, providers_by_id=providers, locations_by_id=locations)
    assert [(c["start"].astimezone(tz).hour, c["provider"].pk) for c in choices] == [(10, 5), (14, 5), (18, 5)]
    assert choices[0]["value"] == slot_value(5, 4, choices[0]["start"])
    groups = group_by_day_part(choices, tz)
    assert [(name, len(items)) for name, items in groups] == [("Morning", 1), ("Afternoon", 1), ("Evening", 1)]
    assert group_by_day_part(choices[:1], tz) == [("Morning", choices[:1])]


# --- the widget's script -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_widget_is_the_static_script_with_the_address_and_the_label_filled_in(client, practice):
    source = Path(finders.find("js/scheduling-booking-widget.js")).read_text(encoding="utf-8")
    body = client.get(f"/p/{practice.slug}/book/widget.js", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    url = f"http://testserver/p/{practice.slug}/book/?src=widget"
    assert body == source.replace('"__TOUCHPOINTS_BOOK_URL__"', json.dumps(url)).replace(
        '"__TOUCHPOINTS_BOOK_LABEL__"', json.dumps("Reservar en línea")
    )
