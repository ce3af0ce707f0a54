"""Participation and relation depth: who took part where, each person's relation stage with a
municipality (集める → 深める → つなげる), and a municipality's depth figures as of any date."""
