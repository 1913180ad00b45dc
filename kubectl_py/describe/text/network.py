"""kubectl's text for Service, Endpoints, EndpointSlice and Ingress documents (kubectl ``describeService``,
``describeEndpoints``, ``describeEndpointSliceV1``, ``describeIngressV1``)."""

from __future__ import annotations

from .common import format_labels, write_annotations, write_doc_events, write_head, write_labels

MAX_ENDPOINTS = 3


def join_host_port(host: str, port) -> str:
    """Go ``net.JoinHostPort``: brackets around an IPv6 host."""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}"


def format_endpoints(endpoints: list | None, slices: list | None) -> str:
    """kubectl ``formatEndpointSlices`` over the endpoint records of one port (ready or not, in API
    order): ``<none>`` with no slices, the first 3 ready ``ip:port`` joined by ``,``, then ``+ N more...``.

    Like kubectl, "more" is set as soon as a 4th endpoint is met, ready or not. Slices that could not
    be read (null) show as ``<none>`` too, as kubectl shows them; the warning says why."""
    if endpoints is None or not slices:
        return "<none>"
    shown, more, count = [], False, 0
    for ep in endpoints:
        if len(shown) == MAX_ENDPOINTS:
            more = True
        if not ep.get("ready", True):
            continue
        if not more:
            shown.append(ep["ip"] if ep.get("port") is None else join_host_port(ep["ip"], ep["port"]))
        count += 1
    text = ",".join(shown)
    if more:
        return f"{text} + {count - MAX_ENDPOINTS} more..."
    return text


# -- Service -----------------------------------------------------------------------------------------


def _lb_ingress(items: list) -> str:
    parts = []
    for ing in items:
        if ing.get("ip"):
            parts.append(ing["ip"] + (f" ({ing['ipMode']})" if ing.get("ipMode") else ""))
        else:
            parts.append(ing.get("hostname") or "")
    return ", ".join(parts)


def render_service(doc: dict, w, now=None) -> None:
    write_head(w, doc)
    w.line(0, f"Selector:\t{format_labels(doc.get('selector'))}")
    w.line(0, f"Type:\t{doc.get('type') or ''}")
    if doc.get("ipFamilyPolicy") is not None:
        w.line(0, f"IP Family Policy:\t{doc['ipFamilyPolicy']}")
    w.line(0, f"IP Families:\t{','.join(doc.get('ipFamilies') or []) or '<none>'}")
    w.line(0, f"IP:\t{doc.get('ip') or ''}")
    w.line(0, f"IPs:\t{','.join(doc.get('ips') or []) or '<none>'}")
    if doc.get("externalIPs"):
        w.line(0, f"External IPs:\t{','.join(doc['externalIPs'])}")
    if doc.get("desiredLoadBalancerIP"):
        w.line(0, f"Desired LoadBalancer IP:\t{doc['desiredLoadBalancerIP']}")
    if doc.get("externalName"):
        w.line(0, f"External Name:\t{doc['externalName']}")
    if doc.get("loadBalancerIngress"):
        w.line(0, f"LoadBalancer Ingress:\t{_lb_ingress(doc['loadBalancerIngress'])}")
    endpoints = doc.get("endpoints")
    for i, port in enumerate(doc.get("ports") or []):
        name = port.get("name") or "<unset>"
        proto = port.get("protocol") or ""
        w.line(0, f"Port:\t{name}\t{port.get('port')}/{proto}")
        target = port.get("targetPort")
        w.line(0, f"TargetPort:\t{0 if target is None else target}/{proto}")
        if port.get("appProtocol") is not None:
            w.line(0, f"AppProtocol:\t{port['appProtocol']}")
        if port.get("nodePort"):
            w.line(0, f"NodePort:\t{name}\t{port['nodePort']}/{proto}")
        port_endpoints = None if endpoints is None else endpoints[i]["endpoints"]
        shown = format_endpoints(port_endpoints, doc.get("endpointSlices"))
        w.line(0, f"Endpoints:\t{shown}")
    w.line(0, f"Session Affinity:\t{doc.get('sessionAffinity') or ''}")
    if doc.get("externalTrafficPolicy"):
        w.line(0, f"External Traffic Policy:\t{doc['externalTrafficPolicy']}")
    if doc.get("internalTrafficPolicy") is not None:
        w.line(0, f"Internal Traffic Policy:\t{doc['internalTrafficPolicy']}")
    if doc.get("healthCheckNodePort"):
        w.line(0, f"HealthCheck NodePort:\t{doc['healthCheckNodePort']}")
    if doc.get("loadBalancerSourceRanges"):
        w.line(0, f"LoadBalancer Source Ranges:\t{','.join(doc['loadBalancerSourceRanges'])}")
    if doc.get("trafficDistribution") is not None:
        w.line(0, f"Traffic Distribution:\t{doc['trafficDistribution']}")
    write_doc_events(w, doc, now)


# -- Endpoints ---------------------------------------------------------------------------------------


def render_endpoints(doc: dict, w, now=None) -> None:
    write_head(w, doc)
    w.line(0, "Subsets:")
    for sub in doc.get("subsets") or []:
        ready = ",".join(a.get("ip") or "" for a in sub.get("addresses") or [])
        not_ready = ",".join(a.get("ip") or "" for a in sub.get("notReadyAddresses") or [])
        w.line(1, f"Addresses:\t{ready or '<none>'}")
        w.line(1, f"NotReadyAddresses:\t{not_ready or '<none>'}")
        if sub.get("ports"):
            w.line(1, "Ports:")
            w.line(2, "Name\tPort\tProtocol")
            w.line(2, "----\t----\t--------")
            for port in sub["ports"]:
                w.line(2, f"{port.get('name') or '<unset>'}\t{port.get('port')}\t{port.get('protocol') or ''}")
        w.line(0, "")
    write_doc_events(w, doc, now)


# -- Ingress -----------------------------------------------------------------------------------------


def backend_string(backend: dict | None) -> str:
    """kubectl ``describeBackendV1``."""
    if not backend:
        return ""
    svc = backend.get("service")
    if svc:
        port = svc.get("port") or {}
        text = f"{svc.get('name', '')}:{port.get('number') or port.get('name') or ''}"
        if backend.get("error"):
            return f"{text} (<error: {backend['error']}>)"
        return f"{text} ({format_endpoints(backend.get('endpoints'), backend.get('endpointSlices'))})"
    res = backend.get("resource")
    if res:
        return f"APIGroup: {res.get('apiGroup') or '<none>'}, Kind: {res.get('kind', '')}, Name: {res.get('name', '')}"
    return ""


def render_ingress(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    w.line(0, f"Namespace:\t{doc.get('namespace', '')}")
    w.line(0, f"Address:\t{','.join(doc.get('address') or [])}")
    w.line(0, f"Ingress Class:\t{doc.get('ingressClass') or '<none>'}")
    default = "<default>" if doc.get("defaultBackend") is None else backend_string(doc["defaultBackend"])
    w.line(0, f"Default backend:\t{default}")
    if doc.get("tls"):
        w.line(0, "TLS:")
        for tls in doc["tls"]:
            hosts = ",".join(tls.get("hosts") or [])
            if tls.get("secretName"):
                w.line(1, f"{tls['secretName']} terminates {hosts}")
            else:
                w.line(1, f"SNI routes {hosts}")
    w.line(0, "Rules:")
    w.line(1, "Host\tPath\tBackends")
    w.line(1, "----\t----\t--------")
    count = 0
    for rule in doc.get("rules") or []:
        if rule.get("paths") is None:
            continue
        count += 1
        w.line(1, f"{rule.get('host') or '*'}\t")
        for path in rule["paths"]:
            w.line(2, f"\t{path.get('path', '')} \t{backend_string(path.get('backend'))}")
    if count == 0:
        w.line(1, f"*\t*\t{default}")
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    write_doc_events(w, doc, now)


def _unset(value) -> str:
    return "<unset>" if value is None else str(value)


def render_endpointslice(doc: dict, w, now=None) -> None:
    write_head(w, doc)
    w.line(0, f"AddressType:\t{doc.get('addressType', '')}")
    ports = doc.get("ports") or []
    if not ports:
        w.line(0, "Ports: <unset>")
    else:
        w.line(0, "Ports:")
        w.line(1, "Name\tPort\tProtocol")
        w.line(1, "----\t----\t--------")
        for port in ports:
            w.line(1, f"{port.get('name') or '<unset>'}\t{_unset(port.get('port'))}\t{port.get('protocol') or ''}")
    endpoints = doc.get("endpoints") or []
    if not endpoints:
        w.line(0, "Endpoints: <none>")
    else:
        w.line(0, "Endpoints:")
        for endpoint in endpoints:
            w.line(1, f"- Addresses:\t{', '.join(endpoint.get('addresses') or []) or '<none>'}")
            w.line(2, "Conditions:")
            ready = (endpoint.get("conditions") or {}).get("ready")
            w.line(3, f"Ready:\t{'<unset>' if ready is None else ('true' if ready else 'false')}")
            w.line(2, f"Hostname:\t{_unset(endpoint.get('hostname'))}")
            target = endpoint.get("targetRef")
            if target is not None:
                w.line(2, f"TargetRef:\t{target['kind']}/{target['name']}")
            w.line(2, f"NodeName:\t{_unset(endpoint.get('nodeName'))}")
            w.line(2, f"Zone:\t{_unset(endpoint.get('zone'))}")
    write_doc_events(w, doc, now)
