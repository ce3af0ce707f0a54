"""Helpers (関係人口): a signed-in person's profile, favourite regions and consent to be scouted,
their data export, and erasure when the registry forgets them (APPI)."""
