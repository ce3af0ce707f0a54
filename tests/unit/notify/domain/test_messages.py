"""notify's wording: Japanese by default, English on request, times in JST. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from kit.contracts.registry import LoginLinkRequested, MemberApproved, MemberReturned, StaffInvited
from services.notify.domain import messages

AT = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 10:30 JST


def approved(locale: str) -> MemberApproved:
    return MemberApproved(member_id=uuid4(), name="岐阜県飛騨市", kind="municipality", status="approved",
                          contact_email="a@example.jp", locale=locale, at=AT)


@pytest.mark.parametrize(("locale", "expected"), [("ja", "入会承認"), ("en", "Membership approved")])
def test_approval_speaks_the_recipients_language(locale: str, expected: str) -> None:
    message = messages.member_approved(approved(locale), locale)
    assert expected in message.subject and "岐阜県飛騨市" in message.body


def test_returned_application_carries_the_reviewers_comment() -> None:
    event = MemberReturned(member_id=uuid4(), name="NPO法人ひだ", kind="npo", status="returned",
                           note="法人番号をご確認ください", contact_email="a@example.jp", at=AT)
    assert "法人番号をご確認ください" in messages.member_returned(event, "ja").body


def test_links_show_their_expiry_in_jst() -> None:
    invite = StaffInvited(member_id=uuid4(), member_name="飛騨市", email="b@example.jp", role="staff",
                          invite_url="https://x/invite/t", expires_at=AT)
    assert "2026-11-27 10:30 JST" in messages.staff_invited(invite, "ja").body
    link = LoginLinkRequested(email="b@example.jp", login_url="https://x/login/t", expires_at=AT, purpose="password")
    assert "パスワードの設定" in messages.login_link(link, "ja").subject
    assert "set your password" in messages.login_link(link, "en").subject
