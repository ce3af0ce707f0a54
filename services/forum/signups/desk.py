"""The signup desk: the one way in for new signups. Requests for the same event that arrive
together are decided in one transaction (`kit/batching.py`), in arrival order; a flash crowd
costs a commit per batch, not per person."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from kit.batching import Batcher, Entry
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.forum.links import SignupLinks
from services.forum.signups.service import Person, SignupOutcome, SignupRequest, sign_up_many


class SignupDesk:
    def __init__(self, uow: UnitOfWorkFactory, links: SignupLinks) -> None:
        self._uow = uow
        self._links = links
        self._batches: Batcher[UUID, SignupRequest, SignupOutcome] = Batcher(self._decide, name="forum signups")

    async def sign_up(self, event_id: UUID, person: Person, *, verified: bool) -> SignupOutcome:
        return await self._batches.submit(event_id, SignupRequest(person, verified))

    async def _decide(self, event_id: UUID,
                      entries: Sequence[Entry[SignupRequest, SignupOutcome]]) -> list[SignupOutcome | BaseException]:
        return await sign_up_many(uow=self._uow, links=self._links, event_id=event_id, entries=entries)
