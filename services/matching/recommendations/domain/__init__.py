"""Pure recommendation rules: the facts, n-gram text matching, distance, the pluggable scorer and
the vectorised indexes. No I/O; numpy and the standard library only."""
