"""Directory rules, pure: what "as of a day" means and which days may be asked about."""
