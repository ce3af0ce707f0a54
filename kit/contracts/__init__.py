"""Versioned event contracts: the only thing services share about each other.

Import a service's contracts from here (`from kit.contracts.registry import
MemberApproved`); never from the service's own package.
"""

from kit.contracts import forum, matching, notify, registry
from kit.contracts.base import CATALOGUE, EventContract

__all__ = ["CATALOGUE", "EventContract", "forum", "matching", "notify", "registry"]
