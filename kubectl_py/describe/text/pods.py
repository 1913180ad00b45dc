"""kubectl's text for a Pod document (``describePod``)."""

from __future__ import annotations

from . import podspec
from .common import age, rfc1123z, write_annotations, write_doc_events, write_labels, write_tolerations


def render_pod(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Namespace:\t{doc.get('namespace', '')}")
    if doc.get("priority") is not None:
        w.line(0, f"Priority:\t{doc['priority']}")
    if doc.get("priorityClassName"):
        w.line(0, f"Priority Class Name:\t{doc['priorityClassName']}")
    if doc.get("runtimeClassName"):
        w.line(0, f"Runtime Class Name:\t{doc['runtimeClassName']}")
    if doc.get("serviceAccount"):
        w.line(0, f"Service Account:\t{doc['serviceAccount']}")
    node = doc.get("node")
    w.line(0, f"Node:\t{node['name']}/{node.get('hostIP') or ''}" if node else "Node:\t<none>")
    if doc.get("startTime"):
        w.line(0, f"Start Time:\t{rfc1123z(doc['startTime'])}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    phase = doc.get("status") or ""
    if doc.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.line(0, f"Status:\tTerminating (lasts {age(doc['deletionTimestamp'], now)})")
        w.line(0, f"Termination Grace Period:\t{doc.get('terminationGracePeriodSeconds') or 0}s")
    else:
        w.line(0, f"Status:\t{phase}")
    if doc.get("reason"):
        w.line(0, f"Reason:\t{doc['reason']}")
    if doc.get("message"):
        w.line(0, f"Message:\t{doc['message']}")
    profile = doc.get("seccompProfile")
    if profile:
        w.line(0, f"SeccompProfile:\t{profile.get('type') or ''}")
        if profile.get("type") == "Localhost":
            w.line(0, f"LocalhostProfile:\t{profile.get('localhostProfile') or ''}")
    w.line(0, f"IP:\t{doc.get('ip') or ''}")
    ips = doc.get("ips") or []
    if not ips:
        w.line(0, "IPs:\t<none>")
    else:
        w.line(0, "IPs:")
        for ip in ips:
            w.line(1, f"IP:\t{ip}")
    ref = doc.get("controlledBy")
    if ref:
        w.line(0, f"Controlled By:\t{ref['kind']}/{ref['name']}")
    if doc.get("nominatedNodeName"):
        w.line(0, f"NominatedNodeName:\t{doc['nominatedNodeName']}")
    if doc.get("resources") is not None:
        w.line(0, "Resources:")
        podspec.write_resources(w, 1, doc["resources"].get("limits"), doc["resources"].get("requests"))
    if doc.get("initContainers"):
        podspec.write_containers(w, "Init Containers", doc["initContainers"])
    podspec.write_containers(w, "Containers", doc.get("containers") or [])
    if doc.get("ephemeralContainers"):
        podspec.write_containers(w, "Ephemeral Containers", doc["ephemeralContainers"])
    gates = doc.get("readinessGates") or []
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for g in gates:
            w.line(1, f"{g['type']} \t{g['status'] if g.get('status') is not None else '<none>'} ")
    conditions = doc.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.line(1, f"{c['type']} \t{c['status']} ")
    podspec.write_volumes(w, doc.get("volumes") or [])
    w.line(0, f"QoS Class:\t{doc.get('qosClass') or ''}")
    write_labels(w, 0, "Node-Selectors", doc.get("nodeSelectors"))
    write_tolerations(w, 0, "Tolerations", doc.get("tolerations"))
    podspec.write_topology_spread(w, doc.get("topologySpreadConstraints") or [])
    podspec.write_scheduling_group(w, doc.get("schedulingGroup"))
    write_doc_events(w, doc, now)
