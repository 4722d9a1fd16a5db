"""cx.quotes: representative quotes cover different themes rather than the k most similar ones."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cx.quotes import Quote, content_words, jaccard, representative


def quote(key, text, themes, sentiment=0.5):
    return Quote(key=key, text=text, themes=tuple(themes), sentiment=sentiment)


SATURDAY = [
    quote(f"s{n}", text, ["availability"], -0.4)
    for n, text in enumerate(
        [
            "Couldn't find a Saturday time anywhere on the booking page.",
            "No Saturday times at all, I had to take a day off work.",
            "I wanted a Saturday appointment and there were none.",
            "Saturday slots are always gone, please add more.",
            "Could not find any Saturday time for weeks.",
            "Why are there never Saturday appointments available?",
        ]
    )
]
OTHERS = [
    quote("easy", "Booking online took two minutes, really easy.", ["ease"], 0.8),
    quote("reminder", "The text reminder the day before was helpful.", ["reminders"], 0.6),
    quote("insurance", "The site did not say whether my insurance was accepted.", ["insurance"], -0.3),
    quote("spanish", "Me gustó poder reservar en español.", ["language"], 0.7),
]


def test_five_quotes_cover_five_themes_not_five_saturday_complaints():
    chosen = representative([*SATURDAY, *OTHERS], k=5)
    assert len(chosen) == 5
    themes = [t for q in chosen for t in q.themes]
    assert len(set(themes)) == 5
    assert sum(1 for q in chosen if "availability" in q.themes) == 1


def test_the_commonest_theme_comes_first():
    chosen = representative([*SATURDAY, *OTHERS], k=5)
    assert chosen[0].themes == ("availability",)


def test_without_themes_word_overlap_keeps_quotes_apart():
    texts = [
        "The wait was long, over an hour in the waiting room.",
        "The wait was long, more than an hour in the waiting room.",
        "Long wait, an hour in the waiting room.",
        "The doctor explained my treatment clearly.",
        "Parking was hard to find.",
    ]
    chosen = representative([quote(str(n), t, []) for n, t in enumerate(texts)], k=3)
    waits = [q for q in chosen if "wait" in q.text.lower()]
    assert len(waits) == 1


def test_deterministic_and_independent_of_input_order():
    quotes = [*SATURDAY, *OTHERS]
    assert representative(quotes) == representative(list(reversed(quotes)))


def test_small_inputs():
    assert representative([], k=5) == []
    assert representative(OTHERS, k=0) == []
    assert {q.key for q in representative(OTHERS[:2], k=5)} == {"easy", "reminder"}


def test_content_words_and_jaccard():
    assert content_words("The Saturday times were gone") == frozenset({"saturday", "time", "gone"})
    assert content_words("Las citas del sábado") == frozenset({"cita", "sabado"})
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset(), frozenset()) == 0.0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            quote,
            key=st.text(alphabet="abcdefgh", min_size=1, max_size=3),
            text=st.sampled_from(["no Saturday times", "easy booking", "nice reminder", "long wait", "rude desk"]),
            themes=st.lists(st.sampled_from(["availability", "ease", "wait", "staff"]), max_size=2),
            sentiment=st.floats(-1, 1),
        ),
        max_size=12,
        unique_by=lambda q: q.key,
    ),
    st.integers(0, 6),
)
def test_choice_is_a_subset_of_the_right_size(quotes, k):
    chosen = representative(quotes, k=k)
    assert len(chosen) == min(k, len(quotes))
    assert len({q.key for q in chosen}) == len(chosen)
    assert set(chosen) <= set(quotes)
    assert chosen == representative(list(reversed(quotes)), k=k)
