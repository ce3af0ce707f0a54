"""Batch rounds: people rank programs, hosts rank applicants, one stable allocation per round."""
