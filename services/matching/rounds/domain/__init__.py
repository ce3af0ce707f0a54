"""The rounds' pure rules: the instance, deferred acceptance, max fill, the season relay, the quality report."""
