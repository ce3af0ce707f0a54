"""The network's figures as of a day: members by kind, block and prefecture, the map of where they
are, applications waiting, and the 小さな拠点 registered against the national target."""
