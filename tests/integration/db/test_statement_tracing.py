"""Every SQL statement is a CLIENT span in the caller's trace, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from kit.telemetry.sql_tracing import trace_statements

METADATA = MetaData()
NOTES = Table("notes", METADATA, Column("id", Integer, primary_key=True), Column("body", String, nullable=False))


async def test_statements_are_client_spans_in_the_callers_trace(
    backend: str, fresh_database: Any, spans: InMemorySpanExporter
) -> None:
    async with fresh_database(METADATA) as db:
        trace_statements(db.engine.sync_engine)
        spans.clear()
        with trace.get_tracer("test").start_as_current_span("use case") as parent:
            async with db.writing() as session:
                await session.execute(insert(NOTES).values(id=1, body="approved"))
            async with db.readers() as session:
                assert (await session.execute(select(NOTES.c.body))).scalar_one() == "approved"
            with pytest.raises(IntegrityError):
                async with db.writing() as session:
                    await session.execute(insert(NOTES).values(id=1, body="again"))

    finished = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CLIENT]
    database = "fresh.db" if backend == "sqlite" else None
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
        assert str(attributes["db.namespace"]).endswith(database) and insert_span.name == "INSERT fresh"
    else:
        assert attributes["server.address"]  # a host, or the socket directory of a local server
    # The refused INSERT is a span too, ended with an error status and the exception recorded.
    failed = [s for s in finished if s.status.status_code == StatusCode.ERROR]
    assert len(failed) == 1 and failed[0].attributes["db.operation.name"] == "INSERT"
    assert any(e.name == "exception" for e in failed[0].events)
