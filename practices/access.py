"""The one gate every staff view passes: membership of the practice in the URL, its role,
and two-factor sign-in where the practice or the user requires it.

Strangers get 404 (they cannot learn that a practice or record exists); members whose role
does not allow a page get 403.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from accounts.models import User
from core.http import HtmxHttpRequest

from . import selectors
from .models import Membership, Practice, Role

ALL_ROLES = frozenset(Role.values)
OWNER_ONLY = frozenset({Role.OWNER})
PATIENT_EDITORS = frozenset({Role.OWNER, Role.FRONT_DESK})


class StaffRequest(HtmxHttpRequest):
    """A request that passed ``staff_view``: a signed-in member of the practice in the URL."""

    user: User
    practice: Practice
    membership: Membership


def two_factor_required(user: User, practice: Practice) -> bool:
    return practice.require_two_factor or user_has_device(user, confirmed=True)


def staff_view(roles: Iterable[str] = ALL_ROLES) -> Callable:
    allowed = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, practice_slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = selectors.membership_for_user_or_404(user=request.user, practice_slug=practice_slug)
            practice = membership.practice
            if two_factor_required(request.user, practice) and not request.user.is_verified():
                if user_has_device(request.user, confirmed=True):
                    return redirect_to_login(request.get_full_path(), login_url="accounts:otp_verify")
                return redirect("accounts:otp_setup")
            if membership.role not in allowed:
                raise PermissionDenied
            request.practice = practice  # type: ignore[attr-defined]  # staff_view makes it a StaffRequest
            request.membership = membership  # type: ignore[attr-defined]
            request.session["last_practice"] = practice.slug
            return view(request, *args, **kwargs)

        # The menu (practices/navigation.py) reads this to offer each role only the pages it can open.
        wrapped.staff_roles = allowed  # type: ignore[attr-defined]  # read back by view_roles()
        return wrapped

    return decorator
