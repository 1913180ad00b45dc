"""kubectl's text for HorizontalPodAutoscaler documents (``describeHorizontalPodAutoscalerV2`` and
``...V1`` in kubectl ``pkg/describe/describe.go``)."""

from __future__ import annotations

import json

from .common import rfc1123z, write_annotations, write_doc_events, write_labels

UNKNOWN = "<unknown>"


def go_quote(text: str) -> str:
    """Go's ``%q`` for the strings met here (names): a double-quoted, escaped string."""
    return json.dumps(text, ensure_ascii=False)


def _q(value: dict | None) -> str:
    """``Quantity.String()`` of an optional quantity (Go prints ``<nil>`` for a nil pointer)."""
    return "<nil>" if value is None else value["value"]


def _current(metric: dict, field: str) -> str:
    current = metric.get("current")
    return UNKNOWN if current is None else _q(current.get(field))


def _utilization(w, metric: dict) -> None:
    current, target = metric.get("current"), metric["target"]
    shown = UNKNOWN
    if current is not None and current.get("averageUtilization") is not None:
        shown = f"{current['averageUtilization']}% ({_q(current.get('averageValue'))})"
    wanted = "<auto>" if target.get("averageUtilization") is None else f"{target['averageUtilization']}%"
    w.write(1, f"(as a percentage of request):\t{shown} / {wanted}\n")


def _metric(w, metric: dict) -> None:
    kind, target = metric["type"], metric.get("target") or {}
    name = metric.get("name", "")
    if kind == "External":
        if target.get("averageValue") is not None:
            current = metric.get("current") or {}
            shown = UNKNOWN if current.get("averageValue") is None else current["averageValue"]["value"]
            w.line(1, f"{go_quote(name)} (target average value):\t{shown} / {_q(target['averageValue'])}")
        else:
            w.line(1, f"{go_quote(name)} (target value):\t{_current(metric, 'value')} / {_q(target.get('value'))}")
    elif kind == "Pods":
        w.line(1, f"{go_quote(name)} on pods:\t{_current(metric, 'averageValue')} / {_q(target.get('averageValue'))}")
    elif kind == "Object":
        described = metric.get("describedObject") or {}
        w.write(1, f"\"{name}\" on {described.get('kind', '')}/{described.get('name', '')} ")
        if target.get("type") == "AverageValue":
            w.write(
                0, f"(target average value):\t{_current(metric, 'averageValue')} / {_q(target.get('averageValue'))}\n"
            )
        else:
            w.write(0, f"(target value):\t{_current(metric, 'value')} / {_q(target.get('value'))}\n")
    elif kind in ("Resource", "ContainerResource"):
        if kind == "Resource":
            w.write(1, f"resource {name} on pods")
        else:
            w.write(1, f"resource {name} of container \"{metric.get('container', '')}\" on pods")
        if target.get("averageValue") is not None:
            w.write(0, f":\t{_current(metric, 'averageValue')} / {_q(target['averageValue'])}\n")
        else:
            _utilization(w, metric)
    else:
        w.line(1, f"<unknown metric type {go_quote(kind)}>")


def _direction(w, title: str, rules: dict | None) -> None:
    if rules is None:
        return
    w.line(1, f"{title}:")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.line(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds")
    policies = rules.get("policies") or []
    if policies:
        w.line(2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}")
        w.line(2, "Policies:")
        for p in policies:
            w.line(3, f"- Type: {p['type']}\tValue: {p['value']}\tPeriod: {p['periodSeconds']} seconds")


def render_hpa(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc['name']}")
    w.line(0, f"Namespace:\t{doc['namespace']}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    w.line(0, f"CreationTimestamp:\t{rfc1123z(doc.get('creationTimestamp'))}")
    ref = doc.get("reference") or {}
    w.line(0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}")
    v2 = "metrics" in doc
    if v2:
        w.line(0, "Metrics:\t( current / target )")
        for metric in doc["metrics"]:
            _metric(w, metric)
    elif doc.get("targetCPUUtilizationPercentage") is not None:
        w.line(0, f"Target CPU utilization:\t{doc['targetCPUUtilizationPercentage']}%")
        current = doc.get("currentCPUUtilizationPercentage")
        w.line(0, f"Current CPU utilization:\t{UNKNOWN if current is None else current}%")
    min_replicas = doc.get("minReplicas")
    w.line(0, f"Min replicas:\t{'<unset>' if min_replicas is None else min_replicas}")
    w.line(0, f"Max replicas:\t{doc.get('maxReplicas', 0)}")
    behavior = doc.get("behavior") if v2 else None
    if behavior is not None:
        w.line(0, "Behavior:")
        _direction(w, "Scale Up", behavior.get("scaleUp"))
        _direction(w, "Scale Down", behavior.get("scaleDown"))
    replicas = doc.get("replicas") or {}
    w.line(
        0, f"{ref.get('kind', '')} pods:\t{replicas.get('current', 0)} current / {replicas.get('desired', 0)} desired"
    )
    conditions = doc.get("conditions") or []
    if v2 and conditions:
        w.line(0, "Conditions:")
        w.line(1, "Type\tStatus\tReason\tMessage")
        w.line(1, "----\t------\t------\t-------")
        for c in conditions:
            w.line(1, f"{c['type']}\t{c['status']}\t{c['reason']}\t{c['message']}")
    write_doc_events(w, doc, now)
