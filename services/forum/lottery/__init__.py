"""The auditable lottery: a seed committed (its hash published) before it closes, revealed at
the draw; anyone can re-run the published algorithm on the published list."""
