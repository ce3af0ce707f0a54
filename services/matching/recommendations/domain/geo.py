"""Great-circle distance on a spherical Earth (haversine), in km.

One implementation for one pair and for a whole catalogue at once (numpy broadcasts), so the
simple path and the indexes' vectorised path get the very same number for the same pair."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)

Degrees = float | npt.NDArray[np.float64]


def haversine_km(lat1: Degrees, lon1: Degrees, lat2: Degrees, lon2: Degrees) -> npt.NDArray[np.float64]:
    """Distances between points given in degrees; arrays broadcast, NaN stays NaN."""
    p1, l1, p2, l2 = np.radians(lat1), np.radians(lon1), np.radians(lat2), np.radians(lon2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0))), dtype=np.float64)
