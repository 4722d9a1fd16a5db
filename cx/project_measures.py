"""What an improvement project can be judged by, and the weeks it is judged over.

Pure: no Django, plain data in and out. The pages translate the English msgids kept here (``label``,
``unit``, ``definition``, ``noun_one``/``noun_many``); ``_`` below only marks them for ``makemessages``.

The catalogue
-------------
``top_box:<question code>``
    One per scale question of the practice's surveys: the share of answers in the best category
    (9–10, "always", "yes", 5 of 5), each answer dated by the day the patient started the survey.
``nps``
    Likelihood-to-recommend answers (0–10): % promoters (9–10) minus % detractors (0–6).
``online_booking_completion``
    Online bookings made divided by online bookings started, per practice-local day. "Started" is the
    ``booking.started`` journey event (recorded once per booking flow, with the flow's first time
    held). "Made" is ``appointment.booked`` with channel ``online`` (less ``waitlist.offer_accepted``
    events that booked a new visit: those are online bookings nobody started on the booking pages)
    plus ``booking_request.created`` (a request sent to the front desk: the patient finished). The
    events are not linked to one visitor, so a day counts at most as many completions as starts.
``waiting_minutes``
    Arrival to with the provider (waiting room plus exam-room wait), visits with both times, by the
    day of the visit; compared as medians (insights/measures.py's "waiting").
``no_show_rate``
    No-shows / (no-shows + appointments the patient came to), appointments whose time has passed
    (insights/measures.py's definition). Lower is better.
``late_cancel_rate``
    Appointments cancelled less than the practice's cutoff before their start / every appointment
    scheduled that day, cancelled ones included (insights/measures.py). Lower is better.
``reminder_confirmation_rate``
    Appointments whose reminder was sent (email or text): the share the patient confirmed, by the
    reminder's link or by texting back (``messaging.AppointmentResponse`` with action ``confirm``), by
    the day of the visit.

The windows
-----------
Before: the ``window_weeks`` whole weeks before the day the change went live (``went_live_on`` not
included). After: from ``went_live_on`` to ``window_weeks`` weeks later or today, whichever is first.
Weeks are counted from ``went_live_on`` (not from Monday), so the change falls exactly between two
weekly points of the chart; the after window's last week may be partial.

The season rule
---------------
The December holidays change who comes in, how busy the office is and how patients answer. A project
is warned when the share of December days differs by ``SEASON_GAP`` (25 percentage points) or more
between its two windows: for example before in November–December, after in January–February.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta


def _(message: str) -> str:
    """Marks a msgid for makemessages; the pages translate it at display time."""
    return message


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular/plural msgid pair for makemessages (its default ``ngettext:1,2`` keyword);
    the pages pick the form with Django's ``ngettext``."""
    return singular, plural


PROPORTION = "proportion"
MINUTES = "minutes"
NPS = "nps"
KINDS = (PROPORTION, MINUTES, NPS)

TOP_BOX_PREFIX = "top_box:"
NPS_CODE = "nps"
ONLINE_BOOKING_COMPLETION = "online_booking_completion"
WAITING_MINUTES = "waiting_minutes"
NO_SHOW_RATE = "no_show_rate"
LATE_CANCEL_RATE = "late_cancel_rate"
REMINDER_CONFIRMATION_RATE = "reminder_confirmation_rate"

MAX_SECONDARY = 5
SEASON_GAP = 25.0  # percentage points of December days between the two windows


@dataclass(frozen=True)
class Measure:
    code: str
    label: str  # msgid; for top box, followed by the question's wording on the pages
    kind: str  # "proportion" | "minutes" | "nps"
    higher_is_better: bool
    unit: str  # msgid shown after the values: "71 % → 84 % top box"
    definition: str  # msgid, one line
    noun_one: str  # msgid: what one observation is ("answer", "appointment")
    noun_many: str  # its plural
    question: str = ""  # top box: the question's code
    source: str = ""  # msgid: where the data comes from (the measure catalogue page)
    counts: str = ""  # msgid: what counts, and what is left out

    @property
    def unit_name(self) -> str:
        """msgid of the unit values and targets are in."""
        if self.kind == PROPORTION:
            return _("percent (0 to 100)")
        if self.kind == MINUTES:
            return _("minutes")
        return _("NPS points (−100 to 100)")

    @property
    def chart(self) -> str:
        """ "p" (p-chart) for proportions, "xmr" (individuals chart) for minutes and NPS."""
        return "p" if self.kind == PROPORTION else "xmr"

    @property
    def is_top_box(self) -> bool:
        return bool(self.question)


FIXED: tuple[Measure, ...] = (
    Measure(
        NPS_CODE,
        _("Net promoter score"),
        NPS,
        True,
        _("NPS"),
        _(
            "Likelihood-to-recommend answers: % promoters (9–10) minus % detractors (0–6), from −100 to 100, "
            "by the day the patient started the survey."
        ),
        *ngettext("answer", "answers"),
        source=_("Patient surveys: the likelihood-to-recommend question (0 to 10) of the surveys sent after visits."),
        counts=_(
            "One answer per survey response. Promoters answer 9 or 10, detractors 0 to 6; passives (7 or 8) count "
            "in n but not in the score."
        ),
    ),
    Measure(
        ONLINE_BOOKING_COMPLETION,
        _("Online booking completion"),
        PROPORTION,
        True,
        _("completed"),
        _(
            "Online bookings made (booked online, waitlist offers left out, or sent to the front desk as a request) "
            "divided by online bookings started (the first time held), per day. The two are not linked to one "
            "visitor, so a day counts at most as many completions as starts."
        ),
        *ngettext("booking started", "bookings started"),
        source=_("The online booking pages: the journey events “booking started”, “booked online” and “request sent”."),
        counts=_(
            "Every online booking started counts once; it counts as completed when a booking made online or a request "
            "to the front desk follows the same day. Bookings from waitlist offers are left out."
        ),
    ),
    Measure(
        WAITING_MINUTES,
        _("Minutes waiting"),
        MINUTES,
        False,
        _("median wait"),
        _(
            "From arrival to being with the provider (waiting room and exam room), visits with both times, "
            "by the day of the visit; compared as medians."
        ),
        *ngettext("visit", "visits"),
        source=_("The flow board: the time the patient arrived and the time they were with the provider."),
        counts=_("Visits with both times. Cancelled appointments are left out."),
    ),
    Measure(
        NO_SHOW_RATE,
        _("No-show rate"),
        PROPORTION,
        False,
        _("no-shows"),
        _(
            "No-shows divided by no-shows plus appointments the patient came to, among appointments whose "
            "time has passed, by the day of the appointment."
        ),
        *ngettext("appointment", "appointments"),
        source=_("The schedule and the flow board: each appointment's status."),
        counts=_(
            "Appointments whose time has passed and that were not cancelled; a no-show counts toward the rate. "
            "Lower is better."
        ),
    ),
    Measure(
        LATE_CANCEL_RATE,
        _("Late-cancellation rate"),
        PROPORTION,
        False,
        _("late cancellations"),
        _(
            "Appointments cancelled less than the practice's cutoff for online changes before their time, "
            "divided by every appointment scheduled, cancelled ones included, by the day of the appointment."
        ),
        *ngettext("appointment", "appointments"),
        source=_("The schedule: when each appointment was cancelled, and the practice's cutoff for online changes."),
        counts=_(
            "Every appointment scheduled, cancelled ones included; a cancellation inside the cutoff counts toward "
            "the rate. Lower is better."
        ),
    ),
    Measure(
        REMINDER_CONFIRMATION_RATE,
        _("Reminder confirmation rate"),
        PROPORTION,
        True,
        _("confirmed"),
        _(
            "Appointments whose reminder was sent: the share the patient confirmed, by the reminder's link or by "
            "texting back, by the day of the appointment."
        ),
        *ngettext("reminded appointment", "reminded appointments"),
        source=_("Messaging: reminders sent by email or text, and the patients' answers to them."),
        counts=_("Appointments whose reminder was sent; a confirmation by the reminder's link or by text counts."),
    ),
)
FIXED_BY_CODE: dict[str, Measure] = {m.code: m for m in FIXED}


def top_box(question: str) -> Measure:
    """The top-box measure of the survey question ``question`` (its code)."""
    return Measure(
        TOP_BOX_PREFIX + question,
        _("Top box"),
        PROPORTION,
        True,
        _("top box"),
        _(
            "The share of answers to this question in the best category (9–10, “always”, “yes” or 5 of 5), "
            "by the day the patient started the survey."
        ),
        *ngettext("answer", "answers"),
        question=question,
        source=_("Patient surveys: the answers to this question."),
        counts=_("Every answer on the question's scale; an answer in the best category counts."),
    )


def catalogue(question_codes: Iterable[str]) -> list[Measure]:
    """Every measure a practice can use: one top box per scale question (in the order given), then the rest."""
    return [top_box(code) for code in dict.fromkeys(question_codes) if code] + list(FIXED)


def parse(code: str) -> Measure | None:
    """The measure a stored code names, whatever questions the practice has today; None when malformed."""
    if code.startswith(TOP_BOX_PREFIX):
        question = code.removeprefix(TOP_BOX_PREFIX)
        return top_box(question) if question else None
    return FIXED_BY_CODE.get(code)


def find(code: str, question_codes: Collection[str]) -> Measure | None:
    """The measure ``code`` if the practice can use it (a top box only for one of its questions)."""
    measure = parse(code)
    if measure is None or (measure.is_top_box and measure.question not in question_codes):
        return None
    return measure


# --- windows and weeks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """The practice-local days compared; an empty window has ``last < first``."""

    before_first: date
    before_last: date
    after_first: date
    after_last: date
    full_after_last: date  # where the after window ends once it has run its course

    @property
    def before_days(self) -> int:
        return max(0, (self.before_last - self.before_first).days + 1)

    @property
    def after_days(self) -> int:
        return max(0, (self.after_last - self.after_first).days + 1)

    @property
    def is_live(self) -> bool:
        return self.after_days > 0

    @property
    def after_complete(self) -> bool:
        """The after window has run its full length."""
        return self.after_last >= self.full_after_last

    @property
    def first(self) -> date:
        return self.before_first

    @property
    def last(self) -> date:
        return max(self.after_last, self.before_last)

    def phase(self, day: date) -> str | None:
        """ "before", "after", or None for a day outside both windows."""
        if self.before_first <= day <= self.before_last:
            return "before"
        if self.after_first <= day <= self.after_last:
            return "after"
        return None


def windows(*, went_live_on: date, window_weeks: int, today: date) -> Windows:
    """The before and after windows of a change that went live on ``went_live_on``, as of ``today``."""
    if window_weeks < 1:
        raise ValueError(f"window_weeks must be at least 1, got {window_weeks}")
    span = timedelta(weeks=window_weeks)
    full_after_last = went_live_on + span - timedelta(days=1)
    return Windows(
        before_first=went_live_on - span,
        before_last=min(went_live_on - timedelta(days=1), today),
        after_first=went_live_on,
        after_last=min(full_after_last, today),
        full_after_last=full_after_last,
    )


def week_start(day: date, *, anchor: date) -> date:
    """The first day of ``day``'s week, weeks counted from ``anchor`` (the change's day)."""
    return anchor + timedelta(weeks=(day - anchor).days // 7)


def week_starts(first: date, last: date, *, anchor: date) -> list[date]:
    """The first day of every week, counted from ``anchor``, that touches ``first..last``."""
    starts: list[date] = []
    current = week_start(first, anchor=anchor)
    while current <= last:
        starts.append(current)
        current += timedelta(weeks=1)
    return starts


def december_share(first: date, last: date) -> float:
    """The percentage of the days ``first..last`` that fall in December (0 for an empty range)."""
    days = (last - first).days + 1
    if days <= 0:
        return 0.0
    december = sum(1 for i in range(days) if (first + timedelta(days=i)).month == 12)
    return 100.0 * december / days


def different_season(w: Windows) -> bool:
    """The season rule above: the December share of the two windows differs by ``SEASON_GAP`` or more."""
    if w.before_days == 0 or w.after_days == 0:
        return False
    gap = december_share(w.before_first, w.before_last) - december_share(w.after_first, w.after_last)
    return abs(gap) >= SEASON_GAP
