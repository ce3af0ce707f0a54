"""The services of the platform, loaded by name so that none imports another."""

from __future__ import annotations

import importlib

from kit.contracts.base import CATALOGUE
from kit.service import ServiceDefinition

SERVICE_NAMES = ("registry", "forum", "matching", "notify")


def load(name: str) -> ServiceDefinition:
    if name not in SERVICE_NAMES:
        raise KeyError(f"unknown service {name!r}; choose from {', '.join(SERVICE_NAMES)}")
    definition = importlib.import_module(f"services.{name}.main").SERVICE
    assert isinstance(definition, ServiceDefinition)
    return definition


def load_all() -> list[ServiceDefinition]:
    return [load(name) for name in SERVICE_NAMES]


def producers() -> list[str]:
    """Every service that publishes a contract, so each gets its stream."""
    return sorted({contract.producer() for contract in CATALOGUE.values()} | set(SERVICE_NAMES))
