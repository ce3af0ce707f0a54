"""Participation and relation depth: hosts confirm who came and forum check-ins count too, roles
are recorded, every dated fact may move a person's relation to a municipality (集める → 深める →
つなげる, `matching.relation.stage_changed.v1`), and a municipality's depth is read as of any day."""
