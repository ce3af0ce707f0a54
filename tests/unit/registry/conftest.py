"""Shared fixtures: the real municipalities CSV, parsed once per session.

Tests may do I/O; the domain may not, so the rows are read here and handed in.
"""

from __future__ import annotations

import csv

import pytest

from kit.gazetteer import CSV_PATH
from services.registry.domain.local_government import Gazetteer


@pytest.fixture(scope="session")
def municipality_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def gazetteer(municipality_rows: list[dict[str, str]]) -> Gazetteer:
    return Gazetteer(municipality_rows)
