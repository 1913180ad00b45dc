"""Service, Endpoints, EndpointSlice and Ingress: the data ``kubectl describe`` shows for them.

Extra reads (kubectl ``describeService`` / ``describeIngressV1``):
- Service: the EndpointSlices labelled ``kubernetes.io/service-name=<svc>``, then events.
- Ingress: for each service backend, its EndpointSlices and the Service (to map the backend port to
  a port name); then events.
- Endpoints, EndpointSlice: events only.

Endpoints are kept as data (address, port, ready, node, target) for every slice endpoint, ready or
not, in the order the API returned them, so the renderer can reproduce kubectl's ``first 3 + N
more...`` text exactly while ``-o json`` users get everything.
"""

from __future__ import annotations

from ..errors import ApiError, KubectlPyError, NotFound, UnknownResource
from .base import Describer, strip_server_prefix, text_renderer
from .sections import gather_events, gather_with_events, join_error, metadata_fields, with_events

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
SLICES = "endpointslices.discovery.k8s.io"


# -- EndpointSlices ------------------------------------------------------------------------------


def _slice_selector(service_name: str) -> str:
    return f"{SERVICE_NAME_LABEL}={service_name}"


def _slices_for(joins, namespace: str, service_name: str):
    return joins.list(
        SLICES, namespace, label_selector=_slice_selector(service_name), what=_slices_what(namespace, service_name)
    )


def _slices_what(namespace: str, service_name: str) -> str:
    return f"endpointslices for service {namespace}/{service_name}"


def _endpoint_record(endpoint: dict, port) -> dict:
    conditions = endpoint.get("conditions") or {}
    ready = conditions.get("ready")
    target = endpoint.get("targetRef") or None
    return {
        "ip": (endpoint.get("addresses") or [""])[0],
        "port": port,
        # kubectl: an unset ready condition counts as ready
        "ready": ready is None or bool(ready),
        "serving": conditions.get("serving"),
        "terminating": conditions.get("terminating"),
        "hostname": endpoint.get("hostname"),
        "nodeName": endpoint.get("nodeName"),
        "zone": endpoint.get("zone"),
        "targetRef": (
            {"kind": target.get("kind"), "name": target.get("name"), "namespace": target.get("namespace")}
            if target
            else None
        ),
    }


def endpoints_for_port(slices: list, port_name: str) -> list:
    """Every endpoint behind the service port named ``port_name`` (``""`` = unnamed), in kubectl's
    ``formatEndpointSlices`` order: slice by slice; a slice without ports contributes its addresses."""
    out = []
    for eps in slices:
        ports = eps.get("ports") or []
        endpoints = [e for e in (eps.get("endpoints") or []) if e.get("addresses")]
        if not ports:
            out.extend(_endpoint_record(e, None) for e in endpoints)
            continue
        for port in ports:
            if (port.get("name") or "") != port_name:
                continue
            out.extend(_endpoint_record(e, port.get("port")) for e in endpoints)
    return out


def _slice_names(slices: list) -> list:
    return sorted((s.get("metadata") or {}).get("name", "") for s in slices)


# -- Service -------------------------------------------------------------------------------------


def gather_services(objects: list, joins) -> list:
    events = gather_events(objects, joins)
    out = []
    for obj, evs in zip(objects, events):
        md = obj.get("metadata") or {}
        slices = _slices_for(joins, md.get("namespace"), md.get("name"))
        got = {"slices": slices, "events": evs}
        if slices is None:
            got["slicesError"] = join_error(joins, _slices_what(md.get("namespace"), md.get("name")))
        out.append(got)
    return out


def _port_record(sp: dict) -> dict:
    return {
        "name": sp.get("name") or None,
        "port": sp.get("port"),
        "protocol": sp.get("protocol") or "TCP",
        "targetPort": sp.get("targetPort"),
        "appProtocol": sp.get("appProtocol"),
        "nodePort": sp.get("nodePort") or None,
    }


def _lb_ingress(status: dict) -> list:
    out = []
    for ing in (status.get("loadBalancer") or {}).get("ingress") or []:
        out.append({"ip": ing.get("ip") or None, "hostname": ing.get("hostname") or None, "ipMode": ing.get("ipMode")})
    return out


def build_service(obj: dict, gathered: dict) -> dict:
    spec = obj.get("spec") or {}
    slices = gathered.get("slices")
    ports = [_port_record(sp) for sp in (spec.get("ports") or [])]
    if slices is None:
        endpoints = None
    else:
        endpoints = [
            {"name": p["name"], "port": p["port"], "endpoints": endpoints_for_port(slices, p["name"] or "")}
            for p in ports
        ]
    doc = metadata_fields(obj)
    doc.update(
        {
            "selector": dict(spec.get("selector") or {}),
            "type": spec.get("type", ""),
            "ipFamilyPolicy": spec.get("ipFamilyPolicy"),
            "ipFamilies": list(spec.get("ipFamilies") or []),
            "ip": spec.get("clusterIP", ""),
            "ips": list(spec.get("clusterIPs") or []),
            "externalIPs": list(spec.get("externalIPs") or []),
            "desiredLoadBalancerIP": spec.get("loadBalancerIP") or None,
            "externalName": spec.get("externalName") or None,
            "loadBalancerIngress": _lb_ingress(obj.get("status") or {}),
            "ports": ports,
            "endpoints": endpoints,
            "endpointSlices": None if slices is None else _slice_names(slices),
            "endpointsError": gathered.get("slicesError") if slices is None else None,
            "sessionAffinity": spec.get("sessionAffinity", ""),
            "externalTrafficPolicy": spec.get("externalTrafficPolicy") or None,
            "internalTrafficPolicy": spec.get("internalTrafficPolicy"),
            "healthCheckNodePort": spec.get("healthCheckNodePort") or None,
            "loadBalancerSourceRanges": list(spec.get("loadBalancerSourceRanges") or []),
            "trafficDistribution": spec.get("trafficDistribution"),
        }
    )
    return with_events(doc, gathered)


# -- Endpoints -----------------------------------------------------------------------------------


def _address(addr: dict) -> dict:
    target = addr.get("targetRef") or None
    return {
        "ip": addr.get("ip", ""),
        "hostname": addr.get("hostname"),
        "nodeName": addr.get("nodeName"),
        "targetRef": (
            {"kind": target.get("kind"), "name": target.get("name"), "namespace": target.get("namespace")}
            if target
            else None
        ),
    }


def build_endpoints(obj: dict, gathered: dict) -> dict:
    subsets = []
    for sub in obj.get("subsets") or []:
        subsets.append(
            {
                "addresses": [_address(a) for a in sub.get("addresses") or []],
                "notReadyAddresses": [_address(a) for a in sub.get("notReadyAddresses") or []],
                "ports": [
                    {
                        "name": p.get("name") or None,
                        "port": p.get("port"),
                        "protocol": p.get("protocol") or "TCP",
                        "appProtocol": p.get("appProtocol"),
                    }
                    for p in sub.get("ports") or []
                ],
            }
        )
    doc = metadata_fields(obj)
    doc["subsets"] = subsets
    return with_events(doc, gathered)


# -- Ingress -------------------------------------------------------------------------------------


def _backends(spec: dict) -> list:
    """Every backend kubectl prints: the default one, then each path of each rule with http."""
    out = []
    if spec.get("defaultBackend"):
        out.append(spec["defaultBackend"])
    for rule in spec.get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            out.append(path.get("backend") or {})
    return out


def _attempt(joins, what: str, call):
    """``(value, None)`` or ``(None, kubectl's error text)``; a NotFound is data here (kubectl prints it
    in the backend), any other failure is also recorded as a warning. ``(None, None)`` when the input
    files hold no objects of the kind (warned too)."""
    try:
        return call(), None
    except NotFound as exc:
        return None, strip_server_prefix(str(exc))
    except (ApiError, UnknownResource, KubectlPyError) as exc:
        joins.warn(what, exc)
        return None, joins.error(what)


def _backend_reads(joins, namespace: str, svc_name: str) -> dict:
    """kubectl ``describeBackendV1``: LIST the slices (an error there wins), then GET the Service.

    In batch mode both come from one list per namespace, shared by every Ingress described."""
    source = joins.source
    slices_what = f"endpointslices in namespace {namespace}"
    services_what = f"services in namespace {namespace}"
    if joins.batch:

        def slices_call():
            cached = _cached_list(joins, SLICES, namespace)
            return [
                s for s in cached if ((s.get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME_LABEL) == svc_name
            ]

        def service_call():
            for svc in _cached_list(joins, "services", namespace):
                if (svc.get("metadata") or {}).get("name") == svc_name:
                    return svc
            raise NotFound(f'services "{svc_name}" not found', 404)
    else:

        def slices_call():
            return source.list(source.resolve(SLICES), namespace, _slice_selector(svc_name))

        def service_call():
            return source.get(source.resolve("services"), svc_name, namespace)

    slices, error = _attempt(joins, slices_what, slices_call)
    service = None
    if error is None:
        service, error = _attempt(joins, services_what, service_call)
        if service is None and error is None:  # the input files hold no services: kubectl's GET would say
            error = f'services "{svc_name}" not found'
    return {"slices": slices, "service": service, "error": error}


def _cached_list(joins, type_name: str, namespace: str) -> list:
    """One list per (type, namespace) for the whole batch, in the Joins cache."""
    info = joins.source.resolve(type_name)
    return joins.memo((info.qualified, namespace), lambda: joins.source.list(info, namespace))


def gather_ingresses(objects: list, joins) -> list:
    events = gather_events(objects, joins)
    out = []
    for obj, evs in zip(objects, events):
        ns = (obj.get("metadata") or {}).get("namespace") or ""
        services = {}
        for backend in _backends(obj.get("spec") or {}):
            svc_name = (backend.get("service") or {}).get("name")
            if svc_name and svc_name not in services:
                services[svc_name] = _backend_reads(joins, ns, svc_name)
        out.append({"services": services, "events": evs})
    return out


def _backend_record(backend: dict, services: dict) -> dict:
    record = {
        "service": None,
        "resource": None,
        "servicePortName": None,
        "endpoints": None,
        "endpointSlices": None,
        "error": None,
    }
    if backend.get("service"):
        svc = backend["service"]
        port = svc.get("port") or {}
        record["service"] = {
            "name": svc.get("name", ""),
            "port": {"number": port.get("number") or None, "name": port.get("name") or None},
        }
        found = services.get(svc.get("name")) or {}
        if found.get("error"):
            record["error"] = found["error"]
            return record
        sp_name = ""
        for sp in ((found.get("service") or {}).get("spec") or {}).get("ports") or []:
            if port.get("number") and port.get("number") == sp.get("port"):
                sp_name = sp.get("name") or ""
            elif port.get("name") and port.get("name") == sp.get("name"):
                sp_name = sp.get("name") or ""
        slices = found.get("slices")  # None: the input files hold no endpointslices
        record["servicePortName"] = sp_name
        if slices is not None:
            record["endpoints"] = endpoints_for_port(slices, sp_name)
            record["endpointSlices"] = _slice_names(slices)
    elif backend.get("resource"):
        res = backend["resource"]
        record["resource"] = {"apiGroup": res.get("apiGroup"), "kind": res.get("kind", ""), "name": res.get("name", "")}
    return record


def _ingress_addresses(status: dict) -> list:
    found = set()
    for ing in (status.get("loadBalancer") or {}).get("ingress") or []:
        if ing.get("ip"):
            found.add(ing["ip"])
        elif ing.get("hostname"):
            found.add(ing["hostname"])
    return sorted(found)


def build_ingress(obj: dict, gathered: dict) -> dict:
    spec = obj.get("spec") or {}
    services = gathered.get("services") or {}
    rules = []
    for rule in spec.get("rules") or []:
        http = rule.get("http")
        rules.append(
            {
                "host": rule.get("host") or None,
                "paths": None
                if http is None
                else [
                    {
                        "path": p.get("path", ""),
                        "pathType": p.get("pathType"),
                        "backend": _backend_record(p.get("backend") or {}, services),
                    }
                    for p in (http.get("paths") or [])
                ],
            }
        )
    default = spec.get("defaultBackend")
    doc = metadata_fields(obj)
    doc.update(
        {
            "address": _ingress_addresses(obj.get("status") or {}),
            "ingressClass": spec.get("ingressClassName"),
            "defaultBackend": None if not default else _backend_record(default, services),
            "tls": [
                {"secretName": t.get("secretName") or None, "hosts": list(t.get("hosts") or [])}
                for t in spec.get("tls") or []
            ],
            "rules": rules,
        }
    )
    return with_events(doc, gathered)


SERVICE = Describer(gather_services, build_service, text_renderer("network", "render_service"))
ENDPOINTS = Describer(gather_with_events, build_endpoints, text_renderer("network", "render_endpoints"))
INGRESS = Describer(gather_ingresses, build_ingress, text_renderer("network", "render_ingress"))


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


ENDPOINTSLICE = Describer(gather_with_events, build_endpointslice, text_renderer("network", "render_endpointslice"))
