"""Bad input never gives a 500: every URL pattern of the project, fed bad values.

The test walks the URL resolver, reverses each pattern with real objects of one practice (the signed-in
user owns it; the same session is also the patient's), and feeds every parameter a view reads (path
ids and tokens, the query-string and form keys named in the view's module, and the fields of the forms
the page draws) out-of-range, overflowing, negative, non-numeric, empty and NUL-containing values, as
GET query parameters and as POST form fields. Any answer is fine but a 5xx: a 4xx, or a page with a
message. A new URL pattern must be added to ``kwargs_for`` (the test fails until it is).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cx.models import (
    Action,
    Candidate,
    CausalStatement,
    ChangeSignal,
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    EmpathyMap,
    ExperienceMoment,
    Goal,
    GoalMeasure,
    HiringKit,
    Idea,
    ImprovementProject,
    IntendedExperience,
    InterviewQuestion,
    PatientGroup,
    ProposedChange,
    PulseRound,
    RcaAction,
    Recognition,
    RootCauseAnalysis,
    SignalKind,
)
from feedback import survey_links
from feedback.models import (
    Answer,
    CommentAnalysis,
    Invitation,
    RecoveryCase,
    Response,
    ReviewSite,
    Sentiment,
    SurveyKind,
)
from feedback.services import surveys
from frontdesk import checkin_links
from frontdesk.models import IntakeQuestion, PracticePolicy
from frontdesk.services.setup import flow_settings
from messaging import answer_links
from messaging.models import Conversation
from messaging.selectors import reminders as reminder_selectors
from patients import services as patient_services
from practices.models import Membership
from scheduling import confirm_links, manage_links
from scheduling.models import (
    AppointmentStatus,
    AvailabilityException,
    AvailabilityTemplate,
    BookingConfirmation,
    BookingRequest,
    ExceptionKind,
    WaitlistEntry,
    WaitlistOffer,
)
from scheduling.selectors import waitlist as wl
from tests.factories import make_appointment

pytestmark = pytest.mark.django_db

OVERFLOW = "99999999999999999999"
# Out of range, overflowing, negative, non-numeric, empty, NUL, impossible and far dates and times.
BAD_VALUES = [OVERFLOW, "-" + OVERFLOW, "-1", "0", "abc", "", "1\x00", "9999-12-31", "0001-01-01"]
# Free-text fields get NUL once, all together; fields named like these are fed every bad value.
# A select, radio or checkbox is checked against its choices: any value off the list takes the same path.
CHOICE_VALUES = [OVERFLOW, "-1", "", "1\x00"]
LATER_FORM = re.compile(r"-[1-9]\d*-")
TEXT_INPUTS = {"text", "email", "tel", "url", "search", "password"}
NUMBER_NAME = re.compile(r"date|day|time|year|month|minute|hour|week|number|count|_id$|^id$|pk|start|end|from|until")
BAD_PATH_INTS = [OVERFLOW, "0", "9223372036854775808"]
BAD_PATH_STRS = ["abc", OVERFLOW, "a%00b", "-1"]
# Keys a view reads: request.GET.get("date"), request.POST["action"], request.GET.getlist("x").
READ_KEY = re.compile(r"""request\.(GET|POST)(?:\.get(?:list)?\(\s*|\[\s*)["']([\w-]+)["']""")
# Patterns fed last because they sign out or switch the language of the shared session.
LAST = {"accounts:logout", "patients:sign_out", "set_language"}


@pytest.fixture
def world(practice, owner, front_desk, patient, location, provider, visit_type):
    """One practice with one of everything a URL names, and the tokens the app would send."""
    now = timezone.now()
    tz = timezone.get_default_timezone()
    soon = datetime.combine(timezone.localdate() + timedelta(days=3), time(16, 0), tzinfo=tz)
    upcoming = make_appointment(patient, provider, location, visit_type, start=soon)
    done = make_appointment(patient, provider, location, visit_type, start=now - timedelta(hours=3))
    done.status = AppointmentStatus.FULFILLED
    done.save()
    hours = AvailabilityTemplate.objects.filter(provider=provider).first()
    block = AvailabilityException.objects.create(
        practice=practice, provider=provider, day=timezone.localdate() + timedelta(days=10), kind=ExceptionKind.OFF
    )
    request = BookingRequest.objects.create(
        practice=practice,
        visit_type=visit_type,
        location=location,
        start=soon + timedelta(days=1),
        first_name="Rosa",
        last_name="Diaz",
        date_of_birth=date(1980, 2, 3),
        email="rosa@example.com",
    )
    entry = WaitlistEntry.objects.create(
        practice=practice,
        patient=patient,
        visit_type=visit_type,
        earliest_day=timezone.localdate(),
        latest_day=timezone.localdate() + timedelta(days=30),
    )
    offer_token = "offer-token-for-the-walker"
    WaitlistOffer.objects.create(
        practice=practice,
        entry=entry,
        provider=provider,
        location=location,
        start=soon + timedelta(days=2),
        token_hash=wl.token_hash(offer_token),
        expires_at=now + timedelta(hours=2),
    )
    conversation = Conversation.objects.create(practice=practice, patient=patient, phone="+15125550199")
    question = IntakeQuestion.objects.create(practice=practice, text_en="Allergies?", text_es="¿Alergias?")
    policy = PracticePolicy.objects.create(
        practice=practice, title_en="Fees", title_es="Tarifas", body_en="Pay.", body_es="Pague."
    )
    survey = surveys.survey_for(practice=practice, kind=SurveyKind.POST_VISIT)
    survey_token, survey_hash = survey_links.new_token()
    version = surveys.current_version(survey)
    Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        appointment=done,
        token_hash=survey_hash,
        expires_at=now + timedelta(days=14),
    )
    answered = Invitation.objects.create(
        practice=practice,
        version=version,
        patient=patient,
        token_hash=survey_links.new_token()[1],
        expires_at=now + timedelta(days=14),
        completed_at=now,
    )
    response = Response.objects.create(
        practice=practice, invitation=answered, version=version, patient=patient, touchpoint="survey", completed_at=now
    )
    text_question = version.questions.filter(kind="text").first() or version.questions.first()
    answer = Answer.objects.create(response=response, question=text_question, text="The wait was long.")
    comment = CommentAnalysis.objects.create(
        practice=practice, answer=answer, sentiment=Sentiment.NEGATIVE, score=-0.6, touchpoints=[]
    )
    case = RecoveryCase.objects.create(
        practice=practice,
        response=response,
        patient=patient,
        reason="negative_comment",
        due_at=now + timedelta(hours=48),
    )
    site = ReviewSite.objects.create(practice=practice, name="Maps", url="https://example.com/review")
    cx_ids = _cx_world(practice, owner, front_desk, answer)
    to_confirm = BookingConfirmation.objects.create(
        practice=practice,
        patient=patient,
        visit_type=visit_type,
        provider=provider,
        location=location,
        start=upcoming.start + timedelta(days=7),
        expires_at=now + timedelta(minutes=30),
    )
    kind, channel, language = reminder_selectors.template_keys()[0]
    return {
        "practice": practice,
        "owner": owner,
        "patient": patient,
        "ids": {
            "location": location.pk,
            "provider": provider.pk,
            "member": Membership.objects.get(user=front_desk, practice=practice).pk,
            "patient": patient.pk,
            "hours": hours.pk,
            "block": block.pk,
            "visit_type": visit_type.pk,
            "appointment": upcoming.pk,
            "done": done.pk,
            "request": request.pk,
            "entry": entry.pk,
            "conversation": conversation.pk,
            "question": question.pk,
            "policy": policy.pk,
            "survey": survey.pk,
            "comment": comment.pk,
            "case": case.pk,
            "site": site.pk,
            **cx_ids,
        },
        "tokens": {
            "sign_in": patient_services.issue_sign_in_link(patient=patient),
            "manage": manage_links.token_for(upcoming),
            "confirm": confirm_links.token_for(to_confirm),
            "visit": checkin_links.token_for(upcoming),
            "answer": answer_links.token_for(upcoming),
            "offer": offer_token,
            "survey": survey_token,
            "arrival": flow_settings(practice).arrival_key,
            "uidb64": urlsafe_base64_encode(force_bytes(owner.pk)),
            "reset": default_token_generator.make_token(owner),
        },
        "template": {"kind": kind, "channel": channel, "language": language},
    }


def _cx_world(practice, owner, front_desk, answer) -> dict[str, int]:
    """One of each experience-toolkit record, for the cx URLs' ids."""
    now = timezone.now()
    moment = ExperienceMoment.objects.create(
        practice=practice,
        meeting_date=timezone.localdate(),
        period_start=now - timedelta(days=7),
        period_end=now,
    )
    recognition = Recognition.objects.create(
        practice=practice,
        answer=answer,
        user=front_desk,
        possible_users=[front_desk.pk],
        mention="Sam",
        evidence="Sam was kind.",
        said_at=now,
    )
    group = PatientGroup.objects.create(practice=practice, name="Spanish-speaking", language="es")
    empathy_map = EmpathyMap.objects.create(practice=practice, touchpoint="self-scheduling", group=group)
    idea = Idea.objects.create(practice=practice, empathy_map=empathy_map, text="Saturday clinic")
    project = ImprovementProject.objects.create(
        practice=practice,
        title="Retraining",
        change="Front-desk retraining",
        touchpoints=["flow-board"],
        went_live_on=timezone.localdate() - timedelta(days=30),
        primary_measure="nps",
    )
    action = Action.objects.create(practice=practice, title="Call back", owner=owner, due_on=timezone.localdate())
    rca = RootCauseAnalysis.objects.create(practice=practice, title="Hold time", touchpoint="phone-booking")
    cause = CausalStatement.objects.create(
        practice=practice, rca=rca, statement="The receptionist forgot.", category="people"
    )
    rca_action = RcaAction.objects.create(
        practice=practice,
        rca=rca,
        cause=cause,
        description="Second phone line",
        hierarchy_kind="physical",
        strength="stronger",
        owner=owner,
        due_on=timezone.localdate(),
        measure="Hold time",
        project=project,
    )
    goal = Goal.objects.create(practice=practice, title="Easiest to reach by phone", owner=owner)
    experience = IntendedExperience.objects.create(
        practice=practice, goal=goal, touchpoint="self-scheduling", sentence="Books online in two minutes."
    )
    GoalMeasure.objects.create(
        practice=practice,
        goal=goal,
        experience=experience,
        measure="nps",
        target=50,
        target_on=timezone.localdate() + timedelta(days=90),
    )
    committee = Committee.objects.create(practice=practice)
    member = CommitteeMember.objects.create(practice=practice, committee=committee, user=front_desk, role="member")
    meeting = CommitteeMeeting.objects.create(practice=practice, held_on=timezone.localdate())
    proposal = ProposedChange.objects.create(practice=practice, title="Saturday hours")
    signal = ChangeSignal.objects.create(
        practice=practice,
        patient=answer.response.patient,
        kind=SignalKind.ONLINE_TO_PHONE,
        evidence="Booked online 6 times; by phone twice.",
        changed_on=timezone.localdate(),
    )
    pulse_round = PulseRound.objects.create(
        practice=practice,
        quarter_start=date(timezone.localdate().year, 1, 1),
        closes_on=timezone.localdate() + timedelta(days=10),
    )
    kit = HiringKit.objects.create(practice=practice, job_title="receptionist")
    InterviewQuestion.objects.create(
        practice=practice, kit=kit, competency="listening", text_en="Tell me...", anchors_en=["a", "b", "c", "d"]
    )
    # The owner interviews, so the candidate page draws the score form and its fields are fed bad values.
    candidate = Candidate.objects.create(
        practice=practice,
        name="Carla",
        job_title="receptionist",
        interviewed_on=timezone.localdate(),
        interviewers=[owner.pk, front_desk.pk],
    )
    return {
        "cx_kit": kit.pk,
        "cx_candidate": candidate.pk,
        "cx_moment": moment.pk,
        "cx_recognition": recognition.pk,
        "cx_group": group.pk,
        "cx_map": empathy_map.pk,
        "cx_idea": idea.pk,
        "cx_project": project.pk,
        "cx_action": action.pk,
        "cx_rca": rca.pk,
        "cx_rca_action": rca_action.pk,
        "cx_goal": goal.pk,
        "cx_committee_member": member.pk,
        "cx_meeting": meeting.pk,
        "cx_proposal": proposal.pk,
        "cx_signal": signal.pk,
        "cx_pulse_round": pulse_round.pk,
    }


# Which record a cx URL's pk names, by the URL name's start (the longest match wins).
CX_PK_PREFIXES = {
    "cx:moment": "cx_moment",
    "cx:recognition": "cx_recognition",
    "cx:team_member": "member",
    "cx:action": "cx_action",
    "cx:map": "cx_map",
    "cx:idea_add": "cx_map",
    "cx:idea": "cx_idea",
    "cx:group": "cx_group",
    "cx:project": "cx_project",
    "cx:rca": "cx_rca",
    "cx:rca_action_done": "cx_rca_action",
    "cx:goal": "cx_goal",
    "cx:committee_member": "cx_committee_member",
    "cx:meeting": "cx_meeting",
    "cx:proposal": "cx_proposal",
    "cx:signal": "cx_signal",
    "cx:signal_patient": "patient",
    "cx:pulse_round": "cx_pulse_round",
    "cx:pulse_answer": "cx_pulse_round",
    "cx:hiring_kit": "cx_kit",
    "cx:hiring_question_add": "cx_kit",
    "cx:candidate": "cx_candidate",
    "cx:staff_record": "member",
}


def kwargs_for(name: str, params: list[str], world: dict[str, Any]) -> dict[str, Any] | None:
    """The URL's keyword arguments from the world's objects; None for a pattern nobody taught us."""
    ids, tokens, slug = world["ids"], world["tokens"], world["practice"].slug
    by_name = {
        "practices:location_edit": {"pk": ids["location"]},
        "practices:provider_edit": {"pk": ids["provider"]},
        "practices:staff_edit": {"pk": ids["member"]},
        "practices:staff_invite": {"pk": ids["member"]},
        "practices:staff_reset_two_factor": {"pk": ids["member"]},
        "patients:staff_detail": {"pk": ids["patient"]},
        "patients:staff_edit": {"pk": ids["patient"]},
        "patients:sign_in_confirm": {"token": tokens["sign_in"]},
        "accounts:password_reset_confirm": {"uidb64": tokens["uidb64"], "token": tokens["reset"]},
        "scheduling:book_confirmed": {"token": tokens["manage"]},
        "scheduling:book_confirm": {"token": tokens["confirm"]},
        "scheduling:manage": {"token": tokens["manage"]},
        "scheduling:manage_calendar": {"token": tokens["manage"]},
        "scheduling:manage_reschedule": {"token": tokens["manage"]},
        "scheduling:manage_cancel": {"token": tokens["manage"]},
        "scheduling:waitlist_from_appointment": {"token": tokens["manage"]},
        "scheduling:waitlist_withdraw_from_appointment": {"token": tokens["manage"], "pk": ids["entry"]},
        "scheduling:waitlist_withdraw": {"pk": ids["entry"]},
        "scheduling:waitlist_offer": {"token": tokens["offer"]},
        "scheduling:schedule_provider": {"provider_pk": ids["provider"]},
        "scheduling:schedule_hours_new": {"provider_pk": ids["provider"]},
        "scheduling:schedule_hours_edit": {"provider_pk": ids["provider"], "pk": ids["hours"]},
        "scheduling:schedule_hours_delete": {"provider_pk": ids["provider"], "pk": ids["hours"]},
        "scheduling:schedule_block_new": {"provider_pk": ids["provider"]},
        "scheduling:schedule_extra_new": {"provider_pk": ids["provider"]},
        "scheduling:schedule_exception_delete": {"provider_pk": ids["provider"], "pk": ids["block"]},
        "scheduling:schedule_visit_type_edit": {"pk": ids["visit_type"]},
        "scheduling:fd_patient_appointments": {"patient_id": ids["patient"]},
        "scheduling:fd_book": {"patient_id": ids["patient"]},
        "scheduling:fd_appointment": {"pk": ids["appointment"]},
        "scheduling:fd_appointment_move": {"pk": ids["appointment"]},
        "scheduling:fd_appointment_cancel": {"pk": ids["appointment"]},
        "scheduling:fd_booking_request": {"pk": ids["request"]},
        "scheduling:fd_booking_request_book": {"pk": ids["request"]},
        "scheduling:fd_booking_request_new_patient": {"pk": ids["request"]},
        "scheduling:fd_booking_request_close": {"pk": ids["request"]},
        "messaging:message_template_edit": world["template"],
        "messaging:message_template_preview": world["template"],
        "messaging:answer": {"token": tokens["answer"]},
        "messaging:answer_cancel": {"token": tokens["answer"]},
        "messaging:inbox_conversation": {"pk": ids["conversation"]},
        "messaging:inbox_reply": {"pk": ids["conversation"]},
        "messaging:inbox_status": {"pk": ids["conversation"]},
        "messaging:inbox_link": {"pk": ids["conversation"]},
        "messaging:recall_edit": {"patient_id": ids["patient"]},
        "messaging:reactivation_send": {"patient_id": ids["patient"]},
        "messaging:patient_history": {"patient_id": ids["patient"]},
        "frontdesk:visit": {"token": tokens["visit"]},
        "frontdesk:visit_status": {"token": tokens["visit"]},
        "frontdesk:visit_here": {"token": tokens["visit"]},
        "frontdesk:check_in": {"token": tokens["visit"]},
        "frontdesk:visit_verify": {"token": tokens["visit"]},
        "frontdesk:arrive": {"key": tokens["arrival"]},
        "frontdesk:arrive_confirm": {"key": tokens["arrival"]},
        "frontdesk:board_change": {"pk": ids["appointment"]},
        "frontdesk:board_running_late": {"provider_id": ids["provider"]},
        "frontdesk:check_in_detail": {"pk": ids["appointment"]},
        "frontdesk:card_photo": {"pk": ids["appointment"], "side": "front"},
        "frontdesk:intake_question_edit": {"pk": ids["question"]},
        "frontdesk:policy_edit": {"pk": ids["policy"]},
        "feedback:survey": {"token": tokens["survey"]},
        "feedback:survey_answer": {"token": tokens["survey"]},
        "feedback:survey_thanks": {"token": tokens["survey"]},
        "feedback:survey_edit": {"pk": ids["survey"]},
        "feedback:survey_preview": {"pk": ids["survey"]},
        "feedback:comment_correct": {"pk": ids["comment"]},
        "feedback:review_site_edit": {"pk": ids["site"]},
        "feedback:review_site_active": {"pk": ids["site"]},
        "media": {"path": "providers/nobody.jpg"},
    }
    if name.startswith("feedback:recovery_case") and name != "feedback:recovery_cases":
        by_name[name] = {"pk": ids["case"]}
    if name.startswith("cx:") and "pk" in params:
        prefix = max((p for p in CX_PK_PREFIXES if name.startswith(p)), key=len, default=None)
        if prefix is not None:
            by_name[name] = {"pk": ids[CX_PK_PREFIXES[prefix]]}
    kwargs = dict(by_name.get(name, {}))
    if "practice_slug" in params:
        kwargs["practice_slug"] = slug
    return kwargs if set(kwargs) == set(params) else None


def url_patterns(patterns=None, prefix="", namespace=""):
    """(name, route, callback, converters) for every pattern of the project."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            if not name:
                name = "media" if "media" in str(entry.pattern) else str(entry.pattern)
            yield name, prefix + str(entry.pattern), entry.callback


def path_for(route: str, kwargs: dict) -> str:
    """Fill a route (``staff/<slug:practice_slug>/x/<int:pk>/`` or a regex) with raw values."""
    if route.startswith("^"):
        return "/media/" + kwargs["path"]
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


def keys_read_by(callback: Callable[..., object]) -> dict[str, set[str]]:
    """The GET and POST keys the view reads by name: in its own body and in the module's functions it calls."""
    view = inspect.unwrap(callback)
    view = getattr(view, "view_class", view)
    module = inspect.getmodule(view)
    assert module is not None  # a view is defined in a module
    try:
        own = inspect.getsource(view)
    except (OSError, TypeError):
        return {"GET": set(), "POST": set()}
    sources = [own]
    for name, helper in vars(module).items():
        if inspect.isfunction(helper) and helper.__module__ == module.__name__ and re.search(rf"\b{name}\(", own):
            sources.append(inspect.getsource(helper))
    keys: dict[str, set[str]] = {"GET": set(), "POST": set()}
    for method, key in READ_KEY.findall("\n".join(sources)):
        keys[method].add(key)
    return keys


class FormFields(HTMLParser):
    """The fields of the page's forms, by form: [(method, action, {name: value})]."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, str]]] = []
        self._select: str | None = None
        self.text_fields: set[str] = set()
        self.choice_fields: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").lower(), a.get("action") or "", {}))
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name") and a.get("name") != "csrfmiddlewaretoken":
            kind = "text" if tag == "textarea" else a.get("type", "text")
            if kind in TEXT_INPUTS and not NUMBER_NAME.search(a["name"]):
                self.text_fields.add(a["name"])
            if kind in ("checkbox", "radio"):
                self.choice_fields.add(a["name"])
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1][2].setdefault(a["name"], "")
                return
            self.forms[-1][2][a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.choice_fields.add(a["name"])
            self.forms[-1][2].setdefault(a["name"], "")
        elif tag == "option" and self._select and ("selected" in a or not self.forms[-1][2][self._select]):
            self.forms[-1][2][self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_posting_to(html: str, path: str) -> tuple[list[tuple[str, dict[str, str]]], set[str], set[str]]:
    """The page's forms that send to ``path`` (method, fields), and the names of its free-text and choice
    fields."""
    parser = FormFields()
    parser.feed(html)
    forms = [(method, fields) for method, action, fields in parser.forms if urlsplit(action).path in ("", path)]
    return forms, parser.text_fields, parser.choice_fields


@pytest.fixture
def errors():
    """Every exception a view raised, beside the status the client saw."""
    raised = []

    def keep(sender, request=None, **kwargs):
        import sys

        raised.append(repr(sys.exc_info()[1]))

    got_request_exception.connect(keep)
    yield raised
    got_request_exception.disconnect(keep)


def send(client: Client, method: str, url: str, data: dict | None):
    """One request whose writes are rolled back, so every request meets the same world (a bad value a
    form accepts must not, say, turn on two-factor sign-in for the rest of the walk)."""
    with transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data or {})
        transaction.set_rollback(True)
    return response


def signed_in(world: dict[str, Any]) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world["owner"])
    session = client.session
    session["patient_id"] = world["patient"].pk
    session["patient_practice_id"] = world["practice"].pk
    session.save()
    return client


# The walk is split in two so each half has the whole per-test timeout: the experience toolkit's
# pages, then every other URL.
PARTS = {
    "experience toolkit": (lambda name: name.startswith("cx:"), (400, 18)),
    "everything else": (lambda name: not name.startswith("cx:"), (2500, 90)),
}


@pytest.mark.parametrize("part", list(PARTS))
def test_no_bad_parameter_gives_a_500(world, errors, part):
    in_part, (min_tried, min_pages) = PARTS[part]
    patterns = sorted((p for p in url_patterns() if in_part(p[0])), key=lambda p: p[0] in LAST)
    untaught, failures, sent_away, tried, pages = [], [], [], 0, 0
    for name, route, callback in patterns:
        params = re.findall(r"<(?:\w+:)?(\w+)>", route) or (["path"] if route.startswith("^") else [])
        kwargs = kwargs_for(name, params, world)
        if kwargs is None:
            untaught.append(name)
            continue
        cache.clear()  # throttles answer 429 (fine), but let every URL start fresh
        client = signed_in(world)
        path = path_for(route, kwargs)

        def check(method: str, url: str, data: dict[str, Any] | None, what: str, client: Client = client) -> None:
            nonlocal tried
            tried += 1
            del errors[:]
            response = send(client, method, url, data)
            if response.status_code >= 500:
                failures.append(f"{method} {url} {what} -> {response.status_code} {errors[-1:] or ''}")

        # Path parameters: ids and tokens out of range or malformed.
        for param in kwargs:
            if param == "practice_slug":
                continue
            bad_values = BAD_PATH_INTS if re.search(rf"<int:{param}>", route) else BAD_PATH_STRS
            for bad in bad_values:
                url = path_for(route, {**kwargs, param: bad})
                for method in ("GET", "POST"):
                    check(method, url, {}, f"path {param}={bad!r}")

        # The page itself, to learn its forms.
        page = send(client, "GET", path, None)
        if page.status_code >= 500:
            failures.append(f"GET {path} -> {page.status_code} {errors[-1:]}")
            continue
        if page.status_code == 200:
            pages += 1
        elif page.status_code == 302 and "/accounts/" in page["Location"] and path.startswith("/staff/"):
            sent_away.append(f"{path} -> {page['Location']}")
        html = page.content.decode(errors="replace") if "html" in page.get("Content-Type", "") else ""
        read = keys_read_by(callback)
        get_keys = set(read["GET"])
        post_forms = []
        forms, text_fields, choice_fields = forms_posting_to(html, path)
        for method, fields in forms:
            if method == "get":
                get_keys |= set(fields)
            else:
                post_forms.append(fields)
        if not post_forms:
            post_forms = [{}]
        post_keys = set(read["POST"])

        for key in sorted(get_keys):
            for bad in BAD_VALUES:
                check("GET", path, {key: bad}, f"?{urlencode({key: bad})}")
        for fields in post_forms:
            for key in sorted((set(fields) - text_fields) | post_keys):
                if LATER_FORM.search(key):
                    continue  # a formset's later forms repeat its first
                for bad in CHOICE_VALUES if key in choice_fields and key not in post_keys else BAD_VALUES:
                    check("POST", path, {**fields, key: bad}, f"{key}={bad!r}")
            texts = dict.fromkeys(set(fields) & text_fields, f"a\x00b{OVERFLOW}")
            if texts:  # free text (names, notes): NUL and digits in every one at once
                check("POST", path, {**fields, **texts}, f"text fields {sorted(texts)} with NUL")
    assert not failures, f"{len(failures)} of {tried} requests gave a 5xx:\n" + "\n".join(failures)
    assert not untaught, f"teach kwargs_for these URL patterns: {untaught}"
    assert not sent_away, f"the walker was not signed in for: {sent_away}"
    assert tried > min_tried and pages > min_pages, (tried, pages)  # it really walked: the pages answered


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize(
    "name, method, field",
    [
        ("feedback:scores", "GET", "start"),
        ("feedback:scores", "GET", "end"),
        ("feedback:responses", "GET", "end"),
        ("insights:measures", "GET", "start"),
        ("insights:measures", "GET", "end"),
        ("scheduling:fd_book", "POST", "day"),
        ("scheduling:fd_appointment_move", "POST", "day"),
    ],
)
def test_a_far_date_in_a_filter_or_booking_form_gets_a_message(world, name, method, field, far):
    """What the walker found: these dates overflowed (OverflowError: date value out of range)."""
    route, callback = next((r, c) for n, r, c in url_patterns() if n == name)
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    client = signed_in(world)
    url = path_for(route, kwargs_for(name, params, world))
    response = client.get(url, {field: far}) if method == "GET" else client.post(url, {field: far})
    assert response.status_code in (200, 400)
    assert "Enter a date between 1900 and 2199." in response.content.decode()


def test_every_pattern_resolves_to_the_view_the_walker_fed(world):
    """The walker's paths are the project's own: each one resolves to the pattern it was built from."""
    for name, route, callback in url_patterns():
        params = re.findall(r"<(?:\w+:)?(\w+)>", route) or (["path"] if route.startswith("^") else [])
        kwargs = kwargs_for(name, params, world)
        assert kwargs is not None, name
        assert resolve(path_for(route, kwargs)).func == callback, name
