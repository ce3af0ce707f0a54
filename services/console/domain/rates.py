"""Rates the dashboards show (a share of a whole), and how an export writes them. Pure."""

from __future__ import annotations

PRECISION = 4  # digits kept of a 0–1 rate: 0.1% is the finest a dashboard shows


def rate(part: int, whole: int) -> float | None:
    """`part / whole` rounded to PRECISION digits; None when there is no whole to share (not 0: nothing
    was measured, which a page says rather than showing 0%)."""
    return round(part / whole, PRECISION) if whole > 0 else None


def percent(value: float | None) -> str:
    """A rate as an export writes it: `81.3%` (Excel reads it as a number), empty when there is none."""
    return "" if value is None else f"{value * 100:.1f}%"
