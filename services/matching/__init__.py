"""matching: people who want to help (helpers, 関係人口) and regional programs (like 飛騨市's
ヒダスケ!): explained recommendations, first-come applications and stable allocation rounds, and
how a person's relation to a region deepens (集める → 深める → つなげる)."""
