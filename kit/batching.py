"""Group commit: requests that arrive together for the same key are decided in one transaction.

Under a flash crowd a transaction per request spends most of its time on what every request
repeats (BEGIN, reading the same row, COMMIT, a statement each); deciding the queued requests
together pays for that once. Requests for one key are run strictly one batch after another,
in arrival order, so a batch sees every earlier batch committed.

    batcher = Batcher(decide)           # decide(key, entries) -> one outcome per entry
    outcome = await batcher.submit(key, item)

An outcome that is an exception is raised to its own caller only; if `run` itself raises,
every caller of that batch gets the error. Each entry keeps its caller's trace context:
`entry.attached()` makes it current while that entry's events are written, so the outbox
carries the caller's trace, not the batch's.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace

tracer = trace.get_tracer("kakawari.batching")

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Entry(Generic[T, R]):
    item: T
    context: otel_context.Context
    future: asyncio.Future[R]

    @contextmanager
    def attached(self) -> Iterator[None]:
        """Run a block in the trace context of the request that submitted this entry."""
        token = otel_context.attach(self.context)
        try:
            yield
        finally:
            otel_context.detach(token)


Run = Callable[[K, Sequence[Entry[T, R]]], Awaitable[Sequence[R | BaseException]]]


class Batcher(Generic[K, T, R]):
    def __init__(self, run: Run[K, T, R], *, name: str, max_batch: int = 256) -> None:
        self._run = run
        self._name = name
        self._max = max_batch
        self._queues: dict[K, list[Entry[T, R]]] = {}
        self._drains: dict[K, asyncio.Task[None]] = {}

    async def submit(self, key: K, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queues.setdefault(key, []).append(Entry(item, otel_context.get_current(), future))
        if key not in self._drains:
            # Its own task in a fresh context: a client that hangs up does not cancel the batch
            # it is in, and the batch's span is parented explicitly (`_settle`).
            self._drains[key] = asyncio.create_task(self._drain(key), context=contextvars.Context())
        return await future

    async def _drain(self, key: K) -> None:
        try:
            while queue := self._queues.get(key):
                await asyncio.sleep(0)  # let requests that arrived together join this batch
                batch = queue[: self._max]
                del queue[: self._max]
                try:
                    await self._settle(key, batch)
                except BaseException:  # cancelled (shutdown): its callers must not wait forever
                    for entry in batch:
                        entry.future.cancel()
                    raise
        finally:  # nothing can arrive between the empty queue above and here (no await)
            self._drains.pop(key, None)
            for entry in self._queues.pop(key, []):  # left by a cancelled drain (shutdown)
                entry.future.cancel()

    async def _settle(self, key: K, batch: list[Entry[T, R]]) -> None:
        links = [trace.Link(span.get_span_context()) for e in batch
                 if (span := trace.get_current_span(e.context)).get_span_context().is_valid]
        with tracer.start_as_current_span(f"{self._name} batch", context=batch[0].context, links=links,
                                          attributes={"kakawari.batch.size": len(batch)}):
            try:
                outcomes: Sequence[R | BaseException] = await self._run(key, batch)
            except Exception as exc:  # the batch's transaction failed: nothing of it happened
                outcomes = [exc] * len(batch)
        for entry, outcome in zip(batch, outcomes, strict=True):
            if entry.future.done():  # its caller went away
                continue
            if isinstance(outcome, BaseException):
                entry.future.set_exception(outcome)
            else:
                entry.future.set_result(outcome)
