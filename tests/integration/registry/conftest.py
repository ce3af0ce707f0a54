"""Registry fixtures: one platform (registry only) per module and database, shared by its tests.

Tests in a module share state, so each takes fresh codes and numbers from `ids`.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kit.web.ratelimit import Limit, SlidingWindow
from services.registry.config import RateLimits
from services.registry.demo import FREE_CODE
from services.registry.gazetteer import load_gazetteer
from services.registry.membership.domain.corporate_number import make_corporate_number
from services.registry.membership.service.csv_import import IMPORT_COLUMNS
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD, seed_operator
from tests.support.platform import RunningPlatform, platform_per_backend
from tests.support.sessions import csrf_of as csrf_of  # re-exported: the registry tests import it from here

API = "/registry/api/v1"


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    """Rows as the operators' CSV import takes them (UTF-8 with a BOM, as Excel saves it)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def generous_limits() -> RateLimits:
    big = Limit(100_000, 60)
    return RateLimits(login_ip=SlidingWindow(big), login_email=SlidingWindow(big), apply_ip=SlidingWindow(big))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def registry(request: pytest.FixtureRequest, nats_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningPlatform]:
    async with platform_per_backend(request, nats_url, tmp_path_factory, services=["registry"]) as running:
        await seed_operator(running["registry"].deps)
        running["registry"].deps.limits = generous_limits()
        yield running


class Ids:
    """Fresh local-government codes and 法人番号 for each test, never reused within a run."""

    def __init__(self) -> None:
        self._codes = iter([lg.code for lg in load_gazetteer() if lg.kind == "municipality"
                            and lg.code != FREE_CODE][::-1])
        self._numbers = itertools.count(555_000_000_001)

    def code(self) -> str:
        return next(self._codes)

    def corporate(self) -> str:
        return make_corporate_number(f"{next(self._numbers):012d}")


@pytest.fixture(scope="session")
def ids() -> Iterator[Ids]:
    yield Ids()


@dataclass
class Api:
    client: httpx.AsyncClient

    async def token(self, email: str, password: str) -> dict[str, str]:
        r = await self.client.post(f"{API}/auth/token", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        return {"authorization": f"Bearer {r.json()['access_token']}"}

    async def operator(self) -> dict[str, str]:
        return await self.token(OPERATOR_EMAIL, OPERATOR_PASSWORD)

    async def apply(self, **body: Any) -> httpx.Response:
        body.setdefault("contact_name", "担当 太郎")
        return await self.client.post(f"{API}/applications", json=body)


def municipality(ids: Ids, email: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "municipality", "local_government_code": ids.code(), "contact_email": email, **extra}


def company(ids: Ids, email: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "company", "name": name, "corporate_number": ids.corporate(), "contact_email": email, **extra}


async def outbox(platform: RunningPlatform) -> list[dict[str, Any]]:
    """Every event the registry wrote to its outbox, oldest first, with its payload."""
    rt = platform["registry"]
    table = rt.definition.tables.outbox
    async with rt.uow.read() as session:
        rows = (await session.execute(select(table.c.event_type, table.c.envelope).order_by(table.c.id))).all()
    return [{"type": t, **json.loads(e)["payload"]} for t, e in rows]


async def link_from_outbox(platform: RunningPlatform, email: str, field: str) -> str:
    """The signed token of the latest emailed link for `email` (what notify would send)."""
    urls = [e[field] for e in await outbox(platform) if e.get("email") == email and field in e]
    assert urls, f"no {field} for {email}"
    return str(urls[-1].rsplit("/", 1)[1])


async def admin_of_new_member(platform: RunningPlatform, api: Api, body: dict[str, Any],
                              password: str = "correct-horse-battery") -> tuple[str, dict[str, str]]:
    """Apply, set the applicant's password through the emailed link, return (member id, their headers)."""
    r = await api.apply(**body)
    assert r.status_code == 201, r.text
    token = await link_from_outbox(platform, body["contact_email"], "login_url")
    r2 = await api.client.post(f"{API}/auth/password", json={"token": token, "password": password})
    assert r2.status_code == 200, r2.text
    return r.json()["id"], {"authorization": f"Bearer {r2.json()['access_token']}"}


@pytest.fixture
def api(registry: RunningPlatform) -> Api:
    return Api(registry.client)
