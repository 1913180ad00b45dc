"""PriorityClass, StorageClass, VolumeAttributesClass, CSINode and IngressClass: the data ``kubectl
describe`` shows for them.

Extra reads: events, for each of them (kubectl ignores an events list that fails; here ``events`` is
null and a warning says why).
"""

from __future__ import annotations

from .base import Describer, text_renderer
from .sections import gather_with_events, metadata_fields, with_events

DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)


def _with_meta(obj: dict, gathered: dict, fields: dict) -> dict:
    doc = metadata_fields(obj)
    doc.update(fields)
    return with_events(doc, gathered)


def build_priorityclass(obj: dict, gathered: dict) -> dict:
    return _with_meta(
        obj,
        gathered,
        {
            "value": obj.get("value") or 0,
            "globalDefault": bool(obj.get("globalDefault")),
            "preemptionPolicy": obj.get("preemptionPolicy"),
            "description": obj.get("description") or "",
        },
    )


def _topology_term(term: dict) -> list:
    return [
        {"key": req.get("key") or "", "values": list(req.get("values") or [])}
        for req in term.get("matchLabelExpressions") or []
    ]


def build_storageclass(obj: dict, gathered: dict) -> dict:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    topologies = obj.get("allowedTopologies")
    return _with_meta(
        obj,
        gathered,
        {
            "isDefaultClass": any(annotations.get(key) == "true" for key in DEFAULT_CLASS_ANNOTATIONS),
            "provisioner": obj.get("provisioner") or "",
            "parameters": dict(obj.get("parameters") or {}),
            "allowVolumeExpansion": obj.get("allowVolumeExpansion"),
            "mountOptions": list(obj.get("mountOptions") or []),
            "reclaimPolicy": obj.get("reclaimPolicy"),
            "volumeBindingMode": obj.get("volumeBindingMode"),
            # null when unset: kubectl then leaves the AllowedTopologies line out
            "allowedTopologies": None if topologies is None else [_topology_term(t) for t in topologies],
        },
    )


def build_volumeattributesclass(obj: dict, gathered: dict) -> dict:
    return _with_meta(
        obj,
        gathered,
        {
            "driverName": obj.get("driverName") or "",
            "parameters": dict(obj.get("parameters") or {}),
        },
    )


def _csi_driver(driver: dict) -> dict:
    keys = driver.get("topologyKeys")
    return {
        "name": driver.get("name") or "",
        "nodeID": driver.get("nodeID") or "",
        "allocatableCount": (driver.get("allocatable") or {}).get("count"),
        "topologyKeys": None if keys is None else list(keys),
    }


def build_csinode(obj: dict, gathered: dict) -> dict:
    drivers = (obj.get("spec") or {}).get("drivers")
    return _with_meta(
        obj,
        gathered,
        {
            "creationTimestamp": (obj.get("metadata") or {}).get("creationTimestamp"),
            "drivers": None if drivers is None else [_csi_driver(d) for d in drivers],
        },
    )


def build_ingressclass(obj: dict, gathered: dict) -> dict:
    spec = obj.get("spec") or {}
    params = spec.get("parameters")
    return _with_meta(
        obj,
        gathered,
        {
            "controller": spec.get("controller") or "",
            "parameters": None
            if params is None
            else {
                "apiGroup": params.get("apiGroup"),
                "kind": params.get("kind") or "",
                "name": params.get("name") or "",
                "scope": params.get("scope"),
                "namespace": params.get("namespace"),
            },
        },
    )


def _describer(build, render: str) -> Describer:
    return Describer(gather_with_events, build, text_renderer("scheduling_storage", render))


PRIORITYCLASS = _describer(build_priorityclass, "render_priorityclass")
STORAGECLASS = _describer(build_storageclass, "render_storageclass")
VOLUMEATTRIBUTESCLASS = _describer(build_volumeattributesclass, "render_volumeattributesclass")
CSINODE = _describer(build_csinode, "render_csinode")
INGRESSCLASS = _describer(build_ingressclass, "render_ingressclass")
