"""The map of Japan's projection (matching's program map, the console's member map): Japan's
corners at the box's corners, north up, one dot per thing with coordinates (fanned out when they
share a municipality), bubbles sized by count, and the backdrop's points."""

from __future__ import annotations

import math

from kit.japan_map import (
    HEIGHT,
    LAT_MAX,
    LAT_MIN,
    LON_MAX,
    LON_MIN,
    MAX_RADIUS,
    MIN_RADIUS,
    WIDTH,
    backdrop,
    bubbles,
    dots,
    outline,
    project,
)

HIDA = (36.23812, 137.18632)
SAPPORO = (43.0621, 141.35438)
NAHA = (26.21242, 127.68113)


def test_the_box_fills_the_map_north_up() -> None:
    assert project(LAT_MAX, LON_MIN) == (0.0, 0.0)
    assert project(LAT_MIN, LON_MAX) == (WIDTH, HEIGHT)
    hida, sapporo, naha = project(*HIDA), project(*SAPPORO), project(*NAHA)
    assert sapporo[1] < hida[1] < naha[1] and naha[0] < hida[0] < sapporo[0]
    assert 0 < hida[0] < WIDTH and 0 < hida[1] < HEIGHT


def test_a_place_outside_sits_on_the_edge() -> None:
    assert project(20.4, 136.1)[1] == HEIGHT  # 沖ノ鳥島 is south of the box
    assert project(24.3, 153.9)[0] == WIDTH  # 南鳥島 east of it


def test_one_dot_per_program_with_coordinates() -> None:
    placed = dots([("a", "りんご", *HIDA), ("b", "オンライン相談", None, None), ("c", "雪かき", *SAPPORO)])
    assert [d.key for d in placed] == ["a", "c"]
    assert (placed[0].x, placed[0].y) == project(*HIDA)


def test_programs_in_one_municipality_are_fanned_out() -> None:
    placed = dots([(str(i), "祭り", *HIDA) for i in range(5)])
    centre = project(*HIDA)
    assert len({(d.x, d.y) for d in placed}) == 5
    assert all(math.dist(centre, (d.x, d.y)) <= 4 * math.sqrt(4) + 0.1 for d in placed)


def test_bubbles_grow_by_area_and_the_small_ones_are_drawn_last() -> None:
    placed = bubbles([("212172", "飛騨市", *HIDA, 4), ("011002", "札幌市", *SAPPORO, 16),
                      ("472018", "那覇市", *NAHA, 0), ("999999", "不明", None, None, 3)])
    assert [b.key for b in placed] == ["011002", "212172"]  # none for zero, none without a place
    sapporo, hida = placed
    assert sapporo.r == MAX_RADIUS and hida.r == MAX_RADIUS / 2  # a quarter of the count, a quarter of the area
    assert (hida.x, hida.y) == project(*HIDA)
    assert bubbles([("a", "a", *HIDA, 1), ("b", "b", *NAHA, 10_000)])[-1].r == MIN_RADIUS
    assert bubbles([]) == []


def test_the_backdrop_has_each_point_once() -> None:
    d = backdrop([HIDA, HIDA, NAHA])
    assert d.count("M") == 2 and d.endswith("h0")


def test_the_outline_is_every_office() -> None:
    assert outline().count("M") > 1000
