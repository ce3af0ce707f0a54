"""Small-base rules, pure: who registers which base, when it may have opened, the national figures."""
