"""LimitRange, ResourceQuota, PodDisruptionBudget and NetworkPolicy: the data ``kubectl describe`` shows for
them (kubectl ``pkg/describe/describe.go``).

Extra reads:
- PodDisruptionBudget: events.
- LimitRange, ResourceQuota, NetworkPolicy: none (kubectl shows no events for them).

Selectors are kept as kubectl prints them (``app=web,tier in (a,b)``): ``""`` is an empty selector
(``<none>`` in text), null an absent one, ``<error>`` one that cannot be converted.
"""

from __future__ import annotations

from ..kube.selectors import label_selector_string
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


LIMITRANGE = Describer(_gather_nothing, build_limitrange, text_renderer("policy", "render_limitrange"))
RESOURCEQUOTA = Describer(_gather_nothing, build_resourcequota, text_renderer("policy", "render_resourcequota"))
PODDISRUPTIONBUDGET = Describer(
    gather_with_events, build_poddisruptionbudget, text_renderer("policy", "render_poddisruptionbudget")
)
NETWORKPOLICY = Describer(_gather_nothing, build_networkpolicy, text_renderer("policy", "render_networkpolicy"))
