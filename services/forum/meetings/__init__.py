"""Networking between local governments at a block forum: one organization's attendee asks
another's for a short talk; once accepted it is booked into a free networking slot."""
