"""Reply keywords: pure parsing, English and Spanish, insensitive to case, accents, spaces, punctuation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messaging import keywords
from messaging.keywords import CONFIRM, NONE, RESCHEDULE, START, STOP, normalise_phone, parse_reply


@pytest.mark.parametrize(
    "body",
    ["STOP", "stop", " Stop. ", "S T O P", "StopAll", "UNSUBSCRIBE", "unsubscribe!", "END", "quit", "ALTO", "Baja"],
)
def test_it_reads_opt_out_keywords(body):
    assert parse_reply(body) == STOP


def test_it_treats_cancel_as_an_opt_out_by_carrier_convention_not_as_cancelling_the_visit():
    assert parse_reply("CANCEL") == STOP
    assert parse_reply("Cancelar") == STOP


@pytest.mark.parametrize("body", ["C", "c", "C.", "confirm", "CONFIRMAR", "yes", "Yes!", "si", "SÍ", "Sí."])
def test_it_reads_confirmations(body):
    assert parse_reply(body) == CONFIRM


@pytest.mark.parametrize("body", ["R", "r!", "Reschedule", "CAMBIAR", "reprogramar"])
def test_it_reads_reschedule_requests(body):
    assert parse_reply(body) == RESCHEDULE


@pytest.mark.parametrize("body", ["START", "unstop", "Start."])
def test_it_reads_opt_in_keywords(body):
    assert parse_reply(body) == START


def test_it_takes_yes_after_stop_as_opting_back_in():
    assert parse_reply("YES", opted_out=True) == START
    assert parse_reply("sí", opted_out=True) == START
    assert parse_reply("C", opted_out=True) == CONFIRM


@pytest.mark.parametrize(
    "body", ["", "   ", "Can I come at 3 instead?", "please don't stop my visit", "yes please", "stopp", "🙂"]
)
def test_it_leaves_sentences_for_a_person(body):
    assert parse_reply(body) == NONE


@pytest.mark.parametrize(
    "value", ["+1 (512) 555-0199", "512.555.0199", "15125550199", "(512) 555-0199", "+15125550199"]
)
def test_it_normalises_north_american_numbers_to_the_same_digits(value):
    assert normalise_phone(value) == "15125550199"


def test_it_keeps_other_countries_digits_and_gives_nothing_for_no_digits():
    assert normalise_phone("+44 20 7946 0958") == "442079460958"
    assert normalise_phone("n/a") == ""
    assert not keywords.same_phone("", "")


@given(st.text(max_size=60), st.booleans())
def test_it_always_answers_one_of_the_known_actions(body, opted_out):
    assert parse_reply(body, opted_out=opted_out) in {CONFIRM, RESCHEDULE, STOP, START, NONE}


@given(st.sampled_from(["stop", "start", "c", "r", "cancel", "alto"]), st.text(alphabet=" .!?,-", max_size=5))
def test_it_ignores_case_and_punctuation_around_a_keyword(word, noise):
    assert parse_reply(noise + word.upper() + noise) == parse_reply(word)
