"""deploy/k8s/networkpolicies.yaml, checked by what it allows (tests/deploy/netpol.py evaluates the
policies the kustomization applies): the services are reached only from the ingress controller and the
console; they reach NATS, PostgreSQL, DNS and the trace collector; only notify reaches SMTP relays and
public HTTPS (never private addresses); the NATS nodes reach each other; the streams Job reaches NATS and
DNS only; whatever else is refused."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.deploy.manifests import APP_PORT, EXAMPLE_SECRETS, NAMESPACE, SERVICES, applied_k8s_docs, load_all
from tests.deploy.netpol import Address, Pod, Policies, pod_of

# Pods outside the namespace, as the clusters this targets label them: ingress-nginx's chart (the
# Ingress names ingressClassName nginx) and CoreDNS / kube-dns.
INGRESS_CONTROLLER = Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
DNS = Pod("kube-system", {"k8s-app": "kube-dns"})
POSTGRES_IN_NAMESPACE = Pod(NAMESPACE, {"app.kubernetes.io/name": "postgresql"})
# Who must be refused: a stranger in the namespace (a debug pod), a workload in another namespace,
# another pod in the ingress controller's namespace, the cloud metadata service, private networks.
STRANGER = Pod(NAMESPACE, {"app": "debug"})
OTHER_NAMESPACE = Pod("default", {"app.kubernetes.io/name": "console", "app.kubernetes.io/part-of": "kakawari"})
INGRESS_NEIGHBOUR = Pod("ingress-nginx", {"app.kubernetes.io/name": "admission-webhook"})
PUBLIC_HOST = Address("93.184.215.14")
PUBLIC_HOST_V6 = Address("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
PRIVATE = [Address(ip) for ip in ("10.1.2.3", "172.20.0.5", "192.168.1.10", "169.254.169.254", "127.0.0.1",
                                  "100.64.0.1", "fd00::1")]


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return [d for _, d in applied_k8s_docs()]


@pytest.fixture(scope="module")
def policies(docs) -> Policies:
    found = Policies.of(docs)
    assert found.docs, "no NetworkPolicy is applied"
    return found


@pytest.fixture(scope="module")
def pods(docs) -> dict[str, Pod]:
    """Each service's pod, a NATS node's and the streams Job's (as "streams"), as their workloads make them."""
    out = {d["metadata"]["name"]: pod_of(d) for d in docs if d["kind"] in ("Deployment", "StatefulSet")}
    [job] = [d for d in docs if d["kind"] == "Job"]
    out["streams"] = pod_of(job)
    assert set(SERVICES) | {"nats"} <= set(out)
    return out


def _config(docs) -> dict[str, str]:
    return next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "kakawari-config")["data"]


def _collector(docs) -> tuple[Pod, int]:
    """The OTLP collector OTEL_EXPORTER_OTLP_ENDPOINT names (`<service>.<namespace>.svc:<port>`)."""
    url = urlsplit(_config(docs)["OTEL_EXPORTER_OTLP_ENDPOINT"])
    assert url.hostname and url.port, url
    parts = url.hostname.split(".")
    namespace = parts[1] if len(parts) > 1 else NAMESPACE
    return Pod(namespace, {"app.kubernetes.io/name": parts[0]}), url.port


def _smtp_port() -> int:
    """The SMTP relay's port, as the example notify Secret's SMTP_URL names it (submission: 587)."""
    notify = next(d for d in load_all(EXAMPLE_SECRETS) if "SMTP_URL" in (d.get("stringData") or {}))
    url = urlsplit(notify["stringData"]["SMTP_URL"])
    return url.port or {"smtp": 25, "smtps": 465}[url.scheme]


def _nats_client_port(pods: dict[str, Pod]) -> int:
    return pods["nats"].ports["client"][0]


def test_every_pod_is_isolated_both_ways(policies, pods):
    """A default-deny covers the namespace, and each workload has its own policy for both directions."""
    assert policies.selecting(STRANGER, "Ingress") and policies.selecting(STRANGER, "Egress")
    for name, pod in pods.items():
        own = [p for p in policies.selecting(pod, "Ingress") if p["spec"].get("podSelector")]
        assert own and any(p in policies.selecting(pod, "Egress") for p in own), f"{name}: no policy of its own"
    for target in [*pods.values(), POSTGRES_IN_NAMESPACE]:
        for port in (APP_PORT, 4222, 5432, 6222, 8222):
            assert not policies.allows(STRANGER, target, port), (target.labels, port)
    assert not policies.allows(STRANGER, PUBLIC_HOST, 443) and not policies.allows(STRANGER, DNS, 53, "UDP")


@pytest.mark.parametrize("service", SERVICES)
def test_services_are_reached_from_the_ingress_controller_and_the_console_only(policies, pods, service):
    pod = pods[service]
    assert policies.allows(INGRESS_CONTROLLER, pod, APP_PORT)
    assert policies.allows(pods["console"], pod, APP_PORT), "the console reads /readyz and /metrics"
    assert not policies.allows(INGRESS_CONTROLLER, pod, 9090), "only the app's port"
    for other in [*(pods[s] for s in SERVICES if s not in (service, "console")), pods["nats"], STRANGER,
                  OTHER_NAMESPACE, INGRESS_NEIGHBOUR, DNS]:
        assert not policies.allows(other, pod, APP_PORT), f"{service} reachable from {other}"
    assert not policies.allows(PUBLIC_HOST, pod, APP_PORT)


@pytest.mark.parametrize("service", SERVICES)
def test_services_reach_nats_postgresql_dns_and_the_collector(policies, pods, docs, service):
    pod = pods[service]
    assert policies.allows(pod, pods["nats"], _nats_client_port(pods))
    assert not policies.allows(pod, pods["nats"], 6222), "cluster routes are for the NATS nodes"
    assert not policies.allows(pod, pods["nats"], 8222)
    assert policies.allows(pod, DNS, 53, "UDP") and policies.allows(pod, DNS, 53, "TCP")
    assert policies.allows(pod, POSTGRES_IN_NAMESPACE, 5432)
    assert not policies.allows(pod, POSTGRES_IN_NAMESPACE, 5433)
    managed = [rule for p in policies.selecting(pod, "Egress") for rule in p["spec"].get("egress") or []
               if any(port.get("port") == 5432 for port in rule.get("ports") or [])
               and any("ipBlock" in peer for peer in rule.get("to") or [])]
    assert managed, f"{service}: no egress to a managed PostgreSQL's address"
    collector, port = _collector(docs)
    assert policies.allows(pod, collector, port), f"{service} cannot export traces to {collector}:{port}"


@pytest.mark.parametrize("service", SERVICES)
def test_only_notify_reaches_smtp_and_public_https(policies, pods, service):
    pod = pods[service]
    smtp = _smtp_port()
    if service == "notify":
        assert policies.allows(pod, PUBLIC_HOST, smtp) and policies.allows(pod, Address("10.0.5.25"), smtp)
        assert policies.allows(pod, PUBLIC_HOST, 443) and policies.allows(pod, PUBLIC_HOST_V6, 443)
        for private in PRIVATE:
            assert not policies.allows(pod, private, 443), f"webhooks may reach {private.ip}"
        assert not policies.allows(pod, PUBLIC_HOST, 80), "webhooks are HTTPS"
    else:
        for port in (smtp, 25, 465, 443, 80):
            assert not policies.allows(pod, PUBLIC_HOST, port), f"{service} reaches the internet on {port}"
    for private in PRIVATE:
        assert not policies.allows(pod, private, 22)


def test_only_the_console_reaches_other_services(policies, pods):
    for service in SERVICES:
        assert policies.allows(pods["console"], pods[service], APP_PORT), service
        for sender in SERVICES:
            if sender not in ("console", service):
                assert not policies.allows(pods[sender], pods[service], APP_PORT), (sender, service)


def test_nats_nodes_reach_each_other_and_nothing_else(policies, pods):
    nats = pods["nats"]
    routes = nats.ports["cluster"][0]
    assert policies.allows(nats, nats, routes)
    assert policies.allows(nats, DNS, 53, "UDP"), "routes are resolved through the headless Service"
    assert not policies.allows(nats, PUBLIC_HOST, 443) and not policies.allows(nats, pods["registry"], APP_PORT)
    assert not policies.allows(nats, POSTGRES_IN_NAMESPACE, 5432)
    for outsider in (INGRESS_CONTROLLER, OTHER_NAMESPACE, STRANGER, PUBLIC_HOST):
        assert not policies.allows(outsider, nats, _nats_client_port(pods)), outsider
        assert not policies.allows(outsider, nats, routes), outsider


def test_the_streams_job_reaches_nats_and_dns_and_nobody_reaches_it(policies, pods):
    job = pods["streams"]
    assert policies.allows(job, pods["nats"], _nats_client_port(pods))
    assert policies.allows(job, DNS, 53, "UDP") and policies.allows(job, DNS, 53, "TCP")
    assert not policies.allows(job, pods["nats"], 6222) and not policies.allows(job, POSTGRES_IN_NAMESPACE, 5432)
    assert not policies.allows(job, PUBLIC_HOST, 443)
    for service in SERVICES:
        assert not policies.allows(job, pods[service], APP_PORT), service
    for sender in [*(pods[s] for s in SERVICES), pods["nats"], INGRESS_CONTROLLER, STRANGER]:
        for port in (APP_PORT, 4222, 8222):
            assert not policies.allows(sender, job, port), (sender, port)


def test_postgresql_in_the_namespace_is_reached_by_the_services_only(policies, pods):
    for service in SERVICES:
        assert policies.allows(pods[service], POSTGRES_IN_NAMESPACE, 5432)
    for outsider in (pods["nats"], INGRESS_CONTROLLER, OTHER_NAMESPACE, STRANGER):
        assert not policies.allows(outsider, POSTGRES_IN_NAMESPACE, 5432), outsider
    assert not policies.allows(POSTGRES_IN_NAMESPACE, PUBLIC_HOST, 443)


def test_the_evaluator_follows_the_api():
    """netpol.py itself, on the rules the checks above rely on."""
    a, b = Pod("ns", {"app": "a"}, {"http": (80, "TCP")}), Pod("ns", {"app": "b"})
    deny = {"kind": "NetworkPolicy", "metadata": {"name": "d", "namespace": "ns"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
    assert Policies.of([]).allows(a, b, 80)  # no policy: open
    assert not Policies.of([deny]).allows(a, b, 80)
    allow_b_to_a = {"kind": "NetworkPolicy", "metadata": {"name": "x", "namespace": "ns"}, "spec": {
        "podSelector": {"matchLabels": {"app": "a"}},
        "ingress": [{"from": [{"podSelector": {"matchExpressions": [
            {"key": "app", "operator": "In", "values": ["b"]}]}}], "ports": [{"port": "http"}]}]}}
    egress_b = {"kind": "NetworkPolicy", "metadata": {"name": "y", "namespace": "ns"}, "spec": {
        "podSelector": {"matchLabels": {"app": "b"}}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"podSelector": {}}], "ports": [{"port": 70, "endPort": 90}]}]}}
    policies = Policies.of([deny, allow_b_to_a, egress_b])
    assert policies.allows(b, a, 80)
    assert not policies.allows(b, a, 81)  # the named port is 80 only
    assert not policies.allows(a, b, 80)
    assert not policies.allows(Pod("other", {"app": "b"}), a, 80)  # a podSelector alone: same namespace
    block = {"kind": "NetworkPolicy", "metadata": {"name": "z", "namespace": "ns"}, "spec": {
        "podSelector": {"matchLabels": {"app": "a"}}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}]}]}}
    assert Policies.of([block]).allows(a, Address("8.8.8.8"), 443)
    assert not Policies.of([block]).allows(a, Address("10.0.0.1"), 443)
    assert not Policies.of([block]).allows(a, Address("::1"), 443)
    assert not Policies.of([block]).allows(a, b, 443)  # ipBlocks never match pods here
