"""kubectl's text for a Node document (``describeNode``)."""

from __future__ import annotations

from .common import age, quantity_str, rfc1123z, write_annotations, write_doc_events, write_labels, write_taints

MAX_POOLS = 10


def _qty(record) -> str:
    return quantity_str(record)


def _lease(w, doc: dict) -> None:
    lease = doc.get("lease")
    if lease is None:
        w.line(0, f"Lease:\tFailed to get lease: {doc.get('leaseError') or ''}")
        return
    w.line(0, "Lease:")
    w.line(1, f"HolderIdentity:\t{lease['holderIdentity'] if lease.get('holderIdentity') is not None else '<unset>'}")
    w.line(1, f"AcquireTime:\t{rfc1123z(lease['acquireTime']) if lease.get('acquireTime') else '<unset>'}")
    w.line(1, f"RenewTime:\t{rfc1123z(lease['renewTime']) if lease.get('renewTime') else '<unset>'}")


def _pods(w, doc: dict, now) -> None:
    rows = doc.get("nonTerminatedPods")
    if rows is None:
        w.line(0, f"Pods:\t{doc.get('podsError') or 'not authorized'}")
        return
    w.line(0, f"Non-terminated Pods:\t({len(rows)} in total)")
    w.line(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge")
    w.line(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---")
    for r in rows:
        w.line(
            1,
            f"{r['namespace']}\t{r['name']}\t\t{_qty(r['cpuRequests'])} ({r['cpuRequestsPercent']}%)\t"
            f"{_qty(r['cpuLimits'])} ({r['cpuLimitsPercent']}%)\t"
            f"{_qty(r['memoryRequests'])} ({r['memoryRequestsPercent']}%)\t"
            f"{_qty(r['memoryLimits'])} ({r['memoryLimitsPercent']}%)\t{age(r.get('creationTimestamp'), now)}",
        )
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.line(1, "Resource\tRequests\tLimits")
    w.line(1, "--------\t--------\t------")
    for name, a in (doc.get("allocatedResources") or {}).items():
        if "requestsPercent" in a:
            w.line(
                1,
                f"{name}\t{_qty(a['requests'])} ({a['requestsPercent']}%)\t{_qty(a['limits'])} ({a['limitsPercent']}%)",
            )
        else:
            w.line(1, f"{name}\t{_qty(a['requests'])}\t{_qty(a['limits'])}")


def render_node(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Roles:\t{','.join(doc.get('roles') or []) or '<none>'}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    w.line(0, f"CreationTimestamp:\t{rfc1123z(doc.get('creationTimestamp'))}")
    write_taints(w, 0, "Taints", doc.get("taints"))
    w.line(0, f"Unschedulable:\t{'true' if doc.get('unschedulable') else 'false'}")
    _lease(w, doc)
    conditions = doc.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.line(1, "----\t------\t-----------------\t------------------\t------\t-------")
        for c in conditions:
            w.line(
                1,
                f"{c['type']} \t{c['status']} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason') or ''} \t{c.get('message') or ''}",
            )
    w.line(0, "Addresses:")
    for a in doc.get("addresses") or []:
        w.line(1, f"{a['type']}:\t{a['address']}")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        resources = doc.get(key) or {}
        if resources:
            w.line(0, f"{title}:")
            for name in sorted(resources):
                w.line(1, f"{name}:\t{_qty(resources[name])}")
    pools = doc.get("resourceSlices") or []
    if pools:
        w.line(0, "Node-Local ResourceSlices:")
        w.line(1, "Driver\tPool\tSlices\tDevices")
        w.line(1, "------\t----\t------\t-------")
        for i, p in enumerate(pools):
            if i >= MAX_POOLS:
                w.line(1, f"...and {len(pools) - MAX_POOLS} more pools")
                break
            w.line(1, f"{p['driver']}\t{p['pool']}\t{p['slices']}\t{p['devices']}")
    info = doc.get("systemInfo") or {}
    w.line(0, "System Info:")
    for label, key in (
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
    ):
        w.line(1, f"{label}:\t{info.get(key) or ''}")
    if doc.get("podCIDR"):
        w.line(0, f"PodCIDR:\t{doc['podCIDR']}")
    if doc.get("podCIDRs"):
        w.line(0, f"PodCIDRs:\t{','.join(doc['podCIDRs'])}")
    if doc.get("providerID"):
        w.line(0, f"ProviderID:\t{doc['providerID']}")
    _pods(w, doc, now)
    write_doc_events(w, doc, now)
