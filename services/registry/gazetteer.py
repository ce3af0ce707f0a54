"""The official list of local governments (都道府県・市区町村) shipped with the registry, read once.

The rules for codes and the lookup itself are pure and live in `services.registry.domain`
(`local_government.py`, `lg_code.py`); the public lookup API is `directory/api.py`.
"""

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
