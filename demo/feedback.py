"""The demo practice's survey history: invitations after visits and online bookings, answers that
vary the way real ones do, comments that read like patients, their analysis, and service recovery.

Called by ``demo.practices.build_demo`` after ``build_schedule``, ``build_messaging`` and
``demo.frontdesk.build_flow`` (it reads the visits' real step times). Deterministic from the seed
(its own ``random.Random``; only the unusable token hashes are random) and fast: one read of the
past visits, one of the online bookings, every row written with ``bulk_create`` in batches.

It follows the live rules (``feedback.services.invitations``, ``.responses``, ``.listening``):
a visit survey is created a few minutes after the visit is done and sent two hours later, outside
quiet hours; a booking survey right after an online booking (switched on six months ago); the channel
is the patient's (SMS first, then email); without one the invitation is kept as skipped; one
invitation per patient in ``cooldown_days`` (skipped ones do not count); the link works
``invitation_valid_days``. Opening the link makes the response; a patient may stop part way (the
comment is the last question, so every comment belongs to a completed response and is analysed);
completing it records ``survey.completed`` and, by ``listening.case_reason``, may open a recovery case.

The story in the numbers (what an experience lead can find on the scores pages):

- the provider who runs late (``demo.frontdesk.LATE_PROVIDER_INDEX``) keeps patients waiting: their
  "seen within 15 minutes" answers come from the visits' own times, and their scores are a little lower;
- a warm provider (``WARM_PROVIDER_INDEX``) gets the best communication scores;
- a long wait lowers the wait item and the likelihood to recommend;
- twenty weeks ago a new receptionist started (``DESK_DIP_DAYS_AGO``; ``demo.cx`` adds her to the team):
  office staff scores dip by about 14 top-box points and comments mention the front desk, until the
  front desk was retrained ten weeks ago (``demo.cx`` records the improvement project); within five
  days they recover, a little above where they were before;
- patients who praise the front desk (detractors aside) often name who checked them in (one of the
  front desk members who had joined by then), e.g. "Maria at the front desk was so kind";
- in the last three months about one online booker in ten looked for a Saturday or evening time and
  found none (``SATURDAY_DAYS``): their "easy to book" answer is lower and most of them say so;
- Spanish-speaking patients rate communication higher with a provider who speaks Spanish;
- likelihood to recommend creeps up over the 18 months.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from bisect import bisect
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from faker.providers.person.en_US import Provider as EnglishNames
from faker.providers.person.es_MX import Provider as SpanishNames

from demo.frontdesk import LATE_PROVIDER_INDEX
from feedback.comments import analyze
from feedback.models import (
    Answer,
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    CommentAnalysis,
    Composite,
    ContactMethod,
    FeedbackSettings,
    Invitation,
    InvitationStatus,
    QuestionKind,
    RecoveryCase,
    RecoveryCaseEvent,
    Response,
    ReviewSite,
    Sentiment,
    SurveyKind,
)
from feedback.services import listening, recovery
from feedback.services.invitations import skip_reason_for
from feedback.services.surveys import current_version, survey_for
from feedback.shipped import MAIN_TOUCHPOINT
from frontdesk.models import FlowStatus, Visit
from journey.catalogue import BY_CODE
from journey.models import JourneyEvent
from messaging import quiet_hours
from messaging.selectors.reminders import messaging_settings as messaging_settings_for
from messaging.services.outbox import contact_channel
from patients.models import Patient
from practices.models import Location, Membership, Practice, Provider, Role
from scheduling.models import Appointment, BookedVia

from . import feedback_comments

HISTORY_DAYS = 548  # about 18 months: the visits the schedule has, up to this far back
AFTER_BOOKING_DAYS = 183  # the practice turned the booking micro-survey on six months ago
BATCH = 2_000  # invitations per flush (their responses, answers and events go with them)
WARM_PROVIDER_INDEX = 0  # by primary key, like the late provider; skipped if it is the late one
# The new receptionist's start and the front desk's retraining, in days before today: office staff
# scores slide over two weeks from the start, stay down until the retraining and recover in five days.
DESK_DIP_DAYS_AGO = (140, 70)
DESK_RAMP_IN_DAYS, DESK_RAMP_OUT_DAYS = 14, 5
DESK_DIP = 0.95  # logits off the office staff facet at the bottom of the dip (about 14 top-box points)
DESK_RETRAINED = 0.45  # logits on it once retrained (about 4 points above where it was before the dip)
NAMED_DESK_SHARE = 0.6  # of the comments praising the front desk: those naming who was on duty
SATURDAY_DAYS = 91  # online bookers have looked for Saturday and evening times this long
SATURDAY_SHARE = 0.1  # of those bookers' responses, the ones who found none
SATURDAY_EASE = 3.0  # logits off "easy to book" for them
SATURDAY_COMMENT_SHARE = 0.75
OPEN_CASE_WINDOW_DAYS = 14  # the recent cases among which 2–4 are still open

# Of the invitations sent: the share whose link is opened, by channel (email reads better here).
OPENED = {"email": 0.41, "sms": 0.32}
OPENED_AFTER_BOOKING = 0.45  # asked on the spot, right after booking
# Of the opened links: opened and left, stopped part way; the rest are completed.
OPENED_ONLY, PARTIAL = 0.06, 0.09
# How often a question is left blank (CG-CAHPS screens some items out: not everyone needed urgent care).
SKIP = {"cg_access_urgent": 0.4, "cg_access_same_day_answer": 0.45, "cg_coord_results": 0.35}
SKIP_DEFAULT = 0.02
COMMENT_SHARE = {"detractor": 0.75, "passive": 0.5, "promoter": 0.4, "booking": 0.3}

# The latent "how good was it" of each facet (a logit: P(top box) at an average mood).
BASE = {
    "access": 0.75,
    "communication": 2.2,
    "coordination": 1.9,
    "staff": 2.05,
    "provider": 1.7,
    "recommend": 1.2,
    "overall": 1.6,
    "ease": 1.5,
    "yes_no": 2.5,
}
MOOD_SD = 0.85
OUTCOMES = (
    (CaseOutcome.RESOLVED, 60),
    (CaseOutcome.PARTLY, 20),
    (CaseOutcome.NOT_RESOLVED, 8),
    (CaseOutcome.UNREACHABLE, 12),
)
CONTACT = (
    (ContactMethod.PHONE, 64),
    (ContactMethod.EMAIL, 20),
    (ContactMethod.TEXT, 10),
    (ContactMethod.IN_PERSON, 4),
    (ContactMethod.LETTER, 2),
)
LATE_CLOSE_SHARE = 0.12

REVIEW_SITES = (
    ("Google", "https://www.google.com/maps/place/{slug}/reviews"),
    ("Healthgrades", "https://www.healthgrades.com/group-directory/tx-texas/austin/{slug}-reviews"),
)
FEMALE_NAMES = frozenset(EnglishNames.first_names_female) | frozenset(SpanishNames.first_names_female)
PHYSICIAN_CREDENTIALS = ("MD", "DO")
LANGUAGES = ("en", "es")
# A numeric answer as ``listening.case_reason`` reads it.
_Answered = namedtuple("_Answered", "question value")


def _weighted(rng: random.Random, items):
    values, cum = [v for v, _w in items], list(accumulate(w for _v, w in items))
    return lambda: values[bisect(cum, rng.random() * cum[-1])]


def _token_hash() -> str:
    # A hash of a random token nobody holds: the history's links open nothing.
    return hashlib.sha256(secrets.token_bytes(24)).hexdigest()


@dataclass
class _Provider:
    names: dict[str, str]  # how an English and a Spanish speaker name them in a comment
    late: bool = False
    warm: bool = False
    spanish: bool = False


def _provider_names(provider) -> dict[str, str]:
    if provider.credentials.split(",")[0].strip() in PHYSICIAN_CREDENTIALS:
        female = provider.first_name in FEMALE_NAMES
        return {"en": f"Dr. {provider.last_name}", "es": f"{'la Dra.' if female else 'el Dr.'} {provider.last_name}"}
    full = f"{provider.first_name} {provider.last_name}"
    return {"en": full, "es": full}


@dataclass
class _Trigger:
    at: datetime  # when the invitation is created
    kind: str
    patient_id: int
    appointment_id: int | None
    provider_id: int | None
    location_id: int | None
    trigger_event_id: int | None = None
    saturday: bool = False  # an online booker who looked for a Saturday or evening time and found none
    wait: float = 0.0  # minutes from the appointment time (or arrival, if later) to the provider
    room_wait: float = 0.0  # minutes in the waiting room


@dataclass
class _Batch:
    invitations: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    analyses: list = field(default_factory=list)
    cases: list = field(default_factory=list)  # RecoveryCase rows, their topic in notes until worked
    events: list = field(default_factory=list)


class _Feedback:
    def __init__(self, *, practice: Practice, seed: int, today: date):
        self.practice = practice
        self.rng = random.Random(f"feedback:{seed}:{practice.slug}")
        self.tz = ZoneInfo(practice.timezone)
        self.now = datetime.combine(today, time.min, tzinfo=self.tz)
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        dip_start, dip_end = DESK_DIP_DAYS_AGO
        self.dip = (self.now - timedelta(days=dip_start), self.now - timedelta(days=dip_end))
        self.settings = self._settings()
        self.assignee = recovery.default_assignee(practice)
        self.model_versions = {language: listening.model_version(language) for language in ("en", "es")}
        quiet = messaging_settings_for(practice)
        self.quiet = (quiet.quiet_start, quiet.quiet_end)
        self.outcome = _weighted(self.rng, OUTCOMES)
        self.contact = _weighted(self.rng, CONTACT)
        self.counts: dict[str, int] = defaultdict(int)
        self.pending_cases: list = []  # recent cases: which stay open is decided at the end
        self.rows = _Rows()
        self.readings: dict = {}  # comment → its analysis (short comments recur; the analyser is pure)

    # --- setup ------------------------------------------------------------------------------------

    def _settings(self) -> FeedbackSettings:
        lead = (
            Membership.objects.filter(practice=self.practice, role=Role.EXPERIENCE_LEAD, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        # The demo offers the public review link to every patient who answers a survey (never chosen by score).
        row, _created = FeedbackSettings.objects.update_or_create(
            practice=self.practice,
            defaults={"recovery_assignee": lead.user if lead else None, "review_invitations": True},
        )
        slug = self.practice.slug
        ReviewSite.objects.bulk_create(
            ReviewSite(practice=self.practice, name=name, url=url.format(slug=slug), position=n)
            for n, (name, url) in enumerate(REVIEW_SITES, start=1)
        )
        return row

    def _survey(self, kind: str):
        survey = survey_for(practice=self.practice, kind=kind)
        version = current_version(survey) if survey is not None else None
        if version is None:
            return None, []
        return version, list(version.questions.order_by("position", "pk"))

    # --- who is asked, and when -------------------------------------------------------------------

    def _visit_triggers(self) -> list[_Trigger]:
        rows = (
            Visit.objects.filter(
                practice=self.practice,
                status=FlowStatus.DONE,
                appointment__start__gte=self.start,
                appointment__start__lt=self.now,
            )
            .order_by("done_at", "pk")
            .values_list(
                "appointment_id",
                "appointment__patient_id",
                "appointment__provider_id",
                "appointment__location_id",
                "appointment__start",
                "arrived_at",
                "roomed_at",
                "with_provider_at",
                "done_at",
            )
        )
        uniform = self.rng.uniform
        triggers = []
        for appointment_id, patient_id, provider_id, location_id, start, arrived, roomed, seen, done in self.rows.read(
            rows, datetimes=(4, 5, 6, 7, 8)
        ):
            triggers.append(
                _Trigger(
                    at=done + timedelta(minutes=uniform(2, 12)),  # the periodic job picks up "visit done"
                    kind=SurveyKind.POST_VISIT,
                    patient_id=patient_id,
                    appointment_id=appointment_id,
                    provider_id=provider_id,
                    location_id=location_id,
                    wait=(seen - max(start, arrived)).total_seconds() / 60,
                    room_wait=(roomed - arrived).total_seconds() / 60,
                )
            )
        return triggers

    def _booking_triggers(self) -> list[_Trigger]:
        since = max(self.start, self.now - timedelta(days=AFTER_BOOKING_DAYS))
        booked = {
            (patient_id, created): (pk, provider_id, location_id)
            for pk, patient_id, created, provider_id, location_id in Appointment.objects.filter(
                practice=self.practice, booked_via=BookedVia.ONLINE, created_at__gte=since, created_at__lt=self.now
            ).values_list("pk", "patient_id", "created_at", "provider_id", "location_id")
        }
        events = JourneyEvent.objects.filter(
            practice=self.practice,
            kind="appointment.booked",
            touchpoint="self-scheduling",
            occurred_at__gte=since,
            occurred_at__lt=self.now,
        ).values_list("pk", "patient_id", "occurred_at")
        triggers = []
        for event_id, patient_id, at in events.iterator(chunk_size=BATCH):
            appointment_id, provider_id, location_id = booked.get((patient_id, at), (None, None, None))
            triggers.append(
                _Trigger(
                    at=at + timedelta(minutes=self.rng.uniform(1, 15)),
                    kind=SurveyKind.AFTER_BOOKING,
                    patient_id=patient_id,
                    appointment_id=appointment_id,
                    provider_id=provider_id,
                    location_id=location_id,
                    trigger_event_id=event_id,
                )
            )
        return triggers

    def _send_time(self, trigger: _Trigger) -> datetime:
        moment = trigger.at
        if trigger.kind == SurveyKind.POST_VISIT:
            moment += timedelta(hours=self.settings.post_visit_delay_hours)
        window = quiet_hours.quiet_window(moment, tz=self.tz, start=self.quiet[0], end=self.quiet[1])
        return window[1] if window else moment

    # --- answers ----------------------------------------------------------------------------------

    def _facets(self, trigger: _Trigger, provider: _Provider | None, spanish: bool) -> dict[str, float]:
        rng = self.rng
        mood = rng.gauss(0, MOOD_SD)
        s = {name: base + mood for name, base in BASE.items()}
        progress = (trigger.at - self.start) / (self.now - self.start)
        s["recommend"] += 0.35 * progress - 0.15
        if provider is not None:
            if provider.late:
                for name in ("communication", "coordination", "provider", "recommend", "overall"):
                    s[name] -= 0.3
            if provider.warm:
                s["communication"] += 1.3
                s["provider"] += 0.9
                s["coordination"] += 0.4
                s["recommend"] += 0.35
            if spanish:
                s["communication"] += 0.4 if provider.spanish else -0.5
        # Seen within 15 minutes: from the visit's own times. A long wait costs loyalty too.
        s["wait"] = 2.0 + mood * 0.5 - max(0.0, trigger.wait - 5) / 4.0
        s["recommend"] -= max(0.0, trigger.wait - 15) / 25 + max(0.0, trigger.room_wait - 15) / 25
        s["provider"] -= max(0.0, trigger.wait - 20) / 40
        dip = self._dip(trigger.at)
        if dip:
            s["staff"] -= DESK_DIP * dip
            s["recommend"] -= 0.4 * dip
        if trigger.at >= self.dip[1]:
            s["staff"] += DESK_RETRAINED * (1.0 - dip)
        if trigger.saturday:
            s["ease"] -= SATURDAY_EASE
        return s

    def _dip(self, at: datetime) -> float:
        """0 before the new receptionist started, up to 1 two weeks later and until the front desk's
        retraining, back to 0 five days after it."""
        start, end = self.dip
        if not start <= at < end + timedelta(days=DESK_RAMP_OUT_DAYS):
            return 0.0
        if at >= end:
            return 1.0 - (at - end) / timedelta(days=DESK_RAMP_OUT_DAYS)
        return min(1.0, (at - start) / timedelta(days=DESK_RAMP_IN_DAYS))

    def _logistic(self) -> float:
        u = self.rng.random() or 1e-9
        return math.log(u / (1 - u))

    def _value(self, kind: str, s: float) -> int:
        x = s + self._logistic()
        if kind == QuestionKind.FREQUENCY:
            return 4 if x > 0 else 3 if x > -2.2 else 2 if x > -4.3 else 1
        if kind in (QuestionKind.RATING, QuestionKind.RECOMMEND):
            if x > 0:
                return 10 if x > 0.9 else 9
            if x > -1.4:
                return 8
            if x > -2.3:
                return 7
            if x > -3.0:
                return 6
            if x > -3.6:
                return 5
            return self.rng.randint(0, 4)
        if kind == QuestionKind.EASE:
            return 5 if x > 0 else 4 if x > -1.8 else 3 if x > -3.0 else 2 if x > -4.0 else 1
        if kind == QuestionKind.YES_NO:
            return 1 if x > -1.5 else 0
        return max(0, min(10, round(8 + x)))

    @staticmethod
    def _facet_of(question) -> str:
        code = question.code
        if question.kind == QuestionKind.RECOMMEND:
            return "recommend"
        if question.kind == QuestionKind.YES_NO:
            return "wait" if "15" in code or "seen" in code else "yes_no"
        if question.kind == QuestionKind.EASE:
            return "ease"
        if question.composite == Composite.ACCESS:
            return "wait" if "seen" in code or "15 min" in question.text_en else "access"
        return {
            Composite.COMMUNICATION: "communication",
            Composite.OFFICE_STAFF: "staff",
            Composite.COORDINATION: "coordination",
            Composite.PROVIDER_RATING: "provider",
        }.get(question.composite, "overall")

    # --- comments ---------------------------------------------------------------------------------

    def _topics(self, trigger: _Trigger, by_facet: dict[str, list[int]], kinds: dict[str, str]):
        """(good, bad) topics for a comment, the strongest first, from this response's own answers."""
        rng = self.rng

        def low(facet):
            return any(_is_low(kinds[facet], v) for v in by_facet.get(facet, ()))

        def top(facet):
            values = by_facet.get(facet, ())
            return bool(values) and all(_is_top(kinds[facet], v) for v in values)

        if trigger.kind == SurveyKind.AFTER_BOOKING:
            return ["booking"], ["booking"]
        bad, good = [], []
        if low("wait") or trigger.wait > 30:
            bad.append("wait")
        dip = self._dip(trigger.at)
        if low("staff") or (dip and not top("staff") and rng.random() < 0.6):
            bad.append("new_desk" if dip and rng.random() < 0.75 else "desk")
        if low("communication") or low("provider"):
            bad.append("provider")
        if low("access"):
            bad.append("access")
        if low("coordination"):
            bad.append("followup")
        for extra, share in (("billing", 0.3), ("facility", 0.12), ("portal", 0.08)):
            if rng.random() < share:
                bad.append(extra)
        rng.shuffle(bad)
        if "new_desk" in bad:  # while the new receptionist learns, that is what patients complain of first
            bad.insert(0, bad.pop(bad.index("new_desk")))
        if top("communication") and rng.random() < 0.85:
            good.append("provider")
        if top("staff") and rng.random() < 0.5:
            good.append("desk")
        if top("wait") and trigger.wait < 10 and rng.random() < 0.5:
            good.append("wait")
        for extra, share in (("facility", 0.08), ("portal", 0.06), ("followup", 0.05), ("access", 0.08)):
            if rng.random() < share:
                good.append(extra)
        if not good:
            good.append(rng.choice(("provider", "provider", "desk", "facility")))
        if not bad:
            bad.append(rng.choice(("billing", "billing", "access", "facility", "portal")))
        return good, bad

    def _comment(self, trigger, language, provider, recommend, by_facet, kinds) -> str | None:
        rng = self.rng
        desk = ""  # the first name of who checked the patient in, when the comment names them
        self.complaint = "saturday" if trigger.saturday else ""
        if trigger.kind == SurveyKind.AFTER_BOOKING and trigger.saturday:
            if rng.random() >= SATURDAY_COMMENT_SHARE:
                return None
            tone = "negative" if rng.random() < 0.85 else "mixed_good"
            good, bad = ["booking"], ["saturday"]
        elif trigger.kind == SurveyKind.AFTER_BOOKING:
            if rng.random() >= COMMENT_SHARE["booking"]:
                return None
            ease = min(by_facet.get("ease", [5]))
            tone = "positive" if ease >= 5 else "suggest" if ease >= 3 else "negative"
            good, bad = ["booking"], ["booking"]
        else:
            band = "promoter" if recommend is None or recommend >= 9 else "passive" if recommend >= 7 else "detractor"
            if rng.random() >= COMMENT_SHARE[band]:
                return None
            good, bad = self._topics(trigger, by_facet, kinds)
            self.complaint = bad[0]  # what a recovery case on this response is about
            roll = rng.random()
            if band == "promoter":
                tone = "mixed_good" if roll < 0.15 and self._has_low(by_facet, kinds) else "positive"
            elif band == "passive":
                tone = "mixed_good" if roll < 0.45 else "suggest" if roll < 0.7 else "negative"
            else:
                tone = "mixed_bad" if roll < 0.25 else "negative"
            # Since the retraining, patients whose check-in went well notice the front desk.
            staff = by_facet.get("staff", ())
            noticed = staff and all(_is_top(kinds["staff"], v) for v in staff) and trigger.at >= self.dip[1]
            if band != "detractor" and noticed and rng.random() < 0.35:
                good.insert(0, "desk")
            on_duty = [name for name, since in self.desk_staff if since <= trigger.at]
            if on_duty and band != "detractor" and "desk" in good and rng.random() < NAMED_DESK_SHARE:
                good[good.index("desk")] = "desk_named"
                desk = rng.choice(on_duty)
        values = {
            "desk": desk,
            "doctor": provider.names[language] if provider else ("el doctor" if language == "es" else "the doctor"),
            "wait": max(20, 5 * round(trigger.wait / 5)),
            "weeks": rng.randint(3, 8),
            "location": self.location_names.get(trigger.location_id, "Downtown"),
        }
        return feedback_comments.compose(rng, language=language, tone=tone, good=good, bad=bad, values=values)

    @staticmethod
    def _has_low(by_facet, kinds) -> bool:
        return any(_is_low(kinds[f], v) for f, values in by_facet.items() for v in values)

    # --- the walk ---------------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        practice = self.practice
        surveys: dict[str, tuple[Any, Any]] = {}
        for kind in (SurveyKind.POST_VISIT, SurveyKind.AFTER_BOOKING):
            version, questions = self._survey(kind)
            if version is not None and questions:
                surveys[kind] = (version, questions)
        if not surveys:
            return dict(self.counts)
        self.facets = {kind: [self._facet_of(q) for q in questions] for kind, (_v, questions) in surveys.items()}
        self.location_names = dict(Location.objects.filter(practice=practice).values_list("pk", "name"))
        self.providers = self._providers()
        # The front desk staff (first name, joined at): who may have checked a patient in.
        self.desk_staff = [
            (full_name.split()[0], joined)
            for full_name, joined in Membership.objects.filter(practice=practice, role=Role.FRONT_DESK, is_active=True)
            .order_by("created_at", "pk")
            .values_list("user__full_name", "created_at")
            if full_name
        ]
        saturday_since = self.now - timedelta(days=SATURDAY_DAYS)
        patients = {
            p.pk: SimpleNamespace(
                language=p.preferred_language if p.preferred_language in LANGUAGES else "en",
                channel=contact_channel(p),
                patient=p,
            )
            for p in Patient.objects.filter(practice=practice).only(
                "pk", "preferred_language", "phone", "email", "sms_consent", "email_consent"
            )
        }
        triggers = []
        if SurveyKind.POST_VISIT in surveys:
            triggers += self._visit_triggers()
        if SurveyKind.AFTER_BOOKING in surveys:
            booking = self._booking_triggers()
            for trigger in booking:
                trigger.saturday = trigger.at >= saturday_since and self.rng.random() < SATURDAY_SHARE
            triggers += booking
        # In time order; at the same moment the visit survey goes first (as the periodic job does).
        triggers.sort(key=lambda t: (t.at, t.kind != SurveyKind.POST_VISIT))

        self.ids = {model: self.rows.next_id(model) for model in (Invitation, Response, Answer)}
        cooldown = timedelta(days=self.settings.cooldown_days)
        last_invited: dict[int, datetime] = {}
        batch = _Batch()
        for trigger in triggers:
            if trigger.at >= self.now:
                continue
            last = last_invited.get(trigger.patient_id)
            if last is not None and trigger.at - last <= cooldown:
                continue
            patient = patients[trigger.patient_id]
            if patient.channel is not None:  # invitations that could not be sent do not start the cooldown
                last_invited[trigger.patient_id] = trigger.at
            self._invite(batch, trigger, patient, *surveys[trigger.kind])
            if len(batch.invitations) >= BATCH:
                self._flush(batch)
                batch = _Batch()
        self._flush(batch)
        self._settle_recent_cases()
        self.rows.reset_sequences([Invitation, Response, Answer])
        return dict(self.counts)

    def _providers(self) -> dict[int, _Provider]:
        rows = list(Provider.objects.filter(practice=self.practice).order_by("pk"))
        found = {p.pk: _Provider(names=_provider_names(p), spanish="Spanish" in p.languages) for p in rows}
        if rows:
            late = rows[LATE_PROVIDER_INDEX] if len(rows) > LATE_PROVIDER_INDEX else rows[0]
            found[late.pk].late = True
            if len(rows) > WARM_PROVIDER_INDEX and rows[WARM_PROVIDER_INDEX].pk != late.pk:
                found[rows[WARM_PROVIDER_INDEX].pk].warm = True
        return found

    def _event(self, events: list, patient_id, touchpoint: str, kind: str, at: datetime, data: dict) -> None:
        at = self.rows.dt(at)
        # recorded_at is the moment it happened: the history was recorded as it went.
        events.append(
            (self.practice.pk, patient_id, BY_CODE[touchpoint].stage, touchpoint, kind, at, self.rows.json(data), at)
        )

    def _next(self, model) -> int:
        pk = self.ids[model]
        self.ids[model] = pk + 1
        return pk

    def _invite(self, batch: _Batch, trigger: _Trigger, patient, version, questions) -> None:
        dt = self.rows.dt
        channel = patient.channel
        send_at = self._send_time(trigger)
        invitation_id = self._next(Invitation)
        expires = send_at + timedelta(days=self.settings.invitation_valid_days)
        status, opened, completed = InvitationStatus.SENT if channel else InvitationStatus.SKIPPED, None, None
        self.counts["invitations"] += 1
        try:
            if channel is None:
                skip_reason = skip_reason_for(patient.patient)
                self._event(batch.events, trigger.patient_id, "survey", "survey.skipped", trigger.at,
                            {"survey": trigger.kind, "skipped_because": skip_reason})  # fmt: skip
                return
            skip_reason = ""
            self._event(batch.events, trigger.patient_id, "survey", "survey.invited", trigger.at,
                        {"survey": trigger.kind, "channel": channel})  # fmt: skip
            opened = self._respond(batch, trigger, patient, version, questions, invitation_id, send_at, expires)
            if opened is not None:
                status, opened, completed = opened
        finally:
            batch.invitations.append(
                (invitation_id, self.practice.pk, version.pk, trigger.patient_id, trigger.appointment_id,
                 trigger.trigger_event_id, _token_hash(), status, skip_reason, patient.language, dt(trigger.at),
                 dt(expires), dt(opened), dt(completed))
            )  # fmt: skip

    def _respond(self, batch, trigger, patient, version, questions, invitation_id, send_at, expires):
        """The patient's response to a sent invitation: None if the link was never opened, else the
        invitation's (status, opened_at, completed_at)."""
        rng, dt = self.rng, self.rows.dt
        opened = OPENED_AFTER_BOOKING if trigger.kind == SurveyKind.AFTER_BOOKING else OPENED[patient.channel]
        if rng.random() >= opened:
            return None
        # Most open within hours (the booking survey within minutes), a few days later.
        if trigger.kind == SurveyKind.AFTER_BOOKING:
            lag = timedelta(minutes=rng.lognormvariate(math.log(4), 0.8))
        else:
            lag = timedelta(hours=min(13 * 24.0, rng.lognormvariate(math.log(3), 1.3)))
        started = send_at + lag
        if started >= min(self.now, expires):
            return None
        response_id = self._next(Response)
        touchpoint = MAIN_TOUCHPOINT[trigger.kind]
        completed = None
        answered = []  # (question, value) of the numeric answers, for the case rules
        try:
            roll = rng.random()
            if roll < OPENED_ONLY:
                return InvitationStatus.STARTED, started, None
            partial = roll < OPENED_ONLY + PARTIAL
            stop = rng.randint(1, max(1, len(questions) - 2)) if partial else len(questions)
            provider = self.providers.get(trigger.provider_id)
            s = self._facets(trigger, provider, patient.language == "es")
            by_facet: dict[str, list[int]] = defaultdict(list)
            kinds: dict[str, str] = {}
            recommend = provider_rating = None
            text_question = None
            moment = started
            for question, facet in zip(questions[:stop], self.facets[trigger.kind][:stop], strict=True):
                if question.kind == QuestionKind.TEXT:
                    text_question = question
                    continue
                if not question.required and rng.random() < SKIP.get(question.code, SKIP_DEFAULT):
                    continue
                value = self._value(question.kind, s.get(facet, BASE["overall"]))
                moment += timedelta(seconds=rng.uniform(4, 20))
                batch.answers.append(
                    (self._next(Answer), self.practice.pk, response_id, question.pk, value, "", dt(moment))
                )
                answered.append(_Answered(question, value))
                by_facet[facet].append(value)
                kinds[facet] = question.kind
                if question.kind == QuestionKind.RECOMMEND:
                    recommend = value
                elif question.composite == Composite.PROVIDER_RATING:
                    provider_rating = value
            self.counts["answers"] += len(answered)
            if partial or not answered:
                self.counts["partial"] += 1
                return InvitationStatus.STARTED, started, None
            readings = []
            comment = None
            if text_question is not None:
                comment = self._comment(trigger, patient.language, provider, recommend, by_facet, kinds)
            if comment and text_question is not None:  # a comment answers the text question
                moment += timedelta(seconds=rng.uniform(30, 120))
                answer_id = self._next(Answer)
                batch.answers.append(
                    (answer_id, self.practice.pk, response_id, text_question.pk, None, comment, dt(moment))
                )
            completed = moment + timedelta(seconds=rng.uniform(3, 15))
            if comment:
                reading = self.readings.get(comment)
                if reading is None:
                    reading = self.readings[comment] = analyze(comment, patient.language)
                readings.append(reading)
                touchpoints = [{"name": t.name, "sentiment": t.sentiment} for t in reading.touchpoints]
                reader = self.model_versions[patient.language]
                batch.analyses.append(
                    (self.practice.pk, answer_id, Sentiment.MIXED if reading.mixed else reading.sentiment,
                     reading.score, self.rows.json(touchpoints), reader, "", dt(completed))
                )  # fmt: skip
                self.counts["answers"] += 1
                self.counts["comments"] += 1
            self.counts["completed"] += 1
            data = {"survey": trigger.kind, "version": version.number, "answered": len(answered) + len(readings)}
            if recommend is not None:
                data["recommend"] = recommend
            if provider_rating is not None:
                data["provider_rating"] = provider_rating
            self._event(batch.events, trigger.patient_id, touchpoint, "survey.completed", completed, data)
            reason = listening.case_reason(answered, readings)
            if reason:
                if comment and self.complaint:  # the case is about what the comment complained of
                    bad = [self.complaint]
                elif trigger.kind == SurveyKind.POST_VISIT:
                    bad = self._topics(trigger, by_facet, kinds)[1]
                else:
                    bad = ["saturday"] if trigger.saturday else []
                batch.cases.append(
                    RecoveryCase(
                        practice=self.practice,
                        response_id=response_id,
                        patient_id=trigger.patient_id,
                        reason=reason,
                        assigned_to=self.assignee,
                        opened_at=completed,
                        due_at=completed + recovery.DUE_AFTER,
                        notes=bad[0] if bad else "other",  # the topic, until the case is worked
                    )
                )
            return InvitationStatus.COMPLETED, started, completed
        finally:
            self.counts["responses"] += 1
            batch.responses.append(
                (response_id, self.practice.pk, invitation_id, version.pk, trigger.patient_id, trigger.provider_id,
                 trigger.location_id, touchpoint, patient.language, dt(started), dt(completed))
            )  # fmt: skip

    # --- recovery cases ---------------------------------------------------------------------------

    def _close(self, case: RecoveryCase, latest: datetime | None = None) -> None:
        """Work the case through the steps to an outcome: most within 48 hours, some late."""
        rng = self.rng
        topic, case.notes = case.notes, ""
        opened = case.opened_at
        hours = rng.uniform(50, 120) if rng.random() < LATE_CLOSE_SHARE else rng.triangular(2, 46, 14)
        closed = opened + timedelta(hours=hours)
        if latest is not None and closed >= latest:
            closed = opened + (latest - opened) * rng.uniform(0.5, 0.95)
        outcome = self.outcome()
        call = opened + (closed - opened) * rng.uniform(0.3, 0.8)
        if outcome == CaseOutcome.UNREACHABLE:
            case.responded_at = call
            case.notes = rng.choice(feedback_comments.UNREACHABLE_NOTES)
        else:
            case.heard_at = call
            case.empathized_at = call + timedelta(minutes=rng.uniform(1, 3))
            case.apologized_at = case.empathized_at + timedelta(minutes=rng.uniform(1, 3))
            case.responded_at = case.apologized_at + (closed - case.apologized_at) * rng.uniform(0.1, 0.8)
            case.thanked_at = case.responded_at + (closed - case.responded_at) * rng.uniform(0.1, 0.9)
            case.contacted = True
            case.contact_method = self.contact()
            case.notes = rng.choice(feedback_comments.CASE_NOTES.get(topic, feedback_comments.CASE_NOTES["other"]))
        case.status, case.outcome, case.closed_at, case.closed_by = CaseStatus.CLOSED, outcome, closed, self.assignee

    def _save_cases(self, cases: list[RecoveryCase]) -> None:
        RecoveryCase.objects.bulk_create(cases)
        history = []  # the case page's timeline: opened, and closed for the worked ones
        for case in cases:
            opened = RecoveryCaseEvent(
                practice=self.practice, case=case, at=case.opened_at, kind=CaseEventKind.OPENED, detail=case.reason
            )
            history.append(opened)
            if case.status == CaseStatus.CLOSED:
                assert case.closed_at is not None  # a closed case has its closing time
                closed = RecoveryCaseEvent(
                    practice=self.practice,
                    case=case,
                    at=case.closed_at,
                    by=case.closed_by,
                    kind=CaseEventKind.CLOSED,
                    detail=case.outcome,
                )
                history.append(closed)
        RecoveryCaseEvent.objects.bulk_create(history)
        events: list = []
        for case in cases:
            self._event(events, case.patient_id, "service-recovery", "recovery.opened", case.opened_at,
                        {"case_reason": case.reason})  # fmt: skip
            if case.status == CaseStatus.CLOSED:
                assert case.closed_at is not None
                self._event(events, case.patient_id, "service-recovery", "recovery.closed", case.closed_at,
                            {"outcome": case.outcome})  # fmt: skip
        self.rows.insert(JourneyEvent, EVENT_FIELDS, events)
        self.counts["cases"] += len(cases)

    def _settle_recent_cases(self) -> None:
        """Of the last two weeks' cases, 2–4 are still open: one or two new ones and one or two overdue."""
        rng = self.rng
        pending = sorted(self.pending_cases, key=lambda case: case.opened_at, reverse=True)
        due_line = self.now - recovery.DUE_AFTER
        fresh = [case for case in pending if case.opened_at >= due_line]
        overdue = [case for case in pending if case.opened_at < due_line]
        keep_open = {id(case) for case in fresh[: rng.randint(1, 2)] + overdue[: rng.randint(1, 2)]}
        for case in pending:
            if id(case) not in keep_open:
                self._close(case, latest=self.now)
                continue
            case.notes = ""
            # Work has started on some of the new ones; the overdue ones were not picked up in time.
            if case.due_at >= self.now and rng.random() < 0.6:
                case.heard_at = case.opened_at + (self.now - case.opened_at) * rng.uniform(0.2, 0.6)
            self.counts["open_cases"] += 1
            self.counts["overdue_cases"] += case.due_at < self.now
        self._save_cases(pending)

    # --- writing ----------------------------------------------------------------------------------

    def _flush(self, batch: _Batch) -> None:
        rows = self.rows
        rows.insert(Invitation, INVITATION_FIELDS, batch.invitations)
        rows.insert(Response, RESPONSE_FIELDS, batch.responses)
        rows.insert(Answer, ANSWER_FIELDS, batch.answers)
        rows.insert(CommentAnalysis, ANALYSIS_FIELDS, batch.analyses)
        rows.insert(JourneyEvent, EVENT_FIELDS, batch.events)
        recent = self.now - timedelta(days=OPEN_CASE_WINDOW_DAYS)
        closed = []
        for case in batch.cases:
            if case.opened_at >= recent:
                self.pending_cases.append(case)
            else:
                self._close(case)
                closed.append(case)
        self._save_cases(closed)


INVITATION_FIELDS = ("id", "practice", "version", "patient", "appointment", "trigger_event_id", "token_hash", "status",
                     "skip_reason", "language", "created_at", "expires_at", "opened_at", "completed_at")  # fmt: skip
RESPONSE_FIELDS = ("id", "practice", "invitation", "version", "patient", "provider", "location", "touchpoint",
                   "language", "started_at", "completed_at")  # fmt: skip
ANSWER_FIELDS = ("id", "practice", "response", "question", "value", "text", "answered_at")
ANALYSIS_FIELDS = ("practice", "answer", "sentiment", "score", "touchpoints", "model_version", "corrected_sentiment",
                   "analysed_at")  # fmt: skip
EVENT_FIELDS = ("practice", "patient", "stage", "touchpoint", "kind", "occurred_at", "data", "recorded_at")


class _Rows:
    """Plain ``INSERT``s of tuples, one ``executemany`` per table and batch.

    The history is hundreds of thousands of rows on the large demo, and ``bulk_create`` spends about
    0.2 ms of Python on each (a model instance, every field prepared); a tuple costs a few
    microseconds. Invitations, responses and answers get their ids here (the next free ones), so
    their children can point at them; the sequences are set past them at the end (PostgreSQL).
    """

    def __init__(self):
        # SQLite stores naive UTC text (the backend's own format); other databases take aware datetimes.
        self.text_dates = connection.vendor == "sqlite"
        if self.text_dates and connection.timezone != UTC:
            raise NotImplementedError("the demo writes SQLite datetimes in UTC")
        self.adapt_json = connection.ops.adapt_json_value
        self.sql: dict[tuple, str] = {}

    def dt(self, value: datetime | None):
        if value is None or not self.text_dates:
            return value
        return (value if value.tzinfo is UTC else value.astimezone(UTC)).isoformat(" ")[:-6]

    def read(self, queryset, datetimes: tuple[int, ...]):
        """The queryset's rows as plain tuples, the ``datetimes`` columns as aware datetimes; without
        the ORM's per-value converters (a third of the time on the large demo's 100,000 visits)."""
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(BATCH):
                for row in rows:
                    if self.text_dates:
                        row = list(row)
                        for i in datetimes:  # the driver gives naive UTC datetimes (or text)
                            value = row[i]
                            if isinstance(value, str):
                                value = datetime.fromisoformat(value)
                            row[i] = value.replace(tzinfo=UTC)
                    yield row

    def json(self, value):
        return self.adapt_json(value, None)

    def next_id(self, model) -> int:
        return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1

    def insert(self, model, fields: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        key = (model, fields)
        if key not in self.sql:
            quote, meta = connection.ops.quote_name, model._meta
            columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
            marks = ", ".join(["%s"] * len(fields))
            # Names from the model's own metadata, quoted; values go as parameters.
            self.sql[key] = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(self.sql[key], rows)

    @staticmethod
    def reset_sequences(models) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


# The lowest top-box answer and the highest low answer by question kind; 0-10 scales otherwise.
TOP_FROM: dict[str, int] = {QuestionKind.FREQUENCY: 4, QuestionKind.EASE: 5, QuestionKind.YES_NO: 1}
LOW_UP_TO: dict[str, int] = {QuestionKind.FREQUENCY: 2, QuestionKind.EASE: 2, QuestionKind.YES_NO: 0}


def _is_top(kind: str, value: int) -> bool:
    return TOP_FROM.get(kind, 9) <= value


def _is_low(kind: str, value: int) -> bool:
    return value <= LOW_UP_TO.get(kind, 6)


def build_feedback(*, practice: Practice, seed: int, today: date) -> dict[str, int]:
    """Add the survey history (and the feedback settings and review sites) to a demo practice whose
    schedule and visit flow exist. Returns how many rows of each kind it made."""
    return _Feedback(practice=practice, seed=seed, today=today).build()
