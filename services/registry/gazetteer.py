"""The registry's index of local governments (都道府県・市区町村), built once from the official list
the kit ships (`kit/gazetteer.py`, `kit/data/municipalities.csv`), shared with the other services.

The rules for codes and the lookup itself are pure and live in `services.registry.domain`
(`local_government.py`, `lg_code.py`); the public lookup API is `directory/api.py`.
"""

from __future__ import annotations

from functools import lru_cache

from kit.gazetteer import rows
from services.registry.domain.local_government import Gazetteer


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    return Gazetteer(rows())
