"""Recommendations both ways, each with its reasons: programs for the signed-in helper ("for you"),
and candidates for a program among people who consented to be scouted; and scouts, sent once."""
