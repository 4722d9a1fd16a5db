"""The experience toolkit's front page and its settings (meeting day and time, how stories show
the patient, the team email)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from practices.access import StaffRequest, staff_view
from practices.models import Role

from ..forms.settings import SettingsForm
from ..roles import EDITORS, TEAM
from ..selectors import settings as settings_selectors
from ..services import settings as settings_services


@staff_view(TEAM)
@require_http_methods(["GET"])
def home(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    cx_settings = settings_selectors.cx_settings(practice=practice)
    today = practice.local_date(timezone.now())
    meeting_date = settings_selectors.next_meeting_date(settings=cx_settings, today=today)
    context = {
        "settings": cx_settings,
        "meeting_date": meeting_date,
        "can_edit": request.membership.role in EDITORS,
    }
    return render(request, "cx/home.html", context)


@staff_view(TEAM)
@require_http_methods(["GET", "POST"])
def settings_page(request: StaffRequest) -> HttpResponse:
    practice = request.practice
    can_edit = request.membership.role in EDITORS
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = SettingsForm(request.POST or None, instance=settings_selectors.cx_settings(practice=practice))
    if request.membership.role != Role.OWNER:
        # How long candidates are kept is the owner's call; the experience lead sees it only.
        form.fields["candidate_retention_days"].disabled = True
    if request.method == "POST" and form.is_valid():
        settings_services.save_settings(practice=practice, actor_user=request.user, **form.cleaned_data)
        messages.success(request, _("Experience toolkit settings saved."))
        return redirect("cx:settings", practice_slug=practice.slug)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "cx/settings.html", {"form": form, "can_edit": can_edit})
