"""A map of Japan for inline SVG, with no map data and nothing fetched: municipalities' coordinates
placed on Japan's bounding box with a simple equirectangular projection (longitude shortened by
the cosine of a middle latitude, so the islands keep their shape), and every municipality's
office drawn as a faint point for the outline. matching's program map and the console's member
map both draw on it.

Pure apart from `outline()`, which reads the kit's list of local governments once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kit.gazetteer import local_governments

LAT_MIN, LAT_MAX = 24.0, 45.8  # 与那国島 to 稚内
LON_MIN, LON_MAX = 122.5, 146.2  # 与那国島 to 根室 (the Ogasawara islands' offices fit inside)
WIDTH = 480.0
_SHRINK = math.cos(math.radians((LAT_MIN + LAT_MAX) / 2))
_SCALE = WIDTH / ((LON_MAX - LON_MIN) * _SHRINK)
HEIGHT = round((LAT_MAX - LAT_MIN) * _SCALE, 1)
SPREAD = 4.0  # px: things at one place are fanned out this far apart, so each can be clicked
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
MIN_RADIUS, MAX_RADIUS = 1.5, 12.0  # px: a bubble of one, and of the largest count


@dataclass(frozen=True)
class Dot:
    key: str  # what the dot stands for (a program's id)
    title: str
    x: float
    y: float


@dataclass(frozen=True)
class Bubble:
    """A count at a place, drawn as a circle whose area grows with the count."""

    key: str  # the place (a municipality's code)
    title: str
    count: int
    x: float
    y: float
    r: float


def project(lat: float, lon: float) -> tuple[float, float]:
    """(x, y) in the map's pixels, y downwards; places outside the box sit on its edge."""
    lat, lon = min(max(lat, LAT_MIN), LAT_MAX), min(max(lon, LON_MIN), LON_MAX)
    return round((lon - LON_MIN) * _SHRINK * _SCALE, 1), round((LAT_MAX - lat) * _SCALE, 1)


def dots(places: Iterable[tuple[str, str, float | None, float | None]]) -> list[Dot]:
    """One dot per (key, title, lat, lon) with coordinates (an online program may have none);
    the n-th at the same place is set on a small spiral around it."""
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


def bubbles(counts: Iterable[tuple[str, str, float | None, float | None, int]],
            *, min_radius: float = MIN_RADIUS, max_radius: float = MAX_RADIUS) -> list[Bubble]:
    """One circle per (key, title, lat, lon, count) with coordinates and a count above zero, its
    area proportional to the count (the largest gets `max_radius`, none less than `min_radius`);
    largest first, so the small ones are drawn on top and stay visible."""
    placed = [(key, title, project(lat, lon), count) for key, title, lat, lon, count in counts
              if lat is not None and lon is not None and count > 0]
    largest = max((count for *_, count in placed), default=1)
    found = [Bubble(key, title, count, x, y, round(max(min_radius, max_radius * math.sqrt(count / largest)), 1))
             for key, title, (x, y), count in placed]
    return sorted(found, key=lambda b: (-b.count, b.key))


def backdrop(points: Iterable[tuple[float, float]]) -> str:
    """An SVG path's `d` with a round point at every (lat, lon) given, each once: drawn with every
    municipality's office, the outline of Japan appears without any map data."""
    placed = dict.fromkeys(project(lat, lon) for lat, lon in points)
    return "".join(f"M{x:g} {y:g}h0" for x, y in placed)


@lru_cache(maxsize=1)
def outline() -> str:
    """Every municipality's office as a point: the shape of Japan behind the dots."""
    return backdrop((g.lat, g.lon) for g in local_governments().values() if g.lat is not None and g.lon is not None)
