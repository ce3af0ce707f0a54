"""notify's shape: sub-slices of the same make-up (inbox, delivery, preferences, webhooks,
messages), no import cycles between or inside them, and only the HTTP glue, the handlers and
the composition root see NotifyDeps (tests/support/import_graph.py's ServiceShape)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import ServiceShape, ServiceTree

ROOT = Path(__file__).resolve().parents[3]
SLICES = ("inbox", "delivery", "preferences", "webhooks", "messages")
# What each slice must have: messages is the catalogue and its rendering, with no API of its own.
PIECES = {"inbox": ("api", "pages", "service", "repository", "schemas"),
          "delivery": ("api", "pages", "service", "repository", "schemas", "domain"),
          "preferences": ("api", "pages", "service", "repository", "schemas", "domain"),
          "webhooks": ("api", "pages", "service", "repository", "schemas", "domain"),
          "messages": ("catalog", "render", "samples", "pages")}
SHAPE = ServiceShape(ServiceTree(ROOT, "notify"), SLICES, pieces=PIECES)


def test_no_import_cycle_between_modules() -> None:
    SHAPE.assert_no_module_cycle()


def test_no_import_cycle_between_notifys_parts() -> None:
    """The composition root builds the slices' workers, and the slices' HTTP adapters (api, pages)
    take the deps object it builds; apart from those adapters, parts depend on each other one way."""
    SHAPE.assert_no_cycle_between_parts()


@pytest.mark.parametrize("part", SLICES)
def test_no_import_cycle_inside_a_slice(part: str) -> None:
    SHAPE.assert_no_cycle_inside(part)


@pytest.mark.parametrize("part", SLICES)
def test_every_slice_has_its_shape(part: str) -> None:
    SHAPE.assert_shaped(part)


def test_only_the_composition_root_and_web_layer_know_the_dependencies_object() -> None:
    """Use cases take what they need as arguments; only HTTP glue, handlers and the root see NotifyDeps."""
    SHAPE.assert_deps_stay_at_the_edges()
