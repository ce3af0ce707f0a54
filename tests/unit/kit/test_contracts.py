"""Event contracts: one place, versioned names, and the AsyncAPI documents list them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kakawari import catalog
from kit.config import Settings
from kit.contracts import CATALOGUE
from kit.runtime import ServiceRuntime

NAME = re.compile(r"^(registry|forum|matching|notify)\.[a-z_]+\.[a-z_]+\.v\d+$")


def test_every_contract_is_named_service_entity_verb_version() -> None:
    assert CATALOGUE, "no contracts registered"
    for versioned, contract in CATALOGUE.items():
        if contract.__module__.startswith("kit.contracts."):
            assert NAME.match(versioned), versioned
            assert contract.description, f"{versioned} has no description"


@pytest.mark.parametrize("service", catalog.SERVICE_NAMES)
def test_asyncapi_lists_what_each_service_produces_and_consumes(service: str, tmp_path: Path) -> None:
    definition = catalog.load(service)
    runtime = ServiceRuntime(definition, Settings(data_dir=tmp_path, secret_key="x"), "nats://127.0.0.1:1")
    document = runtime.asyncapi()
    channels = set(document["channels"])
    for contract in definition.produces:
        assert contract.versioned_type() in channels
    for sub in definition.handlers.subscriptions:
        assert any(sub.contract.versioned_type() in channel for channel in channels), (sub.name, channels)
    produced = {c.versioned_type() for c in definition.produces}
    owned = {v for v, c in CATALOGUE.items() if c.producer() == service and c.__module__.startswith("kit.contracts.")}
    assert owned == produced, f"{service} must declare every contract it owns in SERVICE.produces"
