"""The demo data, as `make up` seeds it, reaches the console through NATS and reproduces the report's
figures: 275 local governments and 282 organisations as of 2026-04-01, ヒダスケ!'s 236 programs and
5,806 participations of 2024, and nothing before the network's first application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Any

import pytest

from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for
from tests.support.sessions import bearer

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])
OPERATOR = bearer("operator@example.jp", role="operator")
HIDA = "212172"


async def overview(platform: RunningPlatform, day: date) -> dict[str, Any]:
    response = await platform.client.get("/console/api/v1/overview", params={"as_of": day.isoformat()},
                                         headers=OPERATOR)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture
async def platform(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                   ) -> AsyncIterator[RunningPlatform]:
    """Every service, the console included, with the demo data as `make up` seeds it."""
    async with platform_factory(seed=True) as running:
        yield running


async def test_the_demo_reproduces_the_reports_figures(platform: RunningPlatform) -> None:
    async def imported() -> bool:
        figures = await overview(platform, date(2026, 4, 1))
        return bool(figures["network"]["members"] == 557 and figures["programs"]["participations"] == 5806)

    # Polled slowly: every request makes background work (the import itself) stand aside for a moment.
    await wait_for(imported, timeout_s=120, interval_s=1.0)
    report = await overview(platform, date(2026, 4, 1))
    network = report["network"]
    assert (network["local_governments"], network["organisations"]) == (275, 282)
    assert report["small_bases"]["registered"] == 3 and report["small_bases"]["national_target"] == 1800
    hida = next(row for row in report["programs"]["by_municipality"] if row["code"] == HIDA)
    season = await overview(platform, date(2024, 12, 31))
    hida_2024 = next(row for row in season["programs"]["by_municipality"] if row["code"] == HIDA)
    assert (hida_2024["programs"], hida_2024["participations"]) == (236, 5806)
    assert hida["participations"] == 5806  # nothing after 2024 in the demo's history
    assert report["programs"]["funnel"][0]["relations"] >= 0 and report["programs"]["relations"] > 0

    before = await overview(platform, date(2024, 3, 31))  # the demo's first application is 2024-04-01
    assert before["network"]["members"] == 0
    assert (await overview(platform, date(2023, 12, 31)))["programs"]["participations"] == 0  # the season is 2024
    # A year later there are some members but not yet all: the figures move with the day.
    middle = (await overview(platform, date(2025, 4, 1)))["network"]
    assert 0 < middle["local_governments"] < 275 and 0 < middle["organisations"] < 282
