"""PersistentVolumeClaim and PersistentVolume: the data ``kubectl describe`` shows for them.

Extra reads:
- PVC: ``usedBy``, worked out from every pod of the PVC's namespace (kubectl ``getPodsForPVC``: pods
  with a volume naming the claim, plus the pods that own it through ownerReferences, i.e. generic
  ephemeral volumes); events. kubectl fails the describe when the pods cannot be listed; here
  ``usedBy`` is null and a warning says why.
- PV: events only (cluster-scoped).
"""

from __future__ import annotations

from ..quantity import record as quantity
from .base import Describer, text_renderer
from .sections import (
    condition_records,
    gather_events,
    gather_with_events,
    join_error,
    metadata_fields,
    with_events,
)

BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"

# kubectl describePersistentVolume's switch, in its order: the first source set wins
PV_SOURCES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "quobyte",
    "vsphereVolume",
    "cinder",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "local",
    "cephfs",
    "storageos",
    "fc",
    "azureFile",
    "flexVolume",
    "flocker",
    "csi",
)


def _storage_class(obj: dict, spec_value) -> str:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if BETA_STORAGE_CLASS in annotations:
        return annotations[BETA_STORAGE_CLASS]
    return spec_value or ""


def _volume_metadata(obj: dict) -> dict:
    md = obj.get("metadata") or {}
    doc = metadata_fields(obj)
    doc.update(
        {
            "finalizers": list(md.get("finalizers") or []),
            "deletionTimestamp": md.get("deletionTimestamp"),
        }
    )
    return doc


# -- PersistentVolumeClaim -------------------------------------------------------------------------


def gather_pvcs(objects: list, joins) -> list:
    events = gather_events(objects, joins)
    pods_by_ns, errors = {}, {}
    out = []
    for obj, evs in zip(objects, events):
        ns = (obj.get("metadata") or {}).get("namespace") or ""
        if ns not in pods_by_ns:
            what = f"pods in namespace {ns} (Used By)"
            pods = joins.list("pods", ns, what=what)
            if pods is None:
                errors[ns] = join_error(joins, what)
            # keep only what usedBy needs
            pods_by_ns[ns] = (
                None
                if pods is None
                else [
                    {
                        "name": (p.get("metadata") or {}).get("name", ""),
                        "uid": (p.get("metadata") or {}).get("uid", ""),
                        "claims": [
                            (v.get("persistentVolumeClaim") or {}).get("claimName")
                            for v in ((p.get("spec") or {}).get("volumes") or [])
                            if v.get("persistentVolumeClaim")
                        ],
                    }
                    for p in pods
                ]
            )
        out.append({"pods": pods_by_ns[ns], "podsError": errors.get(ns), "events": evs})
    return out


def used_by(pvc: dict, pods: list) -> list:
    """kubectl ``getPodsForPVC`` then the sort of ``printPodsMultiline`` (names, duplicates kept)."""
    md = pvc.get("metadata") or {}
    name = md.get("name")
    found = []
    for pod in pods:
        for claim in pod["claims"]:
            if claim == name:
                found.append(pod)
    for ref in md.get("ownerReferences") or []:
        if ref.get("kind") != "Pod":
            continue
        owner = next((p for p in pods if p["uid"] == ref.get("uid")), None)
        if owner is None or any(p["uid"] == owner["uid"] for p in found):
            continue
        found.append(owner)
    return sorted(p["name"] for p in found)


def build_pvc(obj: dict, gathered: dict) -> dict:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    bound = bool(spec.get("volumeName"))
    source = spec.get("dataSource")
    pods = gathered.get("pods")
    doc = _volume_metadata(obj)
    doc.update(
        {
            "storageClass": _storage_class(obj, spec.get("storageClassName")),
            "status": status.get("phase", ""),
            "volume": spec.get("volumeName", ""),
            "requested": quantity(((spec.get("resources") or {}).get("requests") or {}).get("storage")),
            # kubectl shows capacity and access modes only once a volume is bound
            "capacity": quantity((status.get("capacity") or {}).get("storage")) if bound else None,
            "accessModes": list(status.get("accessModes") or []) if bound else [],
            "volumeMode": spec.get("volumeMode"),
            "dataSource": None
            if not source
            else {"apiGroup": source.get("apiGroup"), "kind": source.get("kind", ""), "name": source.get("name", "")},
            "usedBy": None if pods is None else used_by(obj, pods),
            "usedByError": gathered.get("podsError") if pods is None else None,
            "conditions": condition_records(status.get("conditions"), "lastProbeTime"),
        }
    )
    return with_events(doc, gathered)


# -- PersistentVolume ------------------------------------------------------------------------------


def _pv_source(spec: dict) -> dict | None:
    for key in PV_SOURCES:
        if spec.get(key) is not None:
            return {"type": key, "spec": dict(spec[key])}
    return None


def build_pv(obj: dict, gathered: dict) -> dict:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    claim = spec.get("claimRef")
    doc = _volume_metadata(obj)
    doc.update(
        {
            "storageClass": _storage_class(obj, spec.get("storageClassName")),
            "status": status.get("phase", ""),
            "claim": None if not claim else {"namespace": claim.get("namespace", ""), "name": claim.get("name", "")},
            "reclaimPolicy": spec.get("persistentVolumeReclaimPolicy", ""),
            "accessModes": list(spec.get("accessModes") or []),
            "volumeMode": spec.get("volumeMode"),
            "capacity": quantity((spec.get("capacity") or {}).get("storage")),
            "nodeAffinity": spec.get("nodeAffinity"),
            "message": status.get("message", ""),
            "source": _pv_source(spec),
        }
    )
    return with_events(doc, gathered)


PVC = Describer(gather_pvcs, build_pvc, text_renderer("storage", "render_pvc"))
PV = Describer(gather_with_events, build_pv, text_renderer("storage", "render_pv"))
