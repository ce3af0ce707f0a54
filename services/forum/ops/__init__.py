"""The operators' pages: every event's fill rate and waitlist, live; an event's attendees (with
a CSV for Excel), booths to decide on, and links to the check-in desk and the lottery's audit."""
