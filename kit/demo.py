"""Ids the demo data of different services must agree on, without one service importing another:
a demo member's id is derived from its official local-government code, so the registry's demo
member 飛騨市 and the programs matching's demo posts for 飛騨市 name the same member."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

DEMO = uuid5(NAMESPACE_URL, "https://kakawari.example.jp/demo")


def demo_member_id(local_government_code: str) -> UUID:
    """The demo member of a local government (its code as in the official list)."""
    return uuid5(DEMO, f"member/lg/{local_government_code}")
