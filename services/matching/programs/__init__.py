"""Programs: what a region asks helpers for, posted by a member for itself or a resident host."""
