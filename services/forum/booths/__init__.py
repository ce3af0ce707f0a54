"""Booths at block forums: an intermediary organization's member admin applies, an operator
approves or rejects, and approved booths are listed on the event page."""
