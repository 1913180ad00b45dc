"""Documents of the network, namespace, config and storage describers (Service, Endpoints, Ingress,
Namespace, ConfigMap, Secret, ServiceAccount, PersistentVolumeClaim, PersistentVolume): built from an
offline dump, every document validates against its kind's JSON Schema, and the text renders kubectl's
details (endpoint lists, secret sizes, used-by, quotas) from the document alone."""

from __future__ import annotations

import base64
import json

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py.describe import SCHEMA_DIR, describe, render_text
from kubectl_py.describe.text.layout import Writer
from kubectl_py.describe.text.network import format_endpoints
from kubectl_py.kube.offline import Dump

REGISTRY = Registry().with_resources(
    (json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text())))
    for p in sorted(SCHEMA_DIR.glob("*.json"))
)
NOW = "2026-01-01T12:00:00Z"
T0 = "2026-01-01T11:00:00Z"


def b64(text) -> str:
    return base64.b64encode(text if isinstance(text, bytes) else text.encode()).decode()


def meta(name, ns="demo", uid=None, **extra):
    md = {"name": name, "uid": uid or f"uid-{name}", "creationTimestamp": T0}
    if ns:
        md["namespace"] = ns
    md.update(extra)
    return md


def endpoint(ip, ready=True):
    ep = {"addresses": [ip]}
    if ready is not None:
        ep["conditions"] = {"ready": ready}
    return ep


OBJECTS = [
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta("api", labels={"app": "api"}),
        "spec": {
            "type": "ClusterIP",
            "clusterIP": "10.96.0.20",
            "clusterIPs": ["10.96.0.20"],
            "ipFamilies": ["IPv4"],
            "selector": {"app": "api"},
            "sessionAffinity": "None",
            "internalTrafficPolicy": "Cluster",
            "ports": [
                {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                {"name": "grpc", "port": 9000, "targetPort": 9000, "protocol": "TCP", "nodePort": 30900},
            ],
        },
    },
    {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "addressType": "IPv4",
        "metadata": meta("api-a", labels={"kubernetes.io/service-name": "api"}),
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "grpc", "port": 9000, "protocol": "TCP"}],
        "endpoints": [
            endpoint("10.0.0.1"),
            endpoint("10.0.0.2", False),
            endpoint("10.0.0.3", None),
            endpoint("10.0.0.4"),
            endpoint("10.0.0.5"),
        ],
    },
    {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": meta("api"),
        "subsets": [
            {
                "addresses": [{"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "api-1"}}],
                "notReadyAddresses": [{"ip": "10.0.0.2"}],
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"port": 9000, "protocol": "TCP"}],
            }
        ],
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta("web"),
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["a.example.com"], "secretName": "tls"}],
            "rules": [
                {
                    "host": "a.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "api", "port": {"number": 80}}},
                            },
                            {
                                "path": "/g",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "ghost", "port": {"name": "x"}}},
                            },
                            {
                                "path": "/r",
                                "pathType": "Prefix",
                                "backend": {"resource": {"kind": "Bucket", "name": "b"}},
                            },
                        ]
                    },
                }
            ],
        },
        "status": {
            "loadBalancer": {"ingress": [{"ip": "192.0.2.2"}, {"hostname": "lb.example.com"}, {"ip": "192.0.2.1"}]}
        },
    },
    {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("demo", ns=None), "status": {"phase": "Active"}},
    {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": meta("counts"),
        "spec": {"hard": {"pods": "10", "requests.memory": "1Gi"}, "scopes": ["NotTerminating"]},
        "status": {"hard": {"pods": "10", "requests.memory": "1Gi"}, "used": {"pods": "2"}},
    },
    {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": meta("limits"),
        "spec": {
            "limits": [
                {"type": "Container", "default": {"memory": "256Mi", "cpu": "200m"}, "defaultRequest": {"cpu": "100m"}}
            ]
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta("cfg"),
        "data": {"b": "two\nlines", "a": "1"},
        "binaryData": {"logo": b64(bytes(12))},
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta(
            "sa-token",
            annotations={"kubernetes.io/service-account.name": "bot", "kubernetes.io/service-account.uid": "uid-bot"},
        ),
        "type": "kubernetes.io/service-account-token",
        "data": {
            "token": b64("header.payload.signature-very-secret"),
            "ca.crt": b64("x" * 10),
            "namespace": b64("demo"),
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta("bot"),
        "imagePullSecrets": [{"name": "reg-a"}, {"name": "reg-b"}],
        "secrets": [{"name": "mounted"}],
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": meta("data", finalizers=["kubernetes.io/pvc-protection"]),
        "spec": {
            "volumeName": "pv-data",
            "storageClassName": "manual",
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "2Gi"}},
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Bound", "capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteOnce", "ReadWriteOnce"]},
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta("user-b"),
        "spec": {"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]},
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta("user-a"),
        "spec": {"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]},
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": meta("pv-data", ns=None, labels={"disk": "ssd"}),
        "spec": {
            "capacity": {"storage": "2Gi"},
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "manual",
            "persistentVolumeReclaimPolicy": "Retain",
            "claimRef": {"namespace": "demo", "name": "data"},
            "local": {"path": "/mnt/disk"},
            "nodeAffinity": {
                "required": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1", "n2"]},
                                {"key": "disk", "operator": "Exists"},
                            ]
                        }
                    ]
                }
            },
        },
        "status": {"phase": "Bound"},
    },
    {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": meta("api.1"),
        "type": "Warning",
        "reason": "Sync",
        "message": "something ",
        "count": 3,
        "firstTimestamp": T0,
        "lastTimestamp": "2026-01-01T11:58:00Z",
        "source": {"component": "svc-controller"},
        "involvedObject": {"kind": "Service", "namespace": "demo", "name": "api", "uid": "uid-api"},
    },
]

CASES = [
    ("service", "api", "demo", "service"),
    ("endpoints", "api", "demo", "endpoints"),
    ("ingress", "web", "demo", "ingress"),
    ("namespace", "demo", None, "namespace"),
    ("configmap", "cfg", "demo", "configmap"),
    ("secret", "sa-token", "demo", "secret"),
    ("serviceaccount", "bot", "demo", "serviceaccount"),
    ("pvc", "data", "demo", "persistentvolumeclaim"),
    ("pv", "pv-data", None, "persistentvolume"),
]


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


def _validate(doc: dict, name: str) -> None:
    jsonschema.Draft202012Validator(_schema(name), registry=REGISTRY).validate(doc)


def _describe(type_name, names, namespace="demo", objects=None, show_events=True):
    source = Dump(objects if objects is not None else OBJECTS, namespace="demo")
    docs, errors, _ = describe(source, type_name, names, namespace, show_events=show_events)
    assert not errors
    return docs


@pytest.mark.parametrize("name", sorted({c[3] for c in CASES}))
def test_schema_is_valid(name):
    jsonschema.Draft202012Validator.check_schema(_schema(name))


@pytest.mark.parametrize("type_name,name,namespace,schema", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("show_events", [True, False])
def test_documents_validate(type_name, name, namespace, schema, show_events):
    docs = _describe(type_name, [name], namespace, show_events=show_events)
    _validate(docs[0], schema)
    json.dumps(docs[0])  # plain data
    assert render_text(docs, NOW)


def test_documents_with_failed_joins_validate():
    """A dump without EndpointSlices, Pods, quotas or Secrets: the joins fail, the fields are null."""
    kinds = {"Service", "PersistentVolumeClaim", "Namespace", "ServiceAccount", "Ingress"}
    objects = [o for o in OBJECTS if o["kind"] in kinds]
    for type_name, name, namespace, schema in CASES:
        if schema not in {"service", "persistentvolumeclaim", "namespace", "serviceaccount", "ingress"}:
            continue
        doc = _describe(type_name, [name], namespace, objects)[0]
        _validate(doc, schema)
        assert doc["warnings"], schema
    svc = _describe("service", ["api"], "demo", objects)[0]
    assert svc["endpoints"] is None and svc["endpointsError"] is None  # not in the input: no error, shown as none
    assert "Endpoints:                <none>\n" in render_text([svc], NOW)
    pvc = _describe("pvc", ["data"], "demo", objects)[0]
    assert pvc["usedBy"] is None
    ns = _describe("namespace", ["demo"], None, objects)[0]
    assert ns["resourceQuotas"] is None and ns["limitRanges"] is None


def test_service_document_and_text():
    doc = _describe("service", ["api"])[0]
    http = doc["endpoints"][0]
    assert http["name"] == "http" and http["port"] == 80
    assert [(e["ip"], e["port"], e["ready"]) for e in http["endpoints"]] == [
        ("10.0.0.1", 8080, True),
        ("10.0.0.2", 8080, False),
        ("10.0.0.3", 8080, True),
        ("10.0.0.4", 8080, True),
        ("10.0.0.5", 8080, True),
    ]
    assert doc["events"][0]["count"] == 3
    text = render_text([doc], NOW)
    assert "Endpoints:                10.0.0.1:8080,10.0.0.3:8080,10.0.0.4:8080 + 1 more...\n" in text
    assert "NodePort:                 grpc  30900/TCP\n" in text
    assert "TargetPort:               9000/TCP\n" in text
    assert "  Warning  Sync    2m (x3 over 60m)  svc-controller  something" in text


def test_format_endpoints_quirks():
    def ep(ip, ready=True, port=80):
        return {"ip": ip, "port": port, "ready": ready}

    assert format_endpoints([], []) == "<none>"
    assert format_endpoints([], ["s"]) == ""
    assert format_endpoints(None, None) == "<none>"  # unreadable, shown as kubectl shows it
    # "more" is set by a 4th endpoint even when it is not ready, as in kubectl
    assert format_endpoints([ep("a"), ep("b"), ep("c"), ep("d", False)], ["s"]) == "a:80,b:80,c:80 + 0 more..."
    assert format_endpoints([ep("fd00::1"), ep("10.0.0.1", port=None)], ["s"]) == "[fd00::1]:80,10.0.0.1"


def test_ingress_document_and_text():
    doc = _describe("ingress", ["web"])[0]
    assert doc["address"] == ["192.0.2.1", "192.0.2.2", "lb.example.com"]
    paths = doc["rules"][0]["paths"]
    assert paths[0]["backend"]["servicePortName"] == "http"
    assert [e["ip"] for e in paths[0]["backend"]["endpoints"] if e["ready"]] == [
        "10.0.0.1",
        "10.0.0.3",
        "10.0.0.4",
        "10.0.0.5",
    ]
    assert paths[1]["backend"]["error"] == 'services "ghost" not found'
    assert paths[2]["backend"]["resource"] == {"apiGroup": None, "kind": "Bucket", "name": "b"}
    text = render_text([doc], NOW)
    assert "Address:          192.0.2.1,192.0.2.2,lb.example.com\n" in text
    assert (
        "  a.example.com  \n                 /    api:80 (10.0.0.1:8080,10.0.0.3:8080,10.0.0.4:8080 + 1 more...)"
        in text
    )
    assert "/g   ghost:x (<error: services \"ghost\" not found>)" in text
    assert "APIGroup: <none>, Kind: Bucket, Name: b" in text
    assert "  tls terminates a.example.com\n" in text


def test_secret_never_holds_values():
    doc = _describe("secret", ["sa-token"])[0]
    dumped = json.dumps(doc)
    assert "very-secret" not in dumped and b64("header.payload.signature-very-secret") not in dumped
    assert doc["data"] == {"ca.crt": {"bytes": 10}, "namespace": {"bytes": 4}, "token": {"bytes": 36}}
    text = render_text([doc], NOW)
    assert "very-secret" not in text
    assert text.endswith("Data\n====\nca.crt:     10 bytes\nnamespace:  4 bytes\ntoken:      36 bytes\n")
    assert "Events" not in text


def test_configmap_text():
    text = render_text(_describe("configmap", ["cfg"]), NOW)
    assert "\nData\n====\na:\n----\n1\n\nb:\n----\ntwo\nlines\n\n\nBinaryData\n====\nlogo: 12 bytes\n\n" in text


def test_serviceaccount_document_and_text():
    doc = _describe("serviceaccount", ["bot"])[0]
    assert doc["tokens"] == ["sa-token"] and doc["mountableSecrets"] == ["mounted"]
    text = render_text([doc], NOW)
    assert "Image pull secrets:  reg-a\n                     reg-b\n" in text
    assert "Tokens" not in text and "Mountable" not in text  # kubectl >= 1.35 prints neither


def test_pvc_and_pv_text():
    pvc = _describe("pvc", ["data"])[0]
    assert pvc["usedBy"] == ["user-a", "user-b"]
    assert pvc["capacity"] == {"value": "2Gi", "base": 2 * 1024**3}
    text = render_text([pvc], NOW)
    assert "Used By:       user-a\n               user-b\n" in text
    assert "Access Modes:  RWO\n" in text
    assert "Finalizers:    [kubernetes.io/pvc-protection]\n" in text
    pv = _describe("pv", ["pv-data"], None)[0]
    text = render_text([pv], NOW)
    assert "Claim:             demo/data\n" in text
    assert (
        "Node Affinity:     \n  Required Terms:  \n    Term 0:        kubernetes.io/hostname in [n1, n2]\n"
        "                   disk exists\n"
    ) in text
    assert "    Type:  LocalVolume (a persistent volume backed by local storage on a node)\n" in text


def test_namespace_document_and_text():
    doc = _describe("namespace", ["demo"], None)[0]
    quota = doc["resourceQuotas"][0]
    assert quota["resources"]["pods"] == {"used": {"value": "2", "base": 2}, "hard": {"value": "10", "base": 10}}
    assert quota["resources"]["requests.memory"]["used"] is None
    rows = doc["limitRanges"][0]["limits"]
    assert [r["resource"] for r in rows] == ["cpu", "memory"]
    assert rows[0]["defaultRequest"] == {"value": "100m", "base": 0.1} and rows[1]["defaultRequest"] is None
    assert "events" not in doc
    text = render_text([doc], NOW)
    assert "  Scopes:  NotTerminating\n  * Matches all pods that do not have an active deadline." in text
    assert "  requests.memory  0     1Gi\n" in text
    assert " Container  memory    -    -    -                256Mi          -\n" in text


def test_batch_reads_each_join_once():
    calls = []

    class Counting(Dump):
        def list(self, info, namespace=None, label_selector=None, field_selector=None):
            calls.append(info.resource)
            return super().list(info, namespace, label_selector, field_selector)

    objects = list(OBJECTS) + [
        {"apiVersion": "v1", "kind": "Service", "metadata": meta(f"svc-{i}"), "spec": {"ports": [{"port": 80}]}}
        for i in range(20)
    ]
    source = Counting(objects, namespace="demo")
    docs, errors, _ = describe(source, "service", [], "demo", show_events=True)
    assert len(docs) == 21 and not errors
    assert calls.count("endpointslices") == 1 and calls.count("events") == 1
    for doc in docs:
        _validate(doc, "service")


def test_writer_is_not_required_to_hold_now():
    """Renderers take ``now`` as a parameter (for ages), not from the writer."""
    from kubectl_py.describe import network

    doc = _describe("service", ["api"])[0]
    w = Writer()
    network.SERVICE.render(doc, w, NOW)
    assert "2m (x3 over 60m)" in w.text()
