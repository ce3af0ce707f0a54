"""The public face of the registry: the landing page, the member directory, and the report's figures
(membership as of a day)."""
