"""The touch-point catalogue: every touch point the product owns, by journey stage.

The catalogue is code, not data: a new touch point is a new line here (and a migration for
the field's choices). Stages come in journey order.

Names are English msgids, marked with ``gettext_noop`` so ``makemessages`` collects them;
templates translate them at display time (``{% translate name %}``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

STAGES: list[tuple[str, str]] = [
    ("discover", gettext_noop("Discover")),
    ("book", gettext_noop("Book")),
    ("prepare", gettext_noop("Prepare")),
    ("arrive", gettext_noop("Arrive and wait")),
    ("visit", gettext_noop("Visit")),
    ("pay", gettext_noop("Pay")),
    ("afterwards", gettext_noop("Afterwards")),
]


@dataclass(frozen=True)
class Touchpoint:
    code: str
    stage: str
    name: str


CATALOGUE: tuple[Touchpoint, ...] = (
    Touchpoint("public-page", "discover", gettext_noop("Public practice page")),
    Touchpoint("provider-profile", "discover", gettext_noop("Provider profiles")),
    Touchpoint("booking-widget", "discover", gettext_noop("Book-online link and widget")),
    Touchpoint("referral-source", "discover", gettext_noop("How did you hear about us")),
    Touchpoint("self-scheduling", "book", gettext_noop("Online self-scheduling")),
    Touchpoint("first-available", "book", gettext_noop("First-available search")),
    Touchpoint("waitlist", "book", gettext_noop("Waitlist offers")),
    Touchpoint("phone-booking", "book", gettext_noop("Staff booking by phone")),
    Touchpoint("manage-link", "book", gettext_noop("Reschedule and cancel by link")),
    Touchpoint("confirmation", "prepare", gettext_noop("Confirmation and calendar file")),
    Touchpoint("reminders", "prepare", gettext_noop("Reminders")),
    Touchpoint("online-check-in", "prepare", gettext_noop("Online check-in")),
    Touchpoint("intake", "prepare", gettext_noop("Intake forms")),
    Touchpoint("cost-estimate", "prepare", gettext_noop("Cost estimate")),
    Touchpoint("self-check-in", "arrive", gettext_noop("Self check-in")),
    Touchpoint("flow-board", "arrive", gettext_noop("Front-desk flow board")),
    Touchpoint("wait-estimate", "arrive", gettext_noop("Live wait estimate")),
    Touchpoint("running-late", "arrive", gettext_noop("Running-late notices")),
    Touchpoint("visit-status", "visit", gettext_noop("Visit status times")),
    Touchpoint("visit-summary", "visit", gettext_noop("Visit summary")),
    Touchpoint("statement", "pay", gettext_noop("Plain-language statement")),
    Touchpoint("online-payment", "pay", gettext_noop("Online payment")),
    Touchpoint("billing-questions", "pay", gettext_noop("Billing questions")),
    Touchpoint("survey", "afterwards", gettext_noop("Survey")),
    Touchpoint("service-recovery", "afterwards", gettext_noop("Service recovery")),
    Touchpoint("recall", "afterwards", gettext_noop("Follow-up and recall reminders")),
    Touchpoint("patient-portal", "afterwards", gettext_noop("Patient portal")),
    Touchpoint("records-request", "afterwards", gettext_noop("Records requests and exports")),
)

BY_CODE: dict[str, Touchpoint] = {tp.code: tp for tp in CATALOGUE}
TOUCHPOINT_CHOICES: list[tuple[str, str]] = [(tp.code, tp.name) for tp in CATALOGUE]


def by_stage() -> list[tuple[str, str, list[Touchpoint]]]:
    """[(stage code, stage name, [touch points])] in journey order."""
    return [(code, name, [tp for tp in CATALOGUE if tp.stage == code]) for code, name in STAGES]
