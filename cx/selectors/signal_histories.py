"""Patients' histories for the change detector (``cx/change_detection.py``), scoped by practice.

``histories(practice, patient_ids, now=...)`` reads, for up to ``CHUNK`` patients at a time, in a
fixed number of queries whatever their history's length:

1. appointments (not entered in error) with their flow status: channel, location, provider, start,
   outcome, when and why cancelled;
2. the journey events that are not appointments: a known patient's online start (``booking.link_sent``:
   matched on the booking pages and sent a link to confirm; ``booking.started`` with a patient),
   ``consent.*_withdrawn`` (opt-outs), ``survey.completed`` (its 0-10 ``recommend``);
3. online check-ins (``frontdesk.OnlineCheckIn``);
4. reminders sent (``messaging.Message`` of kind reminder, not skipped);
5. reminders confirmed (``messaging.AppointmentResponse`` confirm);
6. strongly negative comments (``feedback.CommentAnalysis``, score at most ``STRONGLY_NEGATIVE``;
   only the time: the words never leave feedback);
7. the recall's due day (``messaging.Recall``).

Plus, once per call, the names of the practice's locations and providers (2 queries).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from feedback.models import CommentAnalysis, Sentiment
from feedback.services.listening import STRONGLY_NEGATIVE
from frontdesk.models import FlowStatus, OnlineCheckIn
from journey.models import JourneyEvent
from messaging.models import AppointmentResponse, InboundAction, Message, MessageKind, MessageStatus, Recall
from practices.models import Location, Practice, Provider
from scheduling.models import Appointment, AppointmentStatus, BookedVia, CancellationReason

from .. import change_detection as cd
from ..models import LapseWatch

CHUNK = 500  # patients per round of queries (keeps IN lists well under SQLite's variable limit)
# A known patient's online start: ``booking.link_sent`` (a returning patient matched on the booking
# pages, a link to confirm sent); ``booking.started`` is recorded without a patient today, read in case.
START_KINDS = ("booking.started", "booking.link_sent")
EVENT_KINDS = (*START_KINDS, "survey.completed")
CHANNELS: dict[str, str] = {BookedVia.ONLINE: cd.ONLINE, BookedVia.PHONE: cd.PHONE, BookedVia.STAFF: cd.DESK}
KEPT_STATUSES = {AppointmentStatus.FULFILLED, AppointmentStatus.ARRIVED, AppointmentStatus.CHECKED_IN}
PRACTICE_REASONS = {
    CancellationReason.PROVIDER_UNAVAILABLE,
    CancellationReason.PRACTICE_CLOSED,
    CancellationReason.WEATHER,
    CancellationReason.DUPLICATE,
}
# A survey's journey event and its comment's response are written in one transaction: the same moment.
SAME_SURVEY = timedelta(minutes=1)


def zone(practice: Practice) -> ZoneInfo:
    return ZoneInfo(practice.timezone)


def _outcome(status: str, flow: str | None, start: datetime, now: datetime) -> str:
    if status == AppointmentStatus.CANCELLED:
        return cd.CANCELLED
    if status == AppointmentStatus.NOSHOW or flow == FlowStatus.NO_SHOW:
        return cd.NO_SHOW
    if status in KEPT_STATUSES or start <= now:
        # Past and still booked: nobody marked a no-show, so it counts as kept (as the practice's own
        # measures do).
        return cd.KEPT
    return cd.UPCOMING


def histories(practice: Practice, patient_ids: Iterable[int], *, now: datetime) -> dict[int, cd.History]:
    """Each patient's ``History``; an id with nothing in this practice gets an empty one."""
    ids = sorted(set(patient_ids))
    locations = dict(Location.objects.filter(practice=practice).values_list("pk", "name"))
    providers = {p.pk: p.display_name for p in Provider.objects.filter(practice=practice)}
    out: dict[int, cd.History] = {}
    for first in range(0, len(ids), CHUNK):
        out.update(_chunk(practice, ids[first : first + CHUNK], now=now, locations=locations, providers=providers))
    return out


def _chunk(
    practice: Practice,
    ids: list[int],
    *,
    now: datetime,
    locations: dict[int, str],
    providers: dict[int, str],
) -> dict[int, cd.History]:
    appointments = list(
        Appointment.objects.filter(practice=practice, patient_id__in=ids)
        .exclude(status=AppointmentStatus.ENTERED_IN_ERROR)
        .values_list(
            "pk",
            "patient_id",
            "start",
            "created_at",
            "status",
            "visit__status",
            "booked_via",
            "location_id",
            "provider_id",
            "cancelled_at",
            "cancellation_reason",
        )
    )
    events = list(
        JourneyEvent.objects.filter(practice=practice, patient_id__in=ids)
        .filter(Q(kind__in=EVENT_KINDS) | Q(kind__startswith="consent.", kind__endswith="_withdrawn"))
        .values_list("patient_id", "kind", "occurred_at", "data")
    )
    checked_in = set(
        OnlineCheckIn.objects.filter(practice=practice, appointment__patient_id__in=ids).values_list(
            "appointment_id", flat=True
        )
    )
    reminded = set(
        Message.objects.filter(
            practice=practice, patient_id__in=ids, kind=MessageKind.REMINDER, appointment__isnull=False
        )
        .exclude(status=MessageStatus.SKIPPED)
        .values_list("appointment_id", flat=True)
    )
    confirmed = set(
        AppointmentResponse.objects.filter(
            practice=practice, appointment__patient_id__in=ids, action=InboundAction.CONFIRM
        ).values_list("appointment_id", flat=True)
    )
    negative_comments: dict[int, list[datetime]] = defaultdict(list)
    for patient_id, at, sentiment, corrected in CommentAnalysis.objects.filter(
        practice=practice, answer__response__patient_id__in=ids, score__lte=STRONGLY_NEGATIVE
    ).values_list("answer__response__patient_id", "answer__response__completed_at", "sentiment", "corrected_sentiment"):
        if at is not None and (corrected or sentiment) == Sentiment.NEGATIVE:
            negative_comments[patient_id].append(at)
    recalls = dict(Recall.objects.filter(practice=practice, patient_id__in=ids).values_list("patient_id", "due_on"))

    bookings: dict[int, list[cd.Booking]] = defaultdict(list)
    for (
        pk,
        patient_id,
        start,
        created_at,
        status,
        flow,
        booked_via,
        location_id,
        provider_id,
        cancelled_at,
        reason,
    ) in appointments:
        bookings[patient_id].append(
            cd.Booking(
                booked_at=created_at,
                start=start,
                channel=CHANNELS.get(booked_via, cd.DESK),
                location_id=location_id,
                location_name=locations.get(location_id, ""),
                provider_id=provider_id,
                provider_name=providers.get(provider_id, ""),
                outcome=_outcome(status, flow, start, now),
                cancelled_at=cancelled_at,
                cancelled_by_practice=reason in PRACTICE_REASONS,
                checked_in_online=pk in checked_in,
                reminded=pk in reminded,
                confirmed=pk in confirmed,
            )
        )
    starts: dict[int, list[datetime]] = defaultdict(list)
    opt_outs: dict[int, list[cd.OptOut]] = defaultdict(list)
    surveys: dict[int, list[cd.SurveyAnswer]] = defaultdict(list)
    for patient_id, kind, at, data in events:
        if kind in START_KINDS:
            starts[patient_id].append(at)
        elif kind == "survey.completed":
            score = data.get("recommend") if isinstance(data, dict) else None
            negative = any(abs(at - moment) <= SAME_SURVEY for moment in negative_comments.get(patient_id, ()))
            if isinstance(score, int) or negative:
                surveys[patient_id].append(
                    cd.SurveyAnswer(at, score if isinstance(score, int) else None, negative_comment=negative)
                )
        else:
            channel = data.get("channel") if isinstance(data, dict) else None
            opt_outs[patient_id].append(cd.OptOut(at, "email" if channel == "email" else "sms"))
    return {
        patient_id: cd.History(
            patient_id=patient_id,
            bookings=tuple(bookings.get(patient_id, ())),
            surveys=tuple(surveys.get(patient_id, ())),
            opt_outs=tuple(opt_outs.get(patient_id, ())),
            booking_starts=tuple(starts.get(patient_id, ())),
            recall_due_on=recalls.get(patient_id),
        )
        for patient_id in ids
    }


# --- who to look at --------------------------------------------------------------------------------


def new_events(practice: Practice, *, after_id: int, recorded_by: datetime, limit: int) -> tuple[int, set[int], bool]:
    """The practice's journey events after ``after_id`` in id order, at most ``limit``, stopping at the
    first one recorded after ``recorded_by`` (its transaction may have committed after a later id's):
    (the last id read, the patients they touch, whether more are waiting)."""
    rows = list(
        JourneyEvent.objects.filter(practice=practice, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "patient_id", "recorded_at")[:limit]
    )
    last, patients = after_id, set[int]()
    for pk, patient_id, recorded_at in rows:
        if recorded_at > recorded_by:
            return last, patients, False
        last = pk
        if patient_id is not None:
            patients.add(patient_id)
    return last, patients, len(rows) == limit


def lapse_candidates(practice: Practice, *, after: date, until: date) -> set[int]:
    """Patients whose lapse check day, or recall due day plus grace, fell in (after, until]: two range
    reads on indexed days (``cx_lapse_watch_day_idx``, ``recall_due_idx``), not a scan of everyone."""
    grace = timedelta(days=cd.RECALL_GRACE_DAYS)
    watched = LapseWatch.objects.filter(practice=practice, check_on__gt=after, check_on__lte=until)
    due = Recall.objects.filter(practice=practice, due_on__gt=after - grace, due_on__lte=until - grace)
    return set(watched.values_list("patient_id", flat=True)) | set(due.values_list("patient_id", flat=True))
