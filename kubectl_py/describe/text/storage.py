"""kubectl's text for PersistentVolumeClaim and PersistentVolume documents (kubectl
``describePersistentVolumeClaim``, ``describePersistentVolume``)."""

from __future__ import annotations

from .common import age, quantity_str, rfc1123z, write_annotations, write_doc_events, write_labels
from .podspec import write_csi_attributes, write_volume_source


def access_modes(modes: list | None) -> str:
    """kubectl ``GetAccessModesAsString``: deduplicated, in the fixed order RWO, ROX, RWX, RWOP."""
    modes = modes or []
    short = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
    return ",".join(s for full, s in short if full in modes)


def go_list(items: list | None) -> str:
    """Go ``%v`` of a string slice: ``[a b]``."""
    return "[" + " ".join(items or []) + "]"


def _status(doc: dict, now) -> str:
    if doc.get("deletionTimestamp"):
        return f"Terminating (lasts {age(doc['deletionTimestamp'], now)})"
    return doc.get("status") or ""


def _bool(value) -> str:
    return "true" if value else "false"


def _v(value) -> str:
    """Go ``%v`` of an optional scalar field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _bool(value)
    return str(value)


# -- PersistentVolumeClaim -------------------------------------------------------------------------


def render_pvc(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Namespace:\t{doc.get('namespace', '')}")
    w.line(0, f"StorageClass:\t{doc.get('storageClass') or ''}")
    w.line(0, f"Status:\t{_status(doc, now)}")
    w.line(0, f"Volume:\t{doc.get('volume') or ''}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    w.line(0, f"Finalizers:\t{go_list(doc.get('finalizers'))}")
    bound = bool(doc.get("volume"))
    w.line(0, f"Capacity:\t{quantity_str(doc.get('capacity')) if bound else ''}")
    w.line(0, f"Access Modes:\t{access_modes(doc.get('accessModes')) if bound else ''}")
    if doc.get("volumeMode") is not None:
        w.line(0, f"VolumeMode:\t{doc['volumeMode']}")
    source = doc.get("dataSource")
    if source:
        w.line(0, "DataSource:")
        if source.get("apiGroup") is not None:
            w.line(1, f"APIGroup:\t{source['apiGroup']}")
        w.line(1, f"Kind:\t{source.get('kind', '')}")
        w.line(1, f"Name:\t{source.get('name', '')}")
    used = doc.get("usedBy")
    if used is None and doc.get("usedByError"):
        w.line(0, f"Used By:\t{doc['usedByError']}")
    elif not used:  # none, or the input files hold no pods
        w.line(0, "Used By:\t<none>")
    else:
        for i, name in enumerate(used):
            w.line(0, f"{'' if i else 'Used By:'}\t{name}")
    if doc.get("conditions"):
        w.line(0, "Conditions:")
        w.line(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage")
        w.line(1, "----\t------\t-----------------\t------------------\t------\t-------")
        for c in doc["conditions"]:
            w.line(
                1,
                f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastProbeTime'))} \t"
                f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}",
            )
    write_doc_events(w, doc, now)


# -- PersistentVolume ------------------------------------------------------------------------------


def _node_affinity(w, affinity: dict | None) -> None:
    required = (affinity or {}).get("required")
    if required is None:
        w.line(0, "Node Affinity:\t<none>")
        return
    w.line(0, "Node Affinity:\t")
    terms = required.get("nodeSelectorTerms") or []
    if not terms:
        w.line(1, "Required Terms:\t<none>")
        return
    w.line(1, "Required Terms:\t")
    for i, term in enumerate(terms):
        w.write(2, f"Term {i}:\t")
        exprs = term.get("matchExpressions") or []
        if not exprs:
            w.write(0, "<none>\n")
            continue
        for j, req in enumerate(exprs):
            if j:
                w.write(2, "\t")
            text = f"{req.get('key', '')} {(req.get('operator') or '').lower()}"
            if req.get("values"):
                text += f" [{', '.join(req['values'])}]"
            w.write(0, text + "\n")


def _source(w, source: dict | None) -> None:
    """A PV's source: local and CSI have PV-only forms; every other type prints as it does in a pod."""
    kind = (source or {}).get("type")
    spec = (source or {}).get("spec") or {}
    if kind == "local":
        w.line(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)")
        w.line(2, f"Path:\t{_v(spec.get('path'))}")
    elif kind == "csi":
        w.line(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)")
        w.line(2, f"Driver:\t{_v(spec.get('driver'))}")
        w.line(2, f"FSType:\t{_v(spec.get('fsType'))}")
        w.line(2, f"VolumeHandle:\t{_v(spec.get('volumeHandle'))}")
        w.line(2, f"ReadOnly:\t{_bool(spec.get('readOnly'))}")
        write_csi_attributes(w, spec.get("volumeAttributes"))
    else:
        write_volume_source(w, kind, spec)


def render_pv(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    w.line(0, f"Finalizers:\t{go_list(doc.get('finalizers'))}")
    w.line(0, f"StorageClass:\t{doc.get('storageClass') or ''}")
    w.line(0, f"Status:\t{_status(doc, now)}")
    claim = doc.get("claim")
    w.line(0, f"Claim:\t{claim['namespace'] + '/' + claim['name'] if claim else ''}")
    w.line(0, f"Reclaim Policy:\t{doc.get('reclaimPolicy') or ''}")
    w.line(0, f"Access Modes:\t{access_modes(doc.get('accessModes'))}")
    if doc.get("volumeMode") is not None:
        w.line(0, f"VolumeMode:\t{doc['volumeMode']}")
    w.line(0, f"Capacity:\t{quantity_str(doc.get('capacity'))}")
    _node_affinity(w, doc.get("nodeAffinity"))
    w.line(0, f"Message:\t{doc.get('message') or ''}")
    w.line(0, "Source:")
    _source(w, doc.get("source"))
    write_doc_events(w, doc, now)
