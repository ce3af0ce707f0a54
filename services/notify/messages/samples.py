"""Sample data per message type: what the operators' preview shows and the render-every-template
test renders. Real contract objects with believable values and fixed times, so a preview is the
same every time. `links` is not here: dispatch adds it to every message (see `sample_links`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from kit.contracts.registry import (
    LoginLinkRequested,
    MemberApplied,
    MemberApproved,
    MemberRejected,
    MemberReturned,
    StaffInvited,
)

BASE_URL = "https://kakawari.example.jp"
AT = datetime(2026, 6, 1, 1, 30, tzinfo=UTC)  # 2026-06-01 10:30 JST
EXPIRES = datetime(2026, 6, 8, 1, 30, tzinfo=UTC)
HIDA = UUID("6f1c2a9e-0b6e-4f3a-9c1d-000000000001")  # 岐阜県飛騨市
CENTER = UUID("6f1c2a9e-0b6e-4f3a-9c1d-000000000002")  # a 中間支援組織
SAMPLE_TOKEN = "c2FtcGxlLXRva2Vu.sample"


def sample_links(*, critical: bool) -> dict[str, str | None]:
    """`links` as dispatch adds them; critical messages carry no unsubscribe link."""
    return {
        "unsubscribe": None if critical else f"{BASE_URL}/notify/unsubscribe?token={SAMPLE_TOKEN}",
        "settings": f"{BASE_URL}/notify/settings",
        "inbox": f"{BASE_URL}/notify/inbox",
    }


def member_applied() -> Mapping[str, Any]:
    return {"event": MemberApplied(member_id=CENTER, name="一般社団法人ひだ関係人口サポートセンター",
                                   kind="intermediary", status="submitted",
                                   contact_email="info@hida-support.example.jp", at=AT)}


def member_approved() -> Mapping[str, Any]:
    return {"event": MemberApproved(member_id=HIDA, name="岐阜県飛騨市", kind="municipality", status="approved",
                                    contact_email="kankei@city.hida.example.jp", at=AT)}


def member_rejected() -> Mapping[str, Any]:
    return {"event": MemberRejected(member_id=CENTER, name="一般社団法人ひだ関係人口サポートセンター",
                                    kind="intermediary", status="rejected",
                                    note="活動実績を確認できる資料が添付されていませんでした。",
                                    contact_email="info@hida-support.example.jp", at=AT)}


def member_returned() -> Mapping[str, Any]:
    return {"event": MemberReturned(member_id=CENTER, name="一般社団法人ひだ関係人口サポートセンター",
                                    kind="intermediary", status="returned",
                                    note="法人番号が登記簿の記載と一致しません。\nご確認のうえ修正してください。",
                                    contact_email="info@hida-support.example.jp", at=AT)}


def staff_invited() -> Mapping[str, Any]:
    return {"event": StaffInvited(member_id=HIDA, member_name="岐阜県飛騨市", email="tanaka@city.hida.example.jp",
                                  role="staff", invite_url=f"{BASE_URL}/registry/invite/{SAMPLE_TOKEN}",
                                  expires_at=EXPIRES)}


def login_link() -> Mapping[str, Any]:
    return {"event": LoginLinkRequested(email="tanaka@city.hida.example.jp",
                                        login_url=f"{BASE_URL}/registry/login/link/{SAMPLE_TOKEN}",
                                        expires_at=datetime(2026, 6, 1, 2, 0, tzinfo=UTC), purpose="login")}


def applications_digest() -> Mapping[str, Any]:
    # Lines as render_line("member_applied", "ja", ...) makes them (samples take no locale, so the
    # English preview shows these Japanese lines too; a real digest is rendered in one language).
    return {"date": date(2026, 6, 1), "entries": [
        "一般社団法人ひだ関係人口サポートセンター（中間支援組織）06/01 10:30",
        "株式会社ヒダクリエイト（企業）06/01 14:05",
        "NPO法人まちづくり飛騨古川（NPO・団体）06/01 17:42",
    ]}


def webhook_disabled() -> Mapping[str, Any]:
    return {"endpoint_url": "https://hooks.city.hida.example.jp/kakawari", "member_id": HIDA,
            "reason": "HTTP 503 Service Unavailable (10 consecutive failures)",
            "disabled_at": datetime(2026, 6, 2, 3, 0, tzinfo=UTC)}
