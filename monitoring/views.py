"""``/healthz`` (public, cheap, JSON), the staff health page, and ``/metrics`` (behind a token)."""

from __future__ import annotations

import asyncio
import hmac

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django_otp import user_has_device
from health_check.views import HealthCheckView  # type: ignore[import-untyped]
from prometheus_client import CONTENT_TYPE_LATEST

from practices import selectors as practice_selectors

from . import metrics
from .health import CHECKS, NamedCheck, status_of


class HealthView(HealthCheckView):
    """``GET /healthz``: always JSON, never a detail that needs signing in.

    ``{"status": "ok" | "degraded" | "unavailable", "checks": {"database": "ok", ...}}``; 503 when a
    critical check (database, cache) fails, else 200 (a deep queue or a silent worker is "degraded").
    """

    checks = CHECKS

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        statuses: dict[str, str] = {}
        down = degraded = False
        for result in self.results:
            check: NamedCheck = result.check  # CHECKS are all NamedChecks
            statuses[check.name] = status_of(result.error)
            if result.error is not None:
                degraded = True
                down = down or check.critical
        overall = "unavailable" if down else "degraded" if degraded else "ok"
        return JsonResponse({"status": overall, "checks": statuses}, status=503 if down else 200)


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


class HealthDetailView(HealthCheckView):
    """Each check with its message and time, for staff (HTML; ``?format=json`` or ``text``)."""

    checks = CHECKS
    template_name = "monitoring/health_detail.html"

    async def dispatch(self, request, *args, **kwargs):
        refusal = await sync_to_async(_refusal)(request)
        if refusal is not None:
            return refusal
        return await super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        # The page itself worked; what failed is in it. (Scripts read ?format=json: 503 on a failure.)
        response_kwargs["status"] = 200
        return super().render_to_response(context, **response_kwargs)

    def render_to_response_json(self, status):
        return super().render_to_response_json(503 if status >= 500 else status)

    def render_to_response_text(self, status):
        return super().render_to_response_text(503 if status >= 500 else status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "name": result.check.name,
                "critical": result.check.critical,
                "status": status_of(result.error),
                "message": result.error.message if result.error else "",
                "milliseconds": round(result.time_taken * 1000, 1),
            }
            for result in self.results
        ]
        return context


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
