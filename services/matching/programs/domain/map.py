"""The program map: municipalities' coordinates placed on Japan's bounding box with a simple
equirectangular projection (longitude shortened by the cosine of a middle latitude, so the
islands keep their shape), for an inline SVG; no tiles, nothing fetched. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

LAT_MIN, LAT_MAX = 24.0, 45.8  # 与那国島 to 稚内
LON_MIN, LON_MAX = 122.5, 146.2  # 与那国島 to 根室 (the Ogasawara islands' offices fit inside)
WIDTH = 480.0
_SHRINK = math.cos(math.radians((LAT_MIN + LAT_MAX) / 2))
_SCALE = WIDTH / ((LON_MAX - LON_MIN) * _SHRINK)
HEIGHT = round((LAT_MAX - LAT_MIN) * _SCALE, 1)
SPREAD = 4.0  # px: programs in one municipality are fanned out this far apart, so each can be clicked
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


@dataclass(frozen=True)
class Dot:
    key: str  # the program's id
    title: str
    x: float
    y: float


def project(lat: float, lon: float) -> tuple[float, float]:
    """(x, y) in the map's pixels, y downwards; places outside the box sit on its edge."""
    lat, lon = min(max(lat, LAT_MIN), LAT_MAX), min(max(lon, LON_MIN), LON_MAX)
    return round((lon - LON_MIN) * _SHRINK * _SCALE, 1), round((LAT_MAX - lat) * _SCALE, 1)


def dots(places: Iterable[tuple[str, str, float | None, float | None]]) -> list[Dot]:
    """One dot per (key, title, lat, lon) with coordinates (an online program may have none);
    the n-th program at the same place is set on a small spiral around it."""
    seen: dict[tuple[float, float], int] = {}
    found: list[Dot] = []
    for key, title, lat, lon in places:
        if lat is None or lon is None:
            continue
        x, y = project(lat, lon)
        n = seen[(x, y)] = seen.get((x, y), -1) + 1
        radius, angle = SPREAD * math.sqrt(n), n * _GOLDEN_ANGLE
        found.append(Dot(key, title, round(x + radius * math.cos(angle), 1), round(y + radius * math.sin(angle), 1)))
    return found


def backdrop(points: Iterable[tuple[float, float]]) -> str:
    """An SVG path's `d` with a round point at every (lat, lon) given, each once: drawn with every
    municipality's office, the outline of Japan appears without any map data."""
    placed = dict.fromkeys(project(lat, lon) for lat, lon in points)
    return "".join(f"M{x:g} {y:g}h0" for x, y in placed)
