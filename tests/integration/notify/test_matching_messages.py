"""matching's events through notify's real path (NATS, handlers, mailer, the dev SMTP sink): a place
with its オカエシ in Japanese, a scout in English with its reasons and the way to stop scouting, a
round's summary to the operators and a "not placed" result to the person, and the thank-you after
a participation. Every one is a switchable programs message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from kit.contracts.matching import (
    ApplicationAccepted,
    ApplicationWithdrawn,
    ParticipationRecorded,
    RoundCompleted,
    RoundUnplaced,
    ScoutSent,
)
from services.notify.handlers import SCOUT_SETTINGS_PATH
from tests.integration.notify.conftest import publish
from tests.integration.notify.test_forum_messages import one_mail, settings_for, settled
from tests.support.platform import RunningPlatform

AT = datetime(2026, 6, 1, 1, 30, tzinfo=UTC)
PROGRAM_URL = "https://kakawari.example.jp/matching/programs/p1"


def program(email: str, locale: str = "ja") -> dict[str, Any]:
    return {"program_id": uuid4(), "program_title": "古川の棚田で稲刈りのお手伝い", "member_id": uuid4(),
            "municipality_code": "212172", "municipality": "岐阜県飛騨市", "starts_on": date(2026, 9, 26),
            "ends_on": date(2026, 9, 27), "helper_id": uuid4(), "email": email, "name": "佐藤 健", "locale": locale,
            "url": PROGRAM_URL, "at": AT}


def application(email: str, locale: str = "ja") -> dict[str, Any]:
    return {**program(email, locale), "application_id": uuid4(), "online": False}


async def test_a_place_is_announced_in_japanese_with_its_okaeshi(notify: RunningPlatform) -> None:
    me = "helper@example.jp"
    await settings_for(notify, me)
    envelope = await publish(notify, ApplicationAccepted(**application(me), okaeshi="新米5kg"), producer="matching")
    [mail] = await one_mail(notify, me)
    [row] = await settled(notify, me)
    assert row.template == "application_accepted" and row.category == "programs" and not row.critical
    assert row.state == "sent" and row.source_event_id == envelope.id and row.locale == "ja"
    assert mail.subject == "【かかわりラボ】参加が決まりました：古川の棚田で稲刈りのお手伝い（岐阜県飛騨市）"
    assert "日程：2026-09-26〜2026-09-27" in mail.body and "オカエシ：新米5kg" in mail.body
    assert PROGRAM_URL in mail.body and "新米5kg" in mail.html
    assert mail.header("List-Unsubscribe")  # the person may switch programs mail off


async def test_a_scout_in_english_says_why_and_how_to_stop(notify: RunningPlatform) -> None:
    me = "scouted@example.jp"
    await settings_for(notify, me)
    reasons = ("Skills matched: farm work", "Within your 200 km")
    await publish(notify, ScoutSent(**program(me, locale="en"), scout_id=uuid4(), message="We would love your help!",
                                    reasons=reasons), producer="matching")
    [mail] = await one_mail(notify, me)
    settings = f"{notify['notify'].deps.links.base_url.rstrip('/')}{SCOUT_SETTINGS_PATH}"
    assert mail.subject == "[Kakawari Lab] An invitation from 岐阜県飛騨市: 古川の棚田で稲刈りのお手伝い"
    assert "Why you were suggested:\n- Skills matched: farm work\n- Within your 200 km" in mail.body
    assert "We would love your help!" in mail.body and f"profile settings: {settings}" in mail.body
    assert f'href="{settings}"' in mail.html and "Dear 佐藤 健," in mail.body
    [row] = await settled(notify, me)
    assert row.template == "scout_received" and row.locale == "en"


async def test_a_round_tells_the_operators_its_summary_and_each_unplaced_person_the_result(
        notify: RunningPlatform) -> None:
    operator, me = notify["notify"].deps.config.operator_emails[0], "unplaced@example.jp"
    for address in (operator, me):
        await settings_for(notify, address)
    await publish(notify, RoundCompleted(round_id=uuid4(), title="秋の収穫リレー", seed="s-42", people=12, programs=3,
                                         seats=10, matched=9, fill_rate=0.9, blocking_pairs=0,
                                         url="https://kakawari.example.jp/matching/rounds/r1", at=AT),
                  producer="matching")
    await publish(notify, RoundUnplaced(round_id=uuid4(), title="秋の収穫リレー", helper_id=uuid4(), email=me,
                                        name="佐藤 健", ranked=3, url="https://kakawari.example.jp/matching/programs",
                                        at=AT), producer="matching")
    [summary] = await one_mail(notify, operator)
    assert summary.subject == "【かかわりラボ】一括選考の割り当てが完了しました：秋の収穫リレー"
    assert "割り当て：9席（充足率 90.0%）" in summary.body and "シード：s-42" in summary.body
    [result] = await one_mail(notify, me)
    assert result.subject == "【かかわりラボ】一括選考の結果：秋の収穫リレー"
    assert "希望順に挙げていただいた3件のプログラムは、いずれも定員に達したため" in result.body
    assert "https://kakawari.example.jp/matching/programs" in result.body


async def test_a_participation_is_thanked_from_the_municipality(notify: RunningPlatform) -> None:
    me = "thanked@example.jp"
    await settings_for(notify, me)
    await publish(notify, ParticipationRecorded(
        participation_id=uuid4(), helper_id=uuid4(), municipality_code="212172", municipality="岐阜県飛騨市",
        prefecture_code="21", on=date(2026, 9, 26), source="host", program_id=uuid4(),
        program_title="古川の棚田で稲刈りのお手伝い", okaeshi="新米5kg", email=me, name="佐藤 健", url=PROGRAM_URL,
        at=AT), producer="matching")
    [mail] = await one_mail(notify, me)
    assert mail.subject == "【かかわりラボ】ご参加ありがとうございました：古川の棚田で稲刈りのお手伝い"
    assert "9月26日は、岐阜県飛騨市の「古川の棚田で稲刈りのお手伝い」にご参加いただき" in mail.body
    assert "オカエシ：新米5kg" in mail.body


async def test_a_withdrawal_is_worded_by_who_ended_it(notify: RunningPlatform) -> None:
    mine, declined = "withdrew@example.jp", "declined@example.jp"
    for address in (mine, declined):
        await settings_for(notify, address)
    await publish(notify, ApplicationWithdrawn(**application(mine), reason="person"), producer="matching")
    await publish(notify, ApplicationWithdrawn(**application(declined), reason="host"), producer="matching")
    [own] = await one_mail(notify, mine)
    assert own.subject.startswith("【かかわりラボ】お申し込みの取り下げ：")
    assert "へのお申し込みの取り下げを承りました" in own.body and "主催者" not in own.body
    [host] = await one_mail(notify, declined)
    assert "主催者により取り下げとなりました" in host.body
