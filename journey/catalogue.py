"""The touch-point catalogue: every touch point the product owns, by journey stage.

The catalogue is code, not data: a new touch point is a new line here (and a migration for
the field's choices). Stages come in journey order.
"""

from dataclasses import dataclass

STAGES: list[tuple[str, str]] = [
    ("discover", "Discover"),
    ("book", "Book"),
    ("prepare", "Prepare"),
    ("arrive", "Arrive and wait"),
    ("visit", "Visit"),
    ("pay", "Pay"),
    ("afterwards", "Afterwards"),
]


@dataclass(frozen=True)
class Touchpoint:
    code: str
    stage: str
    name: str


CATALOGUE: tuple[Touchpoint, ...] = (
    Touchpoint("public-page", "discover", "Public practice page"),
    Touchpoint("provider-profile", "discover", "Provider profiles"),
    Touchpoint("booking-widget", "discover", "Book-online link and widget"),
    Touchpoint("referral-source", "discover", "How did you hear about us"),
    Touchpoint("self-scheduling", "book", "Online self-scheduling"),
    Touchpoint("first-available", "book", "First-available search"),
    Touchpoint("waitlist", "book", "Waitlist offers"),
    Touchpoint("phone-booking", "book", "Staff booking by phone"),
    Touchpoint("manage-link", "book", "Reschedule and cancel by link"),
    Touchpoint("confirmation", "prepare", "Confirmation and calendar file"),
    Touchpoint("reminders", "prepare", "Reminders"),
    Touchpoint("online-check-in", "prepare", "Online check-in"),
    Touchpoint("intake", "prepare", "Intake forms"),
    Touchpoint("cost-estimate", "prepare", "Cost estimate"),
    Touchpoint("self-check-in", "arrive", "Self check-in"),
    Touchpoint("flow-board", "arrive", "Front-desk flow board"),
    Touchpoint("wait-estimate", "arrive", "Live wait estimate"),
    Touchpoint("running-late", "arrive", "Running-late notices"),
    Touchpoint("visit-status", "visit", "Visit status times"),
    Touchpoint("visit-summary", "visit", "Visit summary"),
    Touchpoint("statement", "pay", "Plain-language statement"),
    Touchpoint("online-payment", "pay", "Online payment"),
    Touchpoint("billing-questions", "pay", "Billing questions"),
    Touchpoint("survey", "afterwards", "Survey"),
    Touchpoint("service-recovery", "afterwards", "Service recovery"),
    Touchpoint("recall", "afterwards", "Follow-up and recall reminders"),
    Touchpoint("patient-portal", "afterwards", "Patient portal"),
    Touchpoint("records-request", "afterwards", "Records requests and exports"),
)

BY_CODE: dict[str, Touchpoint] = {tp.code: tp for tp in CATALOGUE}
TOUCHPOINT_CHOICES: list[tuple[str, str]] = [(tp.code, tp.name) for tp in CATALOGUE]


def by_stage() -> list[tuple[str, str, list[Touchpoint]]]:
    """[(stage code, stage name, [touch points])] in journey order."""
    return [(code, name, [tp for tp in CATALOGUE if tp.stage == code]) for code, name in STAGES]
