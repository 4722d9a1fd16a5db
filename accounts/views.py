from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from core import limits

from . import services
from .forms import SignInForm, TokenForm
from .http import SignedInRequest
from .models import User
from .selectors import requiring_two_factor


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def _two_factor_pending(user: User) -> bool:
    """A signed-in user still owes a code: they have a device, or one of their practices requires one."""
    if user.is_verified():
        return False
    if user_has_device(user, confirmed=True):
        return True
    return bool(requiring_two_factor(user=user))


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, throttled per email and per client address like patients' sign-in links.

    Past a limit nothing is sent and the answer is the same redirect, so nobody learns an account exists.
    """

    def form_valid(self, form):
        if limits.email_request_exceeded(self.request, purpose="password-reset", email=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password takes the full sign-in: a stolen password alone must not take the account over."""

    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("practices:home")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and _two_factor_pending(request.user):
            if user_has_device(request.user, confirmed=True):
                return redirect_to_login(request.get_full_path(), login_url="accounts:otp_verify")
            return redirect("accounts:otp_setup")
        return super().dispatch(request, *args, **kwargs)


def _safe_next(request: HttpRequest, fallback: str = "practices:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(fallback)


@login_required
def otp_verify(request: SignedInRequest) -> HttpResponse:
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_any_device(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("That code did not work. Codes change every 30 seconds; try the current one."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def otp_setup(request: SignedInRequest) -> HttpResponse:
    confirmed = user_has_device(request.user, confirmed=True)
    requiring = requiring_two_factor(user=request.user)
    if confirmed:
        return render(request, "accounts/otp_status.html", {"requiring": requiring})
    device = services.start_totp_setup(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(
                request, _("Two-factor sign-in is on. You will be asked for a code each time you sign in.")
            )
            return redirect("practices:home")
        form.add_error("token", _("That code did not work. Check the time on your phone and try the current code."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "requiring": requiring},
    )


@login_required
@require_POST
def otp_disable(request: SignedInRequest) -> HttpResponse:
    requiring = requiring_two_factor(user=request.user)
    if requiring:
        messages.error(request, _("Your practice requires two-factor sign-in, so it cannot be turned off."))
    elif request.user.is_verified():
        services.remove_totp_devices(user=request.user)
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:otp_setup")
