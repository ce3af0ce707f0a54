"""Telemetry kit: traces (OpenTelemetry), metrics (Prometheus) and JSON logs."""
