"""One answer to "who is the client": the socket's address, or the trusted proxies' forwarded one."""

import pytest
from django.test import RequestFactory

from core.client_address import client_address
from core.limits import address_key

SPOOF = {"HTTP_X_FORWARDED_FOR": "6.6.6.6"}


def request(remote="203.0.113.9", **meta):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **meta)


def test_it_uses_the_socket_address_and_ignores_forwarded_headers_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = []
    assert client_address(request(**SPOOF)) == "203.0.113.9"
    assert client_address(request(HTTP_X_REAL_IP="6.6.6.6", HTTP_FORWARDED="for=6.6.6.6")) == "203.0.113.9"


def test_it_takes_the_address_the_trusted_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    assert client_address(request(proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    # Whatever the client wrote itself stands to the left of what the proxy appended.
    assert client_address(request(proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request(proxy, HTTP_X_FORWARDED_FOR="junk, 198.51.100.7:5555")) == "198.51.100.7"
    assert client_address(request(proxy, HTTP_X_FORWARDED_FOR="2001:db8::1")) == "2001:db8::1"
    # No header (a health check from the proxy host itself): the socket's address.
    assert client_address(request(proxy)) == proxy


def test_it_counts_from_the_right_behind_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request("10.0.0.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.2")) == (
        "198.51.100.7"
    )


def test_it_believes_forwarded_headers_only_from_the_listed_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(request("10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    assert client_address(request("203.0.113.9", **SPOOF)) == "203.0.113.9"


@pytest.mark.parametrize("remote", ["", "not-an-address"])
def test_it_answers_unknown_without_an_address(settings, remote):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(remote)) == "unknown"


def test_it_counts_an_ipv6_client_by_its_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address_key(request("2001:db8:1:2:aaaa::1")) == address_key(request("2001:db8:1:2:bbbb::9"))
    assert address_key(request("2001:db8:1:2::1")) != address_key(request("2001:db8:1:3::1"))
    assert address_key(request("203.0.113.9")) == "203.0.113.9"
