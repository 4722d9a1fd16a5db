"""The comment analyser's parts: clauses, touch points, the lexicon layer, the model file."""

import json

import pytest

from feedback.comments import TOUCHPOINT_NAMES, analyze, analyze_many, model
from feedback.comments.clauses import split_clauses
from feedback.comments.lexicon import clause_score
from feedback.comments.touchpoints import detect


def clause_texts(text):
    return [c.text for c in split_clauses(text)]


def test_it_splits_clauses_at_contrasts_and_sentences():
    assert clause_texts("The front desk was rude but Dr. Lee was wonderful.") == [
        "the front desk was rude",
        "but dr. lee was wonderful",
    ]
    assert clause_texts("Although the wait was long, the doctor was great; billing is a mess! Paid 1.5 hours") == [
        "although the wait was long",
        "the doctor was great",
        "billing is a mess",
        "paid 1.5 hours",
    ]
    assert clause_texts("Great doctor, except for the wait. The only thing is parking") == [
        "great doctor",
        "except for the wait",
        "the only thing is parking",
    ]


def test_it_splits_at_and_only_before_a_new_subject():
    assert clause_texts("Staff friendly and helpful, and the doctor explained everything") == [
        "staff friendly and helpful",
        "and the doctor explained everything",
    ]


def test_it_marks_clauses_introduced_by_a_contrast():
    assert [c.contrast for c in split_clauses("Nice staff, however the wait was long")] == [False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the front desk was rude", ["front desk and staff"]),
        ("dr. lee explained my biopsy results", ["provider communication", "records and information"]),
        ("i waited over an hour", ["waiting"]),
        ("the waiting room was dirty", ["facility and cleanliness"]),
        ("my copay and deductible were wrong", ["billing and cost"]),
        ("the prior authorization took weeks", ["billing and cost"]),
        ("could not book online, on hold forever", ["booking and access"]),
        ("the patient portal is confusing", ["records and information"]),
        ("nobody called me back", ["follow-up"]),
        ("lovely weather", []),
    ],
)
def test_it_detects_touchpoints_from_keywords(text, expected):
    assert detect(text) == expected


def test_it_names_only_the_eight_touchpoints():
    assert TOUCHPOINT_NAMES == (
        "booking and access",
        "waiting",
        "front desk and staff",
        "provider communication",
        "records and information",
        "billing and cost",
        "facility and cleanliness",
        "follow-up",
    )


def test_it_reads_us_phrases_that_vader_misses():
    assert clause_score("nobody ever called me back") < -0.3
    assert clause_score("they sent my bill to collections") < -0.3
    assert clause_score("got a surprise bill") < -0.3
    assert clause_score("dr. smith was thorough and took the time to explain") > 0.3
    assert clause_score("they found my skin cancer early") == 0.0  # the condition is not the practice's fault
    assert clause_score("my copay was 40 dollars") == 0.0


def test_it_gives_each_touchpoint_its_own_clause_sentiment():
    result = analyze("The front desk was rude but Dr. Lee was wonderful.")
    assert {t.name: t.sentiment for t in result.touchpoints} == {
        "front desk and staff": "negative",
        "provider communication": "positive",
    }
    assert result.mixed is True
    assert result.sentiment in {"positive", "negative", "neutral"}
    assert [c.sentiment for c in result.clauses] == ["negative", "positive"]


def test_it_lets_a_neutral_clause_borrow_the_comment_sentiment_unless_mixed():
    result = analyze("The receptionist. So rude and unhelpful!")
    assert {t.name: t.sentiment for t in result.touchpoints} == {"front desk and staff": "negative"}
    assert result.sentiment == "negative" and result.mixed is False


def test_it_scores_within_minus_one_and_one_and_rounds():
    for text in ("Excellent!!! " * 50, "Terrible, awful, rude. " * 50, "ok"):
        result = analyze(text)
        assert -1.0 <= result.score <= 1.0
        assert json.loads(json.dumps(result.as_dict())) == result.as_dict()


def test_it_calls_an_empty_comment_neutral():
    for text in ("", "   ", "...", "\n"):
        result = analyze(text)
        assert (result.sentiment, result.score, result.touchpoints, result.mixed) == ("neutral", 0.0, [], False)


def test_it_analyzes_many_in_order():
    results = analyze_many(["Wonderful doctor", "Rude and dismissive staff"])
    assert [r.sentiment for r in results] == ["positive", "negative"]


def test_it_ships_a_model_file_under_50_mb():
    files = [p for p in model.MODEL_FILE.parent.iterdir() if p.is_file()]
    assert model.MODEL_FILE in files
    assert sum(p.stat().st_size for p in files) < 50 * 1024 * 1024
    data = json.loads(model.MODEL_FILE.read_text(encoding="utf-8"))
    assert data["format"] == "touchpoints-comment-sentiment/1"
    assert len(data["words"]) > 1000 and len(data["lexicon"]) == 4
    assert data["meta"]["held_out"] == "Trust C"


def test_it_loads_the_model_once_per_process():
    model.load_model.cache_clear()
    before = model.LOADS
    analyze_many(["Great staff", "Long wait", "Rude receptionist"] * 10)
    analyze("Another comment")
    assert before + 1 == model.LOADS
