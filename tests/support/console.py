"""The console's test helpers: its API asked as an operator, the events its consumers applied,
envelopes delivered again, its database without the platform, and its CSV files read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import nats
from sqlalchemy import func, select

from kit.contracts.base import EventContract
from kit.db.engine import Database
from kit.jst import JST
from kit.messaging.envelope import Envelope
from kit.messaging.outbox import OutboxWriter
from kit.messaging.subjects import Naming
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.runtime import ServiceRuntime
from services.console.domain.csv import BOM
from services.console.models import MESSAGING, Checkpoint
from tests.support.events import publish
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for
from tests.support.sessions import bearer, person

API = "/console/api/v1"
OPERATOR = bearer(person(role="operator"))


def jst(day: str, clock: str = "12:00:00.000000") -> datetime:
    """`clock` on `day` (YYYY-MM-DD) in Japan."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=JST)


async def get(platform: RunningPlatform, path: str, **params: str) -> Any:
    """The console API's JSON at `path`, asked by an operator; it must answer 200."""
    answer = await platform.client.get(f"{API}{path}", params=params, headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def csv_rows(platform: RunningPlatform, path: str, filename: str, **params: str) -> list[list[str]]:
    """The console API's CSV at `path`, asked by an operator: a download named `filename`, UTF-8
    with a BOM. Its rows."""
    answer = await platform.client.get(f"{API}{path}", params=params, headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="{filename}"' in answer.headers["content-disposition"]
    assert answer.content.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))


async def operators_only_and_real_days(platform: RunningPlatform, path: str, *wrong_days: str) -> None:
    """The console API's `path` answers 401 to nobody, 403 to staff, and to an operator a 422 problem
    about `as_of` for each of `wrong_days`, and 200 for the last day it takes."""
    assert (await platform.client.get(f"{API}{path}")).status_code == 401, path
    staff = await platform.client.get(f"{API}{path}", headers=bearer(person(role="staff")))
    assert staff.status_code == 403, path
    for wrong in wrong_days:
        answer = await platform.client.get(f"{API}{path}", params={"as_of": wrong}, headers=OPERATOR)
        assert answer.status_code == 422, (path, wrong, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["errors"][0]["field"].endswith("as_of")
    last = await platform.client.get(f"{API}{path}", params={"as_of": "2999-12-31"}, headers=OPERATOR)
    assert last.status_code == 200, (path, last.text)


async def applied(runtime: ServiceRuntime[Any]) -> int:
    """The events the console's consumers have applied, all types together (their checkpoints)."""
    async with runtime.uow.read() as session:
        return int(await session.scalar(select(func.coalesce(func.sum(Checkpoint.applied), 0))) or 0)


async def settled(runtime: ServiceRuntime[Any], expected: int, timeout_s: float = 30) -> None:
    """Wait until the console's consumers have applied `expected` events in all (generous by
    default: a loaded machine is slow, a right answer comes)."""
    async def done() -> bool:
        return await applied(runtime) == expected

    await wait_for(done, timeout_s=timeout_s)


async def publish_again(platform: RunningPlatform, envelopes: Sequence[Envelope]) -> None:
    """Each envelope published twice more: under its own id, which JetStream drops as a duplicate, and
    under another, as a relay's republish after the duplicate window would: it reaches the console,
    whose inbox knows the event's id."""
    nc = await nats.connect(platform.nats_url)
    try:
        js = nc.jetstream()
        for envelope in envelopes:
            subject = Naming(platform.settings.namespace).subject(envelope.versioned_type)
            for msg_id in (str(envelope.id), f"{envelope.id}-after-the-window"):
                await js.publish(subject, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": msg_id})
    finally:
        await nc.close()


async def caught_up(runtime: ServiceRuntime[Any], stream: str, *consumers: str) -> bool:
    """Whether the named consumers of `stream` have nothing pending or waiting for its ack."""
    for name in consumers:
        info = await runtime.js.consumer_info(stream, runtime.naming.durable(name))
        if info.num_pending or info.num_ack_pending:
            return False
    return True


async def delivered_again(platform: RunningPlatform, producer: str, again: Sequence[Envelope],
                          consumers: Sequence[str], sentinel: EventContract) -> None:
    """Deliver `again` (envelopes the console applied) once more past JetStream's duplicate window
    (`publish_again`), wait until the `consumers` of the producer's stream took them, then publish
    `sentinel` (an event on one of those consumers, dated after every day asked) and wait until it
    is applied: by then the deliveries before it were handled too, and it is the one event more."""
    console = platform["console"]
    stream = console.naming.stream(producer)
    in_stream = (await console.js.stream_info(stream)).state.messages
    total = await applied(console)
    await publish_again(platform, again)
    assert (await console.js.stream_info(stream)).state.messages == in_stream + len(again)
    await wait_for(lambda: caught_up(console, stream, *consumers), timeout_s=20)
    await publish(platform, sentinel, producer=producer)
    await settled(console, total + 1, timeout_s=20)


def uow_for(db: Database) -> UnitOfWorkFactory:
    """A unit of work on the console's tables whose events stay in the outbox (no relay runs)."""
    return UnitOfWorkFactory(db, OutboxWriter(producer="console", tables=MESSAGING, naming=Naming()),
                             on_commit=lambda rows: None)


async def write(db: Database, rows: Sequence[object]) -> None:
    """Store the rows in one transaction, their ids in the order added (the tie-break of recounts)."""
    async with db.writing() as session:
        session.add_all(rows)
        await session.flush()


def sections(body: bytes) -> list[list[list[str]]]:
    """A dashboard's CSV file read back, checked to be UTF-8 with a BOM and CRLF line ends: its
    sections (split at the blank lines), each a list of rows."""
    assert body.startswith(BOM.encode("utf-8"))
    text = body.decode("utf-8")[1:]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    found: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text, newline="")):
        if row:
            found[-1].append(row)
        else:
            found.append([])
    return found
