"""matching's recommendations, both ways: programs for a person and candidates for a program
(scouting, only among people who consented). Each result says why, in Japanese and English."""
