"""The unit of work: one transaction, its events, and nothing half-written.

    async with uow() as tx:
        member = await repo.get(tx.session, member_id)
        member.approve(...)
        tx.emit(MemberApproved(...))
        await tx.commit()

Leaving the block without `commit()` rolls back. `commit()` writes the events to
the outbox in the same transaction, then wakes the relay. Nothing else commits:
not the HTTP layer, not a repository.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kit.contracts.base import EventContract
from kit.db.engine import Database
from kit.messaging.envelope import Envelope
from kit.messaging.outbox import OnCommit, OutboxWriter, PendingEvent


class UnitOfWork:
    session: AsyncSession  # open from entering the block until leaving it

    def __init__(self, db: Database, outbox: OutboxWriter, on_commit: OnCommit) -> None:
        self._db = db
        self._lock = db.write_lock
        self._outbox = outbox
        self._on_commit = on_commit
        self.events: list[Envelope] = []
        self.committed = False

    def emit(self, event: EventContract) -> Envelope:
        envelope = self._outbox.envelope(event)
        self.events.append(envelope)
        return envelope

    async def commit(self) -> None:
        # One trip into SQLAlchemy's greenlet for the outbox rows and the COMMIT, not one each:
        # this is every use case's last step, so it is on the hot path of every event.
        rows = await self.session.run_sync(self._write_and_commit)
        self.committed = True
        if rows:
            self._on_commit(rows)

    def _write_and_commit(self, session: Session) -> list[PendingEvent]:
        rows = self._outbox.insert(session, self.events)
        session.commit()
        return rows

    async def __aenter__(self) -> UnitOfWork:
        await self._lock.__aenter__()
        try:
            self.session = await self._db.write_session()
        except BaseException:
            await self._lock.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            sync_session = self.session.sync_session
            if self.committed and not sync_session.in_transaction():
                # Committed, and nothing was read since: no connection is held, so closing is
                # plain bookkeeping, done here rather than through another greenlet trip.
                sync_session.close()
            else:
                if not self.committed:
                    await self.session.rollback()
                await self.session.close()
        finally:
            await self._lock.__aexit__(exc_type, exc, tb)


class UnitOfWorkFactory:
    """What use cases receive: call it to start a unit of work."""

    def __init__(self, db: Database, outbox: OutboxWriter, on_commit: OnCommit) -> None:
        self.db = db
        self.outbox = outbox
        self._on_commit = on_commit

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.db, self.outbox, self._on_commit)

    def read(self) -> AsyncSession:
        """A read-only session (no write lock on SQLite); use as `async with uow.read() as s`."""
        return self.db.readers()
