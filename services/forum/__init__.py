"""forum: regional block forums, the national forum and かかわりカフェ (built in its own issue)."""
