"""kakawari's shared kit: contracts, messaging, database, telemetry and web helpers.

The kit never imports a service; services import the kit.
"""
