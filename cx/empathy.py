"""The rules of an empathy map's "actual" side: which comment topics speak of a touch point, what
patients' answers say about how they felt, and when that disagrees with what the team expected.
Plain data in and out; no Django import.

**Comment topics → touch points.** The comment analyser (``feedback/comments/touchpoints.py``) tags
a comment with broad topics ("booking and access", "waiting"...). A map for a catalogue touch point
(``journey/catalogue.py``) also reads the comments tagged with a topic that covers it, through
``TOPIC_TOUCHPOINTS`` below. A topic covers the touch points a patient would be talking about when
they use its words: "booking and access" the booking touch points, "waiting" the arrival and wait,
"front desk and staff" the desk's booking by phone and check-in, "provider communication" the visit
itself, "records and information" the portal, records, forms and messages before the visit,
"billing and cost" the paying stage, "facility and cleanliness" the arrival in the building, and
"follow-up" the recall reminders and the call back after a complaint. The public pages, the survey
itself and the live notices by text are covered by no topic; their maps read the comments of the
surveys that ask about them only.

**How patients felt (the overall feeling).** Two readings, each used only with at least
``MIN_N`` (30) answers behind it, the threshold every Touchpoints figure uses:

- *Comments*: positive when more than half of the comments are positive, negative when more than
  half are negative, otherwise mixed (neutral and mixed comments count in the denominator).
- *Survey items*: the mean top-box percentage of the touch point's items that have at least 30
  answers each. At least ``TOP_BOX_POSITIVE`` (70 %) reads as positive, below ``TOP_BOX_NEGATIVE``
  (50 %) as negative, in between as mixed. 70 % is below the national CG-CAHPS top box of most
  items (office staff and access items run around 70–80 %), so "positive" means "about as good as
  practices usually get"; under half of patients giving the best answer is a clear problem.

Overall: the two readings when they agree; "mixed" when they disagree; the one there is when the
other has too few answers; nothing ("too few patients answered to say") when neither has enough.

**Disagreement.** The team's expected feeling disagrees with the patients' when they differ
(positive vs mixed counts: the team expected better than half of patients said). With too few
answers there is no verdict either way: the page says so in words rather than marking a gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

POSITIVE, MIXED, NEGATIVE, NEUTRAL = "positive", "mixed", "negative", "neutral"
MIN_N = 30
TOP_BOX_POSITIVE = 70.0
TOP_BOX_NEGATIVE = 50.0

# fmt: off
TOPIC_TOUCHPOINTS: dict[str, tuple[str, ...]] = {
    "booking and access": (
        "booking-widget", "self-scheduling", "first-available", "waitlist", "phone-booking", "manage-link",
    ),
    "waiting": ("flow-board", "wait-estimate", "running-late", "visit-status"),
    "front desk and staff": ("phone-booking", "online-check-in", "self-check-in", "flow-board"),
    "provider communication": ("visit-status", "visit-summary"),
    "records and information": (
        "confirmation", "reminders", "intake", "visit-summary", "patient-portal", "records-request",
    ),
    "billing and cost": ("cost-estimate", "statement", "online-payment", "billing-questions"),
    "facility and cleanliness": ("self-check-in", "flow-board"),
    "follow-up": ("recall", "service-recovery"),
}
# fmt: on


def topics_for(touchpoint: str) -> tuple[str, ...]:
    """The comment topics that speak of ``touchpoint`` (a catalogue code), in the analyser's order."""
    return tuple(topic for topic, codes in TOPIC_TOUCHPOINTS.items() if touchpoint in codes)


def feeling_from_comments(*, positive: int, negative: int, n: int) -> str | None:
    """How patients felt by their comments' sentiment; None under ``MIN_N`` comments."""
    if n < MIN_N:
        return None
    if positive * 2 > n:
        return POSITIVE
    if negative * 2 > n:
        return NEGATIVE
    return MIXED


def trusted_top_box(items: Iterable[tuple[float | None, int]]) -> float | None:
    """The mean top-box percentage of the items (``(top box %, n)``) with at least ``MIN_N`` answers."""
    trusted = [top for top, n in items if top is not None and n >= MIN_N]
    return sum(trusted) / len(trusted) if trusted else None


def feeling_from_top_box(top_box: float | None) -> str | None:
    """How patients felt by the survey items' top box (a percentage); None without a trusted figure."""
    if top_box is None:
        return None
    if top_box >= TOP_BOX_POSITIVE:
        return POSITIVE
    if top_box < TOP_BOX_NEGATIVE:
        return NEGATIVE
    return MIXED


def overall_feeling(*, comments: str | None, survey: str | None) -> str | None:
    """Both readings combined (see the module docstring)."""
    if comments is None:
        return survey
    if survey is None or survey == comments:
        return comments
    return MIXED


@dataclass(frozen=True)
class Gap:
    expected: str
    actual: str | None  # None: too few answers to say

    @property
    def too_few(self) -> bool:
        return self.actual is None

    @property
    def disagrees(self) -> bool:
        return self.actual is not None and self.actual != self.expected


def gap(expected: str, actual: str | None) -> Gap:
    if expected not in (POSITIVE, MIXED, NEGATIVE):
        raise ValueError(f"unknown expected feeling {expected!r}")
    return Gap(expected=expected, actual=actual)
