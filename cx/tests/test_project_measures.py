"""The measure catalogue, the before/after windows, the weeks and the season rule: plain data."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cx import project_measures as pm


def test_the_catalogue_has_one_top_box_per_question_then_the_fixed_measures():
    measures = pm.catalogue(["cg_access", "provider_rating", "cg_access", ""])
    codes = [m.code for m in measures]
    assert codes[:2] == ["top_box:cg_access", "top_box:provider_rating"]
    assert codes[2:] == [
        "nps",
        "online_booking_completion",
        "waiting_minutes",
        "no_show_rate",
        "late_cancel_rate",
        "reminder_confirmation_rate",
    ]
    for m in measures:
        assert m.kind in pm.KINDS
        assert m.label and m.unit and m.definition and m.noun_one and m.noun_many


def test_each_measure_says_which_way_is_better_and_which_chart_it_gets():
    by_code = {m.code: m for m in pm.catalogue(["cg_access"])}
    assert by_code["top_box:cg_access"].higher_is_better and by_code["top_box:cg_access"].chart == "p"
    assert by_code["nps"].kind == "nps" and by_code["nps"].chart == "xmr"
    assert by_code["waiting_minutes"].kind == "minutes" and not by_code["waiting_minutes"].higher_is_better
    assert not by_code["no_show_rate"].higher_is_better
    assert not by_code["late_cancel_rate"].higher_is_better
    assert by_code["reminder_confirmation_rate"].higher_is_better
    assert by_code["online_booking_completion"].kind == "proportion"


def test_find_accepts_only_the_practices_questions_and_known_codes():
    assert pm.find("top_box:cg_access", {"cg_access"}).question == "cg_access"
    assert pm.find("top_box:other", {"cg_access"}) is None
    assert pm.find("nps", set()).code == "nps"
    assert pm.find("happiness", {"cg_access"}) is None
    assert pm.find("top_box:", {""}) is None
    # A stored code is still understood when the question is gone from the practice's surveys.
    assert pm.parse("top_box:retired").question == "retired"


def test_windows_are_whole_weeks_before_and_up_to_today_after():
    live = date(2025, 3, 3)
    w = pm.windows(went_live_on=live, window_weeks=12, today=date(2025, 4, 1))
    assert (w.before_first, w.before_last) == (date(2024, 12, 9), date(2025, 3, 2))
    assert w.before_days == 84
    assert (w.after_first, w.after_last) == (live, date(2025, 4, 1))
    assert w.is_live and not w.after_complete
    assert w.full_after_last == date(2025, 5, 25)
    assert w.phase(date(2025, 3, 2)) == "before" and w.phase(live) == "after" and w.phase(date(2025, 4, 2)) is None


def test_the_after_window_stops_after_its_weeks():
    w = pm.windows(went_live_on=date(2025, 3, 3), window_weeks=4, today=date(2026, 1, 1))
    assert w.after_last == date(2025, 3, 30)
    assert w.after_days == 28 == w.before_days
    assert w.after_complete


def test_a_change_ahead_has_no_after_window():
    w = pm.windows(went_live_on=date(2025, 3, 3), window_weeks=4, today=date(2025, 2, 20))
    assert not w.is_live
    assert w.before_last == date(2025, 2, 20)
    far = pm.windows(went_live_on=date(2026, 3, 3), window_weeks=4, today=date(2025, 2, 20))
    assert far.last < far.first


def test_weeks_are_counted_from_the_change_not_from_monday():
    live = date(2025, 3, 5)  # a Wednesday
    assert pm.week_start(date(2025, 3, 4), anchor=live) == date(2025, 2, 26)
    assert pm.week_start(live, anchor=live) == live
    assert pm.week_start(date(2025, 3, 11), anchor=live) == live
    assert pm.week_starts(date(2025, 2, 26), date(2025, 3, 12), anchor=live) == [
        date(2025, 2, 26),
        live,
        date(2025, 3, 12),
    ]


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=-800, max_value=800),
)
def test_a_day_is_in_the_week_that_starts_at_most_six_days_before_it(anchor, offset):
    day = anchor + timedelta(days=offset)
    start = pm.week_start(day, anchor=anchor)
    assert start <= day < start + timedelta(days=7)
    assert (start - anchor).days % 7 == 0


def test_the_season_rule_flags_december_in_one_window_only():
    holidays = pm.windows(went_live_on=date(2025, 1, 1), window_weeks=8, today=date(2025, 3, 1))
    assert pm.december_share(holidays.before_first, holidays.before_last) > 50
    assert pm.december_share(holidays.after_first, holidays.after_last) == 0
    assert pm.different_season(holidays)
    spring = pm.windows(went_live_on=date(2025, 5, 1), window_weeks=8, today=date(2025, 7, 1))
    assert not pm.different_season(spring)
    # Both windows mostly in December: the same season.
    december = pm.windows(went_live_on=date(2025, 12, 15), window_weeks=2, today=date(2025, 12, 28))
    assert not pm.different_season(december)
    assert pm.december_share(date(2025, 1, 2), date(2025, 1, 1)) == 0.0
