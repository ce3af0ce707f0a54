"""Signups: seats, holds, the waitlist and promotions, self-service by signed link."""
