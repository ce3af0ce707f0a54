"""`kakawari`: start the platform, run one service, manage streams and the DLQ."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Annotated

import nats
import nats.errors
import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from kakawari import catalog
from kakawari.console_cli import console_app
from kakawari.distributed import up_distributed
from kakawari.matching_cli import matching_app
from kakawari.nats_cli import nats_app
from kakawari.operator_cli import operator_app
from kakawari.platform import build, migrate, server_options
from kit import eventloop
from kit.config import ConfigError, Settings, redacted
from kit.dev.nats_server import EmbeddedNats
from kit.messaging.dlq import DeadLetters
from kit.messaging.subjects import Naming
from kit.messaging.topology import DowngradeRefused, RetryPolicy, Topology
from kit.telemetry.logging import configure_logging
from kit.telemetry.tracing import install_provider

app = typer.Typer(help="kakawari: かかわりラボ operating platform", no_args_is_help=True)
streams_app = typer.Typer(help="JetStream streams and consumers", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead-letter queue", no_args_is_help=True)
app.add_typer(streams_app, name="streams")
app.add_typer(dlq_app, name="dlq")
app.add_typer(matching_app, name="matching")
app.add_typer(nats_app, name="nats")
app.add_typer(console_app, name="console")
app.add_typer(operator_app, name="operator")
app.command("up-distributed")(up_distributed)
console = Console()
WAIT_INTERVAL_S = 2.0  # `streams wait`: between looks


def _nats_url_file(settings: Settings) -> Path:
    return settings.data_dir / "nats.url"


def _resolve_nats(settings: Settings) -> str:
    """NATS_URL if set, else the embedded server a running `make up` wrote down."""
    if settings.nats_url:
        return settings.nats_url
    path = _nats_url_file(settings)
    if path.exists():
        return path.read_text().strip()
    return "nats://127.0.0.1:4222"


def _serve(names: list[str], settings: Settings, nats_url: str, *, port: int) -> None:
    try:
        settings.validate()  # production refuses a missing or example secret key, before anything starts
    except ConfigError as exc:
        typer.echo(f"refusing to start: {exc}", err=True)
        raise typer.Exit(2) from exc
    configure_logging(settings.log_level)
    install_provider("kakawari" if len(names) > 1 else f"kakawari-{names[0]}")
    if not settings.production:
        migrate(names, settings)
    application, _ = build(names, settings, nats_url, seed=settings.seed_demo and not settings.production)
    uvicorn.run(application, port=port, **server_options(settings))


@app.command()
def up(port: Annotated[int | None, typer.Option(help="HTTP port (default: PORT or 8000)")] = None) -> None:
    """All-in-one: every service in one process, embedded NATS unless NATS_URL is set."""
    settings = catalog.settings()
    embedded: EmbeddedNats | None = None
    nats_url = settings.nats_url
    if not nats_url:
        embedded = EmbeddedNats(settings.data_dir / "nats").start()
        nats_url = embedded.url
        _nats_url_file(settings).write_text(nats_url)
    try:
        port = port or settings.port
        console.print(f"[bold green]kakawari[/] → http://{settings.host}:{port}  (NATS {redacted(nats_url)})")
        _serve(list(catalog.SERVICE_NAMES), settings, nats_url, port=port)
    finally:
        if embedded:
            embedded.stop()
            _nats_url_file(settings).unlink(missing_ok=True)


@app.command()
def serve(service: str, port: Annotated[int | None, typer.Option()] = None) -> None:
    """Per-service mode: one service, its own DATABASE_URL, the NATS at NATS_URL."""
    settings = catalog.settings()
    catalog.load(service)  # fail fast on an unknown name
    _serve([service], settings, _resolve_nats(settings), port=port or settings.port)


@app.command("migrate")
def migrate_command(service: Annotated[str, typer.Argument(help="a service, or 'all'")] = "all") -> None:
    """Apply Alembic migrations to a service's database."""
    names = list(catalog.SERVICE_NAMES) if service == "all" else [service]
    migrate(names, catalog.settings())
    console.print(f"migrated: {', '.join(names)}")


def _topology(settings: Settings) -> Topology:
    return Topology(Naming(settings.namespace),
                    retry=RetryPolicy(max_deliver=settings.max_deliver, backoff_s=settings.retry_backoff_s),
                    replicas=int(os.getenv("KAKAWARI_STREAM_REPLICAS", "3" if settings.production else "1")))


@streams_app.command("apply")
def streams_apply(
    allow_downgrade: Annotated[bool, typer.Option(
        "--allow-downgrade", help="also lower an existing stream's replicas or retention")] = False,
) -> None:
    """Create or update every stream and durable consumer (run once per release in production)."""
    settings = catalog.settings()

    async def run() -> list[str]:
        nc = await nats.connect(_resolve_nats(settings).split(","))
        try:
            subs = [s for d in catalog.load_all() for s in d.handlers.subscriptions]
            return await _topology(settings).apply(nc.jetstream(), catalog.producers(), subs,
                                                   allow_downgrade=allow_downgrade)
        finally:
            await nc.close()

    try:
        done = eventloop.run(run())
    except DowngradeRefused as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    for line in done:
        console.print(line)


@streams_app.command("wait")
def streams_wait(
    service: Annotated[str, typer.Argument(help="the service about to start")],
    timeout: Annotated[float, typer.Option(help="seconds to wait before giving up (exit 1)")] = 600.0,
) -> None:
    """Wait until `kakawari streams apply` has made what SERVICE needs (its streams, with their replicas,
    and its durable consumers), asking only what the service's own NATS user may: a Kubernetes init
    container, so a pod starts after the release's streams Job, and without the admin's password."""
    if service not in catalog.SERVICE_NAMES:
        console.print(f"[red]unknown service {service!r}: one of {', '.join(catalog.SERVICE_NAMES)}[/]")
        raise typer.Exit(2)
    settings = catalog.settings()

    async def run() -> list[str]:
        deadline = time.monotonic() + timeout
        subs = [s for d in catalog.load_all() for s in d.handlers.subscriptions]
        while True:  # connecting is part of the wait: NATS may be starting too
            try:
                nc = await nats.connect(_resolve_nats(settings).split(","), connect_timeout=5,
                                        max_reconnect_attempts=-1)
                break
            except (nats.errors.Error, OSError, TimeoutError) as exc:
                if time.monotonic() >= deadline:
                    return [f"NATS ({type(exc).__name__}: {exc})"]
                await asyncio.sleep(WAIT_INTERVAL_S)
        try:
            while True:
                lacking = await _topology(settings).missing(nc.jetstream(), service, catalog.producers(), subs)
                if not lacking or time.monotonic() >= deadline:
                    return lacking
                await asyncio.sleep(WAIT_INTERVAL_S)
        finally:
            await nc.close()

    lacking = eventloop.run(run())
    if lacking:
        console.print(f"[red]{service}: still missing after {timeout:g} s: {'; '.join(lacking)}[/] "
                      "(has `kakawari streams apply` run for this release?)")
        raise typer.Exit(1)
    console.print(f"{service}: its streams and consumers are in place")


async def _with_dlq(settings: Settings, action: str, seq: int | None = None) -> object:
    nc = await nats.connect(_resolve_nats(settings).split(","))
    try:
        dlq = DeadLetters(nc.jetstream(), Naming(settings.namespace))
        return await (dlq.list() if action == "list" else dlq.replay(seq or 0))
    finally:
        await nc.close()


@dlq_app.command("list")
def dlq_list(as_json: Annotated[bool, typer.Option("--json", help="one JSON object a line")] = False) -> None:
    """Show dead letters: id, consumer, subject, event id, tries and the last error."""
    entries = eventloop.run(_with_dlq(catalog.settings(), "list"))
    if as_json:
        for e in entries:  # type: ignore[attr-defined]
            typer.echo(json.dumps(e.as_dict(), ensure_ascii=False))
        return
    table = Table("id", "consumer", "subject", "event id", "tries", "error", "at")
    for e in entries:  # type: ignore[attr-defined]
        table.add_row(str(e.seq), e.consumer, e.subject, e.event_id, str(e.deliveries), e.error[:80], e.at.isoformat())
    console.print(table)


@dlq_app.command("replay")
def dlq_replay(entry_id: int) -> None:
    """Publish a dead letter again on its original subject, and remove it from the DLQ."""
    try:
        entry = eventloop.run(_with_dlq(catalog.settings(), "replay", entry_id))
    except LookupError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console.print(f"replayed {entry_id} → {entry.subject}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    app()
