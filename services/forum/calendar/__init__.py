"""Café series (RFC 5545 RRULE, one event per date) and calendars: a signup's `.ics`, a series' feed."""
