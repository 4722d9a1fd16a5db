"""The governance committee's pages: the committee (members, patient advisers, charter, cadence,
checklist), proposed changes screened for patient input and decided, and meetings with their agenda,
minutes and decisions.

Who may do what (``cx/roles.py``): the owner and the experience lead (EDITORS) edit everything; the
whole team reads every page (committee members or not: the agenda and the minutes are the team's
business) and anyone may propose a change for the committee to screen. Strangers get 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback.forms.listening import TOPIC_LABELS
from feedback.models import CaseOutcome, CaseReason
from journey.catalogue import BY_CODE
from practices import selectors as practice_selectors
from practices.access import StaffRequest, staff_view
from practices.models import Practice

from ..forms.governance import (
    CommitteeForm,
    CriteriaForm,
    DecideForm,
    DecisionForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    ProposalForm,
    ScreenForm,
)
from ..models import (
    ChangeStatus,
    CommitteeMeeting,
    DecisionSubject,
    InputMethod,
    MemberRole,
    ProposedChange,
    RcaStatus,
    SignalKind,
)
from ..roles import EDITORS, TEAM
from ..selectors import agenda as agenda_selectors
from ..selectors import governance as selectors
from ..services import governance as services


def _today(practice: Practice) -> date:
    return practice.local_date(timezone.now())


def _can_edit(request: StaffRequest) -> bool:
    return request.membership.role in EDITORS


def link(name: str, *, query: dict[str, str | int] | None = None, **kwargs: object) -> str:
    """The URL of an agenda item's page, with its query string."""
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


def _touchpoint(code: str) -> str:
    found = BY_CODE.get(code)
    return _(found.name) if found is not None else code


def _topic(name: str) -> str:
    label = TOPIC_LABELS.get(name)
    return str(label) if label is not None else name


def _day(iso: object) -> str:
    try:
        return date_format(date.fromisoformat(str(iso)), "DATE_FORMAT")
    except ValueError:
        return str(iso)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _choice_label(choices: Any, value: object) -> str:
    for key, label in choices:
        if key == value:
            return str(label)
    return str(value)


def _team(practice: Practice) -> list[Any]:
    return [
        m.user for m in practice_selectors.staff_for_practice(practice=practice) if m.is_active and m.user.is_active
    ]


# --- the committee ----------------------------------------------------------------------------------


def _committee_page(request: StaffRequest, *, member_form: MemberForm | None = None, status: int = 200) -> HttpResponse:
    practice = request.practice
    rows = list(selectors.members(practice))
    context = {
        "committee": selectors.committee(practice),
        "members": [
            {"member": m, "name": selectors.member_name(m)} for m in rows if m.role != MemberRole.PATIENT_ADVISER
        ],
        "advisers": [m for m in rows if m.role == MemberRole.PATIENT_ADVISER],
        "criteria": list(selectors.criteria(practice)),
        "default_criteria": [_(text) for text in selectors.DEFAULT_CRITERIA],
        "member_form": member_form or MemberForm(team=_team(practice)),
        "can_edit": _can_edit(request),
        "is_member": selectors.is_member(practice, request.user.pk),
        "waiting": selectors.waiting_proposals(practice).count(),
        "next_meeting": selectors.meetings(practice).filter(held_on__gte=_today(practice)).order_by("held_on").first(),
    }
    return render(request, "cx/governance/committee.html", context, status=status)


@staff_view(TEAM)
@require_GET
def committee(request: StaffRequest) -> HttpResponse:
    return _committee_page(request)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def committee_edit(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    current = selectors.committee(practice)
    initial = {
        "charter": current.charter,
        "cadence": current.cadence,
        "recurring_threshold": current.recurring_threshold,
        "recurring_window_days": current.recurring_window_days,
    }
    form = CommitteeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_committee(practice=practice, actor_user=request.user, fields=form.fields_value())
        except services.GovernanceRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("Committee saved."))
            return redirect("cx:committee", practice_slug=practice.slug)
    return render(request, "cx/governance/committee_form.html", {"form": form})


@staff_view(EDITORS)
@require_POST
def committee_member_add(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = MemberForm(request.POST, team=_team(practice))
    if form.is_valid():
        try:
            services.add_member(
                practice=practice,
                actor_user=request.user,
                user=form.chosen_user(),
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
            )
        except services.GovernanceRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("Added to the committee."))
            return redirect("cx:committee", practice_slug=practice.slug)
    return _committee_page(request, member_form=form, status=400)


@staff_view(EDITORS)
@require_POST
def committee_member_remove(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    member = selectors.member_or_404(practice, pk)
    services.remove_member(practice=practice, actor_user=request.user, member=member)
    messages.success(request, _("Removed from the committee."))
    return redirect("cx:committee", practice_slug=practice.slug)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def criteria(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    current = services.ensure_criteria(practice)
    form = CriteriaForm(
        request.POST if request.method == "POST" else None, initial={"criteria": "\n".join(c.text for c in current)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criteria(practice=practice, actor_user=request.user, lines=form.lines())
        except services.GovernanceRefused as refused:
            form.add_error("criteria", refused.message)
        else:
            messages.success(request, _("Checklist saved."))
            return redirect("cx:committee", practice_slug=practice.slug)
    return render(request, "cx/governance/criteria.html", {"form": form})


# --- proposed changes -------------------------------------------------------------------------------


STATUS_CLASS = {
    ChangeStatus.PROPOSED: "status-open",
    ChangeStatus.WAITING_FOR_INPUT: "status-warning",
    ChangeStatus.READY: "status-open",
    ChangeStatus.APPROVED: "status-done",
    ChangeStatus.DECLINED: "status-closed",
}


@staff_view(TEAM)
@require_GET
def proposals(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    rows = [
        {"proposal": p, "touchpoints": [_touchpoint(c) for c in p.touchpoints if isinstance(c, str)]}
        for p in selectors.proposals(practice)
    ]
    return render(request, "cx/governance/proposals.html", {"rows": rows, "can_edit": _can_edit(request)})


@staff_view(TEAM)
@require_http_methods(["GET", "POST"])
def proposal_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = ProposalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.create_proposal(
                practice=practice,
                actor_user=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                touchpoints=form.cleaned_data["touchpoints"],
            )
        except services.GovernanceRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("Change proposed. The committee will run it through its checklist."))
            return redirect("cx:proposal", practice_slug=practice.slug, pk=proposal.pk)
    return render(request, "cx/governance/proposal_form.html", {"form": form})


def _screen_form(request: StaffRequest, proposal: ProposedChange, data: Any = None) -> ScreenForm:
    initial = {
        "criteria": [str(i) for i in proposal.criteria_met],
        "input_method": proposal.input_method,
        "input_summary": proposal.input_summary,
    }
    checklist = services.ensure_criteria(request.practice) if _can_edit(request) else []
    return ScreenForm(data, criteria=checklist, initial=initial)


def _decide_form(request: StaffRequest, data: Any = None) -> DecideForm:
    return DecideForm(data, meetings=list(selectors.meetings(request.practice)[:24]))


def _proposal_page(
    request: StaffRequest,
    proposal: ProposedChange,
    *,
    screen_form: ScreenForm | None = None,
    decide_form: DecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    practice = request.practice
    can_edit = _can_edit(request)
    decided = proposal.status in (ChangeStatus.APPROVED, ChangeStatus.DECLINED)
    decisions = [
        {"decision": d, "meeting_href": link("cx:meeting", practice_slug=practice.slug, pk=d.meeting_id)}
        for d in selectors.decisions_about(practice, DecisionSubject.CHANGE, proposal.pk)
    ]
    blocked = ""
    if proposal.input_needed is None:
        blocked = _("Run the change through the checklist before the committee decides.")
    elif proposal.input_needed and not proposal.input_summary.strip():
        blocked = _("Patient input is needed: the committee cannot decide until what patients said is recorded.")
    context = {
        "proposal": proposal,
        "touchpoints": [_touchpoint(c) for c in proposal.touchpoints if isinstance(c, str)],
        "met": selectors.criteria_by_id(practice, [i for i in proposal.criteria_met if isinstance(i, int)]),
        "method": _choice_label(InputMethod.choices, proposal.input_method) if proposal.input_method else "",
        "decisions": decisions,
        "decided": decided,
        "blocked": blocked,
        "can_edit": can_edit,
        "screen_form": (screen_form or _screen_form(request, proposal)) if can_edit and not decided else None,
        "decide_form": (decide_form or _decide_form(request)) if can_edit and not decided else None,
        "has_meetings": selectors.meetings(practice).exists(),
    }
    return render(request, "cx/governance/proposal.html", context, status=status)


@staff_view(TEAM)
@require_GET
def proposal(request: StaffRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, selectors.proposal_or_404(request.practice, pk))


@staff_view(EDITORS)
@require_POST
def proposal_screen(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    found = selectors.proposal_or_404(practice, pk)
    form = _screen_form(request, found, request.POST)
    if form.is_valid():
        try:
            screened = services.screen_proposal(
                practice=practice,
                actor_user=request.user,
                proposal=found,
                criteria_ids=form.criteria_ids(),
                input_method=form.cleaned_data["input_method"],
                input_summary=form.cleaned_data["input_summary"],
            )
        except services.GovernanceRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            if screened.status == ChangeStatus.WAITING_FOR_INPUT:
                messages.warning(request, _("Patient input needed: record what patients said before the decision."))
            else:
                messages.success(request, _("Screened: the change is ready for a decision."))
            return redirect("cx:proposal", practice_slug=practice.slug, pk=found.pk)
    return _proposal_page(request, found, screen_form=form, status=400)


@staff_view(EDITORS)
@require_POST
def proposal_decide(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    found = selectors.proposal_or_404(practice, pk)
    form = _decide_form(request, request.POST)
    if form.is_valid():
        try:
            services.decide_proposal(
                practice=practice,
                actor_user=request.user,
                proposal=found,
                meeting=form.chosen_meeting(),
                approve=form.cleaned_data["outcome"] == "approve",
                text=form.cleaned_data["text"],
            )
        except services.GovernanceRefused as refused:
            messages.error(request, refused.message)
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("cx:proposal", practice_slug=practice.slug, pk=found.pk)
    return _proposal_page(request, found, decide_form=form, status=400)


# --- meetings and the agenda ------------------------------------------------------------------------


@dataclass
class AgendaItem:
    label: str
    detail: str = ""
    href: str = ""
    rca_href: str = ""  # "start a root-cause analysis"
    lessons: list[dict[str, str]] = field(default_factory=list)


@dataclass
class AgendaSection:
    key: str
    title: str
    empty: str
    items: list[AgendaItem]


def _rca_new(slug: str, **query: str | int) -> str:
    return link("cx:rca_new", practice_slug=slug, query=dict(query))


def _failed_item(slug: str, item: dict[str, Any]) -> AgendaItem | None:
    pk = _int(item.get("id"))
    if pk is None:
        return None
    return AgendaItem(
        label=_("Recovery case %(n)s at %(touchpoint)s")
        % {"n": pk, "touchpoint": _touchpoint(str(item.get("touchpoint", "")))},
        detail=_("%(outcome)s, closed on %(day)s (%(reason)s)")
        % {
            "outcome": _choice_label(CaseOutcome.choices, item.get("outcome")),
            "day": _day(item.get("closed_on")),
            "reason": _choice_label(CaseReason.choices, item.get("reason")),
        },
        href=link("feedback:recovery_case", practice_slug=slug, pk=pk),
        rca_href=_rca_new(slug, case=pk),
    )


def _theme_item(slug: str, item: dict[str, Any]) -> AgendaItem:
    code, topic = str(item.get("touchpoint", "")), str(item.get("topic", ""))
    return AgendaItem(
        label=_("%(topic)s, in surveys about %(touchpoint)s")
        % {"topic": _topic(topic), "touchpoint": _touchpoint(code)},
        detail=_("Negative %(n)s times; the latest on %(day)s")
        % {"n": item.get("n", 0), "day": _day(item.get("latest"))},
        rca_href=_rca_new(slug, touchpoint=code, theme=topic),
    )


def _lesson_item(slug: str, group: dict[str, Any]) -> AgendaItem:
    lessons = [
        {
            "text": str(lesson.get("lesson", "")),
            "day": _day(lesson.get("handled_on")),
            "href": link("cx:signal", practice_slug=slug, pk=pk) if (pk := _int(lesson.get("id"))) is not None else "",
        }
        for lesson in group.get("lessons", [])
        if isinstance(lesson, dict)
    ]
    n = _int(group.get("n")) or len(lessons)
    return AgendaItem(
        label=_choice_label(SignalKind.choices, group.get("kind")),
        detail=(_("Recurring: %(n)s lessons") % {"n": n}) if n > 1 else _("One lesson"),
        lessons=lessons,
    )


def _rca_item(slug: str, item: dict[str, Any]) -> AgendaItem | None:
    pk = _int(item.get("id"))
    if pk is None:
        return None
    return AgendaItem(
        label=str(item.get("title", "")),
        detail=_("%(status)s since %(day)s, %(touchpoint)s")
        % {
            "status": _choice_label(RcaStatus.choices, item.get("status")),
            "day": _day(item.get("started_on")),
            "touchpoint": _touchpoint(str(item.get("touchpoint", ""))),
        },
        href=link("cx:rca", practice_slug=slug, pk=pk),
    )


def _recurrence_item(slug: str, item: dict[str, Any]) -> AgendaItem | None:
    pk = _int(item.get("id"))
    if pk is None:
        return None
    where = _touchpoint(str(item.get("touchpoint", "")))
    if item.get("theme"):
        where = _("%(topic)s at %(touchpoint)s") % {"topic": _topic(str(item["theme"])), "touchpoint": where}
    return AgendaItem(
        label=str(item.get("title", "")),
        detail=_(
            "The same failure recurred after the fixes: %(where)s negative %(n)s times since %(since)s, "
            "the latest on %(day)s"
        )
        % {"where": where, "n": item.get("n", 0), "since": _day(item.get("since")), "day": _day(item.get("latest"))},
        href=link("cx:rca", practice_slug=slug, pk=pk),
    )


def _project_item(slug: str, item: dict[str, Any]) -> AgendaItem | None:
    pk = _int(item.get("id"))
    if pk is None:
        return None
    return AgendaItem(
        label=str(item.get("title", "")),
        detail=_("Measured after the change until %(day)s: due for a verdict") % {"day": _day(item.get("after_last"))},
        href=link("cx:project", practice_slug=slug, pk=pk),
    )


def _goal_item(slug: str, item: dict[str, Any]) -> AgendaItem | None:
    pk = _int(item.get("id"))
    if pk is None:
        return None
    return AgendaItem(
        label=str(item.get("title", "")), detail=_("Off track"), href=link("cx:goal", practice_slug=slug, pk=pk)
    )


def _proposal_item(slug: str, item: dict[str, Any]) -> AgendaItem | None:
    pk = _int(item.get("id"))
    if pk is None:
        return None
    return AgendaItem(
        label=str(item.get("title", "")),
        detail=_choice_label(ChangeStatus.choices, item.get("status")),
        href=link("cx:proposal", practice_slug=slug, pk=pk),
    )


SECTION_TEXT = {
    "failed": (
        gettext_noop("Failed experiences"),
        gettext_noop("No recovery case was closed unresolved in the period."),
    ),
    "themes": (gettext_noop("Recurring themes"), gettext_noop("No theme was negative often enough to recur.")),
    "lessons": (
        gettext_noop("What change signals taught us"),
        gettext_noop("No change signal was handled with a lesson in the period."),
    ),
    "rcas": (gettext_noop("Open root-cause analyses"), gettext_noop("No root-cause analysis is open.")),
    "recurrences": (
        gettext_noop("Failures that came back after the fixes"),
        gettext_noop("No failure came back after its fixes."),
    ),
    "projects": (
        gettext_noop("Improvement projects due for a verdict"),
        gettext_noop("No project is due for a verdict."),
    ),
    "goals": (gettext_noop("Goals off track"), gettext_noop("No goal is off track.")),
    "proposals": (
        gettext_noop("Proposed changes waiting for a decision"),
        gettext_noop("No proposed change is waiting."),
    ),
}

ITEM_BUILDERS = {
    "failed": _failed_item,
    "themes": _theme_item,
    "lessons": _lesson_item,
    "rcas": _rca_item,
    "recurrences": _recurrence_item,
    "projects": _project_item,
    "goals": _goal_item,
    "proposals": _proposal_item,
}


def agenda_sections(meeting: CommitteeMeeting, slug: str) -> list[AgendaSection]:
    found = agenda_selectors.sections(meeting)
    result = []
    for key in agenda_selectors.SECTIONS:
        title, empty = SECTION_TEXT[key]
        build = ITEM_BUILDERS[key]
        items = [i for i in (build(slug, item) for item in found[key]) if i is not None]
        result.append(AgendaSection(key=key, title=_(title), empty=_(empty), items=items))
    return result


def decision_subjects(meeting: CommitteeMeeting) -> list[tuple[str, str]]:
    """(value, label) for the agenda items a decision can be about: "<kind>:<id>", or for a theme
    "theme:<touch point code>|<topic>"."""
    found = agenda_selectors.sections(meeting)
    subjects: list[tuple[str, str]] = []

    def add(kind: str, pk: object, label: str) -> None:
        number = _int(pk)
        if number is not None:
            value = f"{kind}:{number}"
            if value not in dict(subjects):
                subjects.append((value, f"{_choice_label(DecisionSubject.choices, kind)}: {label}"))

    for item in found["failed"]:
        add(DecisionSubject.RECOVERY_CASE, item.get("id"), _("recovery case %(n)s") % {"n": item.get("id")})
    for item in found["themes"]:
        code, topic = str(item.get("touchpoint", "")), str(item.get("topic", ""))
        label = f"{_touchpoint(code)} · {_topic(topic)}"
        subjects.append(
            (f"theme:{code}|{topic}", f"{_choice_label(DecisionSubject.choices, DecisionSubject.THEME)}: {label}")
        )
    for group in found["lessons"]:
        kind_label = _choice_label(SignalKind.choices, group.get("kind"))
        for lesson in group.get("lessons", []):
            if isinstance(lesson, dict):
                add(DecisionSubject.SIGNAL, lesson.get("id"), f"{kind_label} ({_day(lesson.get('handled_on'))})")
    for key in ("rcas", "recurrences"):
        for item in found[key]:
            add(DecisionSubject.RCA, item.get("id"), str(item.get("title", "")))
    for item in found["projects"]:
        add(DecisionSubject.PROJECT, item.get("id"), str(item.get("title", "")))
    for item in found["goals"]:
        add(DecisionSubject.GOAL, item.get("id"), str(item.get("title", "")))
    for item in found["proposals"]:
        add(DecisionSubject.CHANGE, item.get("id"), str(item.get("title", "")))
    return subjects


def parse_subject(value: str) -> tuple[str, int | None, str]:
    """(kind, id, label for a theme) from a subject choice's value; kind "" when it does not parse."""
    kind, _sep, rest = value.partition(":")
    if kind == DecisionSubject.THEME:
        code, _bar, topic = rest.partition("|")
        return (kind, None, f"{code} · {topic}") if code and topic else ("", None, "")
    if kind in selectors.SUBJECT_KINDS and rest.isdigit() and len(rest) < 19:
        return kind, int(rest), ""
    return "", None, ""


SUBJECT_PAGES = {
    DecisionSubject.RECOVERY_CASE: "feedback:recovery_case",
    DecisionSubject.SIGNAL: "cx:signal",
    DecisionSubject.RCA: "cx:rca",
    DecisionSubject.PROJECT: "cx:project",
    DecisionSubject.GOAL: "cx:goal",
    DecisionSubject.CHANGE: "cx:proposal",
}


def _decision_view(slug: str, decision: Any) -> dict[str, str]:
    kind = decision.subject_kind
    label = decision.subject_label
    if kind == DecisionSubject.THEME:
        code, _sep, topic = label.partition(" · ")
        label = f"{_touchpoint(code)} · {_topic(topic)}"
        href = _rca_new(slug, touchpoint=code, theme=topic) if code and topic else ""
    else:
        page = SUBJECT_PAGES.get(kind, "")
        href = link(page, practice_slug=slug, pk=decision.subject_id) if page and decision.subject_id else ""
        label = label or f"{decision.subject_id}"
    return {
        "text": decision.text,
        "kind": _choice_label(DecisionSubject.choices, kind),
        "label": label,
        "href": href,
        "theme": "1" if kind == DecisionSubject.THEME else "",
    }


@staff_view(TEAM)
@require_GET
def meetings(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    rows = [
        {"meeting": m, "items": sum(len(v) for v in agenda_selectors.sections(m).values())}
        for m in selectors.meetings(practice)
    ]
    context = {"rows": rows, "can_edit": _can_edit(request), "committee": selectors.committee(practice)}
    return render(request, "cx/governance/meetings.html", context)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def meeting_new(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    form = MeetingForm(request.POST if request.method == "POST" else None, initial={"held_on": _today(practice)})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.prepare_meeting(
                practice=practice, actor_user=request.user, held_on=form.cleaned_data["held_on"]
            )
        except services.GovernanceRefused as refused:
            form.add_error("held_on", refused.message)
        else:
            messages.success(request, _("Agenda prepared."))
            return redirect("cx:meeting", practice_slug=practice.slug, pk=meeting.pk)
    return render(request, "cx/governance/meeting_form.html", {"form": form})


def _minutes_form(request: StaffRequest, meeting: CommitteeMeeting, data: Any = None) -> MinutesForm:
    practice = request.practice
    present = {i for i in meeting.attendees if isinstance(i, int)}
    rows = [m for m in selectors.members(practice, active_only=False) if m.active or m.pk in present]
    labels = [(m, f"{selectors.member_name(m)} ({_choice_label(MemberRole.choices, m.role)})") for m in rows]
    initial = {"minutes": meeting.minutes, "attendees": [str(i) for i in present], "held": meeting.held}
    return MinutesForm(data, members=labels, initial=initial)


def _meeting_page(
    request: StaffRequest,
    meeting: CommitteeMeeting,
    *,
    minutes_form: MinutesForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    practice = request.practice
    slug = practice.slug
    can_edit = _can_edit(request)
    agenda = meeting.agenda if isinstance(meeting.agenda, dict) else {}
    context = {
        "meeting": meeting,
        "sections": agenda_sections(meeting, slug),
        "first": _day(agenda.get("first")) if agenda.get("first") else "",
        "last": _day(agenda.get("last")) if agenda.get("last") else "",
        "prepared_on": _day(agenda.get("prepared_on")) if agenda.get("prepared_on") else "",
        "threshold": agenda.get("threshold"),
        "window_days": agenda.get("window_days"),
        "attendees": selectors.attendees(practice, meeting),
        "decisions": [_decision_view(slug, d) for d in selectors.decisions_of(practice, meeting)],
        "can_edit": can_edit,
        "minutes_form": (minutes_form or _minutes_form(request, meeting)) if can_edit else None,
        "decision_form": (decision_form or DecisionForm(subjects=decision_subjects(meeting))) if can_edit else None,
    }
    return render(request, "cx/governance/meeting.html", context, status=status)


@staff_view(TEAM)
@require_GET
def meeting(request: StaffRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, selectors.meeting_or_404(request.practice, pk))


@staff_view(EDITORS)
@require_POST
def meeting_minutes(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    found = selectors.meeting_or_404(practice, pk)
    form = _minutes_form(request, found, request.POST)
    if form.is_valid():
        try:
            services.record_minutes(
                practice=practice,
                actor_user=request.user,
                meeting=found,
                minutes=form.cleaned_data["minutes"],
                attendee_ids=form.attendee_ids(),
                held=form.cleaned_data["held"],
            )
        except services.GovernanceRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect("cx:meeting", practice_slug=practice.slug, pk=found.pk)
    return _meeting_page(request, found, minutes_form=form, status=400)


@staff_view(EDITORS)
@require_POST
def meeting_decision_add(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    found = selectors.meeting_or_404(practice, pk)
    form = DecisionForm(request.POST, subjects=decision_subjects(found))
    if form.is_valid():
        kind, subject_id, label = parse_subject(form.cleaned_data["subject"])
        if not label:
            label = dict(form.fields["subject"].choices).get(form.cleaned_data["subject"], "")  # type: ignore[attr-defined]
            label = str(label).partition(": ")[2] or str(label)
        try:
            services.add_decision(
                practice=practice,
                actor_user=request.user,
                meeting=found,
                subject_kind=kind,
                subject_id=subject_id,
                subject_label=label,
                text=form.cleaned_data["decision"],
            )
        except services.GovernanceRefused as refused:
            form.add_error("subject" if refused.field == "subject" else "decision", refused.message)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("cx:meeting", practice_slug=practice.slug, pk=found.pk)
    return _meeting_page(request, found, decision_form=form, status=400)
