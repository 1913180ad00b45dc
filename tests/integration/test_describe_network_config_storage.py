"""Differential tests of `describe` for Service, Endpoints, Ingress, Namespace, ConfigMap, Secret,
ServiceAccount, PersistentVolumeClaim and PersistentVolume: kubectl (the oracle) against kubectl-py on
the seeded objects, and on special objects made in a per-test namespace; plus the deliberate
differences (secret values never shown) and partial access (a forbidden join is a warning, not a
failure)."""

from __future__ import annotations

import json
import re
import time

import jsonschema
import pytest
from describe_diff import assert_same_describe as _assert_same_describe
from describe_diff import normalise, ours
from referencing import Registry, Resource

from kubectl_py.describe import SCHEMA_DIR, group_of, schema_file

REGISTRY = Registry().with_resources(
    (json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text())))
    for p in sorted(SCHEMA_DIR.glob("*.json"))
)


def validate(doc: dict) -> None:
    schema = json.loads(schema_file(group_of(doc["apiVersion"]), doc["kind"]).read_text())
    jsonschema.Draft202012Validator(schema, registry=REGISTRY).validate(doc)


def assert_same_describe(*args, **kwargs) -> list:
    """describe_diff's check, plus: every document validates against its kind's schema."""
    docs = _assert_same_describe(*args, **kwargs)
    for doc in docs:
        validate(doc)
    return docs


SEEDED = [
    # kind, name, namespace, context
    ("service", "web", "demo", "kpy-a"),
    ("service", "web-nodeport", "demo", "kpy-a"),
    ("service", "web-lb", "demo", "kpy-a"),  # has an event with count 4
    ("service", "web-local", "demo", "kpy-a"),
    ("service", "web-external", "demo", "kpy-a"),
    ("service", "db", "demo", "kpy-a"),  # headless
    ("service", "api", "demo", "kpy-a"),  # three named ports
    ("service", "frontend", "shop", "kpy-a"),
    ("service", "cart", "shop", "kpy-a"),
    ("service", "echo", "beta", "kpy-b"),
    ("endpoints", "web", "demo", "kpy-a"),
    ("endpoints", "api", "demo", "kpy-a"),
    ("endpoints", "db", "demo", "kpy-a"),
    ("ingress", "web", "demo", "kpy-a"),  # TLS, port by number and by name
    ("ingress", "frontend", "shop", "kpy-a"),
    ("configmap", "web-config", "demo", "kpy-a"),  # multi-line value
    ("configmap", "binary-config", "demo", "kpy-a"),  # binaryData sizes
    ("configmap", "checkout", "shop", "kpy-a"),
    ("secret", "app-secret", "demo", "kpy-a"),
    ("secret", "web-tls", "demo", "kpy-a"),
    ("secret", "registry-creds", "demo", "kpy-a"),
    ("serviceaccount", "web", "demo", "kpy-a"),
    ("serviceaccount", "build-bot", "demo", "kpy-a"),  # image pull secrets
    ("serviceaccount", "default", "demo", "kpy-a"),
    ("persistentvolumeclaim", "data", "demo", "kpy-a"),  # Used By a pod
    ("persistentvolumeclaim", "data-db-0", "demo", "kpy-a"),  # StatefulSet claim
    ("persistentvolume", "pv-data", None, "kpy-a"),
    ("persistentvolume", "pv-spare", None, "kpy-a"),  # Available, no claim
    ("persistentvolume", "pv-db-0", None, "kpy-a"),
    ("namespace", "demo", None, "kpy-a"),  # quota + limit range
    ("namespace", "default", None, "kpy-a"),  # neither
]


@pytest.mark.parametrize("kind,name,namespace,context", SEEDED, ids=[f"{c}-{k}-{n}" for k, n, _, c in SEEDED])
def test_seeded_objects_match_kubectl(kubectl, kind, name, namespace, context):
    docs = assert_same_describe(kubectl, kind, name, namespace, context)
    assert len(docs) == 1 and docs[0]["name"] == name
    assert docs[0]["warnings"] == []


LISTED = [
    # kind, namespace: every object at once (batch joins; kubectl hides events for several objects)
    # (namespace None: all namespaces)
    ("services", "demo"),
    ("endpoints", "demo"),
    ("ingresses", None),
    ("configmaps", "demo"),
    ("serviceaccounts", "demo"),
    ("persistentvolumeclaims", "demo"),
    ("persistentvolumes", None),
    ("services", "shop"),
]


@pytest.mark.parametrize("kind,namespace", LISTED, ids=[f"{k}-{n or 'all'}" for k, n in LISTED])
def test_seeded_lists_match_kubectl(kubectl, kind, namespace):
    docs = assert_same_describe(kubectl, kind, None, namespace, "kpy-a", all_namespaces=namespace is None)
    assert len(docs) > 1
    assert all("events" not in doc for doc in docs)


def _sorted_limit_rows(text: str) -> str:
    """kubectl prints one LimitRange item's resources in Go map order: compare them as a set."""
    lines = text.split("\n")
    if "Resource Limits" not in lines:
        return text
    start = lines.index("Resource Limits") + 3
    end = start
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return "\n".join(lines[:start] + sorted(lines[start:end]) + lines[end:])


def test_namespace_with_limit_range_of_several_resources(kubectl):
    """shop's LimitRange has cpu and memory in one item; we sort them, kubectl uses map order."""
    for attempt in range(3):
        theirs = kubectl(["describe", "namespace", "shop"], context="kpy-a")
        text, errors, docs = ours(kubectl, "namespace", "shop", None, "kpy-a")
        validate(docs[0])
        if _sorted_limit_rows(normalise(theirs.stdout)) == _sorted_limit_rows(normalise(text)):
            break
        time.sleep(1 + attempt)
    else:
        assert _sorted_limit_rows(normalise(text)) == _sorted_limit_rows(normalise(theirs.stdout))
    quota = docs[0]["resourceQuotas"][0]
    assert quota["name"] == "compute"
    assert quota["resources"]["pods"]["hard"] == {"value": "20", "base": 20}
    assert isinstance(quota["resources"]["requests.memory"]["hard"]["base"], int)
    rows = {(r["type"], r["resource"]): r for r in docs[0]["limitRanges"][0]["limits"]}
    assert rows[("Container", "cpu")]["defaultRequest"] == {"value": "100m", "base": 0.1}
    assert rows[("Container", "cpu")]["min"] is None


def test_service_endpoints_are_data(kubectl):
    docs = assert_same_describe(kubectl, "service", "api", "demo", "kpy-a")
    doc = docs[0]
    assert [p["name"] for p in doc["endpoints"]] == ["http", "https", "metrics"]
    for port in doc["endpoints"]:
        assert port["endpoints"], port
        for ep in port["endpoints"]:
            assert isinstance(ep["port"], int) and ep["ready"] is True and ep["ip"]
    assert doc["endpointSlices"]


def test_service_account_token_secret_shows_sizes_only(kubectl):
    """Deliberate difference: kubectl prints the token of a service-account-token Secret; we print its size."""
    token = json.loads(
        kubectl(["get", "secret", "build-bot-token", "-n", "demo", "-o", "json"], context="kpy-a", check=True).stdout
    )["data"]["token"]
    import base64

    clear = base64.b64decode(token).decode()
    theirs = kubectl(["describe", "secret", "build-bot-token", "-n", "demo"], context="kpy-a").stdout
    text, _, docs = ours(kubectl, "secret", "build-bot-token", "demo", "kpy-a")
    assert clear in theirs
    assert clear not in text and token not in text
    assert clear not in json.dumps(docs) and token not in json.dumps(docs)
    ours_lines = text.split("\n")
    theirs_lines = theirs.split("\n")
    token_line = next(i for i, line in enumerate(theirs_lines) if line.startswith("token:"))
    assert re.fullmatch(r"token:\s+\d+ bytes", ours_lines[token_line])
    assert ours_lines[token_line] == re.sub(r"\S+$", f"{len(clear)} bytes", theirs_lines[token_line])
    assert (
        ours_lines[:token_line] + ours_lines[token_line + 1 :]
        == theirs_lines[:token_line] + theirs_lines[token_line + 1 :]
    )
    assert docs[0]["data"]["token"] == {"bytes": len(clear)}
    validate(docs[0])


def test_service_account_document_lists_tokens_and_mountable_secrets(kubectl):
    docs = assert_same_describe(kubectl, "serviceaccount", "build-bot", "demo", "kpy-a")
    doc = docs[0]
    assert doc["imagePullSecrets"] == ["registry-creds"]
    assert isinstance(doc["mountableSecrets"], list)
    assert doc["tokens"] is not None


def test_pvc_used_by(kubectl):
    docs = assert_same_describe(kubectl, "pvc", "data", "demo", "kpy-a")
    assert docs[0]["usedBy"] == ["pvc-user"]
    assert docs[0]["capacity"] == {"value": "2Gi", "base": 2 * 1024**3}


def test_get_only_context_service_still_described(kubectl):
    """kpy-a-get-only may get services but not list endpointslices or events: the describe succeeds,
    ``endpoints`` is null, a warning says why, the text is kubectl's (``Endpoints: <none>``) and stderr
    names the EndpointSlices that could not be read."""
    theirs = kubectl(["describe", "service", "api", "-n", "demo"], context="kpy-a-get-only")
    assert theirs.returncode == 0, theirs.stderr
    text, errors, docs = ours(kubectl, "service", "api", "demo", "kpy-a-get-only")
    assert not errors
    doc = docs[0]
    validate(doc)
    assert doc["endpoints"] is None
    assert doc["events"] is None
    assert any(w.startswith("endpointslices for service demo/api:") and "forbidden" in w for w in doc["warnings"])
    assert normalise(theirs.stdout) == normalise(text)


# -- special objects, made in a namespace of the test's own -------------------------------------------


def _apply(kubectl, namespace: str, objects: list) -> None:
    for obj in objects:
        obj.setdefault("metadata", {})["namespace"] = namespace
    proc = kubectl(["apply", "-f", "-"], input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    assert proc.returncode == 0, proc.stderr


def _slice(name: str, service: str, ports: list, endpoints: list) -> dict:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "addressType": "IPv4",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/service-name": service, "endpointslice.kubernetes.io/managed-by": "kpy-test"},
        },
        "ports": ports,
        "endpoints": endpoints,
    }


def _ep(ip: str, ready=True) -> dict:
    ep = {"addresses": [ip]}
    if ready is not None:
        ep["conditions"] = {"ready": ready}
    return ep


def test_special_network_objects(kubectl, namespace):
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "many", "annotations": {"note": "x" * 150}},
                "spec": {
                    "ports": [
                        {"name": "http", "port": 80, "targetPort": 8080},
                        {"name": "dns", "port": 53, "targetPort": 5353, "protocol": "UDP"},
                    ],
                    "externalIPs": ["192.0.2.10"],
                    "sessionAffinity": "None",
                },
            },
            _slice(
                "many-a",
                "many",
                [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "dns", "port": 5353, "protocol": "UDP"}],
                [_ep("10.9.0.1"), _ep("10.9.0.2", False), _ep("10.9.0.3", None), _ep("10.9.0.4")],
            ),
            _slice(
                "many-b",
                "many",
                [{"name": "http", "port": 8080, "protocol": "TCP"}],
                [_ep("10.9.0.5"), _ep("10.9.0.6", False)],
            ),
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "solo"},
                "spec": {"ports": [{"port": 80, "targetPort": 8080}]},
            },
            _slice("solo-a", "solo", [{"name": "", "port": 8080, "protocol": "TCP"}], [_ep("10.9.2.1")]),
            _slice("solo-b", "solo", [], [_ep("10.9.2.2"), _ep("10.9.2.3", False)]),
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "empty"},
                "spec": {"ports": [{"name": "http", "port": 80}]},
            },
            _slice("empty-a", "empty", [{"name": "other", "port": 1, "protocol": "TCP"}], [_ep("10.9.1.1")]),
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {"name": "default-only"},
                "spec": {"defaultBackend": {"service": {"name": "many", "port": {"name": "http"}}}},
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {"name": "mixed"},
                "spec": {
                    "tls": [{"hosts": ["a.example.com", "b.example.com"]}],
                    "rules": [
                        {
                            "host": "a.example.com",
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "pathType": "Prefix",
                                        "backend": {"service": {"name": "many", "port": {"number": 80}}},
                                    },
                                    {
                                        "path": "/ghost",
                                        "pathType": "Prefix",
                                        "backend": {"service": {"name": "ghost", "port": {"number": 80}}},
                                    },
                                    {
                                        "path": "/static",
                                        "pathType": "ImplementationSpecific",
                                        "backend": {
                                            "resource": {
                                                "apiGroup": "k8s.example.com",
                                                "kind": "Bucket",
                                                "name": "assets",
                                            }
                                        },
                                    },
                                ]
                            },
                        },
                        {"host": "nohttp.example.com"},
                        {
                            "http": {
                                "paths": [
                                    {
                                        "path": "/empty",
                                        "pathType": "Exact",
                                        "backend": {"service": {"name": "empty", "port": {"number": 80}}},
                                    }
                                ]
                            }
                        },
                    ],
                },
            },
        ],
    )
    docs = assert_same_describe(kubectl, "service", "many", namespace)
    http = docs[0]["endpoints"][0]
    assert [e["ip"] for e in http["endpoints"]] == [f"10.9.0.{i}" for i in range(1, 7)]
    assert [e["ready"] for e in http["endpoints"]] == [True, False, True, True, True, False]
    docs = assert_same_describe(kubectl, "service", "solo", namespace)
    assert [(e["ip"], e["port"]) for e in docs[0]["endpoints"][0]["endpoints"]] == [
        ("10.9.2.1", 8080),
        ("10.9.2.2", None),
        ("10.9.2.3", None),
    ]
    assert_same_describe(kubectl, "service", "empty", namespace)
    assert_same_describe(kubectl, "ingress", "default-only", namespace)
    docs = assert_same_describe(kubectl, "ingress", "mixed", namespace)
    ghost = docs[0]["rules"][0]["paths"][1]["backend"]
    assert ghost["error"] == 'services "ghost" not found' and ghost["endpoints"] is None
    assert docs[0]["warnings"] == []


def test_special_config_and_storage_objects(kubectl, namespace):
    _apply(
        kubectl,
        namespace,
        [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "empty"}},
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "tabs", "labels": {"b": "2", "a": "1"}},
                "data": {"z": "tab\there", "a": "", "m": "line1\nline2"},
            },
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "nodata"}, "type": "Opaque"},
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": "puller"},
                "imagePullSecrets": [{"name": "one"}, {"name": "two"}, {"name": "three"}],
                "secrets": [{"name": "mounted"}],
            },
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "pending"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "storageClassName": "nonexistent",
                    "resources": {"requests": {"storage": "1Gi"}},
                    "volumeMode": "Filesystem",
                },
            },
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "user-b"},
                "spec": {
                    "containers": [{"name": "c", "image": "busybox"}],
                    "volumes": [
                        {"name": "v1", "persistentVolumeClaim": {"claimName": "pending"}},
                        {"name": "v2", "persistentVolumeClaim": {"claimName": "pending"}},
                    ],
                },
            },
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "user-a"},
                "spec": {
                    "containers": [{"name": "c", "image": "busybox"}],
                    "volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "pending"}}],
                },
            },
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "best-effort"},
                "spec": {"hard": {"pods": "3"}, "scopes": ["BestEffort", "NotTerminating"]},
            },
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "a-counts"},
                "spec": {"hard": {"configmaps": "10", "requests.storage": "10Gi"}},
            },
            {
                "apiVersion": "v1",
                "kind": "LimitRange",
                "metadata": {"name": "pods"},
                "spec": {
                    "limits": [
                        {"type": "Pod", "max": {"cpu": "2"}},
                        {"type": "Container", "maxLimitRequestRatio": {"cpu": "4"}},
                    ]
                },
            },
        ],
    )
    assert_same_describe(kubectl, "configmap", "empty", namespace)
    docs = assert_same_describe(kubectl, "configmap", "tabs", namespace)
    assert docs[0]["data"] == {"a": "", "m": "line1\nline2", "z": "tab\there"}
    docs = assert_same_describe(kubectl, "secret", "nodata", namespace)
    assert docs[0]["data"] == {}
    docs = assert_same_describe(kubectl, "serviceaccount", "puller", namespace)
    assert docs[0]["imagePullSecrets"] == ["one", "two", "three"]
    assert docs[0]["mountableSecrets"] == ["mounted"]
    docs = assert_same_describe(kubectl, "pvc", "pending", namespace)
    # one entry per matching volume, like kubectl
    assert docs[0]["usedBy"] == ["user-a", "user-b", "user-b"]
    assert docs[0]["capacity"] is None and docs[0]["requested"]["base"] == 1024**3
    # quota usage is filled in by the controller: wait until both tools can see it
    deadline = time.time() + 30
    while time.time() < deadline:
        _, _, docs = ours(kubectl, "namespace", namespace, None, "kpy-a")
        quotas = docs[0]["resourceQuotas"]
        if len(quotas) == 2 and all(r["used"] is not None for q in quotas for r in q["resources"].values()):
            break
        time.sleep(1)
    docs = assert_same_describe(kubectl, "namespace", namespace, None)
    assert [q["name"] for q in docs[0]["resourceQuotas"]] == ["a-counts", "best-effort"]
    assert docs[0]["resourceQuotas"][1]["scopes"] == ["BestEffort", "NotTerminating"]
    assert docs[0]["resourceQuotas"][0]["resources"]["configmaps"]["used"]["base"] >= 2
