"""Generated patient histories with planted behaviour changes, for ``bench_cx_change_signals``.

Pure Python (``random`` seeded): no database. Each patient has habits drawn from a profile (how they
book, whether they check in online and confirm reminders, their location and provider, how often
they cancel or miss, how they answer surveys, how often they come back) plus realistic noise: an
online booker who phones now and then, a one-off cancellation, a visit with another provider when
theirs is away, a passive score of 7, visits a little early or late, the next visit booked at the desk.

A share of patients get ONE planted change of a given kind in their recent history (the last year),
in the shape the issue describes; the rest are unchanged. Planted changes go to patients whose
history is long enough to judge (five or more earlier occasions of the habit); with fewer the
detector says nothing by design.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from cx import change_detection as cd

LOCATIONS = {1: "Main Street", 2: "Riverside", 3: "Hillcrest"}
PROVIDERS = {i: f"Dr. Provider {i}" for i in range(1, 21)}


@dataclass
class Generated:
    history: cd.History
    planted: str | None


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _profile(rng: random.Random) -> dict[str, float | int | str | bool]:
    interval = rng.choices([91, 182, 365], weights=[15, 30, 55])[0]
    online = rng.random() < 0.55
    return {
        "interval": interval,
        "years": rng.uniform(1.5, 7.0),
        "online": online,
        # How faithful to the habit: most patients stick to it, some waver.
        "channel_fidelity": rng.choice([rng.uniform(0.9, 1.0), rng.uniform(0.65, 0.9)]),
        "desk_share": rng.uniform(0.0, 0.35),
        "checker": rng.random() < 0.5,
        "checkin_rate": rng.uniform(0.8, 1.0),
        "confirmer": rng.random() < 0.6,
        "confirm_rate": rng.uniform(0.8, 1.0),
        "location": rng.choice([1, 1, 1, 2, 2, 3]),
        "location_fidelity": rng.choice([1.0, rng.uniform(0.85, 1.0)]),
        "provider": rng.randint(1, 20),
        "provider_fidelity": rng.uniform(0.8, 1.0),
        "cancel_rate": rng.choice([0.0, rng.uniform(0.0, 0.12), rng.uniform(0.1, 0.25)]),
        "no_show_rate": rng.choice([0.0, 0.0, rng.uniform(0.0, 0.05), rng.uniform(0.05, 0.15)]),
        "late_share": rng.uniform(0.0, 0.4),
        "surveyed": rng.random() < 0.45,
        "happy": rng.random() < 0.8,
        "recall": rng.random() < 0.6,
        # Comes for a course of visits a few weeks apart, then not for months: no rhythm to lapse from.
        "episodic": rng.random() < 0.15,
    }


def _history(rng: random.Random, pid: int, today: date, p: dict[str, float | int | str | bool]) -> cd.History:
    interval = int(p["interval"])
    start = today - timedelta(days=int(float(p["years"]) * 365))
    day = start + timedelta(days=rng.randint(0, interval))
    bookings: list[cd.Booking] = []
    surveys: list[cd.SurveyAnswer] = []
    course_left = rng.randint(2, 5)
    while True:
        lead = rng.randint(3, 60)
        booked = day - timedelta(days=lead)
        if booked > today:
            break
        r = rng.random()
        if r < float(p["desk_share"]):
            channel = cd.DESK
        else:
            habit = cd.ONLINE if p["online"] else cd.PHONE
            other = cd.PHONE if p["online"] else cd.ONLINE
            channel = habit if rng.random() < float(p["channel_fidelity"]) else other
        location = int(p["location"]) if rng.random() < float(p["location_fidelity"]) else rng.choice([1, 2, 3])
        provider = int(p["provider"]) if rng.random() < float(p["provider_fidelity"]) else rng.randint(1, 20)
        outcome = cd.UPCOMING if day > today else cd.KEPT
        cancelled_at = None
        by_practice = False
        if rng.random() < float(p["cancel_rate"]) or rng.random() < 0.02:
            by_practice = rng.random() < 0.2
            late = rng.random() < float(p["late_share"])
            cancelled = _at(day) - (timedelta(hours=rng.randint(2, 20)) if late else timedelta(days=rng.randint(2, 20)))
            if cancelled.date() <= today:
                outcome, cancelled_at = cd.CANCELLED, max(cancelled, _at(booked, 11))
        elif outcome == cd.KEPT and rng.random() < float(p["no_show_rate"]):
            outcome = cd.NO_SHOW
        checked = bool(p["checker"]) and rng.random() < float(p["checkin_rate"]) or rng.random() < 0.05
        reminded = rng.random() < 0.9
        confirmed = reminded and (rng.random() < float(p["confirm_rate"]) if p["confirmer"] else rng.random() < 0.15)
        bookings.append(
            cd.Booking(
                booked_at=_at(booked, 9),
                start=_at(day),
                channel=channel,
                location_id=location,
                location_name=LOCATIONS[location],
                provider_id=provider,
                provider_name=PROVIDERS[provider],
                outcome=outcome,
                cancelled_at=cancelled_at,
                cancelled_by_practice=by_practice,
                checked_in_online=checked and outcome == cd.KEPT,
                reminded=reminded and outcome != cd.UPCOMING,
                confirmed=confirmed and outcome != cd.UPCOMING,
            )
        )
        if outcome == cd.KEPT and p["surveyed"] and rng.random() < 0.5:
            happy = rng.choices([7, 8, 9, 10], weights=[1, 3, 4, 4])[0]
            score = happy if p["happy"] else rng.randint(3, 10)
            surveys.append(cd.SurveyAnswer(_at(day, 18), score, negative_comment=score <= 4 and rng.random() < 0.5))
        if outcome in (cd.CANCELLED, cd.NO_SHOW):
            day += timedelta(days=rng.randint(7, 30))  # rebooked
            continue
        if p["episodic"]:
            course_left -= 1
            if course_left > 0:
                day += timedelta(days=rng.randint(21, 42))
            else:
                course_left = rng.randint(2, 5)
                day += timedelta(days=rng.randint(120, 540))
            continue
        day += timedelta(days=max(7, round(rng.gauss(interval, interval * 0.08))))
    kept = [b.start.date() for b in bookings if b.outcome == cd.KEPT]
    recall = kept[-1] + timedelta(days=interval) if p["recall"] and not p["episodic"] and kept else None
    return cd.History(patient_id=pid, bookings=tuple(bookings), surveys=tuple(surveys), recall_due_on=recall)


def _recent_indices(history: cd.History, today: date, days: int = 330) -> list[int]:
    limit = today - timedelta(days=days)
    return [i for i, b in enumerate(history.bookings) if b.start.date() >= limit]


def _plant(rng: random.Random, kind: str, history: cd.History, today: date) -> cd.History | None:
    """The history with ``kind`` planted, or None when this patient cannot carry it."""
    bookings = list(history.bookings)
    recent = _recent_indices(history, today)
    if kind in (cd.ONLINE_TO_PHONE, cd.PHONE_TO_ONLINE):
        old, new = (cd.ONLINE, cd.PHONE) if kind == cd.ONLINE_TO_PHONE else (cd.PHONE, cd.ONLINE)
        chosen = [i for i, b in enumerate(bookings) if b.channel != cd.DESK]
        k = rng.choice([2, 3])
        base = chosen[:-k]
        if len(base) < 5 or sum(bookings[i].channel == old for i in base) < 0.85 * len(base):
            return None
        if bookings[chosen[-k]].start.date() < today - timedelta(days=330):
            return None
        for i in chosen[-k:]:
            bookings[i] = replace(bookings[i], channel=new)
        return replace(history, bookings=tuple(bookings))
    if kind in (cd.STOPPED_CHECKING_IN, cd.STOPPED_CONFIRMING):
        attr = "checked_in_online" if kind == cd.STOPPED_CHECKING_IN else "confirmed"
        pool = [
            i for i, b in enumerate(bookings) if b.outcome == cd.KEPT and (kind == cd.STOPPED_CHECKING_IN or b.reminded)
        ]
        k = rng.choice([2, 3])
        base = pool[:-k]
        if len(base) < 5 or sum(getattr(bookings[i], attr) for i in base) < 0.85 * len(base):
            return None
        if bookings[pool[-k]].start.date() < today - timedelta(days=330):
            return None
        for i in pool[-k:]:
            b = bookings[i]
            bookings[i] = (
                replace(b, checked_in_online=False) if attr == "checked_in_online" else replace(b, confirmed=False)
            )
        return replace(history, bookings=tuple(bookings))
    if kind in (cd.NEW_LOCATION, cd.NEW_PROVIDER):
        pool = [i for i, b in enumerate(bookings) if b.outcome in (cd.KEPT, cd.UPCOMING)]
        k = 2
        base = pool[:-k]
        field_id = "location_id" if kind == cd.NEW_LOCATION else "provider_id"
        values = [getattr(bookings[i], field_id) for i in base]
        if len(base) < 5:
            return None
        usual = max(set(values), key=values.count)
        if values.count(usual) < 0.85 * len(values) or bookings[pool[-k]].start.date() < today - timedelta(days=330):
            return None
        if kind == cd.NEW_PROVIDER and (bookings[base[-1]].start - bookings[base[0]].start).days < 400:
            return None
        names = LOCATIONS if kind == cd.NEW_LOCATION else PROVIDERS
        moved_to: int = rng.choice([x for x in names if x != usual])
        for i in pool[-k:]:
            b = bookings[i]
            if kind == cd.NEW_LOCATION:
                bookings[i] = replace(b, location_id=moved_to, location_name=names[moved_to])
            else:
                bookings[i] = replace(b, provider_id=moved_to, provider_name=names[moved_to])
        return replace(history, bookings=tuple(bookings))
    if kind in (cd.MORE_CANCELLATIONS, cd.MORE_NO_SHOWS, cd.LATE_CANCELLATIONS):
        pool = [i for i in recent if bookings[i].start.date() <= today]
        earlier = [b for b in bookings[: pool[0]] if not b.cancelled_by_practice] if pool else []
        if len(pool) < 2 or len(earlier) < 5:
            return None
        # "More than before": a patient who rarely did it before (at most one in ten) does it again and again.
        before = sum(
            (b.outcome == cd.NO_SHOW)
            if kind == cd.MORE_NO_SHOWS
            else (
                b.outcome == cd.CANCELLED
                and (kind == cd.MORE_CANCELLATIONS or b.start - (b.cancelled_at or b.start) < timedelta(hours=24))
            )
            for b in earlier
        )
        if before > 0.1 * len(earlier):
            return None
        k = min(len(pool), rng.choice([2, 3]))
        for i in pool[-k:]:
            b = bookings[i]
            if kind == cd.MORE_NO_SHOWS:
                bookings[i] = replace(b, outcome=cd.NO_SHOW, cancelled_at=None, checked_in_online=False)
            else:
                hours = rng.randint(2, 20) if kind == cd.LATE_CANCELLATIONS else rng.randint(48, 400)
                bookings[i] = replace(
                    b,
                    outcome=cd.CANCELLED,
                    cancelled_at=b.start - timedelta(hours=hours),
                    cancelled_by_practice=False,
                    checked_in_online=False,
                )
        return replace(history, bookings=tuple(bookings))
    if kind in (cd.LAPSED_RECALL, cd.LAPSED_GAP):
        kept = [i for i, b in enumerate(bookings) if b.outcome == cd.KEPT]
        if len(kept) < 4:
            return None
        interval = (bookings[kept[-1]].start - bookings[kept[0]].start).days / (len(kept) - 1)
        overdue = rng.randint(40, 200) if kind == cd.LAPSED_RECALL else int(interval * rng.uniform(1.3, 2.0)) + 120
        last_allowed = today - timedelta(days=int(interval) + overdue)
        cut = [b for b in bookings if b.start.date() <= last_allowed and b.outcome != cd.UPCOMING]
        cut_kept = [b for b in cut if b.outcome == cd.KEPT]
        if len(cut_kept) < 4:
            return None
        last = cut_kept[-1].start.date()
        recall = last + timedelta(days=round(interval)) if kind == cd.LAPSED_RECALL else None
        surveys = tuple(s for s in history.surveys if s.at.date() <= last)
        return replace(history, bookings=tuple(cut), recall_due_on=recall, surveys=surveys)
    if kind == cd.OPTED_OUT:
        return replace(
            history,
            opt_outs=(cd.OptOut(_at(today - timedelta(days=rng.randint(0, 60)), 15), rng.choice(["sms", "email"])),),
        )
    if kind == cd.TURNED_DETRACTOR:
        # A happy patient: no low score or bad comment, and three promoter answers (9-10; 7-8 are passives).
        content = [s for s in history.surveys if s.score is not None and s.score >= 7 and not s.negative_comment]
        if len(content) != len(history.surveys) or sum(1 for s in content if s.score and s.score >= 9) < 3:
            return None
        when = _at(today - timedelta(days=rng.randint(0, 120)), 19)
        if when <= history.surveys[-1].at:
            return None
        score = rng.choice([None, 0, 2, 4, 5, 6])
        bad = cd.SurveyAnswer(when, score, negative_comment=score is None or rng.random() < 0.3)
        return replace(history, surveys=(*history.surveys, bad))
    if kind == cd.ABANDONED_BOOKING:
        if not any(b.outcome == cd.KEPT for b in bookings):
            return None
        started = _at(today - timedelta(days=rng.randint(0, 20)), 20)
        if any(started <= b.booked_at <= started + timedelta(hours=2) for b in bookings):
            return None
        return replace(history, booking_starts=(started,))
    raise ValueError(kind)


def generate(patients: int, *, today: date, seed: int = 14, planted_share: float = 0.06) -> list[Generated]:
    """``patients`` histories; about ``planted_share`` of them carry one planted change, spread over
    every kind in turn."""
    rng = random.Random(seed)
    out: list[Generated] = []
    kinds = list(cd.KINDS)
    turn = 0
    for pid in range(1, patients + 1):
        profile = _profile(rng)
        if rng.random() < planted_share:
            kind = kinds[turn % len(kinds)]
            # Draw histories that can carry this kind (a long enough habit), as a practice would have.
            for _attempt in range(60):
                if kind in (cd.ONLINE_TO_PHONE, cd.PHONE_TO_ONLINE):
                    profile.update(online=kind == cd.ONLINE_TO_PHONE, channel_fidelity=rng.uniform(0.9, 1.0))
                if kind == cd.STOPPED_CHECKING_IN:
                    profile.update(checker=True)
                if kind == cd.STOPPED_CONFIRMING:
                    profile.update(confirmer=True)
                if kind == cd.TURNED_DETRACTOR:
                    profile.update(surveyed=True, happy=True)
                if kind in (cd.LAPSED_RECALL, cd.LAPSED_GAP):
                    profile.update(episodic=False)
                history = _history(rng, pid, today, profile)
                planted = _plant(rng, kind, history, today)
                if planted is not None:
                    out.append(Generated(planted, kind))
                    turn += 1
                    break
                profile = _profile(rng)
            else:
                out.append(Generated(_history(rng, pid, today, profile), None))
        else:
            out.append(Generated(_history(rng, pid, today, profile), None))
    return out


def score(generated: list[Generated], *, today: date) -> dict[str, object]:
    """Recall (planted kind found) per kind and overall; false flags among unchanged patients."""
    found_by_kind: dict[str, list[int]] = {kind: [0, 0] for kind in cd.KINDS}
    flagged_kinds: dict[str, int] = {}
    unchanged = flagged = 0
    for item in generated:
        findings = cd.detect(item.history, today=today)
        if item.planted is None:
            unchanged += 1
            if findings:
                flagged += 1
                for f in findings:
                    flagged_kinds[f.kind] = flagged_kinds.get(f.kind, 0) + 1
        else:
            found_by_kind[item.planted][1] += 1
            found_by_kind[item.planted][0] += any(f.kind == item.planted for f in findings)
    planted = sum(n for _, n in found_by_kind.values())
    hits = sum(h for h, _ in found_by_kind.values())
    return {
        "recall": hits / planted if planted else 0.0,
        "planted": planted,
        "false_flag_rate": flagged / unchanged if unchanged else 0.0,
        "unchanged": unchanged,
        "by_kind": found_by_kind,
        "false_by_kind": flagged_kinds,
    }
