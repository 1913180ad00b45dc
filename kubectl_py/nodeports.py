"""Services reachable on a node port, and the node addresses a client can use to reach them. Pure.

Rules (documented in the README):
- one record per (Service, port) of type NodePort or LoadBalancer whose port has a nodePort;
- a node's address: the preferred type (ExternalIP, else InternalIP; ``address_type`` forces one type);
- only Ready and schedulable nodes, unless ``all_nodes``;
- ``externalTrafficPolicy: Local``: only nodes that host a ready endpoint of the Service (EndpointSlices);
- IPv6 addresses are written in brackets;
- a record whose URL list is empty says why (``noUrlsReason``): every node cordoned or NotReady, no address of
  the type asked for, or no ready endpoint on a usable node (Local policy);
- records come by namespace and name, each Service's ports in the Service's own order.
"""

from __future__ import annotations

from dataclasses import dataclass

ADDRESS_TYPES = ("ExternalIP", "InternalIP", "Hostname", "InternalDNS", "ExternalDNS")
DEFAULT_PREFERENCE = ("ExternalIP", "InternalIP")


@dataclass(frozen=True)
class NodePortSettings:
    address_type: str | None = None  # None: ExternalIP, then InternalIP
    all_nodes: bool = False


def has_node_port(service: dict) -> bool:
    spec = service.get("spec") or {}
    return spec.get("type") in ("NodePort", "LoadBalancer") and any(p.get("nodePort") for p in spec.get("ports") or [])


def is_local(service: dict) -> bool:
    return (service.get("spec") or {}).get("externalTrafficPolicy") == "Local"


def node_is_ready(node: dict) -> bool:
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def node_addresses(node: dict, settings: NodePortSettings) -> list:
    """The addresses of the chosen type (all of them: a dual-stack node has two InternalIPs)."""
    addresses = (node.get("status") or {}).get("addresses") or []
    preference = (settings.address_type,) if settings.address_type else DEFAULT_PREFERENCE
    for wanted in preference:
        found = [a.get("address") for a in addresses if a.get("type") == wanted and a.get("address")]
        if found:
            return found
    return []


def host_port(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def usable_nodes(nodes: list, settings: NodePortSettings) -> list:
    if settings.all_nodes:
        return list(nodes)
    return [n for n in nodes if node_is_ready(n) and not (n.get("spec") or {}).get("unschedulable")]


def ready_endpoints(slices: list) -> tuple:
    """(number of distinct ready endpoint addresses, names of the nodes that host them)."""
    addresses, node_names = set(), set()
    for endpoint_slice in slices:
        for endpoint in endpoint_slice.get("endpoints") or []:
            ready = (endpoint.get("conditions") or {}).get("ready")
            if ready is False:  # kubectl and kube-proxy treat an unset condition as ready
                continue
            addresses.update(endpoint.get("addresses") or [])
            if endpoint.get("nodeName"):
                node_names.add(endpoint["nodeName"])
    return len(addresses), node_names


def slices_by_service(slices: list) -> dict:
    """EndpointSlices grouped by (namespace, service name), from the kubernetes.io/service-name label."""
    grouped = {}
    for endpoint_slice in slices:
        meta = endpoint_slice.get("metadata") or {}
        service = (meta.get("labels") or {}).get("kubernetes.io/service-name")
        if service:
            grouped.setdefault((meta.get("namespace"), service), []).append(endpoint_slice)
    return grouped


def no_nodes_reason(nodes: list, usable: list, settings: NodePortSettings) -> str | None:
    """Why no node gives an address (None when one does): what a user sees instead of an empty URLS."""
    if not nodes:
        return "no nodes"
    if not usable:
        cordoned = sum(1 for n in nodes if (n.get("spec") or {}).get("unschedulable"))
        not_ready = sum(1 for n in nodes if not node_is_ready(n))
        parts = [f"{cordoned} cordoned"] * bool(cordoned) + [f"{not_ready} NotReady"] * bool(not_ready)
        return f"{len(nodes)} node{'s' * (len(nodes) != 1)}, {', '.join(parts)}; --all-nodes includes them"
    if not any(addresses for _, addresses in usable):
        wanted = settings.address_type or " or ".join(DEFAULT_PREFERENCE)
        return f"no usable node has an {wanted} address" + (
            "" if settings.address_type else "; --address-type picks another"
        )
    return None


def node_port_records(
    services: list, nodes: list | None, slices: list | None, settings: NodePortSettings = NodePortSettings()
) -> list:
    """One record per (Service, node port). ``nodes`` None means nodes could not be read (a user limited
    to a namespace): URLs are then null. ``slices`` None means EndpointSlices could not be read: ready
    counts are then null and Local-policy services get no URLs. ``noUrlsReason`` says why a URL list is
    empty (null otherwise)."""
    # each node's name and addresses, worked out once for all services
    candidates = [
        ((n.get("metadata") or {}).get("name"), node_addresses(n, settings))
        for n in usable_nodes(nodes or [], settings)
    ]
    nodes_reason = None if nodes is None else no_nodes_reason(nodes, candidates, settings)
    grouped = slices_by_service(slices) if slices is not None else None
    records = []
    for service in services:
        if not has_node_port(service):
            continue
        spec = service.get("spec") or {}
        meta = service.get("metadata") or {}
        policy = spec.get("externalTrafficPolicy") or "Cluster"
        ready_count, endpoint_nodes = (None, set())
        if grouped is not None:
            ready_count, endpoint_nodes = ready_endpoints(grouped.get((meta.get("namespace"), meta.get("name")), []))
        nodes_for_service, reason = candidates, nodes_reason
        if policy == "Local":
            nodes_for_service = [c for c in candidates if c[0] in endpoint_nodes]
            if reason is None and not any(addresses for _, addresses in nodes_for_service):
                reason = (
                    "externalTrafficPolicy Local: EndpointSlices unreadable"
                    if grouped is None
                    else "externalTrafficPolicy Local: no ready endpoint on a usable node"
                )
        for port in spec.get("ports") or []:
            node_port = port.get("nodePort")
            if not node_port:
                continue
            urls = (
                None
                if nodes is None
                else [host_port(address, node_port) for _, addresses in nodes_for_service for address in addresses]
            )
            records.append(
                {
                    "namespace": meta.get("namespace", ""),
                    "name": meta.get("name", ""),
                    "type": spec.get("type"),
                    "portName": port.get("name", ""),
                    "port": port.get("port"),
                    "nodePort": node_port,
                    "protocol": port.get("protocol", "TCP"),
                    "targetPort": port.get("targetPort", port.get("port")),
                    "selector": spec.get("selector") or {},
                    "externalTrafficPolicy": policy,
                    "readyEndpoints": ready_count,
                    "urls": urls,
                    "noUrlsReason": reason if urls == [] else None,
                }
            )
    records.sort(key=lambda r: (r["namespace"], r["name"]))  # stable: a Service's ports keep their order
    return records
