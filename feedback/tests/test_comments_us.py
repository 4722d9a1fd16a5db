"""Sanity checks on hand-written, clearly synthetic US outpatient reviews (not evaluation data).

The reviews live in feedback/comments/tests/us_reviews.json; each gives the expected overall sentiment (or null
where a mixed review could fairly go either way) and the expected sentiment of the touch points it names.
"""

import json
from pathlib import Path

import pytest

from feedback.comments import analyze

FIXTURE = Path(__file__).resolve().parents[1] / "comments" / "tests" / "us_reviews.json"
REVIEWS = json.loads(FIXTURE.read_text(encoding="utf-8"))["reviews"]


def test_it_has_a_fixture_with_every_sentiment_and_touchpoint():
    assert len(REVIEWS) >= 20
    assert {r["sentiment"] for r in REVIEWS} >= {"positive", "negative", "neutral"}
    named = {name for r in REVIEWS for name in r["touchpoints"]}
    assert len(named) == 8


@pytest.mark.parametrize("review", REVIEWS, ids=[r["text"][:40] for r in REVIEWS])
def test_it_reads_us_practice_wording(review):
    result = analyze(review["text"])
    if review["sentiment"] is not None:
        assert result.sentiment == review["sentiment"]
    found = {t.name: t.sentiment for t in result.touchpoints}
    for name, sentiment in review["touchpoints"].items():
        assert found.get(name) == sentiment, (name, found)
