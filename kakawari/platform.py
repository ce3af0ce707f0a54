"""Builds the ASGI host for either mode and runs migrations and demo data first."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse

from kakawari import catalog
from kit.config import Settings
from kit.db.migrate import upgrade
from kit.host import build_host
from kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)


def migrate(names: list[str], settings: Settings) -> None:
    for name in names:
        definition = catalog.load(name)
        assert definition.migrations is not None, f"{name} has no migrations"
        upgrade(definition.migrations, settings.database_for(name))
        log.info("db.migrated", extra={"service": name})


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
