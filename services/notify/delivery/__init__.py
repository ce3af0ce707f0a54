"""The delivery log and email: deciding each delivery (preferences, quiet hours, suppression,
digests), sending it on the kit's worker with a lease, and the operators' log."""
