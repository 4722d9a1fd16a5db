"""The change detector on written histories: each kind is found, steady patients are not flagged,
evidence says dates, channels and counts and nothing clinical."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from cx import change_detection as cd
from cx.models import SignalKind, SuggestedResponse
from cx.redaction import _sub_clinical

TODAY = date(2026, 12, 6)


def at(day: date, hour: int = 15) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def visit(
    day: date,
    *,
    channel: str = cd.ONLINE,
    outcome: str = cd.KEPT,
    location: int = 1,
    provider: int = 7,
    lead: int = 20,
    checked_in: bool = True,
    confirmed: bool = True,
    cancelled_hours_before: int | None = None,
) -> cd.Booking:
    cancelled_at = None
    if cancelled_hours_before is not None:
        outcome = cd.CANCELLED
        cancelled_at = at(day) - timedelta(hours=cancelled_hours_before)
    return cd.Booking(
        booked_at=at(day - timedelta(days=lead), 9),
        start=at(day),
        channel=channel,
        location_id=location,
        location_name={1: "Main Street", 2: "Riverside"}[location],
        provider_id=provider,
        provider_name={7: "Dr. Lee", 8: "Dr. Park"}[provider],
        outcome=outcome,
        cancelled_at=cancelled_at,
        checked_in_online=checked_in and outcome == cd.KEPT,
        reminded=outcome != cd.UPCOMING,
        confirmed=confirmed and outcome != cd.UPCOMING,
    )


def every(days: int, count: int, last: date = date(2026, 10, 1)) -> list[date]:
    """``count`` days ``days`` apart, the last on ``last``."""
    return [last - timedelta(days=days * i) for i in reversed(range(count))]


def steady(count: int = 8, gap: int = 91) -> list[cd.Booking]:
    """A patient who books online every quarter, checks in, confirms, always the same place and person;
    the next visit is booked."""
    days = every(gap, count)
    past = [visit(day) for day in days]
    return [*past, visit(days[-1] + timedelta(days=gap), outcome=cd.UPCOMING)]


def kinds(history: cd.History) -> set[str]:
    return {finding.kind for finding in cd.detect(history, today=TODAY)}


def one(history: cd.History, kind: str) -> cd.Finding:
    found = [finding for finding in cd.detect(history, today=TODAY) if finding.kind == kind]
    assert len(found) == 1, cd.detect(history, today=TODAY)
    return found[0]


def test_kind_and_response_values_are_the_models():
    assert set(cd.KINDS) == set(SignalKind.values)
    assert {cd.CALL, cd.MICRO_SURVEY, cd.RECOVERY_CASE} == set(SuggestedResponse.values)


def test_a_steady_patient_is_not_flagged():
    assert kinds(cd.History(1, tuple(steady()), recall_due_on=date(2027, 3, 1))) == set()


def test_online_to_phone_with_evidence_in_words():
    bookings = steady()[:-1]
    bookings[-2] = replace(bookings[-2], channel=cd.PHONE)
    bookings[-1] = replace(bookings[-1], channel=cd.PHONE)
    finding = one(cd.History(1, tuple(bookings)), cd.ONLINE_TO_PHONE)
    assert finding.changed_on == bookings[-2].booked_at.date()
    assert finding.response == cd.MICRO_SURVEY
    assert finding.evidence == "booked online 6 of 6 times since 2024; booked by phone on 11 Sep 2026, 12 Jun 2026"
    assert (finding.location_id, finding.provider_id) == (1, 7)


def test_one_phone_booking_or_a_wavering_habit_is_not_a_switch():
    bookings = steady()[:-1]
    bookings[-1] = replace(bookings[-1], channel=cd.PHONE)
    assert cd.ONLINE_TO_PHONE not in kinds(cd.History(1, tuple(bookings)))
    # Phoned two times in six before: two more calls are not news for this patient.
    wavering = [replace(b, channel=cd.PHONE) if i in (1, 4, 6, 7) else b for i, b in enumerate(bookings)]
    assert cd.ONLINE_TO_PHONE not in kinds(cd.History(1, tuple(wavering)))


def test_desk_bookings_say_nothing_about_the_channel():
    bookings = steady()[:-1]
    bookings[-2] = replace(bookings[-2], channel=cd.DESK)
    bookings[-1] = replace(bookings[-1], channel=cd.DESK)
    assert kinds(cd.History(1, tuple(bookings))) == set()


def test_phone_to_online():
    bookings = [replace(b, channel=cd.PHONE) for b in steady()[:-1]]
    bookings[-2] = replace(bookings[-2], channel=cd.ONLINE)
    bookings[-1] = replace(bookings[-1], channel=cd.ONLINE)
    assert one(cd.History(1, tuple(bookings)), cd.PHONE_TO_ONLINE).evidence.startswith("booked by phone 6 of 6")


def test_stopped_checking_in_and_confirming():
    bookings = steady()[:-1]
    bookings[-2] = replace(bookings[-2], checked_in_online=False, confirmed=False)
    bookings[-1] = replace(bookings[-1], checked_in_online=False, confirmed=False)
    history = cd.History(1, tuple(bookings))
    checking = one(history, cd.STOPPED_CHECKING_IN)
    assert checking.changed_on == bookings[-2].start.date()
    assert "checked in online before 6 of 6 visits since 2025" in checking.evidence
    assert one(history, cd.STOPPED_CONFIRMING).response == cd.CALL


def test_lapsed_recall_after_grace_with_nothing_booked():
    bookings = [visit(day) for day in every(365, 4, last=date(2025, 9, 1))]
    history = cd.History(1, tuple(bookings), recall_due_on=date(2026, 9, 1))
    finding = one(history, cd.LAPSED_RECALL)
    assert finding.changed_on == date(2026, 10, 1)
    assert finding.evidence == "due back by 1 Sep 2026; last visit on 1 Sep 2025; nothing booked since"
    # Booked again: not lapsed.
    booked = (*bookings, visit(date(2026, 12, 20), outcome=cd.UPCOMING))
    assert cd.LAPSED_RECALL not in kinds(replace(history, bookings=booked))
    # Not yet past the grace.
    assert cd.LAPSED_RECALL not in {f.kind for f in cd.detect(history, today=date(2026, 9, 30))}


def test_lapsed_gap_against_the_patients_own_rhythm():
    bookings = [visit(day) for day in every(91, 6, last=date(2026, 3, 1))]
    finding = one(cd.History(1, tuple(bookings)), cd.LAPSED_GAP)
    assert finding.changed_on == date(2026, 3, 1) + timedelta(days=182)
    assert "usually 91 days apart" in finding.evidence
    # A gap that has closed is still reported, on the day it became long.
    came_back = (*bookings, visit(date(2026, 11, 20)))
    assert one(cd.History(1, came_back), cd.LAPSED_GAP).changed_on == date(2026, 3, 1) + timedelta(days=182)


def test_a_patient_who_always_skips_summer_is_not_lapsing():
    # Every two months, except a longer summer break each year (late May to September); this year's
    # break is a little longer than any before, but the same season's break last year says it is theirs.
    days: list[date] = []
    for year in (2023, 2024, 2025):
        days += [date(year, 1, 10), date(year, 3, 10), date(year, 5, 20), date(year, 9, 10), date(year, 11, 10)]
    days += [date(2026, 1, 10), date(2026, 3, 10), date(2026, 5, 20), date(2026, 10, 25)]
    summer = cd.History(1, tuple(visit(day) for day in days))
    assert cd.LAPSED_GAP not in kinds(summer)
    open_gap = cd.History(1, tuple(visit(day) for day in days[:-1]))
    assert cd.LAPSED_GAP not in cd_kinds(open_gap, date(2026, 10, 20))
    # A gap that outgrows the season's by the slack is a lapse after all.
    assert cd.LAPSED_GAP in cd_kinds(open_gap, date(2026, 12, 20))


def cd_kinds(history: cd.History, today: date) -> set[str]:
    return {finding.kind for finding in cd.detect(history, today=today)}


def test_next_lapse_check_is_the_day_a_lapse_would_show():
    bookings = [visit(day) for day in every(91, 6, last=date(2026, 11, 1))]
    history = cd.History(1, tuple(bookings), recall_due_on=date(2027, 2, 1))
    assert cd.next_lapse_check(history, today=TODAY) == date(2027, 3, 3)  # due + 30 comes first
    check = cd.next_lapse_check(replace(history, recall_due_on=None), today=TODAY)
    assert check == date(2026, 11, 1) + timedelta(days=182)
    assert {f.kind for f in cd.detect(replace(history, recall_due_on=None), today=check)} == {cd.LAPSED_GAP}


def test_new_location_and_new_provider():
    bookings = steady()
    moved = [*bookings[:-2], *(replace(b, location_id=2, location_name="Riverside") for b in bookings[-2:])]
    finding = one(cd.History(1, tuple(moved)), cd.NEW_LOCATION)
    assert "at Main Street since 2025; booked at Riverside for" in finding.evidence
    assert finding.location_id == 2
    other = [*bookings[:-2], *(replace(b, provider_id=8, provider_name="Dr. Park") for b in bookings[-2:])]
    finding = one(cd.History(1, tuple(other)), cd.NEW_PROVIDER)
    assert "visits with Dr. Lee since 2025; booked with Dr. Park" in finding.evidence


def test_a_new_provider_needs_a_year_with_the_old_one():
    bookings = [visit(day) for day in every(30, 6, last=date(2026, 9, 1))]
    bookings += [visit(date(2026, 10, 1), provider=8), visit(date(2026, 11, 1), provider=8)]
    assert cd.NEW_PROVIDER not in kinds(cd.History(1, tuple(bookings)))


def test_back_to_the_usual_place_is_not_a_move():
    bookings = steady()[:-1]
    bookings[-3] = replace(bookings[-3], location_id=2, location_name="Riverside")
    assert cd.NEW_LOCATION not in kinds(cd.History(1, tuple(bookings)))


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        (cd.MORE_CANCELLATIONS, {"cancelled_hours_before": 72}),
        (cd.MORE_NO_SHOWS, {"outcome": cd.NO_SHOW}),
        (cd.LATE_CANCELLATIONS, {"cancelled_hours_before": 3}),
    ],
)
def test_more_cancellations_no_shows_and_late_cancellations(kind, change):
    days = every(91, 8)
    bookings = [visit(day) for day in days[:-2]] + [visit(day, **change) for day in days[-2:]]
    finding = one(cd.History(1, tuple(bookings)), kind)
    assert finding.response == cd.CALL
    assert "of 6 appointments since 2025; then 2 of the next 2" in finding.evidence


@pytest.mark.parametrize(
    ("kind", "change"),
    [(cd.MORE_NO_SHOWS, {"outcome": cd.NO_SHOW}), (cd.LATE_CANCELLATIONS, {"cancelled_hours_before": 3})],
)
def test_two_after_a_clean_record_are_found_with_visits_kept_since(kind, change):
    # Six kept visits, two no-shows (late cancellations), then kept visits again: the window ends at the
    # last one, so the visits kept since do not hide the change.
    days = every(45, 11)
    bookings = [visit(day) for day in days[:6]] + [visit(day, **change) for day in days[6:8]]
    bookings += [visit(day) for day in days[8:]]
    finding = one(cd.History(1, tuple(bookings)), kind)
    assert "of 6 appointments since 2025; then 2 of the next 2" in finding.evidence
    assert finding.changed_on == days[6]
    # Eight kept visits, then two with a kept visit between them.
    days = every(45, 13)
    spread = [visit(day) for day in days[:8]] + [visit(days[8], **change), visit(days[9]), visit(days[10], **change)]
    spread += [visit(day) for day in days[11:]]
    assert "of 8 appointments since 2025; then 2 of the next 3" in one(cd.History(1, tuple(spread)), kind).evidence


def test_one_cancellation_or_an_old_habit_of_cancelling_is_not_more():
    days = every(91, 8)
    once = [visit(day) for day in days[:-1]] + [visit(days[-1], cancelled_hours_before=72)]
    assert kinds(cd.History(1, tuple(once))) == set()
    habit = [visit(day, cancelled_hours_before=72) if i % 2 else visit(day) for i, day in enumerate(days)]
    assert cd.MORE_CANCELLATIONS not in kinds(cd.History(1, tuple(habit)))


def test_practice_cancellations_are_not_the_patients():
    days = every(91, 8)
    bookings = [visit(day) for day in days[:-2]] + [
        replace(visit(day, cancelled_hours_before=72), cancelled_by_practice=True) for day in days[-2:]
    ]
    assert cd.MORE_CANCELLATIONS not in kinds(cd.History(1, tuple(bookings)))


def test_opted_out():
    history = cd.History(1, tuple(steady()), opt_outs=(cd.OptOut(at(date(2026, 11, 30)), "sms"),))
    finding = one(history, cd.OPTED_OUT)
    assert finding.changed_on == date(2026, 11, 30)
    assert finding.evidence == "asked for no more text messages on 30 Nov 2026; 8 appointments since 2024"


def test_turned_detractor_after_positive_answers_only():
    positive = tuple(cd.SurveyAnswer(at(day), 9) for day in every(91, 4, last=date(2026, 6, 1)))
    bad = cd.SurveyAnswer(at(date(2026, 11, 2)), 3)
    finding = one(cd.History(1, tuple(steady()), surveys=(*positive, bad)), cd.TURNED_DETRACTOR)
    assert finding.evidence == "4 positive survey answers since 2025; scored 3 out of 10 on 2 Nov 2026"
    assert (finding.strength, finding.response) == (3, cd.RECOVERY_CASE)
    comment = cd.SurveyAnswer(at(date(2026, 11, 2)), None, negative_comment=True)
    found = one(cd.History(1, tuple(steady()), surveys=(*positive, comment)), cd.TURNED_DETRACTOR)
    assert "a strongly negative comment on 2 Nov 2026" in found.evidence
    # A patient who was unhappy before is not "turned".
    mixed = (positive[0], cd.SurveyAnswer(at(date(2025, 9, 1)), 5), *positive[1:], bad)
    assert cd.TURNED_DETRACTOR not in kinds(cd.History(1, tuple(steady()), surveys=mixed))


def test_a_six_after_passive_sevens_and_eights_is_not_a_turn():
    passives = tuple(cd.SurveyAnswer(at(day), 7 + i % 2) for i, day in enumerate(every(91, 4, last=date(2026, 6, 1))))
    six = cd.SurveyAnswer(at(date(2026, 11, 2)), 6)
    assert cd.TURNED_DETRACTOR not in kinds(cd.History(1, tuple(steady()), surveys=(*passives, six)))
    # Passives between promoters neither count nor break the run of positive answers.
    promoters = tuple(cd.SurveyAnswer(at(day), 10) for day in every(91, 3, last=date(2026, 3, 1)))
    finding = one(cd.History(1, tuple(steady()), surveys=(*promoters, *passives[-2:], six)), cd.TURNED_DETRACTOR)
    assert finding.evidence.startswith("3 positive survey answers since 2025; scored 6 out of 10")


def test_abandoned_online_booking_by_a_known_patient():
    started = at(date(2026, 12, 1), 20)
    history = cd.History(1, tuple(steady()), booking_starts=(started,))
    finding = one(history, cd.ABANDONED_BOOKING)
    assert finding.evidence.startswith("started booking online on 1 Dec 2026 and did not finish")
    # Finished within two hours: not abandoned; not yet two hours old: not judged.
    done = visit(date(2026, 12, 20), outcome=cd.UPCOMING)
    done = replace(done, booked_at=started + timedelta(minutes=30))
    assert cd.ABANDONED_BOOKING not in kinds(replace(history, bookings=(*history.bookings, done)))
    early = cd.detect(history, today=date(2026, 12, 1), now=started + timedelta(minutes=30))
    assert cd.ABANDONED_BOOKING not in {f.kind for f in early}
    # Somebody who never came is not a known patient.
    assert kinds(cd.History(1, (), booking_starts=(started,))) == set()


def test_old_changes_are_not_news():
    bookings = [
        replace(b, start=b.start - timedelta(days=800), booked_at=b.booked_at - timedelta(days=800))
        for b in steady()[:-1]
    ]
    bookings[-2] = replace(bookings[-2], channel=cd.PHONE)
    bookings[-1] = replace(bookings[-1], channel=cd.PHONE)
    assert cd.ONLINE_TO_PHONE not in kinds(cd.History(1, tuple(bookings)))


def test_evidence_is_never_clinical_and_names_no_visit_type():
    days = every(91, 8)
    bookings = [visit(day) for day in days[:-2]]
    bookings += [
        visit(days[-2], channel=cd.PHONE, checked_in=False, confirmed=False, outcome=cd.NO_SHOW, location=2),
        visit(days[-1], channel=cd.PHONE, checked_in=False, confirmed=False, outcome=cd.NO_SHOW, location=2),
    ]
    history = cd.History(
        1,
        tuple(bookings),
        surveys=(*(cd.SurveyAnswer(at(d), 10) for d in days[:4]), cd.SurveyAnswer(at(days[-1]), 2, True)),
        opt_outs=(cd.OptOut(at(date(2026, 11, 1)), "email"),),
        booking_starts=(at(date(2026, 12, 2)),),
    )
    found = cd.detect(history, today=TODAY)
    assert len({f.kind for f in found}) >= 6
    for finding in found:
        assert _sub_clinical(finding.evidence) == finding.evidence
        assert 1 <= finding.strength <= 3
        assert finding.changed_on <= TODAY


def test_the_generated_population_meets_the_targets():
    """The benchmark's generator, small: recall and false flags on 3,000 patients."""
    from benchmarks.change_histories import generate, score

    result = score(generate(3000, today=TODAY, seed=3), today=TODAY)
    assert result["recall"] >= 0.95
    assert result["false_flag_rate"] <= 0.025


def test_evidence_is_written_in_the_active_language():
    from django.utils import translation

    bookings = steady()[:-1]
    bookings[-2] = replace(bookings[-2], channel=cd.PHONE)
    bookings[-1] = replace(bookings[-1], channel=cd.PHONE)
    history = cd.History(1, tuple(bookings), opt_outs=(cd.OptOut(at(date(2026, 11, 30)), "sms"),))
    with translation.override("es"):
        found = {f.kind: f.evidence for f in cd.detect(history, today=TODAY)}
    assert found[cd.ONLINE_TO_PHONE].startswith("reservó en línea 6 de 6 veces desde 2024; reservó por teléfono el ")
    assert found[cd.OPTED_OUT].endswith("; 8 citas desde 2024")
