"""Membership: applications and their review, member records, their history and the operators'
audit log, and CSV import and export."""
