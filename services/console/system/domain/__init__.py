"""The system dashboard's pure rules: readiness verdicts, request rates and latency quantiles from two
scrapes of Prometheus counters, and which streams, consumers and trace ids are this deployment's."""
