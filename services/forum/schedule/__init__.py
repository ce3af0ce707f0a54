"""Scheduled work: reminders, reconfirmation and its deadline, lottery draws (rows of
`scheduled_jobs` planned per event) and the expiry of unverified holds and unaccepted offers,
each a job on the kit's worker that fires once across restarts and replicas."""
