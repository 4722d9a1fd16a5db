"""Listening to change: one patient's history in, the changes in how they do business with us out.

Pure (no ORM): ``cx/selectors/signal_histories.py`` builds a ``History`` from appointments, the
journey log, reminders, surveys and the recall; ``cx/services/signal_detection.py`` stores what
``detect`` returns as ``ChangeSignal`` rows. Evidence is built with gettext, so it is written in the
language active when the detector runs; it names channels, counts, dates, locations and providers,
never a visit type, a reason or anything a patient wrote.

Every change is judged against the patient's OWN history, with a minimum of evidence:

- **A habit that stopped** (booking online, booking by phone, checking in online, confirming
  reminders, one location, one provider): the last ``k >= 2`` occasions all broke the habit, the
  habit held on at least ``MIN_BASELINE`` occasions before (at least 75 % of them), and the run is
  surprising for this patient: with the habit's smoothed miss rate ``q = (misses + 1) / (n + 2)``,
  ``q ** k <= ALPHA``. Six online bookings then two by phone is ``(1/8)**2 = 0.016``: flagged; an
  online booker who phoned one time in four before is not flagged for two calls.
- **More cancellations, no-shows, late cancellations**: from the first such event in the last year
  to now (cancellations) or to the last one (no-shows, late cancellations: visits kept after them do
  not dilute them), at least two of them, and the binomial
  tail of that many or more at the patient's own earlier rate (smoothed, ``(events + 0.5) / (n + 1)``)
  is at most ``ALPHA_RATE``: two no-shows in a row after six kept visits is ``0.07 ** 2 = 0.005``.
- **Lapses**: the recall's due day plus ``RECALL_GRACE_DAYS`` passed with nothing booked, or the
  time since the last kept visit is at least twice the patient's usual gap (and ``GAP_SLACK_DAYS``
  more), longer than any gap before, with at least four kept visits behind it in a rhythm (a usual
  gap of two months or more, no earlier gap over twice the usual: a course of treatment that ended
  or a patient who comes when something comes up has no rhythm to break). A gap that began in the
  same season as an earlier year's (``SEASON_DAYS``) must also outgrow that year's gap by
  ``GAP_SLACK_DAYS``: a patient who always stays away over the summer is not lapsing.
- **Opt-outs** and **abandoned online bookings** are changes by themselves (a known patient: one
  kept visit at least); **turned detractor**: a score of 6 or less or a strongly negative comment
  after at least three positive answers (9 or 10; a passive 7 or 8 counts neither way) and no
  negative one.

``changed_on`` is the day the new behaviour was first seen (the first call, the first missed
check-in, the day a lapse became one), so reruns and later evidence give the same day and the
database's unique (practice, patient, kind, changed_on) keeps one row. Changes first seen more than
``RECENT_DAYS`` ago are not reported: they are history, not news.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Kinds: the values of cx.models.signals.SignalKind (this module imports no models; a test checks).
ONLINE_TO_PHONE = "online_to_phone"
PHONE_TO_ONLINE = "phone_to_online"
STOPPED_CHECKING_IN = "stopped_checking_in"
STOPPED_CONFIRMING = "stopped_confirming"
LAPSED_RECALL = "lapsed_recall"
LAPSED_GAP = "lapsed_gap"
NEW_LOCATION = "new_location"
NEW_PROVIDER = "new_provider"
MORE_CANCELLATIONS = "more_cancellations"
MORE_NO_SHOWS = "more_no_shows"
LATE_CANCELLATIONS = "late_cancellations"
OPTED_OUT = "opted_out"
TURNED_DETRACTOR = "turned_detractor"
ABANDONED_BOOKING = "abandoned_booking"
KINDS: tuple[str, ...] = (
    ONLINE_TO_PHONE,
    PHONE_TO_ONLINE,
    STOPPED_CHECKING_IN,
    STOPPED_CONFIRMING,
    LAPSED_RECALL,
    LAPSED_GAP,
    NEW_LOCATION,
    NEW_PROVIDER,
    MORE_CANCELLATIONS,
    MORE_NO_SHOWS,
    LATE_CANCELLATIONS,
    OPTED_OUT,
    TURNED_DETRACTOR,
    ABANDONED_BOOKING,
)
LAPSE_KINDS = frozenset({LAPSED_RECALL, LAPSED_GAP})

# Suggested responses: the values of cx.models.signals.SuggestedResponse.
CALL = "call"
MICRO_SURVEY = "micro_survey"
RECOVERY_CASE = "recovery_case"

# Channels of a booking. Booked by staff at the desk (the next visit made at checkout) is neither:
# it says nothing about how the patient prefers to reach us.
ONLINE = "online"
PHONE = "phone"
DESK = "desk"

# Outcomes of a booking.
KEPT = "kept"
NO_SHOW = "no_show"
CANCELLED = "cancelled"
UPCOMING = "upcoming"

MIN_BASELINE = 5  # occasions a habit must have held on before its break counts
MIN_HABIT_SHARE = 0.75
MIN_RUN = 2  # occasions in a row that broke it
ALPHA = 0.04  # the most surprising a stopped habit may be by chance, for this patient
ALPHA_RATE = 0.01  # the same for more cancellations, no-shows and late cancellations
MIN_RATE_BASELINE = 5
MIN_RATE_EVENTS = 2
RECENT_DAYS = 365  # changes first seen longer ago are not news
RECALL_GRACE_DAYS = 30  # a recall is lapsed this long after its due day, with nothing booked
GAP_FACTOR = 2.0
GAP_SLACK_DAYS = 90
MIN_KEPT_FOR_GAP = 4
MIN_USUAL_GAP_DAYS = 60
SEASON_DAYS = 45  # a gap that began this close to the same day of an earlier year is the same season's
ABANDON_AFTER = timedelta(hours=2)  # a start with no booking within this is abandoned
ABANDON_RECENT_DAYS = 30
DETRACTOR_MAX = 6
PROMOTER_MIN = 9  # a positive answer: 9 or 10 (7 and 8 are passives, neither positive nor negative)
MIN_POSITIVE_ANSWERS = 3


@dataclass(frozen=True)
class Booking:
    """One appointment (entered-in-error ones are left out by the selector)."""

    booked_at: datetime
    start: datetime
    channel: str  # ONLINE, PHONE or DESK
    location_id: int
    location_name: str
    provider_id: int
    provider_name: str
    outcome: str  # KEPT, NO_SHOW, CANCELLED or UPCOMING
    cancelled_at: datetime | None = None
    cancelled_by_practice: bool = False  # provider away, closed, weather, duplicate: not the patient's doing
    checked_in_online: bool = False
    reminded: bool = False
    confirmed: bool = False


@dataclass(frozen=True)
class SurveyAnswer:
    at: datetime
    score: int | None  # 0-10 likelihood to recommend, when asked
    negative_comment: bool = False  # a strongly negative comment (its words never reach here)


@dataclass(frozen=True)
class OptOut:
    at: datetime
    channel: str  # "sms" or "email"


@dataclass(frozen=True)
class History:
    patient_id: int
    bookings: tuple[Booking, ...] = ()
    surveys: tuple[SurveyAnswer, ...] = ()
    opt_outs: tuple[OptOut, ...] = ()
    booking_starts: tuple[datetime, ...] = ()  # booking.started by this (known) patient
    recall_due_on: date | None = None


@dataclass(frozen=True)
class Finding:
    kind: str
    changed_on: date
    strength: int  # 1 weak, 2 moderate, 3 strong
    evidence: str
    response: str
    location_id: int | None = None
    provider_id: int | None = None
    # How unlikely by chance, for this patient (1.0 when not a statistical judgement); for tuning.
    surprise: float = field(default=1.0, compare=False)


def _day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def _fmt(day: date) -> str:
    return date_format(day, "j M Y")


def _dates(days: Sequence[date], most: int = 3) -> str:
    """'3 Dec 2026, 28 Nov 2026' (newest first; at most ``most``, then 'and N more')."""
    shown = sorted(set(days), reverse=True)
    text = ", ".join(_fmt(day) for day in shown[:most])
    if len(shown) > most:
        more = len(shown) - most
        text += " " + ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more}
    return text


def _strength(surprise: float, alpha: float) -> int:
    if surprise <= alpha / 10:
        return 3
    if surprise <= alpha / 3:
        return 2
    return 1


def _recent(changed_on: date, today: date) -> bool:
    return today - timedelta(days=RECENT_DAYS) <= changed_on <= today


@dataclass(frozen=True)
class _Break:
    """A habit that held on ``usual`` of ``base`` occasions, then broke on the last ``run`` ones."""

    base: int
    usual: int
    run: int
    surprise: float


def _habit_break(usual_flags: Sequence[bool], *, like_run: int | None = None) -> _Break | None:
    """The trailing run of occasions that broke the habit, when it is surprising for this patient.

    ``like_run``: how many earlier occasions were like the run (the same new place or person); by
    default every earlier miss counts as like it."""
    run = 0
    for flag in reversed(usual_flags):
        if flag:
            break
        run += 1
    base = len(usual_flags) - run
    if run < MIN_RUN or base < MIN_BASELINE:
        return None
    usual = sum(usual_flags[:base])
    if usual < MIN_HABIT_SHARE * base:
        return None
    alike = base - usual if like_run is None else like_run
    surprise = ((alike + 1) / (base + 2)) ** run
    if surprise > ALPHA:
        return None
    return _Break(base=base, usual=usual, run=run, surprise=surprise)


def _binomial_tail(events: int, trials: int, rate: float) -> float:
    """P(X >= events) for X ~ Binomial(trials, rate)."""
    return sum(math.comb(trials, i) * rate**i * (1 - rate) ** (trials - i) for i in range(events, trials + 1))


def _last(bookings: Sequence[Booking]) -> Booking | None:
    return bookings[-1] if bookings else None


def _where(booking: Booking | None) -> tuple[int | None, int | None]:
    return (booking.location_id, booking.provider_id) if booking else (None, None)


# --- habits that stopped ---------------------------------------------------------------------------


def _channel_switch(history: History, today: date, zone: tzinfo) -> list[Finding]:
    found: list[Finding] = []
    chosen = [b for b in sorted(history.bookings, key=lambda b: b.booked_at) if b.channel in (ONLINE, PHONE)]
    for kind, habit in ((ONLINE_TO_PHONE, ONLINE), (PHONE_TO_ONLINE, PHONE)):
        hit = _habit_break([b.channel == habit for b in chosen])
        if hit is None:
            continue
        run = chosen[-hit.run :]
        changed_on = _day(run[0].booked_at, zone)
        if not _recent(_day(run[-1].booked_at, zone), today):
            continue
        since = _day(chosen[0].booked_at, zone).year
        if habit == ONLINE:
            evidence = _("booked online %(usual)d of %(base)d times since %(since)d; booked by phone on %(dates)s")
        else:
            evidence = _("booked by phone %(usual)d of %(base)d times since %(since)d; booked online on %(dates)s")
        evidence %= {
            "usual": hit.usual,
            "base": hit.base,
            "since": since,
            "dates": _dates([_day(b.booked_at, zone) for b in run]),
        }
        location, provider = _where(run[-1])
        found.append(
            Finding(
                kind,
                changed_on,
                _strength(hit.surprise, ALPHA),
                evidence,
                MICRO_SURVEY,
                location,
                provider,
                hit.surprise,
            )
        )
    return found


def _visits_until(history: History, today: date, zone: tzinfo) -> list[Booking]:
    """Kept visits and no-shows up to today, in time order: the occasions to check in or confirm."""
    return sorted(
        (b for b in history.bookings if b.outcome in (KEPT, NO_SHOW) and _day(b.start, zone) <= today),
        key=lambda b: b.start,
    )


def _stopped_habit(
    occasions: Sequence[Booking],
    kept_it: Sequence[bool],
    *,
    kind: str,
    response: str,
    evidence: str,
    zone: tzinfo,
    today: date,
) -> list[Finding]:
    """A visit-by-visit habit (checking in online, confirming reminders) broken on the last visits."""
    hit = _habit_break(kept_it)
    if hit is None:
        return []
    run = occasions[-hit.run :]
    if not _recent(_day(run[-1].start, zone), today):
        return []
    text = evidence % {
        "usual": hit.usual,
        "base": hit.base,
        "since": _day(occasions[0].start, zone).year,
        "dates": _dates([_day(b.start, zone) for b in run]),
    }
    location, provider = _where(run[-1])
    changed_on = _day(run[0].start, zone)
    return [Finding(kind, changed_on, _strength(hit.surprise, ALPHA), text, response, location, provider, hit.surprise)]


def _stopped_checking_in(history: History, today: date, zone: tzinfo) -> list[Finding]:
    visits = [b for b in _visits_until(history, today, zone) if b.outcome == KEPT]
    return _stopped_habit(
        visits,
        [b.checked_in_online for b in visits],
        kind=STOPPED_CHECKING_IN,
        response=MICRO_SURVEY,
        evidence=_(
            "checked in online before %(usual)d of %(base)d visits since %(since)d; not before the visits of %(dates)s"
        ),
        zone=zone,
        today=today,
    )


def _stopped_confirming(history: History, today: date, zone: tzinfo) -> list[Finding]:
    reminded = [b for b in _visits_until(history, today, zone) if b.reminded]
    return _stopped_habit(
        reminded,
        [b.confirmed for b in reminded],
        kind=STOPPED_CONFIRMING,
        response=CALL,
        evidence=_(
            "confirmed %(usual)d of %(base)d reminders since %(since)d; did not confirm the reminders for %(dates)s"
        ),
        zone=zone,
        today=today,
    )


def _moves(history: History, today: date, zone: tzinfo) -> list[Finding]:
    """A different location than usual, or a different provider after a year or more with one."""
    found: list[Finding] = []
    taken = sorted((b for b in history.bookings if b.outcome in (KEPT, UPCOMING)), key=lambda b: b.start)
    for kind in (NEW_LOCATION, NEW_PROVIDER):

        def key(b: Booking, kind: str = kind) -> int:
            return b.location_id if kind == NEW_LOCATION else b.provider_id

        # The usual place or person: the most frequent one before the trailing run of others.
        keys = [key(b) for b in taken]
        if len(keys) < MIN_BASELINE + MIN_RUN:
            continue
        newest = keys[-1]
        run = 0
        for value in reversed(keys):
            if value != newest:
                break
            run += 1
        base_keys = keys[: len(keys) - run]
        if run < MIN_RUN or not base_keys:
            continue
        usual = max(set(base_keys), key=base_keys.count)
        if usual == newest:
            continue  # back to the usual one
        hit = _habit_break([value == usual for value in base_keys] + [False] * run, like_run=base_keys.count(newest))
        if hit is None:
            continue
        base = taken[: len(base_keys)]
        if kind == NEW_PROVIDER and (_day(base[-1].start, zone) - _day(base[0].start, zone)).days < 365:
            continue  # "after years with one": a year at least
        moved = taken[-run:]
        changed_on = _day(moved[0].start, zone) if _day(moved[0].start, zone) <= today else today
        first_seen = min(_day(moved[0].booked_at, zone), changed_on)
        if not _recent(min(_day(moved[-1].booked_at, zone), today), today):
            continue
        usual_booking = next(b for b in base if key(b) == usual)
        if kind == NEW_LOCATION:
            evidence = _(
                "%(usual)d of %(base)d visits at %(place)s since %(since)d; booked at %(new)s for %(dates)s"
            ) % {
                "usual": hit.usual,
                "base": hit.base,
                "place": usual_booking.location_name,
                "since": _day(base[0].start, zone).year,
                "new": moved[-1].location_name,
                "dates": _dates([_day(b.start, zone) for b in moved]),
            }
        else:
            evidence = _(
                "%(usual)d of %(base)d visits with %(person)s since %(since)d; booked with %(new)s for %(dates)s"
            ) % {
                "usual": hit.usual,
                "base": hit.base,
                "person": usual_booking.provider_name,
                "since": _day(base[0].start, zone).year,
                "new": moved[-1].provider_name,
                "dates": _dates([_day(b.start, zone) for b in moved]),
            }
        location, provider = _where(moved[-1])
        found.append(
            Finding(
                kind,
                first_seen,
                _strength(hit.surprise, ALPHA),
                evidence,
                MICRO_SURVEY,
                location,
                provider,
                hit.surprise,
            )
        )
    return found


# --- more of something than before ----------------------------------------------------------------


def _rate_change(
    history: History,
    today: date,
    zone: tzinfo,
    *,
    cutoff_hours: int,
    kind: str,
    is_event: Callable[[Booking], bool],
    event_day: Callable[[Booking], date],
    text: str,
    to_last_event: bool = True,
) -> list[Finding]:
    resolved = sorted(
        (
            b
            for b in history.bookings
            if b.outcome in (KEPT, NO_SHOW, CANCELLED)
            and not b.cancelled_by_practice
            and (b.outcome == CANCELLED or _day(b.start, zone) <= today)
        ),
        key=lambda b: b.start,
    )
    first = next(
        (i for i, b in enumerate(resolved) if is_event(b) and _recent(event_day(b), today)),
        None,
    )
    if first is None or first < MIN_RATE_BASELINE:
        return []
    # No-shows and late cancellations: the window ends at the last one (visits kept since then say the
    # change may be over, not that it was smaller: two no-shows after a clean record are as surprising
    # with a kept visit after them). Cancellations, common and often of one visit that is rebooked, are
    # judged up to now: ending their window at the last one doubled the unchanged patients flagged.
    last = max(i for i, b in enumerate(resolved) if is_event(b)) if to_last_event else len(resolved) - 1
    base, recent = resolved[:first], resolved[first : last + 1]
    events = [b for b in recent if is_event(b)]
    if len(events) < MIN_RATE_EVENTS:
        return []
    base_events = sum(1 for b in base if is_event(b))
    rate = (base_events + 0.5) / (len(base) + 1)
    surprise = _binomial_tail(len(events), len(recent), rate)
    if surprise > ALPHA_RATE:
        return []
    evidence = text % {
        "base_events": base_events,
        "base": len(base),
        "since": _day(base[0].start, zone).year,
        "events": len(events),
        "recent": len(recent),
        "dates": _dates([event_day(b) for b in events]),
        "hours": cutoff_hours,
    }
    location, provider = _where(events[-1])
    return [
        Finding(
            kind,
            event_day(events[0]),
            _strength(surprise, ALPHA_RATE),
            evidence,
            CALL,
            location,
            provider,
            surprise,
        )
    ]


def _more_often(history: History, today: date, zone: tzinfo, cutoff_hours: int) -> list[Finding]:
    def cancel_day(b: Booking) -> date:
        return _day(b.cancelled_at or b.start, zone)

    def start_day(b: Booking) -> date:
        return _day(b.start, zone)

    def late(b: Booking) -> bool:
        return (
            b.outcome == CANCELLED
            and b.cancelled_at is not None
            and b.start - b.cancelled_at < timedelta(hours=cutoff_hours)
        )

    found = _rate_change(
        history,
        today,
        zone,
        cutoff_hours=cutoff_hours,
        kind=MORE_CANCELLATIONS,
        is_event=lambda b: b.outcome == CANCELLED,
        event_day=cancel_day,
        to_last_event=False,
        text=_(
            "cancelled %(base_events)d of %(base)d appointments since %(since)d; "
            "then %(events)d of the next %(recent)d, on %(dates)s"
        ),
    )
    found += _rate_change(
        history,
        today,
        zone,
        cutoff_hours=cutoff_hours,
        kind=MORE_NO_SHOWS,
        is_event=lambda b: b.outcome == NO_SHOW,
        event_day=start_day,
        text=_(
            "missed %(base_events)d of %(base)d appointments since %(since)d; "
            "then %(events)d of the next %(recent)d, on %(dates)s"
        ),
    )
    late_text = _(
        "cancelled late (under %(hours)d hours before) %(base_events)d of %(base)d appointments since %(since)d; "
        "then %(events)d of the next %(recent)d, on %(dates)s"
    )
    found += _rate_change(
        history,
        today,
        zone,
        cutoff_hours=cutoff_hours,
        kind=LATE_CANCELLATIONS,
        is_event=late,
        event_day=cancel_day,
        text=late_text,
    )
    return found


# --- lapses ----------------------------------------------------------------------------------------


def _kept_days(history: History, today: date, zone: tzinfo) -> list[date]:
    return sorted({_day(b.start, zone) for b in history.bookings if b.outcome == KEPT and _day(b.start, zone) <= today})


def _has_upcoming(history: History, today: date, zone: tzinfo) -> bool:
    return any(b.outcome == UPCOMING and _day(b.start, zone) >= today for b in history.bookings)


def _recall_lapse_day(history: History, kept: Sequence[date]) -> date | None:
    """The day the recall becomes a lapse, unless a visit near or after the due day answered it."""
    due = history.recall_due_on
    if due is None or not kept or kept[-1] >= due - timedelta(days=60):
        return None
    return due + timedelta(days=RECALL_GRACE_DAYS)


@dataclass(frozen=True)
class _Gap:
    usual: float  # median days between kept visits before
    longest: int  # the longest gap before
    limit: int  # days after a visit that make the next gap "much further apart"


def _gap_rule(kept: Sequence[date]) -> _Gap | None:
    """The patient's rhythm, when they have one: enough visits, a usual gap of two months or more (not a
    course of treatment), and no earlier gap over twice the usual (no breaks before)."""
    if len(kept) < MIN_KEPT_FOR_GAP:
        return None
    gaps = [(b - a).days for a, b in zip(kept, kept[1:], strict=False)]
    usual = statistics.median(gaps)
    if usual < MIN_USUAL_GAP_DAYS or max(gaps) > GAP_FACTOR * usual:
        return None
    limit = max(round(GAP_FACTOR * usual), round(usual) + GAP_SLACK_DAYS, max(gaps) + 1)
    # The same season in earlier years: a patient who always stays away over the summer is not lapsing
    # when this summer's gap is a little longer; the gap must outgrow that season's by the slack too.
    seasonal = _same_season_gap(kept)
    if seasonal is not None:
        limit = max(limit, seasonal + GAP_SLACK_DAYS)
    return _Gap(usual=usual, longest=max(gaps), limit=limit)


def _same_season_gap(kept: Sequence[date]) -> int | None:
    """The longest earlier gap that began in the same season (within ``SEASON_DAYS`` of the last
    visit's day of the year, in any earlier year) as the gap open since the last visit."""
    last = kept[-1]
    longest: int | None = None
    for a, b in zip(kept, kept[1:], strict=False):
        years = round((last - a).days / 365.25)
        if years < 1 or abs((last - a).days - round(years * 365.25)) > SEASON_DAYS:
            continue
        gap = (b - a).days
        longest = gap if longest is None else max(longest, gap)
    return longest


def _lapses(history: History, today: date, zone: tzinfo) -> list[Finding]:
    found: list[Finding] = []
    kept = _kept_days(history, today, zone)
    if not kept:
        return found
    upcoming = _has_upcoming(history, today, zone)
    last = _last(sorted((b for b in history.bookings if b.outcome == KEPT), key=lambda b: b.start))
    location, provider = _where(last)
    lapse_day = _recall_lapse_day(history, kept)
    if lapse_day is not None and history.recall_due_on is not None and not upcoming and lapse_day <= today:
        overdue = (today - history.recall_due_on).days
        evidence = _("due back by %(due)s; last visit on %(last)s; nothing booked since") % {
            "due": _fmt(history.recall_due_on),
            "last": _fmt(kept[-1]),
        }
        strength = 3 if overdue >= 180 else 2 if overdue >= 90 else 1
        found.append(Finding(LAPSED_RECALL, lapse_day, strength, evidence, CALL, location, provider))
    # Gaps: the open one since the last visit (with nothing booked), or the last closed one.
    rule = _gap_rule(kept)
    if rule is not None and not upcoming and (today - kept[-1]).days >= rule.limit:
        changed_on = kept[-1] + timedelta(days=rule.limit)
        gap = (today - kept[-1]).days
        evidence = _(
            "%(visits)d visits since %(since)d, usually %(usual)d days apart (at most %(longest)d); "
            "%(gap)d days since the last on %(last)s, nothing booked"
        ) % {
            "visits": len(kept),
            "since": kept[0].year,
            "usual": round(rule.usual),
            "longest": rule.longest,
            "gap": gap,
            "last": _fmt(kept[-1]),
        }
        found.append(
            Finding(LAPSED_GAP, changed_on, _gap_strength(gap, rule.usual), evidence, CALL, location, provider)
        )
    elif len(kept) > MIN_KEPT_FOR_GAP:
        before = _gap_rule(kept[:-1])
        if before is not None and (kept[-1] - kept[-2]).days >= before.limit:
            changed_on = kept[-2] + timedelta(days=before.limit)
            gap = (kept[-1] - kept[-2]).days
            if _recent(changed_on, today):
                evidence = _(
                    "%(visits)d visits since %(since)d, usually %(usual)d days apart (at most %(longest)d); "
                    "then %(gap)d days between %(previous)s and %(last)s"
                ) % {
                    "visits": len(kept) - 1,
                    "since": kept[0].year,
                    "usual": round(before.usual),
                    "longest": before.longest,
                    "gap": gap,
                    "previous": _fmt(kept[-2]),
                    "last": _fmt(kept[-1]),
                }
                found.append(
                    Finding(
                        LAPSED_GAP, changed_on, _gap_strength(gap, before.usual), evidence, CALL, location, provider
                    )
                )
    return found


def _gap_strength(gap: int, usual: float) -> int:
    ratio = gap / max(usual, 1.0)
    return 3 if ratio >= 4 else 2 if ratio >= 3 else 1


def next_lapse_check(history: History, *, today: date, zone: tzinfo = UTC) -> date | None:
    """The first day after ``today`` on which this history, with nothing new, would show a lapse (or
    an upcoming visit's day has passed and needs a look): the service stores it, indexed, so lapses are
    found by a range query over the days since the last check instead of a scan of every patient."""
    kept = _kept_days(history, today, zone)
    candidates: list[date] = []
    upcoming = [_day(b.start, zone) for b in history.bookings if b.outcome == UPCOMING and _day(b.start, zone) >= today]
    if upcoming:
        candidates.append(max(upcoming) + timedelta(days=1))
    elif kept:
        lapse_day = _recall_lapse_day(history, kept)
        if lapse_day is not None:
            candidates.append(lapse_day)
        rule = _gap_rule(kept)
        if rule is not None:
            candidates.append(kept[-1] + timedelta(days=rule.limit))
    later = [day for day in candidates if day > today]
    return min(later) if later else None


# --- single events that are changes by themselves --------------------------------------------------


def _opt_outs(history: History, today: date, zone: tzinfo) -> list[Finding]:
    if not history.opt_outs:
        return []
    latest = max(history.opt_outs, key=lambda o: o.at)
    changed_on = _day(latest.at, zone)
    if not _recent(changed_on, today):
        return []
    before = [b for b in history.bookings if b.booked_at < latest.at]
    if latest.channel == "email":
        text = _("asked for no more email on %(date)s")
    else:
        text = _("asked for no more text messages on %(date)s")
    evidence = text % {"date": _fmt(changed_on)}
    if before:
        evidence += "; " + ngettext(
            "%(n)d appointment since %(since)d", "%(n)d appointments since %(since)d", len(before)
        ) % {"n": len(before), "since": _day(min(b.booked_at for b in before), zone).year}
    location, provider = _where(_last(sorted(history.bookings, key=lambda b: b.start)))
    return [Finding(OPTED_OUT, changed_on, 2, evidence, CALL, location, provider)]


def _turned_detractor(history: History, today: date, zone: tzinfo) -> list[Finding]:
    answers = sorted(history.surveys, key=lambda s: s.at)

    def negative(answer: SurveyAnswer) -> bool:
        return answer.negative_comment or (answer.score is not None and answer.score <= DETRACTOR_MAX)

    first_negative = next((i for i, a in enumerate(answers) if negative(a)), None)
    if first_negative is None:
        return []
    # Passives (7-8) are not positive: a 6 after 7s and 8s is a small drift, not a turn.
    positive = [a for a in answers[:first_negative] if a.score is not None and a.score >= PROMOTER_MIN]
    if len(positive) < MIN_POSITIVE_ANSWERS:
        return []
    bad = answers[first_negative]
    changed_on = _day(bad.at, zone)
    if not _recent(changed_on, today):
        return []
    if bad.score is not None and bad.score <= DETRACTOR_MAX:
        evidence = _("%(n)d positive survey answers since %(since)d; scored %(score)d out of 10 on %(date)s")
    else:
        evidence = _("%(n)d positive survey answers since %(since)d; a strongly negative comment on %(date)s")
    evidence %= {
        "n": len(positive),
        "since": _day(positive[0].at, zone).year,
        "score": bad.score if bad.score is not None else 0,
        "date": _fmt(changed_on),
    }
    if bad.score is not None and bad.score <= DETRACTOR_MAX and bad.negative_comment:
        evidence += "; " + _("and a strongly negative comment")
    strength = 3 if bad.negative_comment or (bad.score is not None and bad.score <= 3) else 2
    location, provider = _where(
        _last(sorted((b for b in history.bookings if b.start <= bad.at), key=lambda b: b.start))
    )
    return [
        Finding(
            TURNED_DETRACTOR,
            changed_on,
            strength,
            evidence,
            RECOVERY_CASE if strength == 3 else CALL,
            location,
            provider,
        )
    ]


def _abandoned(history: History, today: date, zone: tzinfo, now: datetime | None) -> list[Finding]:
    if not any(b.outcome == KEPT for b in history.bookings):
        return []  # a known patient: at least one visit kept
    booked = sorted(b.booked_at for b in history.bookings)
    horizon = now if now is not None else datetime.combine(today + timedelta(days=1), datetime.min.time(), zone)
    abandoned = [
        started
        for started in sorted(set(history.booking_starts))
        if started + ABANDON_AFTER <= horizon
        and not any(started <= at <= started + ABANDON_AFTER for at in booked)
        and (today - _day(started, zone)).days <= ABANDON_RECENT_DAYS
    ]
    if not abandoned:
        return []
    # One signal per run of abandoned starts: the first of those since the last booking made.
    last_booked = booked[-1] if booked else None
    since_booking = [s for s in abandoned if last_booked is None or s > last_booked]
    shown = since_booking or abandoned[-1:]
    changed_on = _day(shown[0], zone)
    evidence = _("started booking online on %(dates)s and did not finish") % {
        "dates": _dates([_day(s, zone) for s in shown])
    }
    if last_booked is not None:
        evidence += "; " + _("last booked on %(date)s") % {"date": _fmt(_day(last_booked, zone))}
    location, provider = _where(_last(sorted(history.bookings, key=lambda b: b.start)))
    return [Finding(ABANDONED_BOOKING, changed_on, min(3, len(shown)), evidence, CALL, location, provider)]


def detect(
    history: History,
    *,
    today: date,
    zone: tzinfo = UTC,
    cutoff_hours: int = 24,
    now: datetime | None = None,
) -> list[Finding]:
    """Every change this patient's history shows as of ``today`` (the practice's local day), at most
    one per kind. ``now`` (defaults to the end of ``today``) decides which online starts are old
    enough to call abandoned."""
    found = _channel_switch(history, today, zone)
    found += _stopped_checking_in(history, today, zone)
    found += _stopped_confirming(history, today, zone)
    found += _lapses(history, today, zone)
    found += _moves(history, today, zone)
    found += _more_often(history, today, zone, cutoff_hours)
    found += _opt_outs(history, today, zone)
    found += _turned_detractor(history, today, zone)
    found += _abandoned(history, today, zone, now)
    return found
