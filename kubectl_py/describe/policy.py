"""ReplicationController, LimitRange, ResourceQuota, PodDisruptionBudget, NetworkPolicy and
EndpointSlice: the data ``kubectl describe`` shows for them (kubectl ``pkg/describe/describe.go``).

Extra reads:
- ReplicationController: the pods it controls, counted by phase (as for a ReplicaSet), and events.
  kubectl fails the whole describe when the pods cannot be listed; here ``podsStatus`` is null and a
  warning says why.
- PodDisruptionBudget, EndpointSlice: events.
- LimitRange, ResourceQuota, NetworkPolicy: none (kubectl shows no events for them).

Selectors are kept as kubectl prints them (``app=web,tier in (a,b)``): ``""`` is an empty selector
(``<none>`` in text), null an absent one, ``<error>`` one that cannot be converted.
"""

from __future__ import annotations

from ..kube.selectors import label_selector_string
from . import podspec, workloads
from .base import Describer, text_renderer
from .namespaces import limit_range_record, quota_record
from .sections import gather_with_events, metadata_fields, with_events


def _gather_nothing(objects: list, joins) -> list:
    return [{} for _ in objects]


def selector_text(selector: dict | None) -> str | None:
    """A LabelSelector as kubectl prints it; None when absent, ``<error>`` when it cannot be converted."""
    if selector is None:
        return None
    try:
        return label_selector_string(selector)
    except ValueError:
        return "<error>"


# -- ReplicationController -------------------------------------------------------------------------


def _as_label_selector(rc: dict) -> dict:
    """The RC with its map selector as a LabelSelector, so the ReplicaSet pod counting applies."""
    spec = dict(rc.get("spec") or {})
    spec["selector"] = {"matchLabels": dict(spec.get("selector") or {})}
    return dict(rc, spec=spec)


def gather_replicationcontrollers(objects: list, joins) -> list:
    pods = workloads.gather_controller_pods([_as_label_selector(o) for o in objects], joins)
    return gather_with_events(objects, joins, "ReplicationController", pods)


def build_replicationcontroller(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    doc = {
        # labels.FormatLabels of the map: sorted k=v, "" when empty
        "selector": label_selector_string({"matchLabels": spec.get("selector") or {}}),
        **metadata_fields(obj),
        "replicas": {"current": status.get("replicas", 0), "desired": spec.get("replicas", 1)},
        **workloads.pods_fields(gathered),
        "podTemplate": podspec.build_template(spec.get("template")),
        "conditions": [
            {
                "type": c.get("type", ""),
                "status": c.get("status", ""),
                "reason": c.get("reason", ""),
                "message": c.get("message", ""),
                "lastTransitionTime": c.get("lastTransitionTime"),
            }
            for c in status.get("conditions") or []
        ],
    }
    return with_events(doc, gathered)


# -- LimitRange and ResourceQuota (records shared with the Namespace describer) -----------------------


def build_limitrange(obj: dict, gathered: dict) -> dict:
    doc = metadata_fields(obj)
    doc["limits"] = limit_range_record(obj)["limits"]
    return doc


def build_resourcequota(obj: dict, gathered: dict) -> dict:
    record = quota_record(obj)
    doc = metadata_fields(obj)
    doc.update({"scopes": record["scopes"], "resources": record["resources"]})
    return doc


# -- PodDisruptionBudget ---------------------------------------------------------------------------


def build_poddisruptionbudget(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    doc = metadata_fields(obj)
    doc.update(
        {
            "minAvailable": spec.get("minAvailable"),
            "maxUnavailable": spec.get("maxUnavailable"),
            "selector": selector_text(spec.get("selector")),
            "unhealthyPodEvictionPolicy": spec.get("unhealthyPodEvictionPolicy"),
            "status": {
                "disruptionsAllowed": status.get("disruptionsAllowed", 0),
                "currentHealthy": status.get("currentHealthy", 0),
                "desiredHealthy": status.get("desiredHealthy", 0),
                "expectedPods": status.get("expectedPods", 0),
            },
        }
    )
    return with_events(doc, gathered)


# -- NetworkPolicy ---------------------------------------------------------------------------------


def _policy_ports(ports: list | None) -> list:
    return [
        {
            "protocol": p.get("protocol") or "TCP",  # the API's default
            "port": p.get("port"),
            "endPort": p.get("endPort"),
        }
        for p in ports or []
    ]


def _peers(peers: list | None) -> list:
    out = []
    for peer in peers or []:
        block = peer.get("ipBlock")
        out.append(
            {
                "podSelector": selector_text(peer.get("podSelector")),
                "namespaceSelector": selector_text(peer.get("namespaceSelector")),
                "ipBlock": None
                if block is None
                else {"cidr": block.get("cidr", ""), "except": list(block.get("except") or [])},
            }
        )
    return out


def build_networkpolicy(obj: dict, gathered: dict) -> dict:
    spec = obj.get("spec") or {}
    doc = {"creationTimestamp": (obj.get("metadata") or {}).get("creationTimestamp"), **metadata_fields(obj)}
    doc.update(
        {
            "podSelector": selector_text(spec.get("podSelector") or {}),
            "policyTypes": list(spec.get("policyTypes") or []),
            "ingress": [
                {"ports": _policy_ports(r.get("ports")), "from": _peers(r.get("from"))}
                for r in spec.get("ingress") or []
            ],
            "egress": [
                {"ports": _policy_ports(r.get("ports")), "to": _peers(r.get("to"))} for r in spec.get("egress") or []
            ],
        }
    )
    return doc


# -- EndpointSlice ---------------------------------------------------------------------------------


def _slice_endpoint(endpoint: dict) -> dict:
    conditions = endpoint.get("conditions") or {}
    target = endpoint.get("targetRef")
    return {
        "addresses": list(endpoint.get("addresses") or []),
        "conditions": {key: conditions.get(key) for key in ("ready", "serving", "terminating")},
        "hostname": endpoint.get("hostname"),
        "targetRef": None
        if target is None
        else {"kind": target.get("kind", ""), "name": target.get("name", ""), "namespace": target.get("namespace")},
        "nodeName": endpoint.get("nodeName"),
        "zone": endpoint.get("zone"),
    }


def build_endpointslice(obj: dict, gathered: dict) -> dict:
    doc = metadata_fields(obj)
    doc.update(
        {
            "addressType": obj.get("addressType", ""),
            "ports": [
                {"name": p.get("name"), "port": p.get("port"), "protocol": p.get("protocol")}
                for p in obj.get("ports") or []
            ],
            "endpoints": [_slice_endpoint(e) for e in obj.get("endpoints") or []],
        }
    )
    return with_events(doc, gathered)


REPLICATIONCONTROLLER = Describer(
    gather_replicationcontrollers, build_replicationcontroller, text_renderer("workloads", "render_replicaset")
)
LIMITRANGE = Describer(_gather_nothing, build_limitrange, text_renderer("policy", "render_limitrange"))
RESOURCEQUOTA = Describer(_gather_nothing, build_resourcequota, text_renderer("policy", "render_resourcequota"))
PODDISRUPTIONBUDGET = Describer(
    gather_with_events, build_poddisruptionbudget, text_renderer("policy", "render_poddisruptionbudget")
)
NETWORKPOLICY = Describer(_gather_nothing, build_networkpolicy, text_renderer("policy", "render_networkpolicy"))
ENDPOINTSLICE = Describer(gather_with_events, build_endpointslice, text_renderer("policy", "render_endpointslice"))
