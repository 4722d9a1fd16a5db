"""The Monday-morning mix: who is on the site and how often each does something. Pure data, tested.

Weights are Locust user weights (the share of simulated people of each kind); ``THINK_SECONDS`` is
the pause of a person between pages; the front desk polls its board every ``BOARD_POLL_SECONDS``
as the page does (``FlowSettings`` poll interval, htmx ``every 5s``).
"""

from __future__ import annotations

# Endpoint groups: each request is reported under one of these names (the table's rows).
GROUPS = (
    "book: times page",
    "book: hold",
    "book: details page",
    "book: book",
    "book: done page",
    "manage: page",
    "manage: reschedule days",
    "manage: reschedule times",
    "manage: reschedule",
    "manage: cancel page",
    "manage: cancel",
    "visit: page",
    "visit: here",
    "kiosk: start",
    "kiosk: find",
    "kiosk: confirm",
    "survey: page",
    "survey: answer",
    "staff: sign-in page",
    "staff: sign-in",
    "board: page",
    "board: poll",
    "board: change status",
)

# Simulated people of each kind, relative: most traffic is patients booking and front desks polling.
USER_WEIGHTS = {
    "BookingPatient": 6,
    "ManagingPatient": 2,
    "PhoneCheckIn": 2,
    "KioskCheckIn": 1,
    "SurveyPatient": 2,
    "FrontDesk": 1,  # one signed-in front desk per practice (fixed count, see FRONT_DESKS_PER_PRACTICE)
}
FRONT_DESKS_PER_PRACTICE = 1
THINK_SECONDS = (0.5, 1.5)
BOARD_POLL_SECONDS = 5
# A front desk changes one status about every this many polls.
BOARD_CHANGE_EVERY_POLLS = 3


def validate(groups=GROUPS, weights=USER_WEIGHTS) -> list[str]:
    """Problems with the mix (an empty list when it is valid)."""
    problems = []
    if len(set(groups)) != len(groups):
        problems.append("an endpoint group is named twice")
    if any(not isinstance(w, int) or w <= 0 for w in weights.values()):
        problems.append("every weight must be a positive whole number")
    if THINK_SECONDS[0] <= 0 or THINK_SECONDS[0] > THINK_SECONDS[1]:
        problems.append("think time must be a positive range")
    return problems
