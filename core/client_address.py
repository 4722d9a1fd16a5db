"""The client's network address: one answer for the rate limits, the kiosk, sign-in lockouts and the audit log.

With no proxy configured (the default) it is the socket's address, ``REMOTE_ADDR``, and any
``X-Forwarded-For`` a client sends is ignored: it cannot be spoofed.

Behind reverse proxies, set ``TRUSTED_PROXY_COUNT`` to how many proxies stand in front of the app,
each appending the address it saw to ``X-Forwarded-For`` (nginx: ``proxy_add_x_forwarded_for``).
The client is then the ``TRUSTED_PROXY_COUNT``-th address from the right of that header; whatever a
client wrote to the left of it is not looked at. ``TRUSTED_PROXIES`` (addresses or networks) lists
the proxies the app may hear from: a request from any other address is taken at its socket address.
django-ipware parses the header (ports, brackets, IPv6, RFC 7239 ``Forwarded`` values).
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

UNKNOWN = "unknown"


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip())) if address else None
    except ValueError:
        return None


def proxy_count() -> int:
    """How many trusted proxies stand in front of the app (0: none, REMOTE_ADDR is the client)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not count and getattr(settings, "TRUSTED_PROXIES", None):
        return 1
    return count


def _from_trusted_proxy(remote: str | None) -> bool:
    proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    if not proxies:
        return True
    if remote is None:
        return False
    address = ipaddress.ip_address(remote)
    return any(address in network for network in _trusted_networks(proxies))


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, as text; "unknown" if there is none."""
    remote = _valid(request.META.get("REMOTE_ADDR"))
    count = proxy_count()
    if count and _from_trusted_proxy(remote):
        # ipware counts the proxies named in the header; the last proxy is the socket's peer.
        forwarded, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=count - 1,
            request_header_order=[settings.TRUSTED_PROXY_HEADER],
            strict=False,
        )
        if forwarded:
            return forwarded
    return remote or UNKNOWN


def client_address_or_none(request: HttpRequest) -> str | None:
    """``client_address``, or None when there is none (a request made in code, as ``force_login`` does):
    for the columns that store an IP address (the audit log's, django-axes')."""
    address = client_address(request)
    return None if address == UNKNOWN else address
