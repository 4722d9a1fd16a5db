"""Rate limits: django-ratelimit's counters in Django's shared cache, keyed on what the caller names.

``rates`` is one django-ratelimit rate ("20/10m") or several; several from short to long give
lockouts that start short and grow with persistence ("10/1m", "20/10m", "40/1h": ten failures
wait out the minute, twenty the ten minutes, forty the hour). Counters are fixed windows; the cache
keys are hashed by django-ratelimit, so an email address used as a key is never stored in clear.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .client_address import client_address

IPV6_PREFIX = 64  # one IPv6 customer usually has a whole /64: count it as one address


def address_key(request: HttpRequest) -> str:
    """The client's address for counting: IPv4 as is, IPv6 by its /64 network."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def _rates(rates: str | Iterable[str]) -> list[str]:
    return [rates] if isinstance(rates, str) else list(rates)


def _usages(request, *, group: str, key: str, rates, increment: bool) -> list[dict]:
    usages = []
    for rate in _rates(rates):
        usage = get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment)
        if usage is not None:  # None: RATELIMIT_ENABLE is off
            usages.append(usage)
    return usages


def hit(request: HttpRequest, *, group: str, key: str, rates: str | Iterable[str]) -> bool:
    """Count one request against each rate; True when any limit is now exceeded."""
    return any(usage["should_limit"] for usage in _usages(request, group=group, key=key, rates=rates, increment=True))


def used_up(request: HttpRequest, *, group: str, key: str, rates: str | Iterable[str]) -> bool:
    """True when any rate's allowance is already spent (counts nothing): for "N failures, then wait"."""
    usages = _usages(request, group=group, key=key, rates=rates, increment=False)
    return any(usage["count"] >= usage["limit"] for usage in usages)


def wait_seconds(request: HttpRequest | None, *, group: str, key: str, rates: str | Iterable[str]) -> int:
    """How long until a "N failures, then wait" count hears the caller again: 0 when it may try now,
    else the time left in the longest window whose allowance is spent."""
    usages = _usages(request, group=group, key=key, rates=rates, increment=False)
    full = [usage for usage in usages if usage["count"] >= usage["limit"]]
    return max((max(usage["time_left"], 1) for usage in full), default=0)


def email_request_exceeded(request: HttpRequest, *, purpose: str, email: str) -> bool:
    """Count a request that emails ``email`` (a sign-in link, a password reset) per email address and per
    client address (SIGN_IN_EMAIL_RATE, SIGN_IN_ADDRESS_RATE); True when either is exceeded. The caller
    then sends nothing and shows the very same page."""
    by_email = hit(request, group=f"{purpose}.email", key=email.strip().lower(), rates=settings.SIGN_IN_EMAIL_RATE)
    by_address = hit(request, group=f"{purpose}.address", key=address_key(request), rates=settings.SIGN_IN_ADDRESS_RATE)
    return by_email or by_address


def too_many_requests(request: HttpRequest, practice) -> HttpResponse:
    """The friendly 429 page of the patient pages."""
    return render(request, "core/too_many_requests.html", {"practice": practice}, status=429)
