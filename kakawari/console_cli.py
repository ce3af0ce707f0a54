"""`kakawari console`: the operators' console's upkeep.

    kakawari console rebuild

Empties the console's read models and replays every stream it reads into them, from the start
(`services/console/projections/service.py`). It uses the console's database and the NATS the
environment names, as `kakawari serve console` does, and is safe while the console runs.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import nats
import typer
from rich.console import Console
from rich.table import Table

from kakawari import catalog
from kit import eventloop
from kit.config import Settings
from kit.messaging.replay import Replay, StreamReplay
from kit.runtime import ServiceRuntime
from services.console.projections import service

console_app = typer.Typer(help="The operators' console (運営コンソール)", no_args_is_help=True)
out = Console()


@console_app.callback()
def console() -> None:
    """The operators' console (運営コンソール)."""


async def _rebuild(settings: Settings, nats_url: str, *, partial: bool) -> list[StreamReplay]:
    # The console as it runs, never started: its database, dependencies and inbox applier, so the
    # replay applies events exactly as the live consumers do; its broker stays unconnected.
    runtime: ServiceRuntime[Any] = ServiceRuntime(catalog.load("console"), settings, nats_url)
    nc = await nats.connect(nats_url.split(","))
    runtime.db.start()
    try:
        replay = Replay(nc.jetstream(), naming=runtime.naming, subscriptions=runtime.definition.handlers.subscriptions,
                        applier=runtime.applier)
        return await service.rebuild(uow=runtime.uow, replay=replay, partial=partial)
    finally:
        await nc.close()
        await runtime.db.dispose()


@console_app.command()
def rebuild(
    partial: Annotated[bool, typer.Option(
        "--partial", help="rebuild even if streams no longer hold their first messages (older than their "
                          "max_age): the facts those carried are lost")] = False,
) -> None:
    """Empty the console's read models and replay every stream it reads into them, from the start."""
    from kakawari.cli import _resolve_nats  # here: kakawari.cli imports this module to register it

    settings = catalog.settings()
    started = time.monotonic()
    try:
        results = eventloop.run(_rebuild(settings, _resolve_nats(settings), partial=partial))
    except service.StreamsTruncated as exc:
        out.print(f"[red]nothing was changed: {exc}; --partial rebuilds from what the streams hold[/]")
        raise typer.Exit(1) from exc
    except LookupError as exc:
        out.print(f"[red]nothing was changed: {exc}[/]")
        raise typer.Exit(1) from exc
    except TimeoutError as exc:
        out.print(f"[red]{exc}: the read models are partly rebuilt; run the rebuild again[/]")
        raise typer.Exit(1) from exc
    table = Table("stream", "up to", "read", "applied", "duplicates", "skipped", "failed")
    for r in results:
        table.add_row(r.stream, str(r.last), str(r.read), str(r.applied), str(r.duplicates), str(r.skipped),
                      f"[red]{r.failed}[/]" if r.failed else "0")
    out.print(table)
    applied, failed = sum(r.applied for r in results), sum(r.failed for r in results)
    out.print(f"rebuilt: {applied} events applied from {len(results)} streams in {time.monotonic() - started:.1f} s")
    if failed:
        for error in (e for r in results for e in r.errors):
            out.print(f"[red]{error}[/]")
        out.print(f"[red]{failed} events failed and are missing from the figures; run the rebuild again once "
                  "their handler is fixed[/]")
        raise typer.Exit(1)
