"""The notifications dashboard end to end, on SQLite and PostgreSQL: notify's events (deliveries
sent, deferred, failed, bounced; an address suppressed) cross NATS into the console's consumers,
and the API's figures are those of known days at every day; a failure carries the trace it
travelled in; the CSV is Excel's; the same envelope applied twice changes nothing; only operators
may look, and a wrong day is a 422 problem."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select

from kit.contracts import notify
from kit.contracts.base import EventContract
from kit.jst import JST
from services.console.models import DeliveryState
from tests.integration.console.test_gatherings_flow import API, OPERATOR, consumed, figures, jst, resend, send, settled
from tests.support.events import publish
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer

D0, D1, D2, D3 = (date(2026, 11, 1) + timedelta(days=n) for n in range(4))
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
async def console(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                  ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["console"]) as running:
        yield running


def sent(n: int, at: datetime, template: str = "signup_confirmed", channel: str = "email") -> notify.DeliverySent:
    return notify.DeliverySent(delivery_id=UUID(int=n), channel=channel, template=template, attempts=1, at=at)


def deferred(n: int, at: datetime, reason: str, template: str = "signup_confirmed") -> notify.DeliveryDeferred:
    return notify.DeliveryDeferred(delivery_id=UUID(int=n), channel="email", template=template, reason=reason, at=at)


def failed(n: int, at: datetime, state: str, reason: str, template: str = "signup_confirmed") -> notify.DeliveryFailed:
    return notify.DeliveryFailed(delivery_id=UUID(int=n), channel="email", template=template, recipient_hash="f" * 64,
                                 state=state, reason=reason, attempts=5, at=at)


SUPPRESSED = notify.AddressSuppressed(address_hash="a" * 64, delivery_id=UUID(int=4), reason="550 5.1.1 unknown",
                                      at=jst(D2, 23, 59))
DAYS: list[tuple[EventContract, str | None]] = [  # (event, the trace it travelled in)
    (sent(1, jst(D1, 9)), None),
    (deferred(2, jst(D1, 22), "quiet_hours"), None), (sent(2, jst(D2, 8)), None),
    (deferred(3, jst(D1, 10), "retry"), None), (failed(3, jst(D2, 11), "failed", "550 no such user"), TRACE),
    (failed(4, jst(D2, 23, 59), "bounced", "hard bounce", template="reminder"), None), (SUPPRESSED, None),
    (sent(5, jst(D3, 0, 0), template="member_approved", channel="webhook"), None),
    (deferred(6, jst(D3, 9), "digest", template="digest"), None),
]


def states(found: dict[str, Any]) -> tuple[int, ...]:
    t = found["totals"]
    return t["sent"], t["deferred"], t["failed"], t["bounced"], t["total"]


def days(found: dict[str, Any]) -> list[tuple[str, int, int, int, int, int]]:
    return [(d["day"], d["sent"], d["deferred"], d["failed"], d["bounced"], d["suppressed"]) for d in found["per_day"]]


def counts(rows: list[dict[str, Any]], key: str) -> dict[str, tuple[int, ...]]:
    return {r[key]: (r["sent"], r["deferred"], r["failed"], r["bounced"]) for r in rows}


EXPECTED: dict[date, dict[str, Any]] = {
    D0: {"states": (0, 0, 0, 0, 0), "channels": {}, "templates": {}, "suppressed": 0, "failures": [],
         "today": (0, 0, 0, 0, 0), "failure_rate": None},
    D1: {"states": (1, 2, 0, 0, 3), "channels": {"email": (1, 2, 0, 0)},
         "templates": {"signup_confirmed": (1, 2, 0, 0)}, "suppressed": 0, "failures": [], "today": (1, 2, 0, 0, 0),
         "failure_rate": 0.0},
    D2: {"states": (2, 0, 1, 1, 4), "channels": {"email": (2, 0, 1, 1)},
         "templates": {"reminder": (0, 0, 0, 1), "signup_confirmed": (2, 0, 1, 0)}, "suppressed": 1,
         "failures": [(4, "bounced"), (3, "failed")], "today": (1, 0, 1, 1, 1), "failure_rate": 0.5},
    D3: {"states": (3, 1, 1, 1, 6), "channels": {"email": (2, 1, 1, 1), "webhook": (1, 0, 0, 0)},
         "templates": {"digest": (0, 1, 0, 0), "member_approved": (1, 0, 0, 0), "reminder": (0, 0, 0, 1),
                       "signup_confirmed": (2, 0, 1, 0)}, "suppressed": 1,
         "failures": [(4, "bounced"), (3, "failed")], "today": (1, 1, 0, 0, 0), "failure_rate": 0.4},
}


def check(found: dict[str, Any], day: date) -> None:
    expected = EXPECTED[day]
    assert found["as_of"] == day.isoformat() and found["days"] == 7
    assert states(found) == expected["states"] and found["totals"]["failure_rate"] == expected["failure_rate"]
    assert [(s["state"], s["deliveries"]) for s in found["states"]] == list(zip(
        ("sent", "deferred", "failed", "bounced"), expected["states"][:4], strict=True))
    assert counts(found["by_channel"], "channel") == expected["channels"]
    assert counts(found["by_template"], "template") == expected["templates"]
    assert found["suppressed"] == expected["suppressed"]
    assert [(UUID(f["delivery_id"]).int, f["state"]) for f in found["recent_failures"]] == expected["failures"]
    assert days(found)[-1] == (day.isoformat(), *expected["today"])
    assert [d[0] for d in days(found)] == [(day - timedelta(days=n)).isoformat() for n in range(6, -1, -1)]


async def test_known_days_at_every_day_and_the_same_envelope_twice(console: RunningPlatform) -> None:
    envelopes = [(await send(console, event, "notify", traceparent=trace and f"00-{trace}-00f067aa0ba902b7-01"),
                  type(event)) for event, trace in DAYS]
    await settled(console, D3, lambda f: states(f) == EXPECTED[D3]["states"] and f["suppressed"] == 1,
                  dashboard="notifications")
    for day in EXPECTED:
        check(await figures(console, day, "notifications"), day)

    found = await figures(console, D3, "notifications")
    assert days(found)[-3:] == [("2026-11-02", 1, 2, 0, 0, 0), ("2026-11-03", 1, 0, 1, 1, 1),
                                ("2026-11-04", 1, 1, 0, 0, 0)]
    bounced, failure = found["recent_failures"]
    assert failure == {"delivery_id": str(UUID(int=3)), "channel": "email", "template": "signup_confirmed",
                       "state": "failed", "state_ja": "送信失敗", "state_en": "Failed", "reason": "550 no such user",
                       "at": "2026-11-03T02:00:00Z", "trace_id": TRACE}
    assert (bounced["template"], bounced["reason"], bounced["trace_id"]) == ("reminder", "hard bounce", None)
    assert {c["channel"]: (c["channel_ja"], c["channel_en"], c["total"]) for c in found["by_channel"]} == {
        "email": ("メール", "Email", 5), "webhook": ("Webhook", "Webhook", 1)}

    # the same envelopes again (a redelivery after JetStream's duplicate window): the inbox drops them
    before = {day: await figures(console, day, "notifications") for day in EXPECTED}
    rows = await delivery_rows(console)
    last = {contract: await resend(console, envelope) for envelope, contract in envelopes}
    for contract, seq in last.items():
        await consumed(console, contract, seq)
    assert {day: await figures(console, day, "notifications") for day in EXPECTED} == before
    assert await delivery_rows(console) == rows  # not even a repeated fact was stored


async def delivery_rows(platform: RunningPlatform) -> int:
    async with platform["console"].uow.read() as session:
        return int(await session.scalar(select(func.count()).select_from(DeliveryState)) or 0)


async def test_today_by_default_and_the_csv(console: RunningPlatform) -> None:
    now = datetime.now(UTC)
    today = now.astimezone(JST).date()
    formula = "=HYPERLINK(\"http://x\")"
    await publish(console, failed(7, now - timedelta(minutes=1), "failed", formula), producer="notify")
    found = await settled(console, today, lambda f: f["totals"]["failed"] == 1, dashboard="notifications")
    assert (await figures(console, None, "notifications"))["as_of"] == today.isoformat()
    assert found["recent_failures"][0]["reason"] == "=HYPERLINK(\"http://x\")"

    r = await console.client.get(f"{API}/notifications.csv", headers=OPERATOR)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == f'attachment; filename="kakawari-notifications-{today:%Y%m%d}.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in r.content
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [f"配信の状態（{today.isoformat()} 時点）"] and ["送信失敗", "1"] in rows
    assert rows[-1][:5] == [str(UUID(int=7)), "メール", "signup_confirmed", "送信失敗", "'=HYPERLINK(\"http://x\")"]
    english = await console.client.get(f"{API}/notifications.csv", params={"lang": "en"}, headers=OPERATOR)
    assert ["Failed", "1"] in list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("path", ["/notifications", "/notifications.csv"])
async def test_operators_only_and_a_wrong_day_is_a_problem(console: RunningPlatform, path: str) -> None:
    client = console.client
    assert (await client.get(API + path)).status_code == 401
    assert (await client.get(API + path, headers=bearer("staff@example.jp", role="staff"))).status_code == 403
    for params in ({"as_of": "2026-02-30"}, {"as_of": "20261101"}, {"as_of": "0001-01-01"}, {"days": -1}):
        r = await client.get(API + path, params=params, headers=OPERATOR)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
