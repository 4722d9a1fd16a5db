"""The verdict in words: better, no detectable change, worse and too few, in English and Spanish."""

from datetime import date

import pytest
from django.utils import translation

from cx import project_measures as pm
from cx import project_verdicts as verdicts
from cx import stats

TOP_BOX = pm.top_box("cg_access")
WAITING = pm.FIXED_BY_CODE[pm.WAITING_MINUTES]
NO_SHOWS = pm.FIXED_BY_CODE[pm.NO_SHOW_RATE]
NPS = pm.FIXED_BY_CODE[pm.NPS_CODE]


def flags(k, n):
    return [True] * k + [False] * (n - k)


def test_better_reads_like_the_issue_says():
    comparison = stats.compare_proportions(flags(151, 212), flags(166, 198))
    assert comparison.verdict == "better"
    assert verdicts.verdict_sentence(TOP_BOX, comparison) == (
        "Better: 71 % → 84 % top box (difference +13 points, 95 % CI +5 to +20; 212 vs 198 answers)"
    )


def test_whole_percentages_that_would_not_add_up_to_the_difference_get_a_decimal():
    # 160/212 = 75.47 % and 172/198 = 86.87 %: whole numbers would read "75 % → 87 %, +11 points".
    comparison = stats.compare_proportions(flags(160, 212), flags(172, 198))
    before, after = 100 * 160 / 212, 100 * 172 / 198
    assert round(after) - round(before) != round(after - before)
    sentence = verdicts.verdict_sentence(TOP_BOX, comparison)
    assert sentence.startswith(f"Better: {before:.1f} % → {after:.1f} % top box (difference +11 points"), sentence
    assert verdicts.value_places(TOP_BOX, stats.compare_proportions(flags(151, 212), flags(166, 198))) == 0


def test_worse_when_a_lower_is_better_rate_goes_up():
    comparison = stats.compare_proportions(flags(20, 400), flags(60, 400), higher_is_better=False)
    assert comparison.verdict == "worse"
    sentence = verdicts.verdict_sentence(NO_SHOWS, comparison)
    assert sentence.startswith("Worse: 5 % → 15 % no-shows (difference +10 points, 95 % CI +")
    assert sentence.endswith("; 400 vs 400 appointments)")


def test_better_when_a_lower_is_better_rate_goes_down():
    comparison = stats.compare_proportions(flags(60, 400), flags(20, 400), higher_is_better=False)
    sentence = verdicts.verdict_sentence(NO_SHOWS, comparison)
    assert sentence.startswith("Better: 15 % → 5 % no-shows (difference −10 points, 95 % CI −")


def test_minutes_read_in_minutes():
    before = [20.0 + (i % 7) for i in range(60)]
    after = [10.0 + (i % 7) for i in range(60)]
    comparison = stats.compare_minutes(before, after)
    assert comparison.verdict == "better"
    sentence = verdicts.verdict_sentence(WAITING, comparison)
    assert sentence.startswith("Better: 23 min → 13 min median wait (difference −10 minutes, 95 % CI −")
    assert sentence.endswith("; 60 vs 60 visits)")


def test_no_detectable_change_says_how_many_more_answers_are_needed():
    comparison = stats.compare_proportions(flags(60, 100), flags(62, 100))
    assert comparison.verdict == "no_change"
    more = comparison.needed_per_side - 100
    expected = verdicts.about(more)
    assert verdicts.verdict_sentence(TOP_BOX, comparison) == (
        f"No detectable change yet: about {expected} more answers needed to see a 5-point change"
    )


def test_no_detectable_change_with_enough_answers_says_a_change_would_have_shown():
    comparison = stats.compare_proportions(flags(1000, 2000), flags(1000, 2000))
    assert comparison.verdict == "no_change" and comparison.more_needed_per_side == 0
    assert verdicts.verdict_sentence(TOP_BOX, comparison) == (
        "No detectable change: with 2000 vs 2000 answers, a 5-point change would have shown"
    )


def test_too_few_answers_to_say():
    comparison = stats.compare_proportions(flags(10, 12), flags(1, 4))
    assert verdicts.verdict_sentence(TOP_BOX, comparison) == "Too few answers yet to say (12 before, 4 after)"
    nps = stats.compare_nps([9] * 5, [])
    assert verdicts.verdict_sentence(NPS, nps) == "Too few answers yet to say (5 before, 0 after)"


def test_a_change_not_live_yet_says_when_measuring_starts():
    comparison = stats.compare_proportions([], [])
    sentence = verdicts.verdict_sentence(TOP_BOX, comparison, live=False, starts_on=date(2030, 5, 6))
    assert sentence == "Not live yet: the after weeks start on May 6, 2030."


@pytest.mark.parametrize(
    ("value", "text"),
    [(12.6, "+13"), (-4.4, "−4"), (0.0, "0"), (0.4, "+0.4"), (-0.04, "0"), (2.5, "+3")],
)
def test_signed_numbers_round_half_away_from_zero_and_never_hide_a_small_difference(value, text):
    assert verdicts.signed(value) == text


def test_about_rounds_large_counts_up_to_tens():
    assert verdicts.about(87) == 87
    assert verdicts.about(371) == 380


def test_the_verdict_in_spanish():
    comparison = stats.compare_proportions(flags(151, 212), flags(166, 198))
    with translation.override("es"):
        assert verdicts.verdict_sentence(TOP_BOX, comparison) == (
            "Mejor: 71 % → 84 % en la categoría más alta (diferencia +13 puntos, IC del 95 % +5 a +20; "
            "212 frente a 198 respuestas)"
        )
        too_few = stats.compare_proportions(flags(10, 12), flags(1, 4))
        assert verdicts.verdict_sentence(TOP_BOX, too_few) == (
            "Todavía no hay suficientes respuestas para saberlo (12 antes, 4 después)"
        )
        minutes = stats.compare_minutes([20.5] * 40, [12.0] * 40)
        assert verdicts.verdict_sentence(WAITING, minutes).startswith("Mejor: 20,5 min → 12 min de espera mediana")
