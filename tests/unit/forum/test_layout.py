"""forum's shape: sub-slices of the same make-up, no import cycles between or inside them (apart
from the HTTP adapters that take the deps object), and only the HTTP glue, the handlers and the
composition root see ForumDeps (tests/support/import_graph.py's ServiceShape)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import ServiceShape, ServiceTree

ROOT = Path(__file__).resolve().parents[3]
SLICES = ("events", "signups", "lottery", "schedule", "checkin", "booths", "meetings", "ops", "calendar")
SHAPE = ServiceShape(ServiceTree(ROOT, "forum"), SLICES, pieces=("pages", "service"),
                     edges=frozenset({"api", "pages", "web", "main", "handlers", "seed"}))


def test_no_import_cycle_between_modules() -> None:
    SHAPE.assert_no_module_cycle()


def test_no_import_cycle_between_forums_parts() -> None:
    SHAPE.assert_no_cycle_between_parts()


@pytest.mark.parametrize("part", SLICES)
def test_no_import_cycle_inside_a_slice(part: str) -> None:
    SHAPE.assert_no_cycle_inside(part)


@pytest.mark.parametrize("part", SLICES)
def test_every_slice_has_its_http_side_and_its_use_cases(part: str) -> None:
    SHAPE.assert_shaped(part)


def test_only_the_composition_root_and_web_layer_know_the_dependencies_object() -> None:
    SHAPE.assert_deps_stay_at_the_edges()
