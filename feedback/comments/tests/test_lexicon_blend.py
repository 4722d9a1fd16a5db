"""The score given out blends the fitted model with the plain lexicon, and the US review idioms read right."""

import math

import pytest

from feedback.comments.lexicon import clause_score
from feedback.comments.model import Model, load_model


def _model(blend: float) -> Model:
    return Model(0.5, {"good": 1.0}, (1.0, 0.0, 0.0, 0.0), 0.25, 0.4, {}, lexicon_blend=blend)


def test_the_score_is_the_blend_of_the_fitted_model_and_the_lexicon_mean():
    lexicon = (-0.6, -0.9, -0.2, -0.3)
    fitted = math.tanh((0.5 + 1.0 - 0.6) / 2)
    assert _model(0.0).score(["good"], lexicon) == pytest.approx(fitted)
    assert _model(0.4).score(["good"], lexicon) == pytest.approx(0.6 * fitted + 0.4 * -0.6)
    assert _model(0.4).score_clause(["good"], -0.6) == pytest.approx(0.6 * fitted + 0.4 * -0.6)


def test_a_model_file_without_a_blend_reads_as_no_blend():
    data = _model(0.3).to_json()
    assert Model.from_json(data).lexicon_blend == 0.3
    del data["lexicon_blend"]
    assert Model.from_json(data).lexicon_blend == 0.0


def test_the_shipped_model_blends_in_the_lexicon():
    model = load_model()
    assert 0.0 < model.lexicon_blend < 1.0
    assert model.meta["lexicon_blend_loto_macro_f1"] > 0


@pytest.mark.parametrize(
    "text",
    [
        "i can't recommend dr. x highly enough",
        "cannot say enough good things about this office",
        "couldn't be happier with my results",
        "what more could you want?",
        "run, don't walk, to this practice",
        "no complaints at all",
        "they squeezed me in the same day",
        "10/10 would go again",
        "we will definitely be back",
    ],
)
def test_us_review_praise_reads_positive(text):
    assert clause_score(text) > 0.2


@pytest.mark.parametrize(
    "text",
    ["i can't recommend this place", "i wouldn't recommend them", "what a joke", "total waste of time", "a scam"],
)
def test_us_review_complaints_read_negative(text):
    assert clause_score(text) < -0.2
