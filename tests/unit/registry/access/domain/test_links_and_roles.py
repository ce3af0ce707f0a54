"""Emailed links (signed, purpose-bound, hashed at rest) and the staff roles."""

from __future__ import annotations

import pytest

from kit.errors import Conflict, Unauthorized
from services.registry.access.domain import links
from services.registry.access.domain.roles import as_staff_role, check_removal

SECRET = "unit-test-secret"


def test_a_link_opens_to_its_stored_hash_for_its_own_purpose_only() -> None:
    signed, digest = links.new_link(SECRET, links.LOGIN)
    assert len(digest) == 64 and digest not in signed
    assert links.open_link(SECRET, links.LOGIN, signed) == digest
    for other in (links.PASSWORD, links.INVITE):
        with pytest.raises(Unauthorized):
            links.open_link(SECRET, other, signed)
    with pytest.raises(Unauthorized):
        links.open_link("another-secret", links.LOGIN, signed)
    with pytest.raises(Unauthorized):
        links.open_link(SECRET, links.LOGIN, signed[:-2] + "xx")


def test_link_urls_and_lifetimes() -> None:
    assert links.link_url("http://x/", links.LOGIN, "t") == "http://x/registry/login/link/t"
    assert links.link_url("http://x", links.INVITE, "t") == "http://x/registry/invite/t"
    assert links.TTL[links.LOGIN] < links.TTL[links.PASSWORD] < links.TTL[links.INVITE]


def test_roles() -> None:
    assert (as_staff_role("admin"), as_staff_role("staff"), as_staff_role("god"), as_staff_role(None)) == (
        "admin", "staff", None, None)
    check_removal("staff", admins=1)
    check_removal("admin", admins=2)
    with pytest.raises(Conflict):
        check_removal("admin", admins=1)
