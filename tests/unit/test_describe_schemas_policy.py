"""Documents of the ReplicationController, LimitRange, ResourceQuota, PodDisruptionBudget, NetworkPolicy
and EndpointSlice describers: built from an offline dump, each validates against its kind's JSON Schema,
and the text renders kubectl's details from the document alone (kubectl's own text is checked against
a real cluster in tests/integration/test_describe_policy.py)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py.describe import SCHEMA_DIR, describe, render_text
from kubectl_py.describe.text.policy import go_time_string, quota_used_str
from kubectl_py.kube.offline import Dump

REGISTRY = Registry().with_resources(
    (json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text())))
    for p in sorted(SCHEMA_DIR.glob("*.json"))
)
NOW = "2026-01-01T12:00:00Z"
T0 = "2026-01-01T11:00:00Z"


def meta(name, **extra):
    md = {"name": name, "namespace": "demo", "uid": f"uid-{name}", "creationTimestamp": T0}
    md.update(extra)
    return md


OBJECTS = [
    {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": meta("rc"),
        "spec": {
            "replicas": 2,
            "selector": {"app": "x", "tier": "a"},
            "template": {
                "metadata": {"labels": {"app": "x", "tier": "a"}},
                "spec": {"containers": [{"name": "c", "image": "busybox"}]},
            },
        },
        "status": {"replicas": 1, "conditions": [{"type": "ReplicaFailure", "status": "True", "reason": "Quota"}]},
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "status": {"phase": "Running"},
        "metadata": meta(
            "p1",
            labels={"app": "x", "tier": "a"},
            ownerReferences=[{"controller": True, "uid": "uid-rc", "kind": "ReplicationController", "name": "rc"}],
        ),
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "status": {"phase": "Pending"},  # an orphan: not counted
        "metadata": meta("p2", labels={"app": "x", "tier": "a"}),
    },
    {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": meta("lr"),
        "spec": {
            "limits": [
                {"type": "Container", "max": {"memory": "1Gi", "cpu": "2"}, "defaultRequest": {"cpu": "100m"}},
                {"type": "Pod", "maxLimitRequestRatio": {"cpu": "4"}},
            ]
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": meta("rq"),
        "spec": {"scopes": ["NotTerminating", "BestEffort", "CrossNamespacePodAffinity"]},
        "status": {
            "hard": {"pods": "10", "requests.memory": "1G", "limits.memory": "2Gi"},
            "used": {"pods": "2", "requests.memory": "64Mi"},
        },
    },
    {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta("pdb"),
        "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "x"}}},
        "status": {"disruptionsAllowed": 1, "currentHealthy": 2, "desiredHealthy": 1, "expectedPods": 2},
    },
    {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta("pdb-bare"),
        "spec": {"maxUnavailable": 1},
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("np"),
        "spec": {
            "podSelector": {"matchLabels": {"app": "x"}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {
                    "ports": [{"port": 80}, {"port": "http", "protocol": "UDP"}, {"protocol": "SCTP"}],
                    "from": [
                        {"podSelector": {}},
                        {
                            "namespaceSelector": {"matchLabels": {"a": "b"}},
                            "podSelector": {"matchExpressions": [{"key": "k", "operator": "Exists"}]},
                        },
                        {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "10.2.0.0/16"]}},
                    ],
                },
                {},
            ],
            "egress": [{"ports": [{"port": 1000, "endPort": 2000}], "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}],
        },
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("deny-all"),
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    },
    {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": meta("es", labels={"a": "b"}),
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}, {"protocol": "UDP"}],
        "endpoints": [
            {
                "addresses": ["10.0.0.1", "10.0.0.2"],
                "conditions": {"ready": True},
                "hostname": "h",
                "targetRef": {"kind": "Pod", "name": "p1"},
                "nodeName": "n1",
                "zone": "z",
            },
            {"addresses": ["10.0.0.3"], "conditions": {}},
        ],
    },
    {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta("es-empty"), "addressType": "FQDN"},
    {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": meta("pdb.1"),
        "type": "Normal",
        "reason": "NoPods",
        "message": "No matching pods found",
        "count": 1,
        "firstTimestamp": T0,
        "lastTimestamp": T0,
        "source": {"component": "controllermanager"},
        "involvedObject": {"kind": "PodDisruptionBudget", "namespace": "demo", "name": "pdb", "uid": "uid-pdb"},
    },
]

CASES = [
    ("rc", "rc"),
    ("limitrange", "lr"),
    ("resourcequota", "rq"),
    ("pdb", "pdb"),
    ("pdb", "pdb-bare"),
    ("networkpolicy", "np"),
    ("networkpolicy", "deny-all"),
    ("endpointslice", "es"),
    ("endpointslice", "es-empty"),
]


def _describe(type_name, name, objects=None, show_events=True):
    source = Dump(objects if objects is not None else OBJECTS, namespace="demo")
    docs, errors, _ = describe(source, type_name, [name], "demo", show_events=show_events)
    assert not errors
    return docs[0]


def _validate(doc):
    schema = json.loads((SCHEMA_DIR / f"{doc['kind'].lower()}.json").read_text())
    jsonschema.Draft202012Validator(schema, registry=REGISTRY).validate(doc)


@pytest.mark.parametrize(
    "kind",
    ["replicationcontroller", "limitrange", "resourcequota", "poddisruptionbudget", "networkpolicy", "endpointslice"],
)
def test_schema_is_valid(kind):
    jsonschema.Draft202012Validator.check_schema(json.loads((SCHEMA_DIR / f"{kind}.json").read_text()))


@pytest.mark.parametrize("type_name,name", CASES, ids=[f"{t}-{n}" for t, n in CASES])
@pytest.mark.parametrize("show_events", [True, False])
def test_documents_validate(type_name, name, show_events):
    doc = _describe(type_name, name, show_events=show_events)
    _validate(doc)
    json.dumps(doc)
    assert render_text([doc], NOW).startswith("Name:")


def test_failed_joins_are_null_with_warnings():
    """Without pods or events in the input, the RC's pod counts and the PDB's events are null."""
    objects = [o for o in OBJECTS if o["kind"] not in ("Pod", "Event")]
    rc = _describe("rc", "rc", objects)
    _validate(rc)
    assert rc["podsStatus"] is None and rc["events"] is None and rc["warnings"]
    pdb = _describe("pdb", "pdb", objects)
    _validate(pdb)
    assert pdb["events"] is None and "Events:                   <none>\n" in render_text([pdb], NOW)


def test_replicationcontroller_counts_owned_pods_only():
    doc = _describe("rc", "rc")
    assert doc["selector"] == "app=x,tier=a"
    assert doc["podsStatus"] == {"running": 1, "waiting": 0, "succeeded": 0, "failed": 0}
    text = render_text([doc], NOW)
    assert "Selector:     app=x,tier=a\n" in text and "Controlled By" not in text
    assert "  ReplicaFailure   True    Quota\n" in text


def test_limitrange_rows_are_data():
    doc = _describe("limitrange", "lr")
    assert [(r["type"], r["resource"]) for r in doc["limits"]] == [
        ("Container", "cpu"),
        ("Container", "memory"),
        ("Pod", "cpu"),
    ]
    assert doc["limits"][0]["max"] == {"value": "2", "base": 2} and doc["limits"][0]["min"] is None
    text = render_text([doc], NOW)
    assert "Container   memory    -    1Gi  -                -              -\n" in text
    assert "Pod         cpu       -    -    -                -              4\n" in text


def test_resourcequota_used_takes_hard_format():
    doc = _describe("resourcequota", "rq")
    assert doc["scopes"] == ["BestEffort", "CrossNamespacePodAffinity", "NotTerminating"]
    assert doc["resources"]["limits.memory"]["used"] is None
    text = render_text([doc], NOW)
    assert "Scopes:     BestEffort, CrossNamespacePodAffinity, NotTerminating\n * Matches all pods that do not" in text
    assert text.count(" * ") == 2  # CrossNamespacePodAffinity has no help text
    assert "requests.memory  67108864  1G\n" in text and "limits.memory    0         2Gi\n" in text
    hard = {"value": "1Gi", "base": 1024**3}
    assert quota_used_str({"value": "512Mi", "base": 0}, hard) == "512Mi"
    assert quota_used_str({"value": "500m", "base": 0.5}, hard) == "1"  # Value() rounds up
    assert quota_used_str({"value": "500m", "base": 0.5}, {"value": "2", "base": 2}) == "500m"


def test_pdb_text():
    doc = _describe("pdb", "pdb")
    assert doc["minAvailable"] == "50%" and doc["selector"] == "app=x" and doc["events"][0]["reason"] == "NoPods"
    text = render_text([doc], NOW)
    assert "Min available:  50%\nSelector:       app=x\nStatus:\n    Allowed disruptions:  1\n" in text
    bare = render_text([_describe("pdb", "pdb-bare")], NOW)
    assert "Max unavailable:  1\nSelector:         <unset>\n" in bare and "    Total:                0\n" in bare


def test_networkpolicy_rules_are_data_and_prose():
    doc = _describe("networkpolicy", "np")
    first = doc["ingress"][0]
    assert first["ports"][0] == {"protocol": "TCP", "port": 80, "endPort": None}
    assert first["from"][0] == {"podSelector": "", "namespaceSelector": None, "ipBlock": None}
    assert first["from"][1]["podSelector"] == "k" and first["from"][1]["namespaceSelector"] == "a=b"
    assert doc["ingress"][1] == {"ports": [], "from": []}
    text = render_text([doc], NOW)
    assert "Created on:   " + go_time_string(T0) + "\n" in text
    assert (
        "    To Port: 80/TCP\n    To Port: http/UDP\n    To Port: <nil>/SCTP\n    From:\n"
        "      PodSelector: <none>\n    From:\n      NamespaceSelector: a=b\n      PodSelector: k\n"
        "    From:\n      IPBlock:\n        CIDR: 10.0.0.0/8\n        Except: 10.1.0.0/16, 10.2.0.0/16\n"
        "    ----------\n    To Port: <any> (traffic allowed to all ports)\n"
        "    From: <any> (traffic not restricted by source)\n"
    ) in text
    assert (
        "    To Port Range: 1000-2000/TCP\n    To:\n      IPBlock:\n        CIDR: 0.0.0.0/0\n        Except: \n" in text
    )
    assert text.endswith("  Policy Types: Ingress, Egress\n")
    deny = render_text([_describe("networkpolicy", "deny-all")], NOW)
    assert (
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n"
        "  Allowing ingress traffic:\n    <none> (Selected pods are isolated for ingress connectivity)\n"
        "  Not affecting egress traffic\n  Policy Types: Ingress\n"
    ) in deny


def test_go_time_string():
    assert go_time_string(None) == "0001-01-01 00:00:00 +0000 UTC"
    assert go_time_string(T0)[:4] == "2026"


def test_endpointslice_text():
    doc = _describe("endpointslice", "es")
    assert doc["endpoints"][1]["conditions"] == {"ready": None, "serving": None, "terminating": None}
    assert doc["ports"][1] == {"name": None, "port": None, "protocol": "UDP"}
    text = render_text([doc], NOW)
    assert "  <unset>  <unset>  UDP\n" in text
    assert "  - Addresses:  10.0.0.1, 10.0.0.2\n    Conditions:\n      Ready:    true\n" in text
    assert "    Hostname:  <unset>\n    NodeName:  <unset>\n    Zone:      <unset>\n" in text
    empty = render_text([_describe("endpointslice", "es-empty")], NOW)
    assert "AddressType:  FQDN\nPorts: <unset>\nEndpoints: <none>\n" in empty
