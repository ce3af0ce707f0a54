"""The system dashboard's health verdicts: a service's /readyz answer, no answer, and the whole."""

from __future__ import annotations

import httpx

from services.console.system.domain.health import Health, from_readyz, overall, unreachable


def test_ready_only_with_200_and_ready_true() -> None:
    assert from_readyz(200, {"service": "registry", "ready": True, "database": True, "nats": True}) == Health("ready")
    assert from_readyz(200, {"ready": False}).state == "not_ready"


def test_not_ready_says_what_is_down() -> None:
    assert from_readyz(503, {"ready": False, "database": True, "nats": False}) == Health("not_ready", "nats down")
    assert from_readyz(503, {"ready": False, "database": False, "nats": False}).reason == "database, nats down"
    assert from_readyz(502, None) == Health("not_ready", "HTTP 502")  # a proxy's answer, not the service's


def test_unreachable_names_the_error() -> None:
    assert unreachable(httpx.ConnectError("connection refused")) == Health("unreachable",
                                                                            "ConnectError: connection refused")
    assert unreachable(httpx.ReadTimeout("")).reason == "ReadTimeout"


def test_the_whole_is_ready_degraded_or_down() -> None:
    assert overall(["ready", "ready"]) == "ready"
    assert overall(["ready", "unreachable"]) == "degraded"
    assert overall(["not_ready", "unreachable"]) == "down"
    assert overall([]) == "down"


def test_a_service_serving_without_nats_is_degraded_not_ready() -> None:
    report = {"service": "forum", "ready": True, "status": "degraded", "database": True, "nats": False}
    assert from_readyz(200, report) == Health("degraded", "nats down")
    assert overall(["ready", "degraded"]) == "degraded" and overall(["degraded"]) == "degraded"
    assert overall(["not_ready", "unreachable"]) == "down"
