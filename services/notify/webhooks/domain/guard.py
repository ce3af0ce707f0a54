"""Where a webhook may be sent: the address guard against server-side request forgery. Pure.

A member's URL makes our server connect somewhere; without a guard it could reach the
platform's own services, the cloud's metadata endpoint or the office network. Outside
development only HTTPS to public addresses is allowed. The URL is split by the same parser
that sends (httpx, in the service layer) into a `Target`, its host resolved there, and every
address it resolves to is checked here: at registration and again before each send, since a
name may resolve elsewhere later (DNS rebinding); the sender then connects to a checked address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from kit.errors import FieldProblem

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL = 2000
FIELD = "url"

# Python's `is_global` misses these: the IETF protocol block (all but two anycast addresses)
# and NAT64's local-use prefix, which may translate to anything.
_EXTRA_BLOCKED = (ipaddress.ip_network("192.0.0.0/24"), ipaddress.ip_network("64:ff9b:1::/48"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Target:
    """A URL as the sender's parser splits it."""

    scheme: str  # lower-case
    host: str  # ASCII (IDNA), lower-case; an IPv6 literal without its brackets
    port: int | None
    userinfo: bool  # credentials before the host (`https://user:pw@host/`)
    fragment: bool


def _problem(code: str, ja: str, en: str) -> FieldProblem:
    return FieldProblem(FIELD, code, ja, en)


def url_problem(url: str, target: Target | None, *, allow_private: bool) -> FieldProblem | None:
    """What is wrong with the URL itself (before resolving), or None."""
    if target is None or not target.host or len(url) > MAX_URL:
        return _problem("url_parsing", "URLの形式が正しくありません。", "Enter a valid URL.")
    schemes = ("https", "http") if allow_private else ("https",)
    if target.scheme not in schemes:
        return _problem("url_scheme", "https のURLを入力してください。", "Enter an https URL.")
    if target.userinfo or target.fragment:
        return _problem("url_parts", "URLに認証情報（user:pass@）やフラグメント（#）は含められません。",
                        "The URL may not carry credentials (user:pass@) or a fragment (#).")
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and leads to (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def forbidden(address: IPAddress) -> bool:
    """Not a public unicast address: private, loopback, link-local, shared, reserved,
    documentation, multicast or unspecified (also when carried inside an IPv6 address)."""
    if address.is_multicast or not address.is_global or any(address in net for net in _EXTRA_BLOCKED
                                                             if net.version == address.version):
        return True
    inner = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    return inner is not None and forbidden(inner)


def address_problem(addresses: Sequence[str], *, allow_private: bool) -> FieldProblem | None:
    """What is wrong with where the host resolved to, or None. Every address must pass: a
    resolver may hand out any of them."""
    if not addresses:
        return _problem("url_unresolvable", "ホスト名を解決できません。", "The host name does not resolve.")
    if allow_private:
        return None
    for text in addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            address = None
        if address is None or forbidden(address):
            return _problem("url_private", "プライベート・ループバック等の内部アドレスには送信できません。",
                            "Private, loopback and other internal addresses are not allowed.")
    return None

