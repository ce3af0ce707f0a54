"""The services of the platform, loaded by name so that none imports another."""

from __future__ import annotations

import importlib
from typing import Any

from kit.config import Settings
from kit.contracts.base import CATALOGUE
from kit.service import ServiceDefinition

# The one list of the platform's services; the kit learns it from here.
SERVICE_NAMES = ("registry", "forum", "matching", "notify", "console")


def settings() -> Settings:
    """The environment's settings, knowing every service's database override."""
    return Settings.from_env(SERVICE_NAMES)


def load(name: str) -> ServiceDefinition[Any]:
    if name not in SERVICE_NAMES:
        raise KeyError(f"unknown service {name!r}; choose from {', '.join(SERVICE_NAMES)}")
    definition = importlib.import_module(f"services.{name}.main").SERVICE
    assert isinstance(definition, ServiceDefinition)
    return definition


def load_all() -> list[ServiceDefinition[Any]]:
    return [load(name) for name in SERVICE_NAMES]


def producers() -> list[str]:
    """Every service that publishes a contract, so each gets its stream."""
    return sorted({contract.producer() for contract in CATALOGUE.values()} | set(SERVICE_NAMES))
