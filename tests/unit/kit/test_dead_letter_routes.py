"""`/ops/dlq/<id>/replay` (kit/web/dead_letters.py): only the event's producer republishes it; any other
service answers 409 naming the producer, or saying no service of the deployment published it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kit.messaging.dlq import DeadLetter, DeadLetters
from kit.messaging.subjects import Naming
from kit.web.auth import OPERATOR, Principal, issue_token
from kit.web.dead_letters import dead_letter_routes
from kit.web.problems import install_problem_handlers
from kit.web.routing import include_flat

SECRET = "a-secret-key-for-the-dead-letter-route-tests"


class OneDeadLetter(DeadLetters):
    """The DLQ holding one letter of `subject`; a replay is recorded, not published."""

    def __init__(self, subject: str) -> None:
        self.letter = DeadLetter(seq=7, consumer="x", subject=subject, event_id=str(uuid.uuid4()), error="boom",
                                 deliveries=5, at=datetime.now(UTC), data=b"{}")
        self.replayed: list[int] = []

    async def get(self, seq: int) -> DeadLetter | None:
        return self.letter if seq == self.letter.seq else None

    async def replay(self, seq: int) -> Any:
        self.replayed.append(seq)
        return self.letter


@pytest.mark.parametrize(("subject", "status", "owner"), [
    ("t0.registry.member.approved.v1", 200, None),  # registry's own event: replayed
    ("t0.forum.signup.requested.v1", 409, "forum"),
    ("elsewhere.registry.member.approved.v1", 409, None),  # not this deployment's namespace
])
async def test_only_the_producer_replays(subject: str, status: int, owner: str | None) -> None:
    dlq = OneDeadLetter(subject)
    app = FastAPI()
    app.state.secret_key = SECRET
    install_problem_handlers(app)
    include_flat(app, dead_letter_routes({"registry": lambda: dlq}, naming=Naming("t0")))
    token = issue_token(Principal(uuid.uuid4(), "ops@example.jp", OPERATOR), SECRET)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        answer = await client.post("/ops/dlq/7/replay", headers={"authorization": f"Bearer {token}"})
        assert (await client.post("/ops/dlq/8/replay", headers={"authorization": f"Bearer {token}"})).status_code == 404
    assert answer.status_code == status, answer.text
    if status == 200:
        assert dlq.replayed == [7]
    else:
        assert dlq.replayed == [] and answer.json()["owner"] == owner and "None" not in answer.text
