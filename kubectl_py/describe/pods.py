"""Pod describer (kubectl ``PodDescriber``/``describePod``, spec section 6.1).

Extra reads: events only (no kind in the selector; a mirror pod's events are found by the static
pod's UID).
"""

from __future__ import annotations

from . import events, podspec
from .base import Describer, text_renderer
from .sections import condition_records, with_events


def gather(objects: list, joins) -> list:
    if not joins.settings.show_events:
        return [{} for _ in objects]
    return [{"events": found} for found in events.gather_pods(objects, joins)]


def build(pod: dict, gathered: dict) -> dict:
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    node_name = spec.get("nodeName") or ""
    conditions = status.get("conditions") or []
    by_type = {}
    for c in conditions:
        by_type.setdefault(c.get("type"), c.get("status"))
    doc = {
        "name": meta.get("name") or "",
        "namespace": meta.get("namespace") or "",
        "priority": spec.get("priority"),
        "priorityClassName": spec.get("priorityClassName") or None,
        "runtimeClassName": spec.get("runtimeClassName") or None,
        "serviceAccount": spec.get("serviceAccountName") or None,
        "node": {"name": node_name, "hostIP": status.get("hostIP") or ""} if node_name else None,
        "startTime": status.get("startTime"),
        "labels": dict(meta.get("labels") or {}),
        "annotations": dict(meta.get("annotations") or {}),
        "status": status.get("phase") or "",
        "deletionTimestamp": meta.get("deletionTimestamp"),
        "terminationGracePeriodSeconds": meta.get("deletionGracePeriodSeconds"),
        "reason": status.get("reason") or None,
        "message": status.get("message") or None,
        "seccompProfile": podspec.seccomp(spec.get("securityContext")),
        "ip": status.get("podIP") or "",
        "ips": [ip.get("ip") or "" for ip in status.get("podIPs") or []],
        "controlledBy": podspec.controller_of(pod),
        "nominatedNodeName": status.get("nominatedNodeName") or None,
        "resources": podspec.resources(spec.get("resources")) if spec.get("resources") is not None else None,
        "initContainers": podspec.containers(spec.get("initContainers"), status.get("initContainerStatuses"), pod),
        "containers": podspec.containers(spec.get("containers"), status.get("containerStatuses"), pod),
        "ephemeralContainers": podspec.containers(
            spec.get("ephemeralContainers"), status.get("ephemeralContainerStatuses"), pod
        ),
        "readinessGates": [
            {"type": g.get("conditionType") or "", "status": by_type.get(g.get("conditionType"))}
            for g in spec.get("readinessGates") or []
        ],
        "conditions": condition_records(conditions, "lastProbeTime", unset=None),
        "volumes": [podspec.volume(v) for v in spec.get("volumes") or []],
        "qosClass": podspec.qos_class(pod),
        "nodeSelectors": dict(spec.get("nodeSelector") or {}),
        "tolerations": [dict(t) for t in spec.get("tolerations") or []],
        "topologySpreadConstraints": podspec.topology_spread(spec.get("topologySpreadConstraints")),
        "schedulingGroup": podspec.scheduling_group(spec),
    }
    return with_events(doc, gathered)


POD = Describer(gather, build, text_renderer("pods", "render_pod"))
