"""Using our systems well: each role's short checklist of how Touchpoints and the health record
should be used to serve patients, with a tracked figure (n and 95 % interval) where Touchpoints can see
it. Everyone reads; the owner and the experience lead edit a role's lines."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from practices.access import StaffRequest, staff_view

from .. import systems_measures as sm
from ..forms.systems import RoleLinesForm
from ..models import JobTitle
from ..roles import EDITORS, TEAM
from ..selectors import systems as systems_selectors
from ..services import systems as systems_services


@staff_view(TEAM)
@require_GET
def systems_page(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    now = timezone.now()
    today = practice.local_date(now)
    roles = systems_selectors.checklists(practice=practice)
    codes = [line.measure for role in roles for line in role.lines if line.measure]
    figures = systems_selectors.figures(practice=practice, codes=codes, today=today, now=now)
    shown = []
    for role in roles:
        lines = []
        for line in role.lines:
            info = sm.MEASURES.get(line.measure)
            lines.append(
                {
                    "text": _(line.text),
                    "figure": figures.get(line.measure),
                    "measure_label": _(info.label) if info else "",
                    "definition": _(info.definition) if info else "",
                }
            )
        shown.append({"job_title": role.job_title, "label": role.label, "lines": lines})
    context = {
        "roles": shown,
        "can_edit": request.membership.role in EDITORS,
        "defaults": systems_selectors.uses_defaults(practice=practice),
        "window_days": sm.WINDOW_DAYS,
    }
    return render(request, "cx/systems/page.html", context)


@staff_view(EDITORS)
@require_http_methods(["GET", "POST"])
def systems_edit(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    role = request.POST.get("role") if request.method == "POST" else request.GET.get("role")
    role = role or JobTitle.RECEPTIONIST
    if role not in JobTitle.values:
        raise Http404
    current = [(_(line.text), line.measure) for line in systems_selectors.lines_for(practice=practice, job_title=role)]
    form = RoleLinesForm(request.POST if request.method == "POST" else None, lines=current)
    if request.method == "POST" and form.is_valid():
        try:
            systems_services.save_role_lines(
                practice=practice, actor_user=request.user, job_title=role, lines=form.lines()
            )
        except systems_services.SystemsRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The checklist is saved."))
            return redirect("cx:systems", practice_slug=practice.slug)
    context = {
        "form": form,
        "role": role,
        "role_label": JobTitle(role).label,
        "roles": JobTitle.choices,
    }
    return render(request, "cx/systems/edit.html", context)
