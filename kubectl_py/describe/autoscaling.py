"""HorizontalPodAutoscaler (kubectl ``HorizontalPodAutoscalerDescriber``).

kubectl reads ``autoscaling/v2`` first and falls back to ``autoscaling/v1``; current metric values come
from the HPA's own status (``.status.currentMetrics[i]`` matched by index to ``.spec.metrics[i]``), never
from the metrics API.
"""

from __future__ import annotations

from ..quantity import record as quantity
from .base import Describer, text_renderer
from .sections import condition_records, gather_with_events, metadata_fields, with_events

V2 = "autoscaling/v2"
_SOURCE_KEYS = {
    "External": "external",
    "Pods": "pods",
    "Object": "object",
    "Resource": "resource",
    "ContainerResource": "containerResource",
}


def _gather(objects: list, joins) -> list:
    """Objects already read as autoscaling/v2 are used as they are; others are read again as v2 when the
    server serves it, and kept as v1 otherwise."""
    extra = []
    for obj in objects:
        if obj.get("apiVersion") == V2:
            extra.append({})
            continue
        meta = obj.get("metadata") or {}
        v2 = joins.get(
            "horizontalpodautoscalers.v2.autoscaling",
            meta.get("name", ""),
            meta.get("namespace"),
            what="horizontalpodautoscalers.v2.autoscaling",
        )
        extra.append({"v2": v2} if v2 and v2.get("apiVersion") == V2 else {})
    return gather_with_events(objects, joins, "HorizontalPodAutoscaler", extra)


def _value(raw: dict | None) -> dict | None:
    if raw is None:
        return None
    return {
        "value": None if raw.get("value") is None else quantity(raw["value"]),
        "averageValue": None if raw.get("averageValue") is None else quantity(raw["averageValue"]),
        "averageUtilization": raw.get("averageUtilization"),
    }


def _metric(spec_metric: dict, status_metric: dict | None) -> dict:
    kind = spec_metric.get("type", "")
    key = _SOURCE_KEYS.get(kind)
    source = (spec_metric.get(key) if key else None) or {}
    out = {"type": kind}
    if kind in ("Resource", "ContainerResource"):
        out["name"] = source.get("name", "")
        if kind == "ContainerResource":
            out["container"] = source.get("container", "")
    elif key:
        out["name"] = (source.get("metric") or {}).get("name", "")
        selector = (source.get("metric") or {}).get("selector")
        if selector:
            out["selector"] = selector
    if kind == "Object":
        described = source.get("describedObject") or {}
        out["describedObject"] = {
            "kind": described.get("kind", ""),
            "name": described.get("name", ""),
            "apiVersion": described.get("apiVersion", ""),
        }
    if key:
        target = source.get("target") or {}
        out["target"] = dict(_value(target), type=target.get("type", ""))
        current_source = (status_metric or {}).get(key)
        out["current"] = None if current_source is None else _value(current_source.get("current") or {})
    return out


def _rules(rules: dict | None) -> dict | None:
    if rules is None:
        return None
    return {
        "stabilizationWindowSeconds": rules.get("stabilizationWindowSeconds"),
        "selectPolicy": rules.get("selectPolicy"),
        "policies": [
            {"type": p.get("type", ""), "value": p.get("value", 0), "periodSeconds": p.get("periodSeconds", 0)}
            for p in rules.get("policies") or []
        ],
    }


def build(obj: dict, gathered: dict) -> dict:
    hpa = gathered.get("v2") or obj
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    target = spec.get("scaleTargetRef") or {}
    doc = {
        "describedVersion": hpa.get("apiVersion", ""),
        **metadata_fields(hpa),
        "creationTimestamp": (hpa.get("metadata") or {}).get("creationTimestamp"),
        "reference": {
            "kind": target.get("kind", ""),
            "name": target.get("name", ""),
            "apiVersion": target.get("apiVersion", ""),
        },
    }
    if hpa.get("apiVersion") == "autoscaling/v1":
        doc["targetCPUUtilizationPercentage"] = spec.get("targetCPUUtilizationPercentage")
        doc["currentCPUUtilizationPercentage"] = status.get("currentCPUUtilizationPercentage")
    else:
        current = status.get("currentMetrics") or []
        doc["metrics"] = [
            _metric(m, current[i] if i < len(current) else None) for i, m in enumerate(spec.get("metrics") or [])
        ]
    doc["minReplicas"] = spec.get("minReplicas")
    doc["maxReplicas"] = spec.get("maxReplicas", 0)
    if "metrics" in doc:
        behavior = spec.get("behavior")
        doc["behavior"] = (
            None
            if behavior is None
            else {
                "scaleUp": _rules(behavior.get("scaleUp")),
                "scaleDown": _rules(behavior.get("scaleDown")),
            }
        )
    doc["replicas"] = {"current": status.get("currentReplicas", 0), "desired": status.get("desiredReplicas", 0)}
    doc["conditions"] = condition_records(status.get("conditions")) if "metrics" in doc else []
    return with_events(doc, gathered)


HPA = Describer(_gather, build, text_renderer("autoscaling", "render_hpa"))
