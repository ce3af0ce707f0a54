"""For the observability checks: the metric series the code really defines (read from
kit/telemetry/metrics.py's collectors, not a copied list), and a small PromQL reader that finds
the metric names, functions, label matchers and grouping labels an expression uses. It is no
PromQL parser (promtool is the real check where it is installed); it only has to be right for
the expressions this repository writes, which its own tests pin down."""

from __future__ import annotations

import re
from dataclasses import dataclass

from prometheus_client.metrics import MetricWrapperBase

from kit.telemetry import metrics

# Series Prometheus itself creates: `up` per scrape target, `ALERTS` per firing rule.
PROMETHEUS_SERIES = {"up": frozenset({"job", "instance"}), "ALERTS": frozenset({"alertname", "alertstate"})}
# Labels Prometheus attaches to every scraped series (prometheus.yml adds `platform`).
TARGET_LABELS = frozenset({"job", "instance", "platform"})

# PromQL's aggregation operators and functions (prometheus.io/docs/prometheus/latest/querying/).
AGGREGATIONS = frozenset({
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
    "quantile", "limitk", "limit_ratio",
})
FUNCTIONS = frozenset({
    "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
    "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor",
    "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile", "histogram_stddev",
    "histogram_stdvar", "histogram_sum", "double_exponential_smoothing", "holt_winters", "hour", "idelta",
    "increase", "irate", "label_join", "label_replace", "ln", "log2", "log10", "minute", "month",
    "predict_linear", "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sort_by_label",
    "sort_by_label_desc", "sqrt", "time", "timestamp", "vector", "year", "avg_over_time", "min_over_time",
    "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time",
    "stdvar_over_time", "last_over_time", "present_over_time", "mad_over_time", "acos", "acosh", "asin",
    "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh", "deg", "rad", "pi", "info",
})
KEYWORDS = frozenset({
    "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right",
    "atan2", "inf", "nan", "start", "end",
})

_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
    "info": ("_info",),
}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
# Grafana's template variables: $var, ${var}, ${var:format}, [[var]].
_GRAFANA_VAR = re.compile(r"\$\{\w+(?::\w+)?\}|\$\w+|\[\[\w+\]\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)")
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_SELECTOR = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)?\s*\{([^{}]*)\}")
_MATCHER = re.compile(r"([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")


def defined_series() -> dict[str, frozenset[str]]:
    """Every series name the code's collectors expose, with its labels: a counter `x_total` is
    `x_total` (and `x_created`), a histogram `x` is `x_bucket` (with `le`), `x_count`, `x_sum`."""
    out: dict[str, frozenset[str]] = {}
    for value in vars(metrics).values():
        if not isinstance(value, MetricWrapperBase):
            continue
        labels = frozenset(getattr(value, "_labelnames", ()))
        for family in value.describe():
            for suffix in _SUFFIXES[family.type]:
                out[family.name + suffix] = labels | ({"le"} if suffix == "_bucket" else set())
    return out


def known_series() -> dict[str, frozenset[str]]:
    return {**defined_series(), **PROMETHEUS_SERIES}


@dataclass(frozen=True)
class Query:
    metrics: frozenset[str]
    functions: frozenset[str]
    matchers: tuple[tuple[str | None, str, str, str], ...]  # (metric or None, label, op, value)
    grouping: frozenset[str]  # labels named in by/without/on/ignoring/group_*


def read(expr: str) -> Query:
    """The metric names, functions, label matchers and grouping labels `expr` uses."""
    if expr.count("(") != expr.count(")") or expr.count("{") != expr.count("}") or expr.count("[") != expr.count("]"):
        raise ValueError(f"unbalanced brackets in {expr!r}")
    text = _GRAFANA_VAR.sub("x", expr)  # inside strings or a range: harmless placeholders
    matchers = []
    for sel in _SELECTOR.finditer(text):
        body = sel.group(2)
        leftover = _MATCHER.sub("", body).replace(",", "").strip()
        if leftover:
            raise ValueError(f"cannot read the label matchers {{{body}}} in {expr!r}")
        for m in _MATCHER.finditer(body):
            matchers.append((sel.group(1), m.group(1), m.group(2), m.group(3)[1:-1]))
    text = _STRING.sub('""', text)
    text = re.sub(r"\{[^{}]*\}", " ", text)  # label matchers (strings already gone)
    text = re.sub(r"\[[^\[\]]*\]", " ", text)  # ranges and subqueries
    grouping: set[str] = set()
    for g in _GROUPING.finditer(text):
        grouping.update(label.strip() for label in g.group(2).split(",") if label.strip())
    text = _GROUPING.sub(" ", text)
    text = re.sub(r"(?<![\w.:])\d[\w.]*", " ", text)  # numbers, durations
    names: set[str] = set()
    functions: set[str] = set()
    for m in _IDENT.finditer(text):
        word = m.group(0)
        if word in KEYWORDS:
            continue
        if text[m.end():].lstrip().startswith("("):
            functions.add(word)
        else:
            names.add(word)
    return Query(frozenset(names), frozenset(functions), tuple(matchers), frozenset(grouping))


def problems(expr: str, series: dict[str, frozenset[str]] | None = None) -> list[str]:
    """What is wrong with `expr` as this repository's checks see it (empty: nothing)."""
    series = known_series() if series is None else series
    try:
        q = read(expr)
    except ValueError as exc:
        return [str(exc)]
    out = []
    if not q.metrics:
        out.append(f"no metric in {expr!r}")
    unknown = q.metrics - set(series)
    if unknown:
        out.append(f"metrics not defined in kit/telemetry/metrics.py: {sorted(unknown)} in {expr!r}")
    bad_functions = q.functions - FUNCTIONS - AGGREGATIONS
    if bad_functions:
        out.append(f"unknown PromQL functions {sorted(bad_functions)} in {expr!r}")
    for metric, label, _op, value in q.matchers:
        if metric is None:
            continue
        if metric in series and label not in series[metric] | TARGET_LABELS:
            out.append(f"{metric} has no label {label!r} (it has {sorted(series[metric])}) in {expr!r}")
        if label == "status_class" and _op == "=" and value not in getattr(metrics, "HTTP_STATUS_CLASSES", (value,)):
            out.append(f"status_class={value!r} is not one of the code's classes in {expr!r}")
    used = set().union(*(series.get(m, frozenset()) for m in q.metrics)) | TARGET_LABELS | {"le"}
    if q.grouping - used:
        out.append(f"grouping by labels no metric of the expression has: {sorted(q.grouping - used)} in {expr!r}")
    return out
