"""Recognition pages: the comments' mentions of the team for the lead to confirm or dismiss, confirmed
recognitions per person, a team member's page, and each member's own profile.

Who may do what (strangers get 404 from ``staff_view``):

- editors (owner, experience lead) see what waits for a decision (an ambiguous one shows the people it
  could be and is credited only to the one they pick), confirm or dismiss it, look for new thanks now,
  see every team member's page and set job titles and nicknames there;
- every member sees their own confirmed recognitions, their own team member page (another member's
  page is 404 to them) and edits their own nicknames and email choices on "My profile".
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from practices.access import StaffRequest, staff_view
from practices.models import Role

from ..forms.recognition import ConfirmForm, MyProfileForm, TeamMemberForm
from ..models import ActionStatus, Recognition, RecognitionStatus
from ..roles import EDITORS, TEAM
from ..selectors import actions as action_selectors
from ..selectors import recognition as recognition_selectors
from ..selectors import team as team_selectors
from ..services import recognition as recognition_services

PAGE_SIZE = 30
SCAN_DAYS = 8


def _is_editor(request: StaffRequest) -> bool:
    return request.membership.role in EDITORS


def _people(request: StaffRequest, recognition: Recognition) -> list[User]:
    ids = list(recognition.possible_users) or ([recognition.user_id] if recognition.user_id else [])
    return list(recognition_selectors.users_by_id(practice=request.practice, ids=ids).values())


def _list_page(request: StaffRequest, *, status: int = 200) -> HttpResponse:
    practice = request.practice
    editor = _is_editor(request)
    mine = list(recognition_selectors.confirmed_for(practice=practice, user=request.user)[:PAGE_SIZE])
    context: dict[str, object] = {
        "editor": editor,
        "mine": mine,
        "mine_count": recognition_selectors.confirmed_for(practice=practice, user=request.user).count(),
        "own_membership": request.membership,
        "scan_days": SCAN_DAYS,
    }
    if editor:
        page = Paginator(recognition_selectors.to_decide(practice=practice), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        for recognition in page.object_list:
            people = _people(request, recognition)
            recognition.people = people  # type: ignore[attr-defined]  # for the template
            if recognition.status == RecognitionStatus.AMBIGUOUS:
                recognition.confirm_form = ConfirmForm(people=people, prefix=f"r{recognition.pk}")  # type: ignore[attr-defined]
        counts = {row.user.pk: row.count for row in recognition_selectors.confirmed_counts(practice=practice)}
        team = recognition_selectors.team_rows(practice=practice)
        context.update(
            {
                "page": page,
                "team": [(row, counts.get(row.membership.user_id, 0)) for row in team],
                "confirmed_total": sum(counts.values()),
            }
        )
    return render(request, "cx/recognition/list.html", context, status=status)


@staff_view(TEAM)
@require_GET
def recognition_list(request: StaffRequest) -> HttpResponse:
    return _list_page(request)


def _back_to_list(request: StaffRequest) -> HttpResponse:
    return redirect("cx:recognitions", practice_slug=request.practice.slug)


@staff_view(EDITORS)
@require_POST
def recognition_confirm(request: StaffRequest, pk: int) -> HttpResponse:
    recognition = recognition_selectors.recognition_or_404(practice=request.practice, pk=pk)
    chosen: User | None = None
    if recognition.status == RecognitionStatus.AMBIGUOUS or f"r{pk}-user" in request.POST:
        people = _people(request, recognition)
        form = ConfirmForm(request.POST, people=people, prefix=f"r{pk}")
        if not form.is_valid() or form.cleaned_data["user"] is None:
            messages.error(request, _("Not confirmed: choose which of the people the patient meant."))
            return _list_page(request, status=400)
        chosen = next(person for person in people if person.pk == form.cleaned_data["user"])
    try:
        confirmed = recognition_services.confirm(
            practice=request.practice, actor_user=request.user, recognition=recognition, user=chosen
        )
    except recognition_services.RecognitionError as refused:
        messages.error(request, str(refused))
        return _list_page(request, status=400)
    messages.success(request, _("Confirmed: %(name)s is credited.") % {"name": confirmed.user})
    return _back_to_list(request)


@staff_view(EDITORS)
@require_POST
def recognition_dismiss(request: StaffRequest, pk: int) -> HttpResponse:
    recognition = recognition_selectors.recognition_or_404(practice=request.practice, pk=pk)
    recognition_services.dismiss(practice=request.practice, actor_user=request.user, recognition=recognition)
    messages.success(request, _("Dismissed. Nobody is credited for it."))
    return _back_to_list(request)


@staff_view(EDITORS)
@require_POST
def recognition_scan(request: StaffRequest) -> HttpResponse:
    until = timezone.now()
    found = recognition_services.find_recognitions(
        practice=request.practice, since=until - timedelta(days=SCAN_DAYS), until=until
    )
    if found:
        messages.success(request, _("New mentions of the team found: %(n)d.") % {"n": found})
    else:
        messages.info(request, _("No new mentions of the team in the last eight days."))
    return _back_to_list(request)


@staff_view(TEAM)
@require_http_methods(["GET", "POST"])
def team_member(request: StaffRequest, pk: int) -> HttpResponse:
    practice = request.practice
    membership = team_selectors.membership_or_404(practice=practice, pk=pk)
    editor = _is_editor(request)
    if not editor and membership.user_id != request.user.pk:
        raise Http404
    person = membership.user
    profile = recognition_selectors.profile_for(practice=practice, user=person)
    form = None
    status = 200
    if editor:
        if request.method == "POST":
            form = TeamMemberForm(request.POST)
            if form.is_valid():
                try:
                    recognition_services.update_profile(
                        practice=practice,
                        actor_user=request.user,
                        user=person,
                        change=recognition_services.ProfileChange(
                            job_title=form.cleaned_data["job_title"], nicknames=form.cleaned_data["also_known_as"]
                        ),
                    )
                except recognition_services.RecognitionError as refused:
                    form.add_error(None, str(refused))
                else:
                    messages.success(request, _("Saved."))
                    return redirect("cx:team_member", practice_slug=practice.slug, pk=membership.pk)
            messages.error(request, _("Nothing was saved: see the form below."))
            status = 400
        else:
            form = TeamMemberForm(initial={"job_title": profile.job_title, "also_known_as": profile.also_known_as})
    elif request.method == "POST":
        raise PermissionDenied
    rows = {row.membership.pk: row for row in recognition_selectors.team_rows(practice=practice)}
    recognitions = recognition_selectors.confirmed_for(practice=practice, user=person)
    today = practice.local_date(timezone.now())
    actions = action_selectors.with_overdue(
        action_selectors.actions_for(practice=practice, owner=person, status=ActionStatus.OPEN), today=today
    )
    context = {
        "membership": membership,
        "person": person,
        "row": rows.get(membership.pk),
        "profile": profile,
        "form": form,
        "editor": editor,
        "is_me": person.pk == request.user.pk,
        "is_owner": request.membership.role == Role.OWNER,  # the staff record link: the owner and the person only
        "recognitions": recognitions[:100],
        "recognition_count": recognitions.count(),
        "actions": actions,
    }
    return render(request, "cx/recognition/team_member.html", context, status=status)


@staff_view(TEAM)
@require_http_methods(["GET", "POST"])
def my_profile(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    profile = recognition_selectors.profile_for(practice=practice, user=request.user)
    status = 200
    if request.method == "POST":
        form = MyProfileForm(request.POST)
        if form.is_valid():
            try:
                recognition_services.update_profile(
                    practice=practice,
                    actor_user=request.user,
                    user=request.user,
                    change=recognition_services.ProfileChange(
                        nicknames=form.cleaned_data["also_known_as"],
                        recognition_email=form.cleaned_data["recognition_email"],
                        moment_email=form.cleaned_data["moment_email"],
                    ),
                )
            except recognition_services.RecognitionError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect(reverse("cx:my_profile", kwargs={"practice_slug": practice.slug}))
        messages.error(request, _("Nothing was saved: see the form below."))
        status = 400
    else:
        form = MyProfileForm(
            initial={
                "also_known_as": profile.also_known_as,
                "recognition_email": profile.recognition_email,
                "moment_email": profile.moment_email,
            }
        )
    rows = {row.membership.pk: row for row in recognition_selectors.team_rows(practice=practice)}
    context = {
        "form": form,
        "profile": profile,
        "row": rows.get(request.membership.pk),
        "membership": request.membership,
    }
    return render(request, "cx/recognition/my_profile.html", context, status=status)
