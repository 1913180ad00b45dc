"""kubectl's text for PriorityClass, StorageClass, VolumeAttributesClass, CSINode and IngressClass
documents (kubectl ``describePriorityClass``, ``describeStorageClass``,
``describeVolumeAttributesClass``, ``describeCSINode``, ``describeIngressClassV1``)."""

from __future__ import annotations

from .common import bool_title, format_labels, go_list, rfc1123z, write_doc_events, write_head_without_namespace


def render_priorityclass(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Value:\t{doc['value']}")
    w.line(0, f"GlobalDefault:\t{'true' if doc['globalDefault'] else 'false'}")
    w.line(0, f"PreemptionPolicy:\t{doc.get('preemptionPolicy') or ''}")
    w.line(0, f"Description:\t{doc['description']}")
    w.line(0, f"Annotations:\t{format_labels(doc.get('annotations'))}")
    write_doc_events(w, doc, now)


def render_storageclass(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"IsDefaultClass:\t{'Yes' if doc['isDefaultClass'] else 'No'}")
    w.line(0, f"Annotations:\t{format_labels(doc.get('annotations'))}")
    w.line(0, f"Provisioner:\t{doc['provisioner']}")
    w.line(0, f"Parameters:\t{format_labels(doc['parameters'])}")
    expansion = doc.get("allowVolumeExpansion")
    w.line(0, f"AllowVolumeExpansion:\t{'<unset>' if expansion is None else bool_title(expansion)}")
    if not doc["mountOptions"]:
        w.line(0, "MountOptions:\t<none>")
    else:
        w.line(0, "MountOptions:")
        for option in doc["mountOptions"]:
            w.line(1, option)
    if doc.get("reclaimPolicy") is not None:
        w.line(0, f"ReclaimPolicy:\t{doc['reclaimPolicy']}")
    if doc.get("volumeBindingMode") is not None:
        w.line(0, f"VolumeBindingMode:\t{doc['volumeBindingMode']}")
    if doc.get("allowedTopologies") is not None:
        _write_allowed_topologies(w, doc["allowedTopologies"])
    write_doc_events(w, doc, now)


def _write_allowed_topologies(w, terms: list) -> None:
    """``printAllowedTopologies`` + ``printTopologySelectorTermsMultilineWithIndent``."""
    if not terms:
        w.line(0, "AllowedTopologies:\t<none>")
        return
    w.write(0, "AllowedTopologies:\t\n")
    for i, requirements in enumerate(terms):
        w.write(1, f"Term {i}:\t")
        if not requirements:
            w.write(0, "<none>\n")
            continue
        for j, req in enumerate(requirements):
            if j:
                w.write(1, "\t")
            values = f" [{', '.join(req['values'])}]" if req["values"] else ""
            w.write(0, f"{req['key']} in{values}\n")


def render_volumeattributesclass(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Annotations:\t{format_labels(doc.get('annotations'))}")
    w.line(0, f"DriverName:\t{doc['driverName']}")
    w.line(0, f"Parameters:\t{format_labels(doc['parameters'])}")
    write_doc_events(w, doc, now)


def render_csinode(doc: dict, w, now=None) -> None:
    write_head_without_namespace(w, doc)
    w.line(0, f"CreationTimestamp:\t{rfc1123z(doc.get('creationTimestamp'))}")
    w.line(0, "Spec:")
    if doc.get("drivers") is not None:
        w.line(1, "Drivers:")
        for driver in doc["drivers"]:
            w.line(2, f"{driver['name']}:")
            w.line(3, f"Node ID:\t{driver['nodeID']}")
            if driver.get("allocatableCount") is not None:
                w.line(3, "Allocatables:")
                w.line(4, f"Count:\t{driver['allocatableCount']}")
            if driver.get("topologyKeys") is not None:
                w.line(3, f"Topology Keys:\t{go_list(driver['topologyKeys'])}")
    write_doc_events(w, doc, now)


def render_ingressclass(doc: dict, w, now=None) -> None:
    write_head_without_namespace(w, doc)
    w.line(0, f"Controller:\t{doc['controller']}")
    params = doc.get("parameters")
    if params is not None:
        w.line(0, "Parameters:")
        if params.get("apiGroup") is not None:
            w.line(1, f"APIGroup:\t{params['apiGroup']}")
        w.line(1, f"Kind:\t{params['kind']}")
        w.line(1, f"Name:\t{params['name']}")
    write_doc_events(w, doc, now)
