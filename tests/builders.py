"""Valid-by-default builders for the plain dicts the API returns; each test overrides what it needs."""


def node(name, addresses=(("InternalIP", "10.0.0.1"),), ready=True, unschedulable=False):
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "spec": {"unschedulable": True} if unschedulable else {},
        "status": {
            "addresses": [{"type": t, "address": a} for t, a in addresses],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def service(name, namespace="default", type_="NodePort", ports=((80, 30080),), policy=None, selector=None):
    spec = {
        "type": type_,
        "selector": selector or {"app": name},
        "ports": [
            {"port": p, "nodePort": np, "protocol": "TCP", "targetPort": p}
            if np
            else {"port": p, "protocol": "TCP", "targetPort": p}
            for p, np in ports
        ],
    }
    if policy:
        spec["externalTrafficPolicy"] = policy
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def endpoint_slice(service_name, endpoints, namespace="default"):
    """endpoints: (address, node name, ready) triples."""
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": f"{service_name}-abc",
            "namespace": namespace,
            "labels": {"kubernetes.io/service-name": service_name},
        },
        "endpoints": [{"addresses": [a], "nodeName": n, "conditions": {"ready": r}} for a, n, r in endpoints],
    }
