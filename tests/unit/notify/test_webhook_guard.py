"""The webhook address guard: HTTPS to public addresses only, outside development. Pure."""

from __future__ import annotations

import ipaddress

import pytest

from services.notify.webhooks.domain.guard import Target, address_problem, forbidden, url_problem
from services.notify.webhooks.targets import split

PUBLIC = ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "64:ff9b::808:808"]
INTERNAL = [
    "127.0.0.1", "127.9.9.9", "::1",  # loopback
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "fc00::1", "fd12:3456::1",  # private
    "169.254.169.254", "fe80::1", "fe80::1%eth0",  # link-local (the cloud's metadata service)
    "100.64.0.1",  # shared (carrier-grade NAT)
    "0.0.0.0", "::",  # unspecified
    "224.0.0.1", "239.1.2.3", "ff02::1", "ff0e::1",  # multicast
    "240.0.0.1", "255.255.255.255", "192.0.0.8", "198.18.0.1", "2001:db8::1", "192.0.2.1",  # reserved, tests
    "::ffff:127.0.0.1", "::ffff:10.0.0.1",  # IPv4-mapped
    "2002:7f00:1::", "2002:a9fe:a9fe::",  # 6to4 carrying loopback / link-local
    "64:ff9b::7f00:1", "64:ff9b:1::1",  # NAT64 to loopback, NAT64 local use
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert not forbidden(ipaddress.ip_address(address))
    assert address_problem([address], allow_private=False) is None


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_addresses_are_refused_outside_development(address: str) -> None:
    problem = address_problem([address], allow_private=False)
    assert problem is not None and problem.field == "url" and problem.code == "url_private"
    assert problem.ja and problem.en
    assert address_problem([address], allow_private=True) is None


def test_every_address_must_pass_and_none_is_refused() -> None:
    """A resolver may hand out any of a name's addresses, so one internal one spoils the name."""
    assert address_problem(["8.8.8.8", "10.0.0.1"], allow_private=False) is not None
    assert address_problem(["not-an-address"], allow_private=False) is not None
    none = address_problem([], allow_private=False)
    assert none is not None and none.code == "url_unresolvable"
    assert address_problem([], allow_private=True) is not None


@pytest.mark.parametrize(("url", "code"), [
    ("http://example.jp/hook", "url_scheme"),
    ("ftp://example.jp/hook", "url_scheme"),
    ("example.jp/hook", "url_parsing"),
    ("https:///hook", "url_parsing"),
    ("https://user:pw@example.jp/hook", "url_parts"),
    ("https://example.jp/hook#frag", "url_parts"),
    ("https://example.jp/" + "a" * 2000, "url_parsing"),
])
def test_urls_refused_in_production(url: str, code: str) -> None:
    problem = url_problem(url, split(url), allow_private=False)
    assert problem is not None and problem.code == code, problem


def test_development_allows_plain_http_but_not_other_schemes() -> None:
    assert url_problem("http://127.0.0.1:8000/x", split("http://127.0.0.1:8000/x"), allow_private=True) is None
    assert url_problem("ftp://h/x", split("ftp://h/x"), allow_private=True) is not None


def test_the_url_is_split_as_the_sender_parses_it() -> None:
    assert split("https://Example.JP:8443/a?b=1") == Target("https", "example.jp", 8443, False, False)
    assert split("https://[::1]/x") == Target("https", "::1", None, False, False)
    assert split("https://例え.jp/x") == Target("https", "xn--r8jz45g.jp", None, False, False)
    assert split("not a url at all") is None
