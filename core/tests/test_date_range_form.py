"""The report pages' shared From/To pair: defaults, one blank date, and the two refusals."""

from datetime import date

import pytest

from core.forms import DateRangeForm

TODAY = date(2030, 1, 16)


class WeekForm(DateRangeForm):
    default_days = 7
    max_days = 30


def cleaned(data):
    form = WeekForm(data, today=TODAY)
    assert form.is_valid(), form.errors
    return form.cleaned_data["start"], form.cleaned_data["end"]


def test_both_blank_gives_the_default_range_ending_today():
    assert cleaned({"start": "", "end": ""}) == (date(2030, 1, 10), TODAY)


def test_one_blank_date_is_filled_in_from_the_other():
    assert cleaned({"start": "2030-01-01"}) == (date(2030, 1, 1), date(2030, 1, 7))
    assert cleaned({"end": "2030-01-07"}) == (date(2030, 1, 1), date(2030, 1, 7))


def test_the_initial_values_show_the_default_range():
    form = WeekForm(today=TODAY)
    assert (form.fields["start"].initial, form.fields["end"].initial) == (date(2030, 1, 10), TODAY)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2030-01-16", "end": "2030-01-14"}, "The start date must be on or before the end date."),
        ({"start": "2030-01-01", "end": "2030-01-31"}, "Choose at most 30 days at a time."),
        ({"start": "yesterday", "end": ""}, "Enter a valid date."),
    ],
)
def test_bad_ranges_are_refused_with_a_message(data, message):
    form = WeekForm(data, today=TODAY)
    assert not form.is_valid()
    assert message in str(form.errors)


def test_the_longest_range_allowed_is_accepted():
    assert cleaned({"start": "2030-01-01", "end": "2030-01-30"}) == (date(2030, 1, 1), date(2030, 1, 30))
