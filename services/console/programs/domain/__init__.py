"""The programs' figures, pure: counted from plain rows as of a day."""
