"""Fixtures shared by the deployment checks (helpers and constants: `manifests.py`)."""

from __future__ import annotations

import pytest

from tests.deploy.manifests import documented_env_names


@pytest.fixture(scope="session")
def documented_env() -> frozenset[str]:
    """The environment variable names the README's `## Environment variables` table documents."""
    names = documented_env_names()
    assert names, "README.md documents no environment variables"
    return names
