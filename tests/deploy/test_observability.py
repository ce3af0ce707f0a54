"""Static checks of the observability stack (no container engine needed): Prometheus's scrape
configuration and alert rules, the Grafana dashboards and their provisioning, and how
docker-compose.yml wires the OpenTelemetry collector, Jaeger, Prometheus and Grafana.

Metric names are checked against the collectors kit/telemetry/metrics.py really defines
(`tests/deploy/promql.py`). Where `promtool` is on the PATH (Debian's `prometheus` package) the
configuration and rules are also checked by it; CI does not depend on it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest

from tests.deploy import promql
from tests.deploy.manifests import APP_PORT, COMPOSE, DEPLOY, ROOT, SERVICES, command_argv, load_all

PROMETHEUS_DIR = DEPLOY / "prometheus"
PROMETHEUS_YML = PROMETHEUS_DIR / "prometheus.yml"
ALERTS_YML = PROMETHEUS_DIR / "alerts.yml"
GRAFANA = DEPLOY / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
PROVISIONING = GRAFANA / "provisioning"
COLLECTOR_YML = DEPLOY / "otel" / "collector.yaml"

OBSERVABILITY = ("otel-collector", "jaeger", "prometheus", "grafana")
SEVERITIES = {"critical", "warning", "info"}
DURATION = re.compile(r"(\d+(ms|s|m|h|d|w|y))+")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _one_yaml(path: Path) -> dict:
    docs = load_all(path)
    assert len(docs) == 1, f"{path.relative_to(ROOT)}: expected one YAML document"
    assert isinstance(docs[0], dict)
    return docs[0]


@pytest.fixture(scope="module")
def compose() -> dict:
    return _one_yaml(COMPOSE)


@pytest.fixture(scope="module")
def prometheus_config() -> dict:
    return _one_yaml(PROMETHEUS_YML)


@pytest.fixture(scope="module")
def alert_rules() -> list[dict]:
    doc = _one_yaml(ALERTS_YML)
    assert set(doc) == {"groups"}, f"alerts.yml: top-level keys {set(doc)}"
    return [rule for group in doc["groups"] for rule in group.get("rules") or []]


@pytest.fixture(scope="module")
def dashboards() -> dict[str, dict]:
    files = sorted(DASHBOARDS.glob("*.json"))
    assert files, "no Grafana dashboards in deploy/grafana/dashboards"
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in files}


def _short(expr: str) -> str:
    return re.sub(r"\s+", "", expr)


def _panels(dashboard: dict) -> list[dict]:
    """Every panel, rows' nested panels (collapsed rows keep theirs inside) included."""
    out = []
    for p in dashboard.get("panels", []):
        out.append(p)
        out.extend(p.get("panels") or [])
    return out


def _exprs(dashboards: dict[str, dict]) -> list[str]:
    return [t["expr"] for d in dashboards.values() for p in _panels(d) for t in p.get("targets") or []]


def _mounts(service: dict) -> dict[str, Path]:
    """A compose service's bind mounts: container path -> host path."""
    out = {}
    for v in service.get("volumes", []):
        parts = str(v).split(":")
        if parts[0].startswith((".", "/")):
            out[parts[1]] = (ROOT / parts[0]).resolve()
    return out


def _host_path(service: dict, container_path: str) -> Path | None:
    """Where `container_path` comes from on the host, through the service's bind mounts."""
    target = PurePosixPath(container_path)
    for mount, host in sorted(_mounts(service).items(), key=lambda kv: -len(kv[0])):
        try:
            rest = target.relative_to(mount)
        except ValueError:
            continue
        return host.joinpath(*rest.parts) if rest.parts else host
    return None


def _published(service: dict) -> list[tuple[str | None, str, str]]:
    """(host ip or None, host port, container port) of each published port, short or long syntax."""
    out = []
    for p in service.get("ports", []):
        if isinstance(p, dict):
            out.append((p.get("host_ip"), str(p.get("published", "")), str(p["target"])))
            continue
        spec = str(p).split("/")[0]
        if spec.startswith("["):  # [::1]:8080:80
            ip, rest = spec[1:].split("]:", 1)
            host_port, container = rest.split(":")
            out.append((ip, host_port, container))
            continue
        parts = spec.split(":")
        if len(parts) == 3:
            out.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            out.append((None, parts[0], parts[1]))
        else:
            out.append((None, "", parts[0]))  # container port only: a random port on every interface
    return out


# ------------------------------------------------------------------ the PromQL reader itself


def test_promql_reader_finds_metrics_functions_and_labels():
    q = promql.read('max by (service, consumer) (deriv(kakawari_consumer_lag{service=~"$service"}[10m])) > 0')
    assert q.metrics == {"kakawari_consumer_lag"}
    assert q.functions == {"max", "deriv"}
    assert q.grouping == {"service", "consumer"}
    assert q.matchers == (("kakawari_consumer_lag", "service", "=~", "x"),)
    q = promql.read(
        'histogram_quantile(0.95, sum by (le) (rate(a_bucket{job="x"}[$__rate_interval]))) '
        "/ on (job) group_left b_total offset 5m and bool 1e3 > up"
    )
    assert q.metrics == {"a_bucket", "b_total", "up"}
    assert q.functions == {"histogram_quantile", "sum", "rate"}
    assert q.grouping == {"le", "job"}


def test_promql_problems_catch_mistakes():
    series = promql.known_series()
    assert promql.problems("max(kakawari_dlq_messages) > 0", series) == []
    assert promql.problems("rate(kakawari_no_such_metric_total[5m])", series)
    assert promql.problems("kakawari_outbox_backlog", series) == []
    assert promql.problems("kakawari_outbox_backlog_total", series), "a gauge has no _total series"
    assert promql.problems("rat(kakawari_outbox_backlog[5m])", series), "misspelt function"
    assert promql.problems("sum(rate(kakawari_consumer_lag[5m])", series), "unbalanced"
    assert promql.problems('kakawari_event_loop_lag_seconds_count{service="x"}', series), "no such label"
    assert promql.problems("sum by (consumer) (kakawari_outbox_backlog)", series), "no such label to group by"


def test_defined_series_come_from_the_code():
    series = promql.defined_series()
    # the families the dashboards and alerts are about, read from the collectors
    for name in ("kakawari_ready", "kakawari_consumer_lag", "kakawari_outbox_oldest_age_seconds",
                 "kakawari_dlq_messages", "kakawari_events_handled_total", "kakawari_event_handler_seconds_bucket"):
        assert name in series, name
    assert "service" in series["kakawari_consumer_lag"] and "consumer" in series["kakawari_consumer_lag"]
    assert "le" in series["kakawari_event_handler_seconds_bucket"]
    assert "kakawari_outbox_backlog_total" not in series


# ------------------------------------------------------------------ Prometheus: scrape configuration


def test_prometheus_scrapes_every_service(prometheus_config, compose):
    services = compose["services"]
    jobs = prometheus_config["scrape_configs"]
    names = [j["job_name"] for j in jobs]
    assert len(names) == len(set(names)), "duplicate job_name"
    for svc in SERVICES:
        matching = [j for j in jobs if j.get("metrics_path") == f"/{svc}/metrics"]
        assert len(matching) == 1, f"no single scrape job for /{svc}/metrics"
        job = matching[0]
        assert job.get("scheme", "http") == "http"
        targets = [t for sc in job["static_configs"] for t in sc["targets"]]
        assert targets, svc
        for target in targets:
            host, port = target.rsplit(":", 1)
            assert host == svc and host in services, f"{svc}: scrapes {target}"
            assert int(port) == APP_PORT, f"{svc}: scrapes port {port}, the service listens on {APP_PORT}"
            assert command_argv(services[host]["command"])[:3] == ["kakawari", "serve", svc]
        for sc in job["static_configs"]:
            # the alerts select the platform's targets by this label
            assert (sc.get("labels") or {}).get("platform") == "kakawari", f"{svc}: no platform label"
            assert "service" not in (sc.get("labels") or {}), "`service` is the metrics' own label"


def test_prometheus_loads_the_alert_rules(prometheus_config):
    rule_files = [PROMETHEUS_YML.parent / f for f in prometheus_config.get("rule_files", [])]
    assert ALERTS_YML in rule_files, f"prometheus.yml does not load alerts.yml: {rule_files}"
    for f in rule_files:
        assert f.exists(), f
    for key in ("scrape_interval", "evaluation_interval"):
        assert DURATION.fullmatch(prometheus_config["global"][key]), key


# ------------------------------------------------------------------ Prometheus: alert rules


def test_alert_rules_schema():
    doc = _one_yaml(ALERTS_YML)
    groups = doc["groups"]
    assert isinstance(groups, list) and groups
    group_names = [g.get("name") for g in groups]
    assert all(group_names) and len(group_names) == len(set(group_names)), group_names
    alerts = []
    for g in groups:
        assert set(g) <= {"name", "rules", "interval", "limit", "labels", "query_offset"}, set(g)
        assert isinstance(g.get("rules"), list) and g["rules"], f"group {g['name']} has no rules"
        for rule in g["rules"]:
            name = rule.get("alert")
            assert name and re.fullmatch(r"[A-Z][A-Za-z0-9]+", name), f"{g['name']}: rule without alert name"
            assert set(rule) <= {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}, name
            assert isinstance(rule.get("expr"), str) and rule["expr"].strip(), name
            assert DURATION.fullmatch(str(rule.get("for", ""))), f"{name}: for {rule.get('for')!r}"
            assert rule.get("labels", {}).get("severity") in SEVERITIES, f"{name}: severity"
            ann = rule.get("annotations") or {}
            assert ann.get("summary") and ann.get("description"), f"{name}: annotations"
            alerts.append(name)
    assert len(alerts) == len(set(alerts)), "duplicate alert names"


def test_alert_exprs_use_only_defined_metrics(alert_rules):
    series = promql.known_series()
    for rule in alert_rules:
        assert promql.problems(rule["expr"], series) == [], rule["alert"]


def test_alert_templates_name_labels_the_expr_keeps(alert_rules):
    series = promql.known_series()
    for rule in alert_rules:
        q = promql.read(rule["expr"])
        kept = set().union(*(series[m] for m in q.metrics)) | promql.TARGET_LABELS
        if q.grouping and re.search(r"\bby\s*\(", rule["expr"]):
            kept = set(q.grouping)  # an aggregation keeps only its `by` labels
        elif q.functions & promql.AGGREGATIONS:
            kept = set()  # e.g. max(x): no labels left
        for text in (rule.get("annotations") or {}).values():
            for label in re.findall(r"\$labels\.(\w+)", text):
                assert label in kept, f"{rule['alert']}: annotation uses $labels.{label}, the expr keeps {kept}"


def _rule(alert_rules, pattern: str) -> dict:
    found = [r for r in alert_rules if re.search(pattern, _short(r["expr"]))]
    assert found, f"no alert whose expr matches {pattern}"
    return found[0]


def test_required_alerts_exist(alert_rules):
    # consumer lag growing: the lag's derivative over 10 minutes is positive AND it is above a threshold
    lag = _rule(alert_rules, r"deriv\(kakawari_consumer_lag(\{[^}]*\})?\[10m\]\)")
    assert re.search(r"kakawari_consumer_lag(\{[^}]*\})?\)*>[1-9]\d*", _short(lag["expr"])), lag["expr"]
    assert re.search(r"\band\b", lag["expr"]), "lag: both conditions must hold"
    # the outbox's oldest pending event is older than 60 s
    _rule(alert_rules, r"kakawari_outbox_oldest_age_seconds(\{[^}]*\})?\)*>60(?![\d.])")
    # the dead-letter queue is not empty
    _rule(alert_rules, r"kakawari_dlq_messages(\{[^}]*\})?\)*>0(?![\d.])")
    # a service is not ready, or cannot be scraped at all
    _rule(alert_rules, r"kakawari_ready(\{[^}]*\})?\)*==0(?![\d.])")
    up = _rule(alert_rules, r"\bup(\{[^}]*\})?\)*==0(?![\d.])")
    assert 'platform="kakawari"' in _short(up["expr"]), "up: select the platform's own targets"


def test_prometheus_alerts_name_label_it_sets(alert_rules, prometheus_config):
    target_labels = {k: v for j in prometheus_config["scrape_configs"] for sc in j.get("static_configs", [])
                     for k, v in (sc.get("labels") or {}).items()}
    for rule in alert_rules:
        for _metric, label, op, value in promql.read(rule["expr"]).matchers:
            if label == "platform":
                assert op == "=" and target_labels.get("platform") == value, rule["alert"]


# ------------------------------------------------------------------ promtool (where installed)

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool not on PATH (Debian package `prometheus`)")


@needs_promtool
def test_promtool_check_config():
    r = subprocess.run([PROMTOOL, "check", "config", str(PROMETHEUS_YML)], capture_output=True, text=True,
                       timeout=60, check=False, cwd=PROMETHEUS_DIR)
    assert r.returncode == 0, r.stdout + r.stderr


@needs_promtool
def test_promtool_check_rules():
    r = subprocess.run([PROMTOOL, "check", "rules", str(ALERTS_YML)], capture_output=True, text=True,
                       timeout=60, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


# ------------------------------------------------------------------ Grafana dashboards


def test_dashboards_structure(dashboards):
    uids = []
    for name, d in dashboards.items():
        assert d.get("title"), name
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,40}", d.get("uid", "")), f"{name}: uid {d.get('uid')!r}"
        uids.append(d["uid"])
        assert isinstance(d.get("schemaVersion"), int), name
        assert isinstance(d.get("panels"), list) and d["panels"], f"{name}: no panels"
        ids = [p["id"] for p in _panels(d)]
        assert len(ids) == len(set(ids)), f"{name}: duplicate panel ids"
        boxes = []
        for p in d["panels"]:
            g = p["gridPos"]
            assert g["x"] >= 0 and g["x"] + g["w"] <= 24 and g["h"] > 0, f"{name}/{p.get('title')}: {g}"
            for other_title, o in boxes:
                overlap = (g["x"] < o["x"] + o["w"] and o["x"] < g["x"] + g["w"]
                           and g["y"] < o["y"] + o["h"] and o["y"] < g["y"] + g["h"])
                assert not overlap, f"{name}: {p.get('title')} overlaps {other_title}"
            boxes.append((p.get("title"), g))
    assert len(uids) == len(set(uids)), "duplicate dashboard uid"


def test_dashboard_panels_query_defined_metrics(dashboards):
    series = promql.known_series()
    for name, d in dashboards.items():
        for p in _panels(d):
            if p.get("type") == "row":
                continue
            where = f"{name}/{p.get('title')}"
            assert p.get("title") and p.get("type"), where
            targets = p.get("targets") or []
            assert targets, f"{where}: no targets"
            refs = [t.get("refId") for t in targets]
            assert all(refs) and len(refs) == len(set(refs)), f"{where}: refIds {refs}"
            for t in targets:
                assert isinstance(t.get("expr"), str) and t["expr"].strip(), where
                assert promql.problems(t["expr"], series) == [], where
        for var in d.get("templating", {}).get("list", []):
            if var.get("type") == "query":
                query = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
                m = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", query)
                assert m, f"{name}: variable {var['name']}: {query}"
                assert m.group(1) in series and m.group(2) in series[m.group(1)], f"{name}: {query}"


def test_dashboards_cover_red_lag_outbox_dlq(dashboards):
    exprs = [_short(e) for e in _exprs(dashboards)]

    def some(pattern: str, what: str) -> None:
        assert any(re.search(pattern, e) for e in exprs), f"no panel shows {what} ({pattern})"

    some(r"rate\(kakawari_http_requests_total", "the request rate (R)")
    some(r'rate\(kakawari_http_requests_total\{[^}]*status_class=~?"5', "server errors (E)")
    some(r"histogram_quantile\([\d.]+,.*kakawari_http_request_seconds_bucket", "request duration (D)")
    some(r"kakawari_consumer_lag", "consumer lag")
    some(r"kakawari_outbox_backlog", "the outbox backlog")
    some(r"kakawari_outbox_oldest_age_seconds", "the outbox's oldest age")
    some(r"kakawari_dlq_messages", "the dead-letter queue")
    some(r"kakawari_ready", "readiness")


# ------------------------------------------------------------------ Grafana provisioning


def _provisioning(kind: str) -> list[dict]:
    files = sorted((PROVISIONING / kind).glob("*.y*ml"))
    assert files, f"no {kind} provisioning file"
    return [_one_yaml(f) for f in files]


def test_grafana_datasource_is_the_compose_prometheus(compose, dashboards):
    services = compose["services"]
    datasources = [ds for doc in _provisioning("datasources") for ds in doc["datasources"]]
    proms = [ds for ds in datasources if ds["type"] == "prometheus"]
    assert len(proms) == 1, proms
    ds = proms[0]
    url = urlsplit(ds["url"])
    assert url.hostname in services and services[url.hostname]["image"].startswith("prom/prometheus:")
    assert url.port == 9090
    uid = ds["uid"]
    for name, d in dashboards.items():
        holders = [*d.get("templating", {}).get("list", [])]
        for p in _panels(d):
            holders += [p, *(p.get("targets") or [])]
        for holder in holders:
            if holder.get("datasource") is not None:
                assert holder["datasource"].get("uid") == uid, f"{name}/{holder.get('title') or holder.get('name')}"


def test_grafana_provisions_the_dashboards(compose, dashboards):
    grafana = compose["services"]["grafana"]
    assert _host_path(grafana, "/etc/grafana/provisioning") == PROVISIONING.resolve()
    providers = [p for doc in _provisioning("dashboards") for p in doc["providers"]]
    assert providers
    for provider in providers:
        assert provider["type"] == "file"
        assert _host_path(grafana, provider["options"]["path"]) == DASHBOARDS.resolve(), provider
    home = (grafana.get("environment") or {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        path = _host_path(grafana, home)
        assert path and path.exists() and path.name in dashboards, home


# ------------------------------------------------------------------ compose wiring


def test_compose_observability_images_pinned(compose):
    for name in OBSERVABILITY:
        image = compose["services"][name]["image"]
        tag = image.split("@")[0].rsplit("/", 1)[-1].partition(":")[2]
        assert tag and tag != "latest" and re.search(r"\d", tag), f"{name}: image {image} is not pinned"


def test_compose_publishes_ports_on_loopback_only(compose):
    for name, s in compose["services"].items():
        for ip, host_port, container in _published(s):
            assert ip in LOOPBACK, (
                f"{name}: port {container} published on every interface; bind it to 127.0.0.1 "
                f"(127.0.0.1:{host_port or container}:{container})"
            )
    ui = {name: {c for _, _, c in _published(compose["services"][name])}
          for name in ("grafana", "prometheus", "jaeger")}
    assert "3000" in ui["grafana"] and "9090" in ui["prometheus"] and "16686" in ui["jaeger"], ui


def test_compose_collector_exports_traces_to_jaeger(compose):
    services = compose["services"]
    collector = services["otel-collector"]
    argv = command_argv(collector.get("command"))
    config_path = next(a.split("=", 1)[1] for a in argv if a.startswith("--config="))
    assert _host_path(collector, config_path) == COLLECTOR_YML.resolve()
    conf = _one_yaml(COLLECTOR_YML)

    for pipeline, spec in conf["service"]["pipelines"].items():
        for section in ("receivers", "processors", "exporters"):
            for component in spec.get(section, []):
                assert component in (conf.get(section) or {}), f"{pipeline}: {section} {component} not configured"

    exporters = conf["exporters"]
    to_jaeger = []
    for component in conf["service"]["pipelines"]["traces"]["exporters"]:
        kind = component.split("/")[0]
        if kind not in ("otlp", "otlp_grpc", "otlphttp", "otlp_http"):
            continue
        endpoint = exporters[component]["endpoint"]
        url = urlsplit(endpoint if "://" in endpoint else f"//{endpoint}")
        if url.hostname in services and services[url.hostname]["image"].startswith("jaegertracing/"):
            assert url.port == (4317 if kind in ("otlp", "otlp_grpc") else 4318), endpoint
            to_jaeger.append(component)
    assert to_jaeger, "the collector's traces pipeline exports to no Jaeger compose service over OTLP"
    dep = collector.get("depends_on") or {}
    assert any(services[d]["image"].startswith("jaegertracing/") for d in dep), "collector should start after Jaeger"

    # the services export to the collector's OTLP/HTTP receiver
    http = urlsplit("//" + conf["receivers"]["otlp"]["protocols"]["http"]["endpoint"])
    for svc in SERVICES:
        endpoint = urlsplit(services[svc]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert endpoint.hostname == "otel-collector" and endpoint.port == http.port, svc


def test_compose_prometheus_reads_the_repository_config(compose):
    prom = compose["services"]["prometheus"]
    argv = command_argv(prom.get("command"))
    config = next(a.split("=", 1)[1] for a in argv if a.startswith("--config.file="))
    assert _host_path(prom, config) == PROMETHEUS_YML.resolve()
    assert _host_path(prom, str(PurePosixPath(config).parent / "alerts.yml")) == ALERTS_YML.resolve()
    assert any(str(v).split(":")[0] == "prometheus-data" for v in prom.get("volumes", [])), "no TSDB volume"
