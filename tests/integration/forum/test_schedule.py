"""forum's scheduled work on the kit's worker, on both databases: reminders planned per event
fire once, again not after a restart (a second platform run on the kept database), nor with
two schedulers side by side; a job's work and its bookkeeping commit together; the
reconfirmation deadline moves silent attendees to the waitlist; and unverified holds and
unaccepted offers expire to the next in line (double opt-in)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select, update

from kit.config import Settings
from kit.contracts.forum import (
    LotteryDrawn,
    ReminderDue,
    SignupCancelled,
    SignupPromoted,
    SignupRequested,
    SignupWaitlisted,
)
from kit.db.engine import open_database
from kit.db.types import utcnow
from kit.dev.postgres import throwaway_database
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.runtime import ServiceRuntime
from kit.service import ServiceCore
from kit.web.auth import OPERATOR
from kit.worker import Worker
from services.forum.bootstrap import ForumDeps, bootstrap
from services.forum.links import SignupLinks
from services.forum.main import SERVICE
from services.forum.models import Event, ScheduledJob, Signup
from services.forum.schedule.jobs import DueJob, ExpiredHold, HoldExpiry, ScheduledWork, holds, scheduler
from services.forum.schedule.service import plan
from tests.integration.forum.conftest import emitted
from tests.support.platform import RunningPlatform, running_platform, upgrade_async
from tests.support.servers import wait_for
from tests.support.sessions import bearer, person

API = "/forum/api/v1"
OPS = bearer(person("ops@example.jp", OPERATOR))
Runtime = ServiceRuntime[Any]


@pytest.fixture
async def forum(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["forum"]) as running:
        await quiet(running)
        yield running


async def quiet(platform: RunningPlatform) -> None:
    """Stop forum's own scheduled workers, if the platform runs them: each test drives its own."""
    for worker in platform["forum"].workers:
        if isinstance(worker, Worker) and worker.job.name in {"scheduler", "holds"}:
            await worker.stop()


async def new_event(platform: RunningPlatform, capacity: int, **extra: Any) -> UUID:
    start = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "cafe", "title": "かかわりカフェ 1月", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(), "capacity": capacity, **extra}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return UUID(r.json()["id"])


async def sign_up(platform: RunningPlatform, event_id: UUID, who: str) -> dict[str, Any]:
    body = {"name": f"参加 {who}", "email": f"{who}@example.jp", "affiliation": "飛騨市", "consent": True}
    r = await platform.client.post(f"{API}/events/{event_id}/signups", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def token(signup: dict[str, Any]) -> str:
    return str(signup["manage_url"]).rsplit("/", 1)[1]


async def planned(platform: RunningPlatform, event_id: UUID) -> dict[str, ScheduledJob]:
    """Plan the event's jobs (as the event's use cases do) and return them by kind."""
    async with platform["forum"].uow() as tx:
        event = await tx.session.get(Event, event_id)
        assert event is not None
        await plan(tx.session, event)
        await tx.commit()
    return await jobs(platform, event_id)


async def jobs(platform: RunningPlatform, event_id: UUID) -> dict[str, ScheduledJob]:
    async with platform["forum"].uow.read() as session:
        found = await session.scalars(select(ScheduledJob).where(ScheduledJob.event_id == event_id))
        return {job.kind: job for job in found}


async def make_due(platform: RunningPlatform, event_id: UUID, *kinds: str) -> None:
    async with platform["forum"].uow() as tx:
        await tx.session.execute(update(ScheduledJob).where(ScheduledJob.event_id == event_id,
                                                            ScheduledJob.kind.in_(kinds))
                                 .values(due_at=utcnow() - timedelta(seconds=1)))
        await tx.commit()


async def set_signup(platform: RunningPlatform, signup_id: str, **values: Any) -> None:
    async with platform["forum"].uow() as tx:
        await tx.session.execute(update(Signup).where(Signup.id == UUID(signup_id)).values(**values))
        await tx.commit()


async def status(platform: RunningPlatform, signup: dict[str, Any]) -> dict[str, Any]:
    return dict((await platform.client.get(f"{API}/signups/manage/{token(signup)}")).json())


async def counts(platform: RunningPlatform, event_id: UUID) -> dict[str, int]:
    body = (await platform.client.get(f"{API}/events/{event_id}")).json()
    return {k: body[k] for k in ("confirmed", "held", "waitlisted")}


def worker(runtime: Runtime, **options: Any) -> Worker[DueJob]:
    return scheduler(runtime.db, runtime.uow, runtime.deps.links, **options)


@asynccontextmanager
async def kept_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """One forum database that outlives a platform run, as a restarted process would find it."""
    assert SERVICE.migrations is not None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'kept-forum.db'}"
        await upgrade_async(SERVICE.migrations, url)
        yield url
        return
    async with throwaway_database(request.getfixturevalue("pg_admin_url"), "kept") as url:
        await upgrade_async(SERVICE.migrations, url)
        yield url


async def test_reminders_fire_once_and_not_again_after_a_restart(
    backend: str, request: pytest.FixtureRequest, nats_url: str, tmp_path: Path
) -> None:
    async with kept_database(backend, request, tmp_path) as url:
        def same_database(settings: Settings) -> Settings:
            return replace(settings, database_urls={"forum": url})

        for run_dir in ("first", "second"):
            (tmp_path / run_dir).mkdir()
        run: dict[str, Any] = {"backend": "sqlite", "nats_url": nats_url, "services": ["forum"],
                               "tweak": same_database}
        async with running_platform(tmp=tmp_path / "first", **run) as first:
            await quiet(first)
            event_id = await new_event(first, 3, hold_hours=None)
            people = [await sign_up(first, event_id, f"r{i}") for i in range(4)]
            assert [p["status"] for p in people] == ["confirmed"] * 3 + ["waitlisted"]
            found = await planned(first, event_id)
            async with first["forum"].uow.read() as session:
                event = await session.get(Event, event_id)
                assert event is not None
            assert {k: j.due_at for k, j in found.items()} == {
                "reminder_24h": event.starts_at - timedelta(hours=24),
                "reminder_1h": event.starts_at - timedelta(hours=1)}

            await make_due(first, event_id, "reminder_24h")
            await worker(first["forum"]).sweep_once()
            sent = await emitted(first, ReminderDue)
            assert sorted((r["email"], r["which"]) for r in sent) == [(f"r{i}@example.jp", "24h") for i in range(3)]
            assert sent[0]["manage_url"].startswith("http://testserver/forum/manage/")

            # The 1 h job is claimed by a process that dies before doing it: its lease runs out.
            await make_due(first, event_id, "reminder_1h")
            job = ScheduledWork(first["forum"].uow, first["forum"].deps.links)
            async with first["forum"].db.writing() as session:
                [row] = (await session.execute(job.due(utcnow(), 10))).all()
                await job.claim(session, [job.item(row)], utcnow())

        # The restarted process (its own scheduler too, if forum's definition runs one).
        async with running_platform(tmp=tmp_path / "second", **run) as second:
            restarted = worker(second["forum"])
            await restarted.sweep_once()
            await wait_for(lambda: _reminders(second, 6), timeout_s=20, interval_s=0.05)
            await restarted.sweep_once()
            await asyncio.sleep(0.2)
            sent = await emitted(second, ReminderDue)
            assert sorted(r["which"] for r in sent) == ["1h"] * 3 + ["24h"] * 3  # the 24 h ones not again
            after = await jobs(second, event_id)
            assert all(j.done_at is not None and j.last_error is None for j in after.values())
            assert after["reminder_1h"].attempts == 2  # the dead process's claim, then this one


async def _reminders(platform: RunningPlatform, count: int) -> bool:
    return len(await emitted(platform, ReminderDue)) >= count


async def test_two_schedulers_side_by_side_fire_each_job_once(forum: RunningPlatform, backend: str) -> None:
    runtime = forum["forum"]
    closes = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    events = [await new_event(forum, 4, hold_hours=None, title=f"カフェ {n}", mode="hybrid", first_come_seats=3,
                              lottery_closes_at=closes) for n in range(6)]
    for n, event_id in enumerate(events):
        for i in range(3):
            await sign_up(forum, event_id, f"e{n}p{i}")
        assert set(await planned(forum, event_id)) == {"reminder_24h", "reminder_1h", "lottery_draw"}
        await make_due(forum, event_id, "reminder_24h", "reminder_1h", "lottery_draw")
    draws: list[UUID] = []

    async def slow_draw(tx: UnitOfWork, links: SignupLinks, event_id: UUID) -> None:
        await asyncio.sleep(0.05)  # long enough for the other scheduler to take the same job
        draws.append(event_id)

    # A second process: its own engine on PostgreSQL; SQLite's file has one owning process.
    other = open_database(runtime.db.url) if backend == "postgresql" else runtime.db
    try:
        uow = UnitOfWorkFactory(other, runtime.outbox, on_commit=lambda rows: None)
        # Leases that run out at once: a job is open to the other scheduler as soon as it is
        # claimed. (On PostgreSQL the running job's own row lock then hides it from the other's
        # SKIP LOCKED sweep; on SQLite the single writer orders them.)
        a = worker(runtime, lease_s=0.0, batch_size=2, draw=slow_draw, sweep_interval_s=0.01)
        b = scheduler(other, uow, runtime.deps.links, lease_s=0.0, batch_size=2, draw=slow_draw,
                      sweep_interval_s=0.01)
        a.start()
        b.start()
        try:
            await wait_for(lambda: _all_fired(forum, events), timeout_s=30, interval_s=0.05)
            await asyncio.sleep(0.2)  # a scheduler that fires a job twice would have done so by now
        finally:
            await a.stop()
            await b.stop()

        # The same job in both hands at the same moment: one fires it, the other writes nothing.
        async with runtime.uow() as tx:
            await tx.session.execute(update(ScheduledJob).where(ScheduledJob.event_id == events[0],
                                                                ScheduledJob.kind == "reminder_24h")
                                     .values(done_at=None))
            await tx.commit()
        both = await jobs(forum, events[0])
        due = DueJob(both["reminder_24h"].id, events[0], "reminder_24h", 1, None)
        fired = await asyncio.gather(ScheduledWork(runtime.uow, runtime.deps.links).fire(due),
                                     ScheduledWork(uow, runtime.deps.links).fire(due))
        assert sorted(fired) == [False, True]
    finally:
        if other is not runtime.db:
            await other.dispose()
    sent = await emitted(forum, ReminderDue)
    keys = [(r["signup_id"], r["which"]) for r in sent]
    assert len(keys) == 6 * 3 * 2 + 3 and len(set(keys)) == 6 * 3 * 2  # the extra three: the re-opened job
    assert sorted(draws) == sorted(events)
    assert await _all_fired(forum, events)


async def _all_fired(platform: RunningPlatform, events: list[UUID]) -> bool:
    for event_id in events:
        if any(j.done_at is None for j in (await jobs(platform, event_id)).values()):
            return False
    return True


async def test_a_failed_job_leaves_nothing_behind_and_is_retried_until_done(forum: RunningPlatform) -> None:
    closes = datetime.now(UTC) + timedelta(days=2)
    event_id = await new_event(forum, 10, mode="lottery", lottery_closes_at=closes.isoformat())
    found = await planned(forum, event_id)
    assert found["lottery_draw"].due_at == closes
    calls: list[UUID] = []

    async def draw(tx: UnitOfWork, links: SignupLinks, drawn: UUID) -> None:
        calls.append(drawn)
        tx.emit(LotteryDrawn(event_id=drawn, seed="00", seed_hash="ff", entrants=0, winners=0, at=utcnow()))
        if len(calls) == 1:
            raise RuntimeError("the draw failed half-way")

    runtime = forum["forum"]
    await make_due(forum, event_id, "lottery_draw")
    await worker(runtime, draw=draw).sweep_once()
    failed = (await jobs(forum, event_id))["lottery_draw"]
    assert failed.done_at is None and failed.attempts == 1 and "half-way" in (failed.last_error or "")
    assert failed.due_at > utcnow()  # waits for its retry
    assert await emitted(forum, LotteryDrawn) == []  # the work's events went with its rollback

    await make_due(forum, event_id, "lottery_draw")
    again = worker(runtime, draw=draw)
    await again.sweep_once()
    await again.sweep_once()
    drawn = (await jobs(forum, event_id))["lottery_draw"]
    assert calls == [event_id, event_id] and drawn.done_at is not None and drawn.last_error is None
    assert len(await emitted(forum, LotteryDrawn)) == 1


async def test_the_lottery_is_drawn_once_when_it_closes(forum: RunningPlatform) -> None:
    closes = datetime.now(UTC) + timedelta(days=2)
    event_id = await new_event(forum, 2, hold_hours=None, mode="lottery", lottery_closes_at=closes.isoformat())
    entrants = [await sign_up(forum, event_id, f"l{i}") for i in range(3)]
    assert {e["status"] for e in entrants} == {"lottery_entered"}
    await planned(forum, event_id)
    await make_due(forum, event_id, "lottery_draw")
    first, second = worker(forum["forum"]), worker(forum["forum"])
    await first.sweep_once()
    await second.sweep_once()
    assert len(await emitted(forum, LotteryDrawn)) == 1
    assert sorted([(await status(forum, e))["status"] for e in entrants]) == ["confirmed", "confirmed", "waitlisted"]
    assert (await jobs(forum, event_id))["lottery_draw"].done_at is not None


async def test_a_cancelled_event_fires_nothing_and_keeps_no_unfired_job(forum: RunningPlatform) -> None:
    event_id = await new_event(forum, 3, hold_hours=None)
    await sign_up(forum, event_id, "c1")
    await planned(forum, event_id)
    await make_due(forum, event_id, "reminder_24h")
    assert (await forum.client.post(f"{API}/events/{event_id}/cancel", headers=OPS)).status_code == 200
    await worker(forum["forum"]).sweep_once()
    assert await emitted(forum, ReminderDue) == []
    left = await planned(forum, event_id)
    assert all(j.done_at is not None for j in left.values())


async def test_the_reconfirmation_deadline_gives_silent_attendees_seats_to_the_waitlist(
    forum: RunningPlatform
) -> None:
    event_id = await new_event(forum, 2, kind="block_forum", block="hokuriku_tokai", venue="富山県民会館",
                               hold_hours=None, reconfirm_hours=48)
    keen, silent, waiting = [await sign_up(forum, event_id, who) for who in ("keen", "silent", "waiting")]
    found = await planned(forum, event_id)
    start = found["reminder_1h"].due_at + timedelta(hours=1)
    assert found["reconfirm_request"].due_at == start - timedelta(hours=48)
    assert found["reconfirm_deadline"].due_at == start - timedelta(hours=24)
    runtime = forum["forum"]

    await make_due(forum, event_id, "reconfirm_request")
    await worker(runtime).sweep_once()
    asked = await emitted(forum, ReminderDue)
    assert sorted((r["email"], r["which"]) for r in asked) == [("keen@example.jp", "reconfirm"),
                                                                ("silent@example.jp", "reconfirm")]
    yes = await forum.client.post(f"{API}/signups/manage/{token(keen)}/reconfirm")
    assert yes.status_code == 200 and yes.json()["reconfirmed_at"] is not None
    again = await forum.client.post(f"{API}/signups/manage/{token(keen)}/reconfirm")
    assert again.json()["reconfirmed_at"] == yes.json()["reconfirmed_at"]  # idempotent
    assert (await forum.client.post(f"{API}/signups/manage/{token(waiting)}/reconfirm")).status_code == 409
    assert (await forum.client.post(f"{API}/signups/manage/{token(keen)}x/reconfirm")).status_code == 404

    await make_due(forum, event_id, "reconfirm_deadline")
    await worker(runtime).sweep_once()
    assert (await status(forum, keen))["status"] == "confirmed"
    assert (await status(forum, waiting))["status"] == "confirmed"  # promoted into the freed seat
    moved = await status(forum, silent)
    assert moved["status"] == "waitlisted" and moved["waitlist_position"] == 1
    assert await counts(forum, event_id) == {"confirmed": 2, "held": 0, "waitlisted": 1}
    told = [w for w in await emitted(forum, SignupWaitlisted) if w["email"] == "silent@example.jp"]
    assert [w["waitlist_position"] for w in told] == [1]
    assert [p["email"] for p in await emitted(forum, SignupPromoted)] == ["waiting@example.jp"]


async def test_unverified_holds_and_unaccepted_offers_expire_to_the_next_in_line(forum: RunningPlatform) -> None:
    event_id = await new_event(forum, 2)  # holds for 24 h by default: double opt-in
    verifier, late, waiting = [await sign_up(forum, event_id, who) for who in ("verifier", "late", "waiting")]
    assert [p["status"] for p in (verifier, late, waiting)] == ["pending_verification"] * 2 + ["waitlisted"]
    [link] = [r["verify_url"] for r in await emitted(forum, SignupRequested) if r["email"] == "verifier@example.jp"]
    verified = await forum.client.post(f"{API}/signups/verify", json={"token": link.rsplit("/", 1)[1]})
    assert verified.json()["status"] == "confirmed"
    runtime = forum["forum"]
    expiry = holds(runtime.db, runtime.uow, runtime.deps.links)

    await set_signup(forum, late["id"], hold_expires_at=utcnow() - timedelta(seconds=1))
    await expiry.sweep_once()
    assert (await status(forum, verifier))["status"] == "confirmed"
    moved = await status(forum, late)
    assert moved["status"] == "waitlisted" and moved["waitlist_position"] == 1 and moved["hold_expires_at"] is None
    offered = await status(forum, waiting)
    assert offered["status"] == "offered" and offered["offer_expires_at"] is not None  # unverified: an offer
    assert await counts(forum, event_id) == {"confirmed": 1, "held": 1, "waitlisted": 1}
    assert [(w["email"], w["waitlist_position"]) for w in await emitted(forum, SignupWaitlisted)] == [
        ("waiting@example.jp", 1), ("late@example.jp", 1)]

    await set_signup(forum, waiting["id"], offer_expires_at=utcnow() - timedelta(seconds=1))
    await expiry.sweep_once()
    assert (await status(forum, waiting))["status"] == "cancelled"  # had their turn
    [gone] = await emitted(forum, SignupCancelled)
    assert gone["email"] == "waiting@example.jp" and "expired" in gone["reason"]
    assert (await status(forum, late))["status"] == "offered"  # next in line
    assert await counts(forum, event_id) == {"confirmed": 1, "held": 1, "waitlisted": 0}
    accepted = await forum.client.post(f"{API}/signups/manage/{token(late)}/accept")
    assert accepted.json()["status"] == "confirmed"
    await expiry.sweep_once()
    assert await counts(forum, event_id) == {"confirmed": 2, "held": 0, "waitlisted": 0}


async def test_a_verification_that_gets_in_first_keeps_the_seat(forum: RunningPlatform) -> None:
    event_id = await new_event(forum, 1)
    racer = await sign_up(forum, event_id, "racer")
    await set_signup(forum, racer["id"], hold_expires_at=utcnow() - timedelta(seconds=1))
    runtime = forum["forum"]
    job = HoldExpiry(runtime.uow, runtime.deps.links)
    until = utcnow() + timedelta(minutes=2)
    async with runtime.db.writing() as session:  # claimed by the expiry job...
        [item] = [job.item(row) for row in (await session.execute(job.due(utcnow(), 10))).all()]
        await job.claim(session, [item], until)
    [link] = [r["verify_url"] for r in await emitted(forum, SignupRequested)]
    await forum.client.post(f"{API}/signups/verify", json={"token": link.rsplit("/", 1)[1]})  # ...verified first
    assert await job.expire(item, until) is False
    assert (await status(forum, racer))["status"] == "confirmed"
    assert await counts(forum, event_id) == {"confirmed": 1, "held": 0, "waitlisted": 0}


@dataclass(frozen=True)
class WiredDeps(ForumDeps):
    """forum's deps with the scheduled workers, as bootstrap.py is to build them."""

    scheduler: Worker[DueJob]
    holds: Worker[ExpiredHold]


def wired(core: ServiceCore) -> ForumDeps:
    base = bootstrap(core)
    if hasattr(base, "scheduler"):
        return base
    return WiredDeps(**{f.name: getattr(base, f.name) for f in fields(base)},
                     scheduler=scheduler(core.db, core.uow, base.links, sweep_interval_s=0.2),
                     holds=holds(core.db, core.uow, base.links, sweep_interval_s=0.2))


def workers_of(deps: ForumDeps) -> list[Worker[Any]]:
    return [getattr(deps, "scheduler"), getattr(deps, "holds")]  # noqa: B009 - ForumDeps may not declare them yet


async def test_the_running_service_fires_due_jobs_on_its_own(
    platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
) -> None:
    """The workers as the runtime runs them (forum's own, once main.py lists them)."""
    definition = replace(SERVICE, bootstrap=wired, workers=workers_of)
    async with platform_factory(definitions=[definition]) as running:
        assert {"scheduler", "holds"} <= {w.job.name for w in running["forum"].workers if isinstance(w, Worker)}
        event_id = await new_event(running, 1)
        held = await sign_up(running, event_id, "held")
        await planned(running, event_id)
        await make_due(running, event_id, "reminder_24h")
        await set_signup(running, held["id"], hold_expires_at=utcnow() - timedelta(seconds=1))
        await wait_for(lambda: _fired(running, event_id), timeout_s=30, interval_s=0.1)
        assert await emitted(running, ReminderDue) == []  # nobody confirmed yet
        # Waitlisted at expiry, then straight back as an offer: nobody else was waiting.
        await wait_for(lambda: _status_is(running, held, "offered"), timeout_s=30, interval_s=0.1)


async def _fired(platform: RunningPlatform, event_id: UUID) -> bool:
    return (await jobs(platform, event_id))["reminder_24h"].done_at is not None


async def _status_is(platform: RunningPlatform, signup: dict[str, Any], expected: str) -> bool:
    return bool((await status(platform, signup))["status"] == expected)
