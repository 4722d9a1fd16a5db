"""The practice's set-up: the staff home redirect, practice details, locations, providers and the team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from accounts.http import SignedInRequest

from .. import selectors, services
from ..access import OWNER_ONLY, StaffRequest, staff_view
from ..forms import LocationForm, MembershipForm, OpeningHoursFormSet, PracticeForm, ProviderForm, StaffAddForm


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """Send a staff member to their last practice, or let them choose one."""
    memberships = list(selectors.memberships_for_user(user=request.user))
    last = request.session.get("last_practice")
    slugs = [m.practice.slug for m in memberships]
    if last in slugs:
        return redirect("practices:dashboard", practice_slug=last)
    if len(memberships) == 1:
        return redirect("practices:dashboard", practice_slug=slugs[0])
    return render(request, "practices/choose.html", {"memberships": memberships})


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def practice_settings(request: StaffRequest) -> HttpResponse:
    form = PracticeForm(request.POST or None, instance=request.practice)
    if request.method == "POST" and form.is_valid():
        services.save_form(form=form, practice=request.practice)
        messages.success(request, _("Practice details saved."))
        return redirect("practices:settings", practice_slug=request.practice.slug)
    return render(request, "practices/settings.html", {"form": form})


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def location_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    location = selectors.location_or_404(practice=request.practice, pk=pk) if pk else None
    form = LocationForm(request.POST or None, instance=location, practice=request.practice)
    hours = OpeningHoursFormSet(request.POST or None, instance=location, prefix="hours")
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        services.save_location(form=form, hours_formset=hours, practice=request.practice)
        messages.success(request, _("Location saved."))
        return redirect("practices:locations", practice_slug=request.practice.slug)
    return render(request, "practices/location_form.html", {"form": form, "hours": hours, "location": location})


@staff_view()
def provider_list(request: StaffRequest) -> HttpResponse:
    providers = selectors.providers_for_practice(practice=request.practice)
    return render(request, "practices/provider_list.html", {"providers": providers})


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def provider_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    provider = selectors.provider_or_404(practice=request.practice, pk=pk) if pk else None
    form = ProviderForm(request.POST or None, request.FILES or None, instance=provider, practice=request.practice)
    if request.method == "POST" and form.is_valid():
        services.save_form(form=form, practice=request.practice)
        messages.success(request, _("Provider saved."))
        return redirect("practices:providers", practice_slug=request.practice.slug)
    return render(request, "practices/provider_form.html", {"form": form, "provider": provider})


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def staff_list(request: StaffRequest) -> HttpResponse:
    form = StaffAddForm(request.POST or None, practice=request.practice)
    if request.method == "POST" and form.is_valid():
        services.add_staff_member(practice=request.practice, invited_by=request.user, **form.cleaned_data)
        messages.success(
            request, _("%(name)s was added and will get an email.") % {"name": form.cleaned_data["full_name"]}
        )
        return redirect("practices:staff", practice_slug=request.practice.slug)
    members = selectors.staff_for_practice(practice=request.practice)
    return render(request, "practices/staff_list.html", {"form": form, "members": members})


@staff_view(OWNER_ONLY)
@require_http_methods(["GET", "POST"])
def staff_edit(request: StaffRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_or_404(practice=request.practice, pk=pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(
                membership=membership, role=form.cleaned_data["role"], is_active=form.cleaned_data["is_active"]
            )
        except services.LastOwnerError:
            form.add_error(None, _("A practice needs at least one active owner. Make someone else an owner first."))
        else:
            messages.success(request, _("Role saved."))
            return redirect("practices:staff", practice_slug=request.practice.slug)
    context = {"form": form, "membership": membership, "has_authenticator": user_has_device(membership.user)}
    return render(request, "practices/staff_form.html", context)


@staff_view(OWNER_ONLY)
@require_POST
def staff_resend_invitation(request: StaffRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_or_404(practice=request.practice, pk=pk)
    services.resend_invitation(membership=membership)
    messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": membership.user.email})
    return redirect("practices:staff_edit", practice_slug=request.practice.slug, pk=membership.pk)


@staff_view(OWNER_ONLY)
@require_POST
def staff_reset_two_factor(request: StaffRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_or_404(practice=request.practice, pk=pk)
    try:
        removed = services.reset_two_factor(membership=membership, actor_user=request.user)
    except services.TwoFactorResetRefused as refused:
        messages.error(request, str(refused))
    else:
        name = membership.user.full_name
        if removed:
            text = _("%(name)s's authenticator was removed. They set up a new one at their next sign-in.")
            messages.success(request, text % {"name": name})
        else:
            messages.info(request, _("%(name)s had no authenticator set up; nothing changed.") % {"name": name})
    return redirect("practices:staff_edit", practice_slug=request.practice.slug, pk=membership.pk)
