"""Registry domain: pure rules for local governments, organisations and membership.

Only the standard library and `kit.errors` may be imported here, so every rule
can be unit-tested without a database, network or web framework.
"""
