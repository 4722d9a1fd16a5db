"""The demo practice's experience toolkit: its team, three past experience moments with their
meeting records, recognitions, an empathy map for online booking with its ideas, and two
improvement projects.

Two builders, both for the demo practice only:

- ``add_team`` (called by ``demo.practices.build_demo`` right after the practice, before the other
  builders): the rest of the team beside the five demo sign-ins. A receptionist who started twenty
  weeks ago (``demo.feedback.DESK_DIP_DAYS_AGO``: her first weeks show in the office staff scores), a
  medical assistant with the same first name (so "Maria was so sweet" is ambiguous), a sign-in-less
  user for each provider, and everyone's job title (``TeamMemberProfile``). The members' joining
  dates are set, so ``demo.feedback`` knows who was at the front desk when.
- ``build_cx`` (called last, when the surveys exist): the settings (meeting on Tuesdays at 08:00),
  patient groups, the empathy map, the projects, recognitions from the comments that name staff, and
  the last three weeks' moments with their stories, lessons, attendees, decisions and actions.

The story, with ``demo.feedback``:

- "Front-desk retraining" (``_projects``): the new receptionist's weeks cost about 14 top-box points
  on the office staff items, with complaints about the front desk; ten weeks ago the front desk was
  retrained and the scores came back, a little above where they were: the project page says
  "better", with its interval (about 200 answers a side at the small size).
- "New online check-in instructions" went live about four weeks ago and shows no detectable change
  yet: of the days within ``INSTRUCTIONS_SLACK`` of it, it takes the one where its item moved least,
  so the story holds whatever day the demo is built.
- The empathy map for online booking: the team expected "easy"; in the last three months patients
  said they could not find a Saturday time (``demo.feedback.SATURDAY_DAYS``), and the map marks the
  gap. Its chosen idea is an action; another meeting's action is overdue.
- Recognitions: the staff and providers patients named in their praise, found with the live matcher
  (``cx.recognition``), confirmed at the meetings, a few still waiting, one "Maria" ambiguous.

Deterministic from the seed (its own ``random.Random``), written with the ORM in well under a second
at the small size (the recognitions grow with the size; everything else is a few dozen rows). Every
quote is stored redacted (``cx.redaction.redact``: staff names kept, the patient's own and other
people's names, phones, emails, dates and clinical detail replaced).
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import User
from cx.models import (
    Action,
    ActionStatus,
    CxSettings,
    EmpathyMap,
    ExperienceMoment,
    Feeling,
    Idea,
    IdeaStatus,
    ImprovementProject,
    JobTitle,
    MomentAttendee,
    MomentStatus,
    PatientGroup,
    PatientShown,
    ProjectStatus,
    Recognition,
    RecognitionStatus,
    SourceKind,
    TeamMemberProfile,
)
from cx.recognition import ROLE, find_mentions
from cx.redaction import redact, shown_patient
from cx.selectors import recognition as recognition_selectors
from cx.stories import StoryCandidate, rank_stories
from feedback.comments import analyze
from feedback.models import Answer, CaseOutcome, CaseStatus, CommentAnalysis, QuestionKind, RecoveryCase, Sentiment
from practices.models import Membership, Practice, Provider, Role, Weekday

from .feedback import DESK_DIP_DAYS_AGO

PHYSICIAN_CREDENTIALS = ("MD", "DO")
STAFF_JOINED_DAYS_AGO = 3 * 365  # the five demo sign-ins have been there since before the history

# The rest of the team: (email, full name, role, job title, joined days before today, also known as).
TEAM = (
    ("maria.delgado@demo.touchpoints.test", "Maria Delgado", Role.FRONT_DESK, JobTitle.RECEPTIONIST,
     DESK_DIP_DAYS_AGO[0], ""),
    ("maria.santos@demo.touchpoints.test", "Maria Santos", Role.CLINICIAN, JobTitle.MEDICAL_ASSISTANT, 2 * 365, ""),
)  # fmt: skip
# The demo sign-ins' job titles, by role.
JOB_TITLES: dict[str, str] = {
    Role.OWNER: JobTitle.MANAGER,
    Role.EXPERIENCE_LEAD: JobTitle.NURSE,
    Role.FRONT_DESK: JobTitle.RECEPTIONIST,
    Role.CLINICIAN: JobTitle.PROVIDER,
    Role.BILLING: JobTitle.BILLING,
}


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum() or ch == "-")


def _user(email: str, full_name: str) -> User:
    """The user with this email (a re-run after the practice was deleted finds it), else a new one who
    cannot sign in: only the five demo sign-ins have a password."""
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create_user(email=email, password=None, full_name=full_name)
    if user.full_name != full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return user


def add_team(*, practice: Practice, today: date) -> None:
    """The demo practice's whole team, with job titles and joining dates (see the module docstring)."""
    tz = ZoneInfo(practice.timezone)

    def joined(days_ago: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(9), tzinfo=tz)

    profiles = []
    memberships = Membership.objects.filter(practice=practice)
    memberships.update(created_at=joined(STAFF_JOINED_DAYS_AGO))
    for membership in memberships.select_related("user"):
        aka = "Dr. Hannah" if membership.role == Role.CLINICIAN else ""
        profiles.append(
            TeamMemberProfile(
                practice=practice,
                user=membership.user,
                job_title=JOB_TITLES.get(membership.role, JobTitle.OTHER),
                also_known_as=aka,
                recognition_email=True,
                moment_email=membership.role in (Role.OWNER, Role.EXPERIENCE_LEAD),
            )
        )
    for email, full_name, role, job_title, days_ago, aka in TEAM:
        user = _user(email, full_name)
        Membership.objects.create(practice=practice, user=user, role=role)
        Membership.objects.filter(practice=practice, user=user).update(created_at=joined(days_ago))
        profiles.append(
            TeamMemberProfile(
                practice=practice, user=user, job_title=job_title, also_known_as=aka, recognition_email=True
            )
        )
    # Every provider signs in as a clinician (none with a password here but the demo clinician).
    seen = {email.split("@")[0] for email, *_rest in TEAM}
    for index, provider in enumerate(Provider.objects.filter(practice=practice).order_by("pk")):
        if provider.user_id is not None:
            continue
        physician = provider.credentials.split(",")[0].strip() in PHYSICIAN_CREDENTIALS
        name = f"{'Dr. ' if physician else ''}{provider.first_name} {provider.last_name}"
        email = f"{_email_part(provider.first_name)}.{_email_part(provider.last_name)}"
        if email in seen:
            email = f"{email}.{index}"
        seen.add(email)
        user = _user(f"{email}@demo.touchpoints.test", name)
        provider.user = user
        provider.save(update_fields=["user"])
        Membership.objects.create(practice=practice, user=user, role=Role.CLINICIAN)
        Membership.objects.filter(practice=practice, user=user).update(created_at=joined(STAFF_JOINED_DAYS_AGO))
        profiles.append(TeamMemberProfile(practice=practice, user=user, job_title=JobTitle.PROVIDER))
    TeamMemberProfile.objects.bulk_create(profiles)


# --- the experience toolkit's history ------------------------------------------------------------

MEETING_WEEKDAY = Weekday.TUESDAY
MEETING_TIME = time(8)
MOMENTS = 3  # past meetings with their moment and record
RECOGNITION_WEEKS = 8  # the comments scanned for the staff patients credit
MOMENT_RECOGNITIONS = 4  # the people a meeting thanks, at most
LAST_READ_OUT = 3  # the patients' thanks read out at the last meeting; the rest of its week wait
# The retraining: the day the new receptionist's dip ends in ``demo.feedback``.
RETRAINING_WINDOW_WEEKS = 8
INSTRUCTIONS_DAYS_AGO = 28  # about four weeks ago; the day is picked within ``INSTRUCTIONS_SLACK`` of it
INSTRUCTIONS_SLACK = 3
INSTRUCTIONS_WINDOW_WEEKS = 4
INSTRUCTIONS_MEASURE = "cg_coord_history"  # "knew my history": what the instructions ask patients to fill in
TOP_FROM: dict[str, int] = {QuestionKind.FREQUENCY: 4, QuestionKind.EASE: 5, QuestionKind.YES_NO: 1}  # else 9 of 0-10

# The analyser's touch points, as the journey's (for a story's or a lesson's touch point).
TOUCHPOINT_CODES = {
    "provider communication": "visit-summary",
    "front desk and staff": "flow-board",
    "waiting": "wait-estimate",
    "booking and access": "self-scheduling",
    "records and information": "patient-portal",
    "billing and cost": "billing-questions",
}

GROUPS = (
    ("New patients", {"visits": PatientGroup.Visits.NEW}),
    ("Returning patients", {"visits": PatientGroup.Visits.RETURNING}),
    ("Spanish-speaking patients", {"language": "es"}),
    ("Patients 65 and over", {"min_age": 65}),
)
BOOKING_MAP = {
    "touchpoint": "self-scheduling",
    "thinks": "Booking online is quick.",
    "feels": "Relieved: no phone call, no hold music.",
    "says": "“Easy!”",
    "does": "Book in two minutes, from their phone, at any hour.",
    "expected_feeling": Feeling.POSITIVE,
}
# (text, impact, effort, confidence %, effort in person-weeks, chosen)
BOOKING_IDEAS = (
    ("Open a Saturday morning clinic at a second office", 5, 4, 60, "6.0", False),
    ("Show the next Saturday opening first on the booking page", 3, 1, 80, "0.5", True),
    ("Add two evening clinics a month", 4, 3, 50, "3.0", False),
)


@dataclass(frozen=True)
class _Meeting:
    decisions: str
    # (title, owner's key in ``_Cx.owners``, due days after the meeting, done days after it or None)
    actions: tuple[tuple[str, str, int, int | None], ...]


# Each past meeting's decisions and actions, oldest first (the last ``MOMENTS`` of them).
MEETINGS = (
    _Meeting(
        decisions=(
            "Keep the retraining's check-in checklist at both desks.\n"
            "Luis and Maria keep pairing on Monday mornings for another month.\n"
            "Priya reads this quarter's online-booking comments before the next meeting: several mention Saturdays."
        ),
        actions=(
            ("Laminate the check-in checklist for both desks", "front_desk", 3, 2),
            ("Read this quarter's online-booking comments about Saturdays", "experience_lead", 7, 6),
        ),
    ),
    _Meeting(
        decisions=(
            "Make an empathy map of online booking: we expected “easy”, patients say they can't find a Saturday.\n"
            "Patients who find no time should be offered the waitlist."
        ),
        actions=(
            ("Add a waitlist link to the booking page's “no times” message", "owner", 7, None),
            ("Share this week's thanks with the providers who were named", "experience_lead", 2, 1),
        ),
    ),
    _Meeting(
        decisions=(
            "From the online-booking map: show the next Saturday opening first (Priya).\n"
            "Morgan costs a Saturday morning clinic at a second office before we decide on it."
        ),
        actions=(
            ("Cost a Saturday morning clinic at a second office", "owner", 21, None),
            ("Thank the front desk at the team lunch for the turnaround in patients' comments", "owner", 3, 3),
        ),
    ),
)
IDEA_ACTION = ("Show the next Saturday opening first on the booking page", "experience_lead", 14)
STORY_NOTES = (
    "Read out at the meeting; {names} thanked in front of the team.",
    "Shared with the whole team; {names} got the patient's words by email.",
    "The team heard it first thing; {names} thanked.",
)
LESSON_FALLBACK = "Shared with the team at the meeting; no case was opened."


@dataclass(frozen=True)
class _Comment:
    answer_id: int
    text: str
    language: str
    sentiment: str
    score: float
    touchpoints: list
    response_touchpoint: str
    at: datetime
    patient_names: tuple[str, str]
    provider_user_id: int | None


class _Cx:
    def __init__(self, *, practice: Practice, seed: int, today: date):
        self.practice = practice
        self.rng = random.Random(f"cx:{seed}:{practice.slug}")
        self.tz = ZoneInfo(practice.timezone)
        self.today = today
        self.now = datetime.combine(today, time.min, tzinfo=self.tz)
        self.counts: dict[str, int] = defaultdict(int)
        self.used: set[int] = set()  # the comments already told as a story
        members = list(
            Membership.objects.filter(practice=practice, is_active=True).select_related("user").order_by("pk")
        )
        self.by_role: dict[str, User] = {}
        for membership in members:
            self.by_role.setdefault(membership.role, membership.user)
        self.users = {m.user_id: m.user for m in members}
        self.lead = self.by_role.get(Role.EXPERIENCE_LEAD) or self.by_role[Role.OWNER]
        self.owners = {
            "owner": self.by_role[Role.OWNER],
            "experience_lead": self.lead,
            "front_desk": self.by_role.get(Role.FRONT_DESK) or self.lead,
        }
        # The team and the names redaction keeps, as the live recognition scan sees them.
        self.team = recognition_selectors.team(practice=practice)
        self.staff_names = recognition_selectors.staff_names(self.team)
        self.emailed = set(
            TeamMemberProfile.objects.filter(practice=practice, recognition_email=True).values_list(
                "user_id", flat=True
            )
        )

    def redact(self, comment: _Comment) -> str:
        return redact(comment.text, staff_names=self.staff_names, patient_names=comment.patient_names)

    def at(self, day: date, moment: time = MEETING_TIME) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    # --- reads ----------------------------------------------------------------------------------------

    def comments(self, since: datetime, until: datetime, sentiments: tuple[str, ...]) -> list[_Comment]:
        rows = (
            CommentAnalysis.objects.filter(
                practice=self.practice,
                answer__answered_at__gte=since,
                answer__answered_at__lt=until,
                sentiment__in=sentiments,
            )
            .order_by("answer__answered_at", "pk")
            .values_list(
                "answer_id", "answer__text", "answer__response__language", "sentiment", "score", "touchpoints",
                "answer__response__touchpoint", "answer__answered_at", "answer__response__patient__first_name",
                "answer__response__patient__last_name", "answer__response__provider__user_id",
            )
        )  # fmt: skip
        return [
            _Comment(pk, text, language, sentiment, score, touchpoints or [], touchpoint, at, (first, last), provider)
            for pk, text, language, sentiment, score, touchpoints, touchpoint, at, first, last, provider in rows
        ]

    def touchpoint_of(self, comment: _Comment, sentiment: str) -> str:
        """The touch point of the comment's first clause with that sentiment, else the survey's."""
        for clause in analyze(comment.text, comment.language).clauses:
            if clause.sentiment == sentiment:
                for name in clause.touchpoints:
                    if name in TOUCHPOINT_CODES:
                        return TOUCHPOINT_CODES[name]
        return comment.response_touchpoint

    # --- the build ------------------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        practice = self.practice
        CxSettings.objects.update_or_create(
            practice=practice,
            defaults={
                "meeting_weekday": MEETING_WEEKDAY,
                "meeting_time": MEETING_TIME,
                "patient_shown": PatientShown.FIRST_NAME,
                "team_email": True,
            },
        )
        days_back = (self.today.weekday() - MEETING_WEEKDAY) % 7 or 7
        last = self.today - timedelta(days=days_back)
        meetings = [last - timedelta(weeks=n) for n in range(MOMENTS - 1, -1, -1)]  # oldest first
        moments = [self._moment(day) for day in meetings]
        self._recognitions(moments)
        map_ = self._booking_map(created=self.at(meetings[1] + timedelta(days=1), time(14)))
        self._projects()
        self._meeting_records(moments, map_)
        return dict(self.counts)

    # --- the moments ----------------------------------------------------------------------------------

    def _moment(self, meeting: date) -> ExperienceMoment:
        start, end = self.at(meeting - timedelta(days=7)), self.at(meeting)
        moment = ExperienceMoment(
            practice=self.practice,
            meeting_date=meeting,
            period_start=start,
            period_end=end,
            status=MomentStatus.PRESENTED,
            created_by=self.lead,
            created_at=end - timedelta(days=1, hours=self.rng.uniform(1, 6)),
            presented_at=end + timedelta(minutes=self.rng.randint(15, 35)),
        )
        self._story(moment)
        self._lesson(moment)
        moment.save()
        # ``updated_at`` is set on save: the record was last touched at the meeting.
        ExperienceMoment.objects.filter(pk=moment.pk).update(updated_at=moment.presented_at)
        self.counts["moments"] += 1
        return moment

    def _story(self, moment: ExperienceMoment) -> None:
        comments = {
            str(c.answer_id): c
            for c in self.comments(moment.period_start, moment.period_end, (Sentiment.POSITIVE,))
            if c.answer_id not in self.used
        }
        candidates = [
            StoryCandidate(key=key, text=c.text, sentiment=c.score, touchpoint=self.touchpoint_of(c, "positive"),
                           source="comment")
            for key, c in comments.items()
        ]  # fmt: skip
        ranked = rank_stories(candidates, limit=1)
        if not ranked:
            return
        chosen = ranked[0].candidate
        comment = comments[chosen.key]
        self.used.add(comment.answer_id)
        mentions = find_mentions(comment.text, team=self.team, patient_names=comment.patient_names)
        names = ", ".join(dict.fromkeys(m.text for m in mentions if m.kind != ROLE))
        note = self.rng.choice(STORY_NOTES).format(names=names) if names else "Read out at the meeting."
        moment.story_source = SourceKind.COMMENT
        moment.story_answer_id = comment.answer_id
        moment.story_touchpoint = chosen.touchpoint
        moment.story_patient = shown_patient(comment.patient_names[0], mode=PatientShown.FIRST_NAME)
        moment.story_quote = self.redact(comment)
        moment.story_note = note

    def _lesson(self, moment: ExperienceMoment) -> None:
        start, end = moment.period_start, moment.period_end
        cases = list(
            RecoveryCase.objects.filter(
                practice=self.practice, opened_at__gte=start, opened_at__lt=end, status=CaseStatus.CLOSED
            )
            .select_related("patient")
            .order_by("opened_at", "pk")
        )
        said = {
            c.answer_id: c for c in self.comments(start - timedelta(days=1), end, (Sentiment.NEGATIVE, Sentiment.MIXED))
        }
        texts = dict(
            Answer.objects.filter(response_id__in=[case.response_id for case in cases], pk__in=list(said)).values_list(
                "response_id", "pk"
            )
        )
        with_words = [case for case in cases if case.response_id in texts]
        complained = [c for c in with_words if said[texts[c.response_id]].sentiment == Sentiment.NEGATIVE]
        resolved = [c for c in complained if c.outcome == CaseOutcome.RESOLVED]
        pool = resolved or complained or with_words
        if pool:
            case = pool[0]
            comment = said[texts[case.response_id]]
            moment.lesson_source = SourceKind.RECOVERY
            moment.lesson_case = case
            moment.lesson_quote = self.redact(comment)
            moment.lesson_touchpoint = self.touchpoint_of(comment, "negative")
            moment.lesson_done = case.notes
            return
        negative = [c for c in said.values() if start <= c.at and c.sentiment == Sentiment.NEGATIVE]
        if negative:
            comment = min(negative, key=lambda c: c.score)
            moment.lesson_source = SourceKind.COMMENT
            moment.lesson_answer_id = comment.answer_id
            moment.lesson_quote = self.redact(comment)
            moment.lesson_touchpoint = self.touchpoint_of(comment, "negative")
            moment.lesson_done = LESSON_FALLBACK
        elif cases:
            moment.lesson_source = SourceKind.RECOVERY
            moment.lesson_case = cases[0]
            moment.lesson_touchpoint = "service-recovery"
            moment.lesson_done = cases[0].notes

    # --- recognitions ---------------------------------------------------------------------------------

    def _recognitions(self, moments: list[ExperienceMoment]) -> None:
        """The staff patients credited in the last weeks' praise, as the live scan finds them
        (``cx.recognition.find_mentions``), decided as the lead would have: at each meeting the week's
        are confirmed (a name two people share goes to the one at the front desk) and read out, a
        mention in a complaint or of a whole desk ("the front desk") is dismissed. The last meeting
        read out only ``LAST_READ_OUT``: the rest of its week wait, as everything since does, and
        the latest ambiguous one is still to be decided."""
        rng = self.rng
        since = self.now - timedelta(weeks=RECOGNITION_WEEKS)
        receptionists = {m.user_id for m in self.team if m.job_title == JobTitle.RECEPTIONIST}
        found: list[Recognition] = []
        complaints: set[int] = set()  # id() of those the lead sets aside: said in a complaint, or no one person
        for comment in self.comments(since, self.now, (Sentiment.POSITIVE, Sentiment.MIXED)):
            on_duty = {comment.provider_user_id} if comment.provider_user_id else set()
            mentions = find_mentions(
                comment.text, team=self.team, on_duty=on_duty, patient_names=comment.patient_names,
                language=comment.language,
            )  # fmt: skip
            if not mentions:
                continue
            evidence = self.redact(comment)
            clauses = analyze(comment.text, comment.language).clauses if comment.sentiment == Sentiment.MIXED else []
            for mention in mentions:
                ids = sorted(set(mention.user_ids))
                row = Recognition(
                    practice=self.practice,
                    user_id=ids[0] if len(ids) == 1 else None,
                    possible_users=ids,
                    source=SourceKind.COMMENT,
                    answer_id=comment.answer_id,
                    mention=mention.text[:80],
                    evidence=evidence,
                    touchpoint=comment.response_touchpoint,
                    said_at=comment.at,
                    status=RecognitionStatus.CANDIDATE if len(ids) == 1 else RecognitionStatus.AMBIGUOUS,
                    created_at=comment.at + timedelta(hours=rng.uniform(1, 20)),
                )
                if any(mention.text in c.text and c.sentiment == Sentiment.NEGATIVE for c in clauses):
                    complaints.add(id(row))
                if mention.kind == ROLE and len(ids) > 1:
                    complaints.add(id(row))  # "the front desk": the whole desk, nobody to credit
                found.append(row)
        ambiguous = [r for r in found if r.status == RecognitionStatus.AMBIGUOUS and id(r) not in complaints]
        still_ambiguous = id(ambiguous[-1]) if ambiguous else None
        last_meeting = moments[-1].period_end
        read_out: dict[int, set[int]] = defaultdict(set)  # who each meeting thanked
        last_read: list[Recognition] = []
        for row in found:
            if row.said_at >= last_meeting or id(row) == still_ambiguous:
                continue  # to decide at the next meeting
            moment = next((m for m in moments if m.period_start <= row.said_at < m.period_end), None)
            decided = moment.period_end if moment else row.said_at + timedelta(days=rng.uniform(1, 4))
            if id(row) in complaints:
                row.status, row.decided_by = RecognitionStatus.DISMISSED, self.lead
                row.decided_at = decided + timedelta(minutes=rng.randint(1, 40))
                continue
            # A name two people share: the lead knows who was at the front desk.
            user_id = row.user_id or next((u for u in row.possible_users if u in receptionists), row.possible_users[0])
            if moment is moments[-1] and len(last_read) >= LAST_READ_OUT:
                continue  # the last meeting ran out of time: still to decide
            if moment is not None:
                heard = read_out[moment.pk]
                if user_id in heard or len(heard) < MOMENT_RECOGNITIONS:
                    heard.add(user_id)
                    row.moment = moment
                    if moment is moments[-1]:
                        last_read.append(row)
            row.user_id, row.status, row.decided_by = user_id, RecognitionStatus.CONFIRMED, self.lead
            row.decided_at = decided + timedelta(minutes=rng.randint(1, 40))
            if user_id in self.emailed:
                row.emailed_at = row.decided_at + timedelta(minutes=rng.randint(1, 5))
        Recognition.objects.bulk_create(found)
        for row in found:
            self.counts[f"recognitions_{row.status}"] += 1

    # --- the empathy map ------------------------------------------------------------------------------

    def _booking_map(self, *, created: datetime) -> EmpathyMap:
        PatientGroup.objects.bulk_create(
            PatientGroup(practice=self.practice, name=name, created_at=created - timedelta(days=1), **criteria)
            for name, criteria in GROUPS
        )
        map_ = EmpathyMap.objects.create(
            practice=self.practice, created_by=self.lead, created_at=created, **BOOKING_MAP
        )
        EmpathyMap.objects.filter(pk=map_.pk).update(updated_at=created + timedelta(minutes=25))
        for text, impact, effort, confidence, weeks, chosen in BOOKING_IDEAS:
            Idea.objects.create(
                practice=self.practice,
                empathy_map=map_,
                text=text,
                impact=impact,
                effort=effort,
                confidence=confidence,
                effort_weeks=Decimal(weeks),
                status=IdeaStatus.CHOSEN if chosen else IdeaStatus.NEW,
                created_by=self.lead,
                created_at=created + timedelta(minutes=self.rng.randint(5, 20)),
            )
        self.counts["maps"] += 1
        return map_

    # --- the projects ---------------------------------------------------------------------------------

    def _projects(self) -> None:
        owner = self.owners["owner"]
        went_live = self.today - timedelta(days=DESK_DIP_DAYS_AGO[1])
        retraining = ImprovementProject.objects.create(
            practice=self.practice,
            title="Front-desk retraining",
            change=(
                "Two half-day sessions for the whole front desk: greeting every patient by name, entering insurance "
                "right the first time, and one check-in checklist at both desks. The new receptionist paired "
                "with Luis for two weeks."
            ),
            touchpoints=["flow-board", "self-check-in"],
            went_live_on=went_live,
            window_weeks=RETRAINING_WINDOW_WEEKS,
            primary_measure="top_box:cg_staff_helpful",
            secondary_measures=["top_box:cg_staff_courtesy", "nps"],
            owner=owner,
            status=ProjectStatus.FINISHED
            if went_live + timedelta(weeks=RETRAINING_WINDOW_WEEKS) <= self.today
            else ProjectStatus.LIVE,
            created_by=self.lead,
            created_at=self.at(went_live - timedelta(days=12), time(16)),
        )
        self._action(
            "Run the two retraining sessions for the front desk", owner, due=went_live, done=went_live,
            created=retraining.created_at, project=retraining,
        )  # fmt: skip
        went_live = self._quiet_day()
        ImprovementProject.objects.create(
            practice=self.practice,
            title="New online check-in instructions",
            change=(
                "Rewrote the online check-in instructions sent with the reminder: what to bring, where to park, "
                "and to update the medical history form before the visit."
            ),
            touchpoints=["online-check-in", "intake"],
            went_live_on=went_live,
            window_weeks=INSTRUCTIONS_WINDOW_WEEKS,
            primary_measure=f"top_box:{INSTRUCTIONS_MEASURE}",
            secondary_measures=[],
            owner=self.lead,
            status=ProjectStatus.LIVE,
            created_by=self.lead,
            created_at=self.at(went_live - timedelta(days=5), time(11)),
        )
        self.counts["projects"] += 2

    def _quiet_day(self) -> date:
        """Of the days around ``INSTRUCTIONS_DAYS_AGO``, the one where the measure moved least between
        the project's two windows (answers dated by the day the survey was started, as the project's
        measures are): the instructions changed nothing detectable yet, whatever day the demo is built."""
        first = self.today - timedelta(days=INSTRUCTIONS_DAYS_AGO + INSTRUCTIONS_SLACK + 7 * INSTRUCTIONS_WINDOW_WEEKS)
        rows = Answer.objects.filter(
            response__practice=self.practice,
            question__code=INSTRUCTIONS_MEASURE,
            value__isnull=False,
            response__started_at__gte=self.at(first, time.min),
        ).values_list("response__started_at", "question__kind", "value")
        by_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
        for started, kind, value in rows:
            top = TOP_FROM.get(kind, 9)
            counts = by_day[started.astimezone(self.tz).date()]
            counts[0] += (value or 0) >= top  # never None: answers with a value only
            counts[1] += 1

        def share(start: date, end: date) -> float | None:
            k = sum(by_day[d][0] for d in _days(start, end))
            n = sum(by_day[d][1] for d in _days(start, end))
            return k / n if n else None

        best, best_gap = self.today - timedelta(days=INSTRUCTIONS_DAYS_AGO), 2.0
        for offset in range(-INSTRUCTIONS_SLACK, INSTRUCTIONS_SLACK + 1):
            day = self.today - timedelta(days=INSTRUCTIONS_DAYS_AGO + offset)
            window = timedelta(weeks=INSTRUCTIONS_WINDOW_WEEKS)
            before, after = share(day - window, day), share(day, min(day + window, self.today))
            if before is not None and after is not None and abs(after - before) < best_gap:
                best, best_gap = day, abs(after - before)
        return best

    # --- the meetings' records ------------------------------------------------------------------------

    def _meeting_records(self, moments: list[ExperienceMoment], map_: EmpathyMap) -> None:
        rng = self.rng
        team = list(self.users.values())
        always = {self.lead.pk, self.owners["owner"].pk}
        attendees = []
        for moment, plan in zip(moments, MEETINGS[-len(moments) :], strict=True):
            there = [u for u in team if u.pk in always or rng.random() < 0.8]
            attendees += [MomentAttendee(practice=self.practice, moment=moment, user=u) for u in there]
            moment.decisions = plan.decisions
            moment.save(update_fields=["decisions"])
            ExperienceMoment.objects.filter(pk=moment.pk).update(updated_at=moment.presented_at)
            for title, who, due_days, done_days in plan.actions:
                self._action(
                    title, self.owners[who], due=moment.meeting_date + timedelta(days=due_days),
                    done=None if done_days is None else moment.meeting_date + timedelta(days=done_days),
                    created=moment.presented_at or moment.period_end, moment=moment,
                )  # fmt: skip
        MomentAttendee.objects.bulk_create(attendees)
        self.counts["attendees"] += len(attendees)
        idea = map_.ideas.get(status=IdeaStatus.CHOSEN)
        title, who, due_days = IDEA_ACTION
        last = moments[-1]
        self._action(
            title, self.owners[who], due=last.meeting_date + timedelta(days=due_days), done=None,
            created=last.presented_at or last.period_end, moment=last, idea=idea,
        )  # fmt: skip

    def _action(self, title: str, owner: User, *, due: date, done: date | None, created: datetime, **links) -> None:
        done_at = None
        if done is not None and done < self.today:
            done_at = self.at(done, time(self.rng.randint(9, 16), self.rng.choice((0, 15, 30, 45))))
        Action.objects.create(
            practice=self.practice,
            title=title,
            owner=owner,
            due_on=due,
            status=ActionStatus.DONE if done_at else ActionStatus.OPEN,
            created_by=self.lead,
            created_at=created,
            done_at=done_at,
            **links,
        )
        self.counts["actions"] += 1


def _days(start: date, end: date):
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def build_cx(*, practice: Practice, seed: int, today: date) -> dict[str, int]:
    """Add the experience toolkit's history to the demo practice, once its surveys exist (see the
    module docstring). Returns how many rows of each kind it made."""
    return _Cx(practice=practice, seed=seed, today=today).build()
