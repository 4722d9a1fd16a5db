"""audit.masking is pure: plain data in, masked diffs out."""

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.masking import MASK, diff, mask

PROTECTED = ("first_name", "last_name", "date_of_birth", "phone", "email")


def test_it_keeps_a_hint_of_emptiness():
    assert mask(None) == ""
    assert mask("") == ""
    assert mask("Jo") == MASK
    assert mask("x") == MASK
    assert mask("Rivera") == f"R{MASK}"
    assert mask(5125550199) == f"5{MASK}"


def test_it_hides_dates_completely():
    assert mask(date(1985, 4, 12)) == MASK
    assert mask(datetime(1985, 4, 12, 9, 30)) == MASK


def test_it_lists_only_changed_fields():
    before = {"first_name": "Ana", "preferred_language": "en", "sms_consent": False}
    after = {"first_name": "Ana", "preferred_language": "es", "sms_consent": False}
    assert diff(before, after, PROTECTED) == {"preferred_language": {"from": "en", "to": "es"}}
    assert diff(before, dict(before), PROTECTED) == {}


def test_it_masks_protected_fields_and_shows_the_others():
    before = {"last_name": "Rivera", "date_of_birth": date(1985, 4, 12), "email": "", "email_consent": False}
    after = {
        "last_name": "Moreno",
        "date_of_birth": date(1986, 5, 13),
        "email": "ana@example.com",
        "email_consent": True,
    }
    assert diff(before, after, PROTECTED) == {
        "last_name": {"from": f"R{MASK}", "to": f"M{MASK}"},
        "date_of_birth": {"from": MASK, "to": MASK},
        "email": {"from": "", "to": f"a{MASK}"},
        "email_consent": {"from": False, "to": True},
    }


def test_it_writes_unprotected_dates_as_text():
    changes = diff({"seen_on": date(2026, 1, 2)}, {"seen_on": date(2026, 1, 3)}, PROTECTED)
    assert changes == {"seen_on": {"from": "2026-01-02", "to": "2026-01-03"}}


def test_it_treats_a_field_missing_on_one_side_as_empty():
    assert diff({}, {"first_name": "Ana"}, PROTECTED) == {"first_name": {"from": "", "to": f"A{MASK}"}}
    assert diff({"phone": "5125550199"}, {}, PROTECTED) == {"phone": {"from": f"5{MASK}", "to": ""}}


@settings(max_examples=300, database=None)
@given(st.text(min_size=3))
def test_it_never_reveals_a_value_longer_than_two_characters(value):
    assert value not in str(mask(value))


@settings(max_examples=200, database=None)
@given(st.text(alphabet=st.sampled_from(["A", "*", MASK[0]]), min_size=3, max_size=6))
def test_it_never_reveals_a_value_made_of_mask_characters(value):
    assert value not in str(mask(value))


def test_it_hides_values_that_look_like_a_mask():
    for value in (MASK, f"A{MASK[0] * 2}", f"A{MASK}"):
        assert value not in mask(value)


@settings(max_examples=200, database=None)
@given(st.integers().filter(lambda n: len(str(n)) > 2))
def test_it_never_reveals_a_number_longer_than_two_digits(value):
    assert str(value) not in str(mask(value))


@settings(max_examples=200, database=None)
@given(st.dates())
def test_it_never_reveals_any_part_of_a_date(value):
    masked = str(mask(value))
    assert value.isoformat() not in masked
    assert str(value.year) not in masked


@settings(max_examples=200, database=None)
@given(
    before=st.fixed_dictionaries({field: st.text(min_size=3) for field in PROTECTED}),
    after=st.fixed_dictionaries({field: st.text(min_size=3) for field in PROTECTED}),
)
def test_it_never_reveals_protected_values_in_a_diff(before, after):
    changes = diff(before, after, PROTECTED)
    assert set(changes) == {field for field in PROTECTED if before[field] != after[field]}
    for field, change in changes.items():
        assert before[field] not in change["from"]
        assert after[field] not in change["to"]
