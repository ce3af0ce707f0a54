"""Programs and relations as of a day: programs published, participations (延べ), unique people,
repeat rate per municipality, and the funnel 集める → 深める → つなげる."""
