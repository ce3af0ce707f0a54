"""Loads the official list of local governments shipped with the service (read once)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from services.registry.domain.local_government import Gazetteer

CSV_PATH = Path(__file__).parent / "data" / "municipalities.csv"


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        return Gazetteer(list(csv.DictReader(f)))
