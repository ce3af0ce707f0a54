"""The console's OpenAPI document as a contract: schemathesis generates requests from it (examples,
coverage and fuzzing phases) and sends them with an operator's token to the running platform (real
NATS, a real database, the demo's data being applied as it runs). No answer may be a server error;
the other contract checks (declared status, content type and body) are run as for every service.

The run is tests/integration/test_api_contracts.py's, on the console's document.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from kit.web.auth import OPERATOR
from tests.integration.test_api_contracts import Caller, Tally, _assert_errors_are_problems, _bridge, _run
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

SERVICE = "console"


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_console_keeps_its_openapi_contract(
    platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]],
) -> None:
    async with platform_factory(seed=True) as platform:
        document = (await platform.client.get(f"/{SERVICE}/openapi.json")).json()
        _assert_errors_are_problems(SERVICE, document)
        assert document["paths"], "the console's API has no operations"
        operator = Caller("operator", bearer(person("ops@example.jp", OPERATOR)), services=(SERVICE,))
        app = _bridge(platform.app, asyncio.get_running_loop())
        tally = Tally()
        started = time.monotonic()
        await asyncio.to_thread(_run, app, SERVICE, operator, tally)
        elapsed = time.monotonic() - started

    print(f"\nschemathesis on {SERVICE}: {len(tally.operations)} operations, {tally.cases.total()} cases in "
          f"{elapsed:.1f}s ({tally.summary()}); {len(tally.findings)} failed checks")
    assert not tally.errors, "\n\n".join(tally.errors)
    assert len(tally.operations) == sum(len(ops) for ops in document["paths"].values())
    found: dict[tuple[str, str, int | None], str] = {}
    for finding in tally.findings:
        found.setdefault((finding.operation, finding.check, finding.status), str(finding))
    assert not found, f"{len(found)} contract failures:\n\n" + "\n\n".join(found.values())
