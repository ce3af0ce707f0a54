"""The network's figures end to end: registry events published into JetStream cross NATS into the
console's consumers, and the API answers each day's figures (members by status, kind, block and
prefecture, the map, applications waiting, small bases), as JSON and CSV, for operators only, on
SQLite and PostgreSQL. The same envelope delivered twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select

from kit.contracts import registry
from kit.contracts.base import EventContract
from kit.messaging.envelope import Envelope
from kit.runtime import ServiceRuntime
from services.console.models import MemberState, SmallBase
from tests.support.console import applied, csv_rows, delivered_again, get, jst, operators_only_and_real_days
from tests.support.events import publish
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for

Platform = Callable[..., AbstractAsyncContextManager[RunningPlatform]]
HIDA, UNNAN, GIFU, ORG, NPO, LAB = (uuid4() for _ in range(6))


def member(cls: Callable[..., EventContract], member_id: UUID, status: str, at: datetime) -> EventContract:
    homes: dict[UUID, tuple[str, str, str | None, str | None]] = {
        HIDA: ("飛騨市", "municipality", "21", "212172"), ORG: ("株式会社かかわり", "company", "13", None),
        NPO: ("NPO法人みょうが", "npo", "21", None)}
    name, kind, prefecture, municipality = homes[member_id]
    return cls(member_id=member_id, name=name, kind=kind, status=status, prefecture_code=prefecture,
               municipality_code=municipality, at=at)


def imported(member_id: UUID, name: str, kind: str, prefecture: str | None, municipality: str | None,
             *history: tuple[str, datetime]) -> registry.MemberImported:
    return registry.MemberImported(
        member_id=member_id, name=name, kind=kind, status=history[-1][0], prefecture_code=prefecture,
        municipality_code=municipality, history=tuple(registry.StatusChange(status=s, at=at) for s, at in history),
        at=datetime(2026, 3, 1, tzinfo=UTC))


def base(code: str, at: datetime) -> registry.SmallBaseRegistered:
    return registry.SmallBaseRegistered(small_base_id=uuid4(), member_id=HIDA, name="拠点", municipality_code=code,
                                        prefecture_code=code[:2], at=at)


SUSPENDED = member(registry.MemberSuspended, HIDA, "suspended", jst("2026-04-10"))
EVENTS: list[EventContract] = [
    member(registry.MemberApplied, HIDA, "submitted", jst("2026-03-10")),
    member(registry.MemberApproved, HIDA, "approved", jst("2026-03-20")),
    member(registry.MemberUpdated, HIDA, "active", jst("2026-03-25")),  # activated
    SUSPENDED,
    member(registry.MemberUpdated, HIDA, "active", jst("2026-04-20")),  # reinstated
    member(registry.MemberApplied, ORG, "submitted", jst("2026-03-15")),
    member(registry.MemberReturned, ORG, "returned", jst("2026-03-18")),
    member(registry.MemberApplied, ORG, "submitted", jst("2026-03-22")),
    member(registry.MemberApproved, ORG, "approved", jst("2026-04-02")),
    member(registry.MemberWithdrawn, ORG, "withdrawn", jst("2026-04-15")),
    member(registry.MemberApplied, NPO, "submitted", jst("2026-03-31", "23:59:59.999999")),  # the day's last instant
    member(registry.MemberRejected, NPO, "rejected", jst("2026-04-01", "00:00:00")),  # the next day's first
    imported(UNNAN, "雲南市", "municipality", "32", "322091", ("submitted", jst("2025-05-01")),
             ("approved", jst("2025-05-10")), ("active", jst("2025-06-01"))),
    imported(GIFU, "岐阜県", "prefecture", "21", "210005", ("submitted", jst("2025-01-01")),
             ("active", jst("2025-02-01"))),
    imported(LAB, "中間支援ラボ", "intermediary", None, None, ("submitted", jst("2024-04-01")),
             ("approved", jst("2024-04-01")), ("active", jst("2024-04-01"))),  # one instant: the last step wins
    base("212172", jst("2026-03-21")),
    base("322091", jst("2026-04-05")),
    base("011002", jst("2026-04-01", "00:00:00")),
]

# day: (members, local governments, organisations, suspended, pending, returned)
EXPECTED = {
    "2026-03-09": (3, 2, 1, 0, 0, 0),
    "2026-03-16": (3, 2, 1, 0, 2, 0),
    "2026-03-19": (3, 2, 1, 0, 1, 1),
    "2026-03-21": (4, 3, 1, 0, 0, 1),
    "2026-03-31": (4, 3, 1, 0, 2, 0),
    "2026-04-01": (4, 3, 1, 0, 1, 0),
    "2026-04-02": (5, 3, 2, 0, 0, 0),
    "2026-04-10": (4, 2, 2, 1, 0, 0),
    "2026-04-15": (3, 2, 1, 1, 0, 0),
    "2026-04-20": (4, 3, 1, 0, 0, 0),
}
BASES = {"2026-03-20": 0, "2026-03-21": 1, "2026-03-31": 1, "2026-04-01": 2, "2026-04-05": 3}
COUNTS = ("members", "local_governments", "organisations", "suspended", "pending", "returned")


async def rows_of(runtime: ServiceRuntime[Any]) -> tuple[int, int]:
    async with runtime.uow.read() as session:
        return (int(await session.scalar(select(func.count()).select_from(MemberState)) or 0),
                int(await session.scalar(select(func.count()).select_from(SmallBase)) or 0))


async def fed(platform: RunningPlatform) -> list[Envelope]:
    """Publish every event; once the console applied them all, the envelopes as published."""
    sent = [await publish(platform, event, producer="registry") for event in EVENTS]

    async def complete() -> bool:  # the figures of the last day are what every event makes them
        found = await get(platform, "/network", as_of="2026-04-20")
        return await applied(platform["console"]) == len(EVENTS) and tuple(found[k] for k in COUNTS) == EXPECTED[
            "2026-04-20"]

    await wait_for(complete, timeout_s=30)
    return sent


async def test_each_days_network_figures(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        await fed(platform)
        for day, counts in EXPECTED.items():
            found = await get(platform, "/network", as_of=day)
            assert found["as_of"] == day and tuple(found[k] for k in COUNTS) == counts, day
            for rows in ("by_kind", "by_block", "by_prefecture"):
                assert sum(row["members"] for row in found[rows]) + (
                    found["no_prefecture"]["members"] if rows != "by_kind" else 0) == counts[0], (day, rows)

        found = await get(platform, "/network", as_of="2026-04-20")
        kinds = {row["kind"]: row for row in found["by_kind"]}
        assert {k: row["members"] for k, row in kinds.items() if row["members"]} == {
            "prefecture": 1, "municipality": 2, "intermediary": 1}
        assert (kinds["municipality"]["ja"], kinds["municipality"]["en"]) == ("市区町村", "Municipality")
        gifu = found["by_prefecture"][20]
        assert (gifu["code"], gifu["ja"], gifu["en"], gifu["block_id"], gifu["members"]) == (
            "21", "岐阜県", "Gifu", "hokuriku_tokai", 2)
        assert gifu["by_kind"]["municipality"] == 1 and gifu["by_kind"]["prefecture"] == 1
        blocks = {row["code"]: row["members"] for row in found["by_block"]}
        assert blocks == {"hokkaido_tohoku": 0, "kanto": 0, "hokuriku_tokai": 2, "kinki": 0, "chugoku_shikoku": 1,
                          "kyushu_okinawa": 0}
        assert found["no_prefecture"]["members"] == 1  # the intermediary gave no prefecture
        assert [(p["code"], p["name"], p["members"], p["at_seat"]) for p in found["map_points"]] == [
            ("212016", "岐阜県岐阜市", 1, 1), ("212172", "岐阜県飛騨市", 1, 0), ("322091", "島根県雲南市", 1, 0)]
        assert found["unmapped"] == 1
        assert (found["reference"]["local_governments"], found["reference"]["organisations"]) == (275, 282)

        suspended = await get(platform, "/network", as_of="2026-04-10")
        assert suspended["by_prefecture"][20]["suspended"] == 1 and suspended["by_kind"][1]["suspended"] == 1
        on_edge = await get(platform, "/network", as_of="2026-03-31")
        assert {row["kind"]: row["pending"] for row in on_edge["by_kind"] if row["pending"]} == {
            "company": 1, "npo": 1}

        for day, registered in BASES.items():
            bases = await get(platform, "/network/small-bases", as_of=day)
            assert (bases["registered"], bases["national_target"]) == (registered, 1800), day
            assert (bases["reference"]["formed"], bases["reference"]["run_by_rmo"]) == (1636, 1386)
        bases = await get(platform, "/network/small-bases", as_of="2026-04-05")
        assert [row["registered"] for row in bases["by_block"]] == [1, 0, 1, 0, 1, 0]
        assert bases["share_of_target"] == round(3 / 1800, 4)


async def test_the_same_envelope_twice_changes_nothing(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        sent = await fed(platform)
        console = platform["console"]
        before = {day: await get(platform, "/network", as_of=day) for day in EXPECTED}
        bases_before = {day: await get(platform, "/network/small-bases", as_of=day) for day in BASES}
        rows = await rows_of(console)
        await delivered_again(
            platform, "registry", [sent[EVENTS.index(SUSPENDED)], sent[-1]],  # a state, a base
            ("console-registry-member-suspended", "console-registry-small-base-registered"),
            sentinel=member(registry.MemberSuspended, HIDA, "suspended", jst("2030-01-01")))
        assert await rows_of(console) == (rows[0] + 1, rows[1])  # the sentinel's state, nothing else
        assert {day: await get(platform, "/network", as_of=day) for day in EXPECTED} == before
        assert {day: await get(platform, "/network/small-bases", as_of=day) for day in BASES} == bases_before


async def test_the_csv_exports_open_in_excel(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        await fed(platform)
        rows = await csv_rows(platform, "/network.csv", "kakawari-network-20260420.csv", as_of="2026-04-20")
        assert rows[0] == ["会員（2026-04-20 時点）"] and rows[2][:4] == ["全国", "4", "3", "1"]
        english = await csv_rows(platform, "/network.csv", "kakawari-network-20260420.csv", as_of="2026-04-20",
                                 lang="en")
        assert english[0] == ["Members (as of 2026-04-20)"]

        bases = await csv_rows(platform, "/network/small-bases.csv", "kakawari-small-bases-20260405.csv",
                               as_of="2026-04-05")
        assert bases[2] == ["3", "1800", "0.2%", "1636", "1386"]


async def test_only_operators_and_only_real_days(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        for path in ("/network", "/network.csv", "/network/small-bases", "/network/small-bases.csv"):
            await operators_only_and_real_days(platform, path, "2026-02-30", "yesterday", "1999-12-31", "3000-01-01",
                                               "9999-12-31")
        today = await get(platform, "/network")
        assert today["members"] == 0 and len(today["by_prefecture"]) == 47
