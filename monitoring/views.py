"""``/healthz`` (public, cheap, JSON), the staff health page, and ``/metrics`` (behind a token)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import user_has_device
from health_check.exceptions import ServiceWarning  # type: ignore[import-untyped]
from prometheus_client import CONTENT_TYPE_LATEST

from practices import selectors as practice_selectors

from . import metrics
from .health import read_checks, status_of

CHECK_LABELS = {
    "database": _("Database"),
    "cache": _("Shared cache"),
    "queue": _("Task queue"),
    "worker": _("Background worker"),
}
STATUS_LABELS = {
    "ok": pgettext_lazy("health check", "Working"),
    "warning": pgettext_lazy("health check", "Needs a look"),
    "unavailable": pgettext_lazy("health check", "Not working"),
}


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """``GET /healthz``: always JSON, never a detail that needs signing in.

    ``{"status": "ok" | "degraded" | "unavailable", "checks": {"database": "ok", ...}}``; 503 when a
    critical check (database, cache) fails, else 200 (a deep queue or a silent worker is "degraded").
    """
    readings = read_checks()
    down = any(reading.error is not None and reading.critical for reading in readings)
    degraded = any(reading.error is not None for reading in readings)
    overall = "unavailable" if down else "degraded" if degraded else "ok"
    checks = {reading.name: status_of(reading.error) for reading in readings}
    return JsonResponse({"status": overall, "checks": checks}, status=503 if down else 200)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """The staff gate for a page about the whole installation: a signed-in member of any practice,
    or a superuser, past two-factor sign-in when they have a device or a practice requires it."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    has_device = user_has_device(user, confirmed=True)
    needs_two_factor = has_device or bool(practice_selectors.practices_requiring_two_factor(user=user))
    if needs_two_factor and not user.is_verified():  # django_otp's middleware adds is_verified()
        if has_device:
            return redirect_to_login(request.get_full_path(), login_url="accounts:otp_verify")
        return redirect("accounts:otp_setup")
    if not (user.is_superuser or practice_selectors.memberships_for_user(user=user).exists()):
        raise PermissionDenied
    return None


@never_cache
def health_detail(request: HttpRequest) -> HttpResponse:
    """Each check with its message and time, for staff (HTML; ``?format=json`` or ``text``: 503 when
    a check is unavailable, for scripts; the HTML page itself answers 200 with what failed in it)."""
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    readings = read_checks()
    failed = any(reading.error is not None and not isinstance(reading.error, ServiceWarning) for reading in readings)
    answers = {reading.name: str(reading.error.message) if reading.error else "OK" for reading in readings}
    asked = request.GET.get("format", "")
    if asked == "json":
        return JsonResponse(answers, status=503 if failed else 200)
    if asked == "text":
        text = "".join(f"{name}: {answer}\n" for name, answer in answers.items())
        return HttpResponse(text, content_type="text/plain; charset=utf-8", status=503 if failed else 200)
    rows = [
        {
            "name": reading.name,
            "label": CHECK_LABELS[reading.name],
            "critical": reading.critical,
            "status": status_of(reading.error),
            "status_label": STATUS_LABELS[status_of(reading.error)],
            "message": reading.error.message if reading.error else "",
            "milliseconds": round(reading.seconds * 1000, 1),
        }
        for reading in readings
    ]
    errors = [reading for reading in readings if reading.error is not None]
    return render(request, "monitoring/health_detail.html", {"rows": rows, "errors": errors})


@never_cache
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """``GET /metrics`` with ``Authorization: Bearer <METRICS_TOKEN>``. Without a token configured
    the endpoint does not exist (404); a missing token is 401, a wrong one 403."""
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
