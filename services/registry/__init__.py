"""registry: かかわりラボ members, their staff and roles, and the public directory."""
