"""The platform's event loop: uvloop for every entry point where it is installed."""

from __future__ import annotations

import asyncio
import sys

import pytest

from kit import eventloop

uvloop = pytest.importorskip("uvloop", reason="uvloop is not built for this platform")


def test_run_uses_uvloop_and_returns_the_result() -> None:
    async def main() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert eventloop.run(main()).startswith("uvloop")


def test_loop_factory_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if it were not installed
    assert eventloop.loop_factory() is asyncio.new_event_loop


async def test_the_suite_runs_on_the_platform_loop() -> None:
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
