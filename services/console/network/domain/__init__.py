"""The network's figures, pure: counted from plain rows as of a day, placed with the official list
of local governments that the caller passes in."""
