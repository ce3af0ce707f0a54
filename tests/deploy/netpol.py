"""A small evaluator of Kubernetes NetworkPolicies (networking.k8s.io/v1), for the deployment checks:
may this pod (or address) open a connection to that one, on this port? It follows the API's rules
(https://kubernetes.io/docs/concepts/services-networking/network-policies/): a pod selected by no
policy of a direction is open in it; a selected pod allows only what some rule of a selecting policy
allows; both the sender's egress and the receiver's ingress must allow a connection. Peers are pod
and namespace selectors (matchLabels and matchExpressions) and ipBlocks; ports are numbers, names
(resolved on the receiving pod) or ranges (endPort). It is no CNI: pods are only ever matched by
selectors, never by ipBlocks, and traffic from the node (kubelet probes) is not modelled."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NAME_LABEL = "kubernetes.io/metadata.name"  # every namespace carries its name as this label


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: Mapping[str, str]
    ports: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # name -> (port, protocol)

    @property
    def namespace_labels(self) -> dict[str, str]:
        return {NAME_LABEL: self.namespace}


@dataclass(frozen=True)
class Address:
    """Something outside the cluster's pods: an IP address."""

    ip: str


Endpoint = Pod | Address


def selects(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A label selector; `{}` selects everything."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _peer_matches(peer: Mapping[str, Any], policy_namespace: str, other: Endpoint) -> bool:
    if "ipBlock" in peer:
        if not isinstance(other, Address):
            return False
        ip = ipaddress.ip_address(other.ip)
        block = peer["ipBlock"]
        net = ipaddress.ip_network(block["cidr"])
        if ip.version != net.version or ip not in net:
            return False
        return not any(ip in ipaddress.ip_network(e) for e in block.get("except") or []
                       if ipaddress.ip_network(e).version == ip.version)
    if not isinstance(other, Pod):
        return False
    if "namespaceSelector" in peer:
        if not selects(peer["namespaceSelector"], other.namespace_labels):
            return False
    elif other.namespace != policy_namespace:  # a podSelector alone means the policy's own namespace
        return False
    return selects(peer.get("podSelector"), other.labels)


def _port_matches(ports: Iterable[Mapping[str, Any]] | None, receiver: Endpoint, port: int, protocol: str) -> bool:
    listed = list(ports or [])
    if not listed:
        return True
    for p in listed:
        if p.get("protocol", "TCP") != protocol:
            continue
        want = p.get("port")
        if want is None:
            return True
        if isinstance(want, str):
            if isinstance(receiver, Pod) and receiver.ports.get(want) == (port, protocol):
                return True
            continue
        if want <= port <= p.get("endPort", want):
            return True
    return False


@dataclass(frozen=True)
class Policies:
    docs: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, docs: Iterable[Mapping[str, Any]]) -> Policies:
        return cls(tuple(d for d in docs if d.get("kind") == "NetworkPolicy"))

    def selecting(self, pod: Pod, direction: str) -> list[Mapping[str, Any]]:
        found = []
        for policy in self.docs:
            spec = policy["spec"]
            types = spec.get("policyTypes") or (["Ingress", "Egress"] if "egress" in spec else ["Ingress"])
            if (direction in types and policy["metadata"]["namespace"] == pod.namespace
                    and selects(spec.get("podSelector"), pod.labels)):
                found.append(policy)
        return found

    def _allows(self, pod: Pod, direction: str, other: Endpoint, receiver: Endpoint, port: int,
                protocol: str) -> bool:
        policies = self.selecting(pod, direction)
        if not policies:
            return True  # isolated in this direction only once a policy selects it
        rules_key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        for policy in policies:
            for rule in policy["spec"].get(rules_key) or []:
                peers = rule.get(peers_key)
                if (not peers or any(_peer_matches(peer, pod.namespace, other) for peer in peers)) and \
                        _port_matches(rule.get("ports"), receiver, port, protocol):
                    return True
        return False

    def allows(self, source: Endpoint, target: Endpoint, port: int, protocol: str = "TCP") -> bool:
        """May `source` open a connection to `target`'s `port`?"""
        out = not isinstance(source, Pod) or self._allows(source, "Egress", target, target, port, protocol)
        into = not isinstance(target, Pod) or self._allows(target, "Ingress", source, target, port, protocol)
        return out and into


def pod_of(workload: Mapping[str, Any]) -> Pod:
    """The pod a Deployment or StatefulSet makes: its namespace, labels and named container ports."""
    template = workload["spec"]["template"]
    ports = {p["name"]: (p["containerPort"], p.get("protocol", "TCP"))
             for c in template["spec"]["containers"] for p in c.get("ports") or [] if "name" in p}
    return Pod(workload["metadata"]["namespace"], dict(template["metadata"]["labels"]), ports)
