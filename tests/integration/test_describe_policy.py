"""Differential tests of `describe` for ReplicationController, LimitRange, ResourceQuota,
PodDisruptionBudget, NetworkPolicy and EndpointSlice: kubectl v1.37.2 (the oracle) against kubectl-py on
objects made in the test's own namespace, covering the branches of kubectl's Go code; every document
validates against its kind's schema (describe_diff does that)."""

from __future__ import annotations

import json
import time

from describe_diff import assert_same_describe, normalise, ours, validate_document
from harness import kubectl_plugin


def _apply(kubectl, namespace: str, objects: list) -> None:
    for obj in objects:
        obj.setdefault("metadata", {})["namespace"] = namespace
    proc = kubectl(["apply", "-f", "-"], input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    assert proc.returncode == 0, proc.stderr


def _get(kubectl, kind: str, name: str, namespace: str) -> dict:
    return json.loads(kubectl(["get", kind, name, "-n", namespace, "-o", "json"], check=True).stdout)


def _wait(what: str, check, timeout: float = 40) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _template(labels: dict, **spec) -> dict:
    return {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}], **spec},
    }


def _quota_used_pods(kubectl, namespace: str):
    return _get(kubectl, "resourcequota", "two-pods", namespace).get("status", {}).get("used", {}).get("pods")


def test_replication_controllers(kubectl, namespace):
    # a quota of two pods, in force before any pod exists: "blocked" then cannot create its pod and gets a
    # ReplicaFailure condition. (Made together with the pods, the quota controller could count them late and
    # admit a third.)
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "two-pods"},
                "spec": {"hard": {"pods": "2"}},
            }
        ],
    )
    _wait("the quota to be counted", lambda: _quota_used_pods(kubectl, namespace) == "0")
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "v1",
                "kind": "ReplicationController",
                "metadata": {"name": "two", "labels": {"team": "a"}, "annotations": {"note": "kept"}},
                "spec": {
                    "replicas": 2,
                    "selector": {"app": "two", "tier": "web"},
                    "template": _template({"app": "two", "tier": "web"}, nodeSelector={"disk": "ssd"}),
                },
            },
            {
                "apiVersion": "v1",
                "kind": "ReplicationController",
                "metadata": {"name": "zero"},
                "spec": {"replicas": 0, "template": _template({"app": "zero"})},
            },  # selector defaulted from the template
        ],
    )
    _wait(
        "rc two to create its pods",
        lambda: (
            _get(kubectl, "rc", "two", namespace).get("status", {}).get("replicas") == 2
            and _quota_used_pods(kubectl, namespace) == "2"
        ),
    )
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "v1",
                "kind": "ReplicationController",
                "metadata": {"name": "blocked"},
                "spec": {"replicas": 1, "template": _template({"app": "blocked"})},
            }
        ],
    )
    _wait("rc blocked to fail", lambda: _get(kubectl, "rc", "blocked", namespace).get("status", {}).get("conditions"))
    docs = assert_same_describe(kubectl, "rc", "blocked", namespace)
    assert docs[0]["conditions"][0]["type"] == "ReplicaFailure"
    docs = assert_same_describe(kubectl, "rc", "two", namespace)
    doc = docs[0]
    assert doc["selector"] == "app=two,tier=web" and doc["replicas"] == {"current": 2, "desired": 2}
    pods = json.loads(kubectl(["get", "pods", "-n", namespace, "-l", "app=two", "-o", "json"], check=True).stdout)
    assert sum(doc["podsStatus"].values()) == len(pods["items"]) == 2
    docs = assert_same_describe(kubectl, "rc", "zero", namespace)
    assert docs[0]["podsStatus"] == {"running": 0, "waiting": 0, "succeeded": 0, "failed": 0}
    docs = assert_same_describe(kubectl, "replicationcontrollers", None, namespace)  # several: no events
    assert len(docs) == 3 and all("events" not in d for d in docs)


def _sorted_limit_rows(text: str) -> str:
    """kubectl prints one LimitRange item's resources in Go map order: compare them as a set."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("----")) + 1
    end = start
    while end < len(lines) and lines[end]:
        end += 1
    return "\n".join(lines[:start] + sorted(lines[start:end]) + lines[end:])


def test_limit_ranges(kubectl, namespace):
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "v1",
                "kind": "LimitRange",
                "metadata": {"name": "one-per-item"},
                "spec": {
                    "limits": [
                        {
                            "type": "Container",
                            "max": {"cpu": "2"},
                            "min": {"cpu": "10m"},
                            "default": {"cpu": "500m"},
                            "defaultRequest": {"cpu": "100m"},
                            "maxLimitRequestRatio": {"cpu": "10"},
                        },
                        {"type": "Pod", "max": {"memory": "2Gi"}},
                        {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}},
                    ]
                },
            },
            {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "empty"}, "spec": {"limits": []}},
            {
                "apiVersion": "v1",
                "kind": "LimitRange",
                "metadata": {"name": "several"},
                "spec": {
                    "limits": [
                        {"type": "Container", "default": {"cpu": "200m", "memory": "256Mi", "ephemeral-storage": "1Gi"}}
                    ]
                },
            },
        ],
    )
    docs = assert_same_describe(kubectl, "limitrange", "one-per-item", namespace)
    rows = docs[0]["limits"]
    assert [(r["type"], r["resource"]) for r in rows] == [
        ("Container", "cpu"),
        ("Pod", "memory"),
        ("PersistentVolumeClaim", "storage"),
    ]
    assert rows[0]["defaultLimit"] == {"value": "500m", "base": 0.5}
    assert_same_describe(kubectl, "limitrange", "empty", namespace)
    # several resources in one item: kubectl's order is Go map order, ours sorted
    for _attempt in range(5):
        theirs = kubectl(["describe", "limitrange", "several", "-n", namespace])
        text, errors, docs = ours(kubectl, "limitrange", "several", namespace, None)
        assert not errors and theirs.returncode == 0
        validate_document(docs[0])
        if _sorted_limit_rows(theirs.stdout) == _sorted_limit_rows(text):
            break
        time.sleep(1)
    assert _sorted_limit_rows(theirs.stdout) == _sorted_limit_rows(text)
    assert [r["resource"] for r in docs[0]["limits"]] == ["cpu", "ephemeral-storage", "memory"]


def test_resource_quotas(kubectl, namespace):
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "compute"},
                # 1G (decimal) over a binary used value: kubectl reprints Used in Hard's format
                "spec": {
                    "hard": {
                        "requests.memory": "1G",
                        "limits.memory": "2Gi",
                        "requests.cpu": "2",
                        "pods": "10",
                        "count/configmaps": "5",
                    }
                },
            },
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "scoped"},
                "spec": {"hard": {"pods": "3"}, "scopes": ["NotBestEffort", "Terminating"]},
            },
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "affinity"},
                "spec": {"hard": {"pods": "1"}, "scopes": ["CrossNamespacePodAffinity"]},
            },
        ],
    )
    _wait("quota status", lambda: "hard" in _get(kubectl, "quota", "compute", namespace).get("status", {}))
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "sized"},
                "spec": {
                    "containers": [
                        {
                            "name": "c",
                            "image": "registry.k8s.io/pause:3.10",
                            "resources": {
                                "requests": {"memory": "64Mi", "cpu": "250m"},
                                "limits": {"memory": "64Mi", "cpu": "250m"},
                            },
                        }
                    ]
                },
            }
        ],
    )

    def used_all(name):
        status = _get(kubectl, "quota", name, namespace).get("status", {})
        return set(status.get("used") or {}) == set(status.get("hard") or {}) and (
            name != "compute" or status["used"].get("requests.memory") not in (None, "0")
        )

    for name in ("compute", "scoped", "affinity"):
        _wait(f"quota {name} usage", lambda: used_all(name))
    docs = assert_same_describe(kubectl, "resourcequota", "compute", namespace)
    memory = docs[0]["resources"]["requests.memory"]
    assert memory["hard"]["value"] == "1G" and memory["used"]["base"] == 64 * 1024**2
    docs = assert_same_describe(kubectl, "resourcequota", "scoped", namespace)
    assert docs[0]["scopes"] == ["NotBestEffort", "Terminating"]
    assert_same_describe(kubectl, "resourcequota", "affinity", namespace)
    docs = assert_same_describe(kubectl, "quota", None, namespace)
    assert [d["name"] for d in docs] == ["affinity", "compute", "scoped"]


def test_pod_disruption_budgets(kubectl, namespace):
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "min-int"},
                "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}},
            },
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "max-percent"},
                "spec": {
                    "maxUnavailable": "25%",
                    "unhealthyPodEvictionPolicy": "AlwaysAllow",
                    "selector": {
                        "matchExpressions": [
                            {"key": "app", "operator": "In", "values": ["web", "api"]},
                            {"key": "canary", "operator": "DoesNotExist"},
                        ]
                    },
                },
            },
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "no-selector", "labels": {"x": "y"}},
                "spec": {"minAvailable": "100%"},
            },
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "empty-selector"},
                "spec": {"maxUnavailable": 0, "selector": {}},
            },
        ],
    )
    docs = assert_same_describe(kubectl, "pdb", "min-int", namespace)
    assert docs[0]["minAvailable"] == 1 and docs[0]["selector"] == "app=web" and docs[0]["warnings"] == []
    docs = assert_same_describe(kubectl, "pdb", "max-percent", namespace)
    assert docs[0]["maxUnavailable"] == "25%" and docs[0]["selector"] == "app in (api,web),!canary"
    docs = assert_same_describe(kubectl, "pdb", "no-selector", namespace)
    assert docs[0]["selector"] is None
    docs = assert_same_describe(kubectl, "pdb", "empty-selector", namespace)
    assert docs[0]["selector"] == "" and docs[0]["maxUnavailable"] == 0
    assert len(assert_same_describe(kubectl, "pdb", None, namespace)) == 4


def _peer(pods=None, namespaces=None, block=None) -> dict:
    peer = {}
    if pods is not None:
        peer["podSelector"] = pods
    if namespaces is not None:
        peer["namespaceSelector"] = namespaces
    if block is not None:
        peer["ipBlock"] = block
    return peer


def test_network_policies(kubectl, namespace):
    peers = [
        _peer(pods={"matchLabels": {"role": "client"}}),
        _peer(namespaces={"matchLabels": {"team": "a"}}),
        _peer(pods={}, namespaces={"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}),
        _peer(block={"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "10.2.0.0/16"]}),
        _peer(block={"cidr": "2001:db8::/32"}),
    ]
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "full", "labels": {"a": "b"}, "annotations": {"why": "test"}},
                "spec": {
                    "podSelector": {"matchLabels": {"app": "web"}},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": [
                        {
                            "ports": [
                                {"port": 80},
                                {"port": "https", "protocol": "TCP"},
                                {"port": 5000, "endPort": 5100, "protocol": "UDP"},
                                {"protocol": "SCTP"},
                            ],
                            "from": peers,
                        },
                        {},
                    ],
                    "egress": [
                        {"to": [_peer(block={"cidr": "0.0.0.0/0"})], "ports": [{"port": 53, "protocol": "UDP"}]},
                        {"ports": [{"port": 443}]},
                    ],
                },
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "deny-ingress"},
                "spec": {"podSelector": {}},
            },  # policyTypes defaulted to Ingress
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "deny-egress"},
                "spec": {
                    "podSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]},
                    "policyTypes": ["Egress"],
                },
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "allow-all"},
                "spec": {"podSelector": {}, "ingress": [{}], "egress": [{}], "policyTypes": ["Ingress", "Egress"]},
            },
        ],
    )
    docs = assert_same_describe(kubectl, "networkpolicy", "full", namespace)
    doc = docs[0]
    assert doc["policyTypes"] == ["Ingress", "Egress"] and len(doc["ingress"]) == 2 and len(doc["egress"]) == 2
    assert doc["ingress"][0]["ports"][2] == {"protocol": "UDP", "port": 5000, "endPort": 5100}
    assert doc["ingress"][0]["from"][2] == {"podSelector": "", "namespaceSelector": "env notin (dev)", "ipBlock": None}
    assert doc["ingress"][0]["from"][3]["ipBlock"] == {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "10.2.0.0/16"]}
    for name in ("deny-ingress", "deny-egress", "allow-all"):
        docs = assert_same_describe(kubectl, "networkpolicy", name, namespace)
        assert "events" not in docs[0]  # kubectl shows none for a NetworkPolicy
    assert len(assert_same_describe(kubectl, "netpol", None, namespace)) == 4


def _slice(name: str, **fields) -> dict:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": name, "labels": {"endpointslice.kubernetes.io/managed-by": "kpy-test"}},
        **fields,
    }


def test_endpoint_slices(kubectl, namespace):
    _apply(
        kubectl,
        namespace,
        [
            _slice(
                "full",
                addressType="IPv4",
                ports=[
                    {"name": "http", "port": 8080, "protocol": "TCP"},
                    {"port": 53, "protocol": "UDP"},
                    {"name": "any"},
                ],
                endpoints=[
                    {
                        "addresses": ["10.9.0.1"],
                        "conditions": {"ready": True, "serving": True},
                        "hostname": "web-0",
                        "nodeName": "node-a",
                        "zone": "zone-1",
                        "targetRef": {"kind": "Pod", "name": "web-0", "namespace": namespace},
                    },
                    {"addresses": ["10.9.0.2"], "conditions": {"ready": False, "terminating": True}},
                    {"addresses": ["10.9.0.3"]},
                ],
            ),
            _slice("bare", addressType="IPv6", ports=[], endpoints=[]),
            _slice("fqdn", addressType="FQDN", endpoints=[{"addresses": ["a.example.com"], "conditions": {}}]),
        ],
    )
    docs = assert_same_describe(kubectl, "endpointslice", "full", namespace)
    endpoints = docs[0]["endpoints"]
    assert [e["conditions"]["ready"] for e in endpoints] == [True, False, None]
    assert endpoints[0]["targetRef"] == {"kind": "Pod", "name": "web-0", "namespace": namespace}
    stored = _get(kubectl, "endpointslice", "full", namespace)["ports"][1]
    assert docs[0]["ports"][1] == {"name": stored.get("name"), "port": 53, "protocol": "UDP"}
    assert docs[0]["events"] == []
    docs = assert_same_describe(kubectl, "endpointslice", "bare", namespace)
    assert docs[0]["ports"] == [] and docs[0]["endpoints"] == []
    assert_same_describe(kubectl, "endpointslice", "fqdn", namespace)
    assert len(assert_same_describe(kubectl, "endpointslices", None, namespace)) == 3


def test_forbidden_joins_are_warnings(kubectl, namespace):
    """A user who may read ReplicationControllers and PDBs but not pods or events: kubectl fails the RC
    (it cannot count pods); kubectl-py describes both, says on stderr what it could not read, and the
    PDB's text is kubectl's."""
    user = f"kpy-policy-{namespace[-6:]}"
    _apply(
        kubectl,
        namespace,
        [
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": "reader"},
                "rules": [
                    {"apiGroups": [""], "resources": ["replicationcontrollers"], "verbs": ["get", "list"]},
                    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": ["get", "list"]},
                ],
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": {"name": "reader"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
            },
            {
                "apiVersion": "v1",
                "kind": "ReplicationController",
                "metadata": {"name": "rc"},
                "spec": {"replicas": 0, "template": _template({"app": "rc"})},
            },
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "pdb"},
                "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "rc"}}},
            },
        ],
    )
    theirs = kubectl(["describe", "rc", "rc", "-n", namespace, "--as", user])
    assert theirs.returncode != 0 and "pods is forbidden" in theirs.stderr
    run = kubectl_plugin(kubectl.cluster, "py-describe", "rc", "rc", "-n", namespace, "--as", user)
    assert run.code == 0, run.err
    assert "Pods Status:  error in fetching pods: " in run.out and "forbidden" in run.out
    assert any(line.startswith("warning: pods:") and "forbidden" in line for line in run.err.splitlines())
    assert any(line.startswith("warning: events:") for line in run.err.splitlines())
    doc = kubectl_plugin(kubectl.cluster, "py-describe", "rc", "rc", "-n", namespace, "--as", user, "-o", "json").json()
    validate_document(doc)
    assert doc["podsStatus"] is None and doc["events"] is None
    theirs = kubectl(["describe", "pdb", "pdb", "-n", namespace, "--as", user])
    assert theirs.returncode == 0, theirs.stderr
    run = kubectl_plugin(kubectl.cluster, "py-describe", "pdb", "pdb", "-n", namespace, "--as", user)
    assert normalise(run.out) == normalise(theirs.stdout)
    assert [line for line in run.err.splitlines() if line.startswith("warning:")] and "events" in run.err


def test_seeded_objects(kubectl):
    """The seeded cluster's controller-made EndpointSlices (targets, nodes, zones), quotas in use and a
    LimitRange, one at a time and listed."""
    name = kubectl(
        [
            "get",
            "endpointslices",
            "-n",
            "demo",
            "-l",
            "kubernetes.io/service-name=api",
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ],
        context="kpy-a",
        check=True,
    ).stdout
    docs = assert_same_describe(kubectl, "endpointslice", name, "demo", "kpy-a")
    assert docs[0]["endpoints"] and all(e["targetRef"] for e in docs[0]["endpoints"])
    assert docs[0]["warnings"] == []
    assert len(assert_same_describe(kubectl, "endpointslices", None, "demo", "kpy-a")) > 1
    docs = assert_same_describe(kubectl, "resourcequota", "object-counts", "demo", "kpy-a")
    assert docs[0]["resources"]["services"]["used"]["base"] >= 1
    assert len(assert_same_describe(kubectl, "resourcequotas", None, None, "kpy-a", all_namespaces=True)) >= 2
    assert_same_describe(kubectl, "limitrange", "storage-limits", "demo", "kpy-a")
