"""Sample data per message type: what the operators' preview shows and the render-every-template
test renders. Real contract objects with believable values and fixed times, so a preview is the
same every time. `links` is not here: dispatch adds it to every message (see `sample_links`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import segno

from kit.contracts.forum import (
    ReminderDue,
    SignupCancelled,
    SignupConfirmed,
    SignupPromoted,
    SignupRequested,
    SignupWaitlisted,
)
from kit.contracts.matching import (
    ApplicationAccepted,
    ApplicationWaitlisted,
    ApplicationWithdrawn,
    ParticipationRecorded,
    RoundCompleted,
    RoundUnplaced,
    ScoutSent,
)
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


# forum: one in-person block forum and one online café date.
FORUM_EVENT = UUID("0b6e4f00-2026-4a10-8000-000000000017")
CAFE_EVENT = UUID("0b6e4f00-2026-4c0f-8000-000000000012")
SIGNUP = UUID("0b6e4f00-2026-4d00-8000-000000000101")
FORUM_STARTS = datetime(2026, 10, 17, 4, 0, tzinfo=UTC)  # 2026-10-17 13:00 JST
SAMPLE_CHECKIN_CODE = "K7M2Q9XD"


def checkin_qr_src(code: str) -> str:
    """The check-in QR as a data: URI: what the preview shows where a sent mail shows its inline image."""
    return str(segno.make(code, error="m").png_data_uri(scale=4))


def _signup(*, online: bool = False, **extra: Any) -> dict[str, Any]:
    if online:
        facts: dict[str, Any] = {"event_id": CAFE_EVENT, "online": True, "venue": None,
                                 "event_title": "かかわりカフェ 第12回「週末ワーケーションのはじめ方」",
                                 "starts_at": datetime(2026, 12, 10, 10, 0, tzinfo=UTC),  # 19:00 JST
                                 "ends_at": datetime(2026, 12, 10, 11, 30, tzinfo=UTC)}
    else:
        facts = {"event_id": FORUM_EVENT, "event_title": "関係人口 北陸・東海ブロックフォーラム 2026",
                 "starts_at": FORUM_STARTS, "ends_at": FORUM_STARTS + timedelta(hours=4), "online": False,
                 "venue": "石川県政記念しいのき迎賓館（金沢市広坂2-1-1）"}
    return {"signup_id": SIGNUP, "email": "tanaka@city.hida.example.jp", "name": "田中 花子", "member_id": HIDA,
            "manage_url": f"{BASE_URL}/forum/manage/{SAMPLE_TOKEN}", **facts, **extra}


def signup_requested() -> Mapping[str, Any]:
    return {"event": SignupRequested(**_signup(), verify_url=f"{BASE_URL}/forum/verify/{SAMPLE_TOKEN}",
                                     hold_expires_at=datetime(2026, 9, 2, 3, 0, tzinfo=UTC))}


def signup_confirmed() -> Mapping[str, Any]:
    return {"event": SignupConfirmed(**_signup(), checkin_code=SAMPLE_CHECKIN_CODE),
            "checkin_qr": checkin_qr_src(SAMPLE_CHECKIN_CODE)}


def signup_waitlisted() -> Mapping[str, Any]:
    return {"event": SignupWaitlisted(**_signup(online=True), waitlist_position=3)}


def signup_promoted() -> Mapping[str, Any]:
    return {"event": SignupPromoted(**_signup(online=True), offer_expires_at=datetime(2026, 12, 8, 3, 0, tzinfo=UTC))}


def signup_cancelled() -> Mapping[str, Any]:
    return {"event": SignupCancelled(**_signup(), reason="the event was cancelled")}


def reminder_24h() -> Mapping[str, Any]:
    return {"event": ReminderDue(**_signup(), which="24h")}


def reminder_1h() -> Mapping[str, Any]:
    return {"event": ReminderDue(**_signup(online=True), which="1h")}


def reminder_reconfirm() -> Mapping[str, Any]:
    return {"event": ReminderDue(**_signup(), which="reconfirm")}


# matching: a ヒダスケ!-like autumn program in 飛騨市 and one helper from outside the region.
PROGRAM = UUID("0b6e4f00-2026-4e00-8000-000000000236")
HELPER = UUID("0b6e4f00-2026-4e00-8000-000000005806")


def _program(**extra: Any) -> dict[str, Any]:
    return {"program_id": PROGRAM, "program_title": "古川の棚田で稲刈りのお手伝い", "member_id": HIDA,
            "municipality_code": "212172", "municipality": "岐阜県飛騨市", "starts_on": date(2026, 9, 26),
            "ends_on": date(2026, 9, 27), "helper_id": HELPER, "email": "sato.ken@example.jp", "name": "佐藤 健",
            "url": f"{BASE_URL}/matching/programs/{PROGRAM}", "at": AT, **extra}


def _application(**extra: Any) -> dict[str, Any]:
    return _program(application_id=UUID("0b6e4f00-2026-4e00-8000-000000000301"), online=False, **extra)


def application_accepted() -> Mapping[str, Any]:
    return {"event": ApplicationAccepted(**_application(), okaeshi="新米5kgと、農家さんのお昼ごはん")}


def application_waitlisted() -> Mapping[str, Any]:
    return {"event": ApplicationWaitlisted(**_application(), waitlist_position=2)}


def application_withdrawn() -> Mapping[str, Any]:
    return {"event": ApplicationWithdrawn(**_application(), reason="host")}


def scout_received() -> Mapping[str, Any]:
    return {"event": ScoutSent(**_program(), scout_id=UUID("0b6e4f00-2026-4e00-8000-000000000401"),
                               message="昨年の秋祭りでは設営を手伝っていただき、ありがとうございました。今年もぜひ！",
                               reasons=("スキル一致：農作業・草刈り", "活動日とご都合の日が2日重なります",
                                        "2025年に飛騨市の活動に参加")),
            "scout_settings": f"{BASE_URL}/matching/helpers/me"}


def round_completed() -> Mapping[str, Any]:
    return {"event": RoundCompleted(round_id=UUID("0b6e4f00-2026-4e00-8000-000000000501"),
                                    title="2026年 秋の収穫リレー（一括選考）", seed="hida-2026-autumn", people=412,
                                    programs=38, seats=360, matched=347, fill_rate=347 / 360, blocking_pairs=0,
                                    url=f"{BASE_URL}/matching/rounds/0b6e4f00-2026-4e00-8000-000000000501", at=AT)}


def round_unplaced() -> Mapping[str, Any]:
    return {"event": RoundUnplaced(round_id=UUID("0b6e4f00-2026-4e00-8000-000000000501"),
                                   title="2026年 秋の収穫リレー（一括選考）", helper_id=HELPER,
                                   email="sato.ken@example.jp", name="佐藤 健", ranked=3,
                                   url=f"{BASE_URL}/matching/programs", at=AT)}


def participation_thanks() -> Mapping[str, Any]:
    return {"event": ParticipationRecorded(
        participation_id=UUID("0b6e4f00-2026-4e00-8000-000000000601"), helper_id=HELPER, municipality_code="212172",
        municipality="岐阜県飛騨市", prefecture_code="21", on=date(2026, 9, 26), source="host", program_id=PROGRAM,
        program_title="古川の棚田で稲刈りのお手伝い", okaeshi="新米5kgと、農家さんのお昼ごはん",
        email="sato.ken@example.jp", name="佐藤 健", url=f"{BASE_URL}/matching/programs/{PROGRAM}", at=AT)}
