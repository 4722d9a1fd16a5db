"""Pages with patient or staff data never stay in a cache (a shared computer's browser, a proxy).

Every response under ``/staff/`` (the staff pages), ``/accounts/`` (staff sign-in, two-factor set-up
and password reset) and ``/p/`` (the patient pages: portal, sign-in, booking and its confirmation,
manage, visit and check-in, reminder answers, surveys, waitlist offers) gets
``Cache-Control: private, no-store``, whatever its status, unless the view chose its own caching
(the booking widget's script is public). One rule for all of them, so a new page is covered without
thinking of it. The public patient pages get it too: they carry a CSRF token in their forms, so they
must not be shared from a cache either.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

PRIVATE_PREFIXES = ("/staff/", "/accounts/", "/p/")
PRIVATE = "private, no-store"


def is_private_path(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private_path(request.path_info) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response
