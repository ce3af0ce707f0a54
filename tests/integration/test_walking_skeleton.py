"""(f) The walking skeleton over HTTP, ending with the email at the SMTP server,
and (e) one trace from the HTTP request to the SMTP send."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from kakawari import catalog
from services.registry.domain.local_government import LocalGovernment
from services.registry.gazetteer import load_gazetteer
from services.registry.models import Member
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for


async def unclaimed_municipality(platform: RunningPlatform) -> LocalGovernment:
    """A real municipality the demo data has not made a member."""
    async with platform["registry"].uow.read() as session:
        taken = set(await session.scalars(select(Member.local_government_code)))
    return next(lg for lg in load_gazetteer() if lg.kind == "municipality" and lg.code not in taken)


async def operator_token(platform: RunningPlatform) -> str:
    response = await platform.client.post(
        "/registry/api/v1/auth/token", json={"email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_application_approved_reaches_applicant_by_email(
    platform: RunningPlatform, spans: InMemorySpanExporter
) -> None:
    client = platform.client
    lg = await unclaimed_municipality(platform)
    applied = await client.post("/registry/api/v1/applications", json={
        "kind": "municipality", "local_government_code": lg.code,
        "contact_name": "関係 太郎", "contact_email": "taro@city.example.jp",
    })
    assert applied.status_code == 201, applied.text
    member = applied.json()
    assert member["name"].endswith(lg.name) and member["status"] == "submitted"

    token = await operator_token(platform)
    approved = await client.post(f"/registry/api/v1/members/{member['id']}/approve",
                                 headers={"authorization": f"Bearer {token}"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"

    sink = platform["notify"].deps.smtp_sink
    assert sink is not None
    mail = await wait_for(lambda: [m for m in sink.messages
                                  if "taro@city.example.jp" in m.to and "入会承認" in m.subject])
    assert "入会承認" in mail[0].subject and lg.name in mail[0].body

    # The applicant also finds it in the in-app inbox, once.
    mailbox = await client.get("/notify/dev/mailbox", params={"format": "json"})
    assert [m["subject"] for m in mailbox.json()].count(mail[0].subject) == 1

    # (e) One trace: HTTP approve -> DB -> outbox publish -> NATS consume -> handler -> SMTP.
    def approval_trace() -> list[ReadableSpan]:
        finished = spans.get_finished_spans()
        for smtp in (s for s in finished if s.name == "smtp send"):
            in_trace = [s for s in finished if s.context.trace_id == smtp.context.trace_id]
            if any(s.kind.name == "SERVER" and "/approve" in str(dict(s.attributes or {})) for s in in_trace):
                return in_trace
        return []

    in_trace = await wait_for(approval_trace)
    names = {s.name for s in in_trace}
    assert any(n.endswith("registry.member.approved.v1 publish") for n in names), names
    assert "notify-member-approved apply" in names, names
    assert any(n.startswith("UPDATE") for n in names), names  # the approval's own statement
    assert any(n.startswith("INSERT") for n in names), names  # outbox row, inbox row, delivery
    consume = [s for s in in_trace if s.kind.name == "CONSUMER"]
    assert consume, names


async def test_bad_input_gets_field_messages_not_500(platform: RunningPlatform) -> None:
    client = platform.client
    bad = await client.post("/registry/api/v1/applications", json={
        "kind": "municipality", "local_government_code": "212171", "contact_name": "x", "contact_email": "no-at-sign",
    })
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert "contact_email" in fields
    assert all(e["ja"] and e["en"] for e in bad.json()["errors"])

    check_digit = await client.post("/registry/api/v1/applications", json={
        "kind": "municipality", "local_government_code": "212171", "contact_name": "x", "contact_email": "a@b.jp",
    })
    assert check_digit.status_code == 422
    assert check_digit.json()["errors"][0]["code"] == "check_digit"

    for response in (
        await client.post("/registry/api/v1/applications", content=b"{not json",
                          headers={"content-type": "application/json"}),
        await client.post("/registry/api/v1/applications", json=[1, 2]),
        await client.post("/registry/api/v1/members/not-a-uuid/approve"),
    ):
        assert 400 <= response.status_code < 500, response.text
    unknown = await client.get("/registry/no/such/route")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/nowhere")).status_code == 404


async def test_readyz_names_every_service(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                                          ) -> None:
    async with platform_factory() as platform:  # every service of the catalogue, the console included
        response = await platform.client.get("/readyz")
        assert response.status_code == 200
        assert set(response.json()["services"]) == set(catalog.SERVICE_NAMES)
        metrics = (await platform.client.get("/metrics")).text
        for name in ("kakawari_outbox_backlog", "kakawari_outbox_oldest_age_seconds", "kakawari_consumer_lag",
                     "kakawari_dlq_messages", "kakawari_event_loop_lag_seconds_count",
                     'kakawari_messaging_pruned_total{service="registry",table="outbox"}'):
            assert name in metrics
        if platform["registry"].db.dialect == "sqlite":  # the WAL's size, set once the monitor has run

            async def wal_gauge_shown() -> bool:
                return 'kakawari_sqlite_wal_bytes{service="registry"}' in (await platform.client.get("/metrics")).text

            await wait_for(wal_gauge_shown)
