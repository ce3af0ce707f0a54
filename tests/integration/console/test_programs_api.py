"""The programs' figures end to end: matching's events published into JetStream cross NATS into the
console's consumers, and the API answers each day's programs, participations, people, repeat rates
and the funnel 集める → 深める → つなげる, as JSON and CSV, for operators only, on SQLite and
PostgreSQL. The same envelope delivered twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select

from kit.contracts import matching
from kit.contracts.base import EventContract
from kit.messaging.envelope import Envelope
from kit.runtime import ServiceRuntime
from services.console.models import Participation, RelationStage
from tests.support.console import csv_rows, delivered_again, get, jst, operators_only_and_real_days, settled
from tests.support.events import publish
from tests.support.platform import RunningPlatform

Platform = Callable[..., AbstractAsyncContextManager[RunningPlatform]]
HIDA, UNNAN = ("212172", "岐阜県飛騨市"), ("322091", "島根県雲南市")
A, B, C = uuid4(), uuid4(), uuid4()
P1, P2, P3, P4, P5 = (uuid4() for _ in range(5))


def program(cls: Callable[..., EventContract], program_id: UUID, town: tuple[str, str], at: datetime,
            **extra: Any) -> EventContract:
    return cls(program_id=program_id, member_id=uuid4(), title="みょうが畑づくり", municipality_code=town[0],
               municipality=town[1], prefecture_code=town[0][:2], schedule="dates", starts_on=date(2026, 10, 1),
               ends_on=date(2026, 11, 30), capacity=8, online=False, url="http://testserver/p", at=at, **extra)


def took_part(helper: UUID, town: tuple[str, str], on: str, *, imported: bool = False,
              participation_id: UUID | None = None) -> EventContract:
    cls = matching.ParticipationImported if imported else matching.ParticipationRecorded
    return cls(participation_id=participation_id or uuid4(), helper_id=helper, municipality_code=town[0],
               municipality=town[1], prefecture_code=town[0][:2], on=date.fromisoformat(on), source="host",
               at=jst(on))


def stage(helper: UUID, town: tuple[str, str], to: str, on: str) -> matching.RelationStageChanged:
    return matching.RelationStageChanged(helper_id=helper, municipality_code=town[0], municipality=town[1],
                                         prefecture_code=town[0][:2], previous=None, stage=to,
                                         as_of=date.fromisoformat(on), reason="test", at=jst(on))


TWICE = uuid4()  # one participation, recorded live and imported: counted once
PUBLISHED: list[EventContract] = [
    program(matching.ProgramImported, P4, HIDA, jst("2026-09-01"), status="done",
            closed_at=jst("2026-09-01")),  # a past season's, closed
    program(matching.ProgramPublished, P1, HIDA, jst("2026-10-01")),
    program(matching.ProgramPublished, P2, HIDA, jst("2026-10-10")),
    program(matching.ProgramPublished, P3, UNNAN, jst("2026-10-31", "23:59:59.999999")),  # the day's last instant
    program(matching.ProgramPublished, P5, HIDA, jst("2026-11-01", "00:00:00")),  # the next day's first
    took_part(A, HIDA, "2026-10-05"), took_part(A, HIDA, "2026-10-12", participation_id=TWICE),
    took_part(A, HIDA, "2026-10-12", participation_id=TWICE, imported=True),
    took_part(B, HIDA, "2026-10-12"), took_part(A, UNNAN, "2026-11-02", imported=True),
    took_part(C, UNNAN, "2026-11-02"), took_part(C, UNNAN, "2026-11-03"),
    stage(A, HIDA, "connect", "2026-10-12"), stage(A, HIDA, "collect", "2026-10-01"),  # out of order
    stage(A, HIDA, "deepen", "2026-10-05"),
    stage(B, HIDA, "collect", "2026-10-12"), stage(B, HIDA, "deepen", "2026-10-12"),  # one day: the deeper wins
    stage(C, UNNAN, "collect", "2026-10-20"), stage(C, UNNAN, "deepen", "2026-11-02"),
    stage(A, UNNAN, "deepen", "2026-11-02"),
]
# Published after the programs are known: the console's first event of a program dates its publication.
CLOSED: list[EventContract] = [program(matching.ProgramClosed, P1, HIDA, jst("2026-10-20"))]

# day: (programs, open, participations, people, repeaters, repeat rate, funnel collect/deepen/connect)
EXPECTED: dict[str, tuple[int, int, int, int, int, float | None, tuple[int, int, int]]] = {
    "2026-08-31": (0, 0, 0, 0, 0, None, (0, 0, 0)),
    "2026-09-30": (1, 0, 0, 0, 0, None, (0, 0, 0)),
    "2026-10-01": (2, 1, 0, 0, 0, None, (1, 0, 0)),
    "2026-10-05": (2, 1, 1, 1, 0, 0.0, (0, 1, 0)),
    "2026-10-12": (3, 2, 3, 2, 1, 0.5, (0, 1, 1)),
    "2026-10-20": (3, 1, 3, 2, 1, 0.5, (1, 1, 1)),
    "2026-10-31": (4, 2, 3, 2, 1, 0.5, (1, 1, 1)),
    "2026-11-01": (5, 3, 3, 2, 1, 0.5, (1, 1, 1)),
    "2026-11-02": (5, 3, 5, 3, 1, 0.3333, (0, 3, 1)),
    "2026-11-03": (5, 3, 6, 3, 2, 0.6667, (0, 3, 1)),
}
FIELDS = ("programs", "open_programs", "participations", "people", "repeaters", "repeat_rate")


def summary(found: dict[str, Any]) -> tuple[Any, ...]:
    return (*(found[k] for k in FIELDS), tuple(step["relations"] for step in found["funnel"]))


async def rows_of(runtime: ServiceRuntime[Any]) -> tuple[int, int]:
    async with runtime.uow.read() as session:
        return (int(await session.scalar(select(func.count()).select_from(Participation)) or 0),
                int(await session.scalar(select(func.count()).select_from(RelationStage)) or 0))


async def fed(platform: RunningPlatform) -> list[Envelope]:
    sent: list[Envelope] = []
    for phase in (PUBLISHED, CLOSED):
        sent += [await publish(platform, event, producer="matching") for event in phase]
        await settled(platform["console"], len(sent))
    return sent


async def test_each_days_program_figures(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        await fed(platform)
        for day, expected in EXPECTED.items():
            found = await get(platform, "/programs", as_of=day)
            assert found["as_of"] == day and summary(found) == expected, day

        found = await get(platform, "/programs", as_of="2026-11-03")
        assert [(s["stage"], s["ja"], s["en"], s["reached"]) for s in found["funnel"]] == [
            ("collect", "集める", "Collect", 4), ("deepen", "深める", "Deepen", 4),
            ("connect", "つなげる", "Connect", 1)]
        assert found["relations"] == 4
        hida, unnan = found["by_municipality"]
        assert (hida["code"], hida["name"], hida["kana"], hida["prefecture_code"]) == (
            "212172", "岐阜県飛騨市", "ギフケンヒダシ", "21")
        assert [hida[k] for k in (*FIELDS, "collect", "deepen", "connect", "relations")] == [
            4, 2, 3, 2, 1, 0.5, 0, 1, 1, 2]
        assert [unnan[k] for k in (*FIELDS, "collect", "deepen", "connect", "relations")] == [
            1, 1, 3, 2, 1, 0.5, 0, 2, 0, 2]
        assert (found["reference"]["programs"], found["reference"]["participations"]) == (236, 5806)

        early = await get(platform, "/programs", as_of="2026-10-05")
        assert [row["code"] for row in early["by_municipality"]] == ["212172"]  # nothing of 雲南市 yet


async def test_the_same_envelope_twice_changes_nothing(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        sent = await fed(platform)
        console = platform["console"]
        before = {day: await get(platform, "/programs", as_of=day) for day in EXPECTED}
        rows = await rows_of(console)
        stages = [sent[i] for i, e in enumerate(PUBLISHED) if isinstance(e, matching.RelationStageChanged)]
        visits = [sent[i] for i, e in enumerate(PUBLISHED) if isinstance(e, matching.ParticipationRecorded)]
        await delivered_again(
            platform, "matching", [stages[0], stages[4], visits[0]],
            ("console-matching-relation-stage-changed", "console-matching-participation-recorded",
             "console-matching-participation-imported"),
            sentinel=stage(uuid4(), HIDA, "collect", "2030-01-01"))
        assert await rows_of(console) == (rows[0], rows[1] + 1)  # the sentinel's stage, nothing else
        assert {day: await get(platform, "/programs", as_of=day) for day in EXPECTED} == before


async def test_the_csv_export_opens_in_excel(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        await fed(platform)
        rows = await csv_rows(platform, "/programs.csv", "kakawari-programs-20261103.csv", as_of="2026-11-03")
        assert rows[0] == ["プログラムと参加（2026-11-03 時点）"]
        assert rows[2] == ["5", "3", "6", "3", "2", "66.7%"]
        assert rows[12][:3] == ["212172", "岐阜県飛騨市", "ギフケンヒダシ"]
        english = await csv_rows(platform, "/programs.csv", "kakawari-programs-20261103.csv", as_of="2026-11-03",
                                 lang="en")
        assert english[0] == ["Programs and participation (as of 2026-11-03)"]


async def test_only_operators_and_only_real_days(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        for path in ("/programs", "/programs.csv"):
            await operators_only_and_real_days(platform, path, "2026-02-30", "tomorrow", "1999-12-31", "3000-01-01")
        empty = await get(platform, "/programs")
        assert (empty["programs"], empty["repeat_rate"], empty["by_municipality"]) == (0, None, [])
