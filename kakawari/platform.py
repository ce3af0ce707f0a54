"""Builds the ASGI host for either mode and runs migrations and demo data first."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from kakawari import catalog
from kit.config import Settings
from kit.db.engine import is_sqlite, normalise_url
from kit.db.migrate import upgrade
from kit.host import build_host
from kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)


# PostgreSQL advisory lock key held while migrating a database ("kakawari" in ASCII, folded to 63 bits).
MIGRATION_LOCK_KEY = int.from_bytes(b"kakawari", "big") & (2**63 - 1)


def migrate(names: list[str], settings: Settings) -> None:
    for name in names:
        definition = catalog.load(name)
        assert definition.migrations is not None, f"{name} has no migrations"
        url = settings.database_for(name)
        with migration_lock(url):
            upgrade(definition.migrations, url)
        log.info("db.migrated", extra={"service": name})


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """One migrator per PostgreSQL database at a time: every replica's init container runs
    `kakawari migrate <service>`, and those that start together would otherwise race on the same DDL.
    The later ones wait here, then find the schema at head and change nothing. SQLite: no lock."""
    if is_sqlite(url):
        yield
        return
    # Alembic runs its own event loop (asyncio.run), so the lock lives on a loop of its own.
    loop = asyncio.new_event_loop()
    engine = create_async_engine(normalise_url(url), poolclass=pool.NullPool)
    held: list[AsyncConnection] = []

    async def lock() -> None:
        held.append(await engine.connect())
        await held[0].execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        await held[0].commit()  # a session lock outlives the transaction; don't sit idle in one

    async def release() -> None:
        try:
            if held:
                await held[0].close()  # ending the session releases its advisory locks
        finally:
            await engine.dispose()

    try:
        loop.run_until_complete(lock())
        yield
    finally:
        try:
            loop.run_until_complete(release())
        finally:
            loop.close()


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options, besides the app and the port. X-Forwarded-For and -Proto are believed only from
    KAKAWARI_FORWARDED_ALLOW_IPS (the ingress), so the registry's per-IP rate limits see the client
    behind it, and a client that sends the header itself is ignored."""
    return {
        "host": settings.host,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_config": None,
        "timeout_graceful_shutdown": 5,
    }


def build(
    names: list[str], settings: Settings, nats_url: str, *, seed: bool
) -> tuple[FastAPI, list[ServiceRuntime[Any]]]:
    runtimes = [ServiceRuntime(catalog.load(name), settings, nats_url) for name in names]

    async def seed_all() -> None:
        if not seed:
            return
        for runtime in runtimes:
            if runtime.definition.seed is not None:
                await runtime.definition.seed(runtime.deps)
                log.info("demo.seeded", extra={"service": runtime.name})

    app = build_host(
        runtimes,
        apply_topology=not settings.production,
        producers=catalog.producers(),
        after_start=seed_all,
    )

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        """People start at the registry's landing page."""
        return RedirectResponse("/registry/" if "registry" in names else "/dev")

    @app.get("/dev", include_in_schema=False)
    async def developer_index() -> HTMLResponse:
        links = "".join(f'<li><a href="/{n}/docs">{n}</a> · <a href="/{n}/openapi.json">OpenAPI</a>'
                        f' · <a href="/{n}/asyncapi.json">AsyncAPI</a></li>' for n in names)
        return HTMLResponse(
            '<!doctype html><html lang="ja"><meta charset="utf-8"><title>kakawari — 開発者向け</title>'
            '<body style="font-family:sans-serif;max-width:760px;margin:2rem auto">'
            "<h1>kakawari 開発者向けページ</h1><p>各サービスの API と契約（イベント）</p>"
            f"<ul>{links}</ul><p><a href='/readyz'>readyz</a> · <a href='/metrics'>metrics</a>"
            " · <a href='/notify/dev/mailbox'>開発用メールボックス</a></p></body></html>"
        )

    return app, runtimes
