"""Every SQL statement is a CLIENT span in the caller's trace, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from kit.db.engine import open_database
from kit.telemetry.sql_tracing import trace_statements
from tests.support.platform import database_urls

METADATA = MetaData()
NOTES = Table("notes", METADATA, Column("id", Integer, primary_key=True), Column("body", String, nullable=False))


async def test_statements_are_client_spans_in_the_callers_trace(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, spans: InMemorySpanExporter
) -> None:
    pg_admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None
    async with database_urls(backend, ["traced"], tmp_path, pg_admin) as urls:
        db = open_database(urls["traced"])
        try:
            async with db.engine.begin() as conn:
                await conn.run_sync(METADATA.create_all)
            trace_statements(db.engine.sync_engine)
            spans.clear()
            with trace.get_tracer("test").start_as_current_span("use case") as parent:
                async with db.sessions() as session, session.begin():
                    await session.execute(insert(NOTES).values(id=1, body="approved"))
                async with db.readers() as session:
                    assert (await session.execute(select(NOTES.c.body))).scalar_one() == "approved"
                with pytest.raises(IntegrityError):
                    async with db.sessions() as session, session.begin():
                        await session.execute(insert(NOTES).values(id=1, body="again"))
        finally:
            await db.dispose()

    finished = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CLIENT]
    database = "traced.db" if backend == "sqlite" else None
    by_operation = {s.attributes["db.operation.name"]: s for s in finished if s.status.status_code != StatusCode.ERROR}
    assert set(by_operation) >= {"INSERT", "SELECT"}
    insert_span = by_operation["INSERT"]
    assert insert_span.name.startswith("INSERT ")
    assert insert_span.parent is not None and insert_span.parent.span_id == parent.get_span_context().span_id
    assert insert_span.context.trace_id == parent.get_span_context().trace_id
    attributes = dict(insert_span.attributes or {})
    assert attributes["db.system.name"] == backend
    assert "INSERT INTO notes" in str(attributes["db.query.text"])
    if database:
        assert str(attributes["db.namespace"]).endswith(database) and insert_span.name == "INSERT traced"
    else:
        assert attributes["server.address"] and attributes["server.port"]
    # The refused INSERT is a span too, ended with an error status and the exception recorded.
    failed = [s for s in finished if s.status.status_code == StatusCode.ERROR]
    assert len(failed) == 1 and failed[0].attributes["db.operation.name"] == "INSERT"
    assert any(e.name == "exception" for e in failed[0].events)
