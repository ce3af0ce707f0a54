"""SQLite WAL checkpoints, taken off the commit path.

By default SQLite checkpoints inside a commit, and under a steady stream of small
write transactions that checkpoint keeps failing to backfill: the WAL grows and
every commit pays for another fruitless scan of it (measurements in
docs/performance.md). So a service's connections turn the automatic checkpoint
off, and this loop checkpoints from a worker thread with a connection of its own:
- PASSIVE every `interval_s`: copies committed pages into the database file
  without blocking writers or readers (the thread also frees the event loop);
- TRUNCATE when the WAL file has grown past `truncate_bytes`: taken under the
  database's write lock, so writers queue in the event loop instead of spinning,
  with a short busy timeout so a long reader only delays it to the next round.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TypeVar

from kit.tasks import Loop

log = logging.getLogger(__name__)
T = TypeVar("T")


class WalCheckpointer:
    def __init__(
        self,
        path: str,
        write_lock: AbstractAsyncContextManager[object],
        *,
        interval_s: float = 0.1,
        truncate_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.path = path
        self.wal = Path(f"{path}-wal")
        self.write_lock = write_lock
        self.interval_s = interval_s
        self.truncate_bytes = truncate_bytes
        self._conn: sqlite3.Connection | None = None
        self._thread: ThreadPoolExecutor | None = None
        self.last: tuple[int, int, int] | None = None  # what the latest checkpoint reported
        self._seen: tuple[int, int] | None = None  # the WAL's (size, mtime) when it was last checkpointed
        self._loop = Loop(f"wal-checkpoint:{Path(path).name}", self._cycle)

    def start(self) -> None:
        if self._thread is None:
            # One thread of its own: calls on the connection run in order, the close last.
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-checkpoint")
            self._loop.start()

    async def stop(self) -> None:
        if self._thread is None:
            return
        await self._loop.stop()
        await self._in_thread(self._close)
        thread, self._thread = self._thread, None
        thread.shutdown(wait=False)

    async def _in_thread(self, call: Callable[[], T]) -> T:
        assert self._thread is not None, "checkpointer not started"
        return await asyncio.get_running_loop().run_in_executor(self._thread, call)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _checkpoint(self, mode: str) -> tuple[int, int, int]:
        """(busy, frames in the WAL, frames checkpointed), as SQLite reports them."""
        if self._conn is None:
            # Short busy timeout: TRUNCATE waits for readers, and the next round can try again.
            self._conn = sqlite3.connect(self.path, timeout=0.05, isolation_level=None, check_same_thread=False)
        busy, frames, done = self._conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        self.last = (int(busy), int(frames), int(done))
        return self.last

    def wal_bytes(self) -> int:
        return self._wal_stamp()[0]

    def _wal_stamp(self) -> tuple[int, int]:
        try:
            stat = self.wal.stat()
        except FileNotFoundError:
            return 0, 0
        return stat.st_size, stat.st_mtime_ns

    async def _cycle(self) -> None:
        try:
            stamp = self._wal_stamp()
            if stamp != self._seen:  # unchanged since a complete checkpoint: nothing to do
                _, frames, done = await self._in_thread(lambda: self._checkpoint("PASSIVE"))
                self._seen = stamp if frames == done else None
            if self.wal_bytes() > self.truncate_bytes:
                async with self.write_lock:
                    busy, *_ = await self._in_thread(lambda: self._checkpoint("TRUNCATE"))
                if busy:
                    log.info("sqlite.checkpoint.busy", extra={"database": self.path})
        except sqlite3.Error:
            log.exception("sqlite.checkpoint.failed", extra={"database": self.path})
        await asyncio.sleep(self.interval_s)
