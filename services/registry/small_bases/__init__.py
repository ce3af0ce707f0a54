"""小さな拠点 (small bases): hubs of daily-life services, registered by municipality and RMO members
and counted against the national target."""
