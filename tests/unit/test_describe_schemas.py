"""Every describe document validates against its kind's JSON Schema (``kubectl_py/describe/schemas``).

``validate_document(doc)`` picks the schema like the registry does (``schema_file``) and resolves
``common.json`` references; other families add their cases here or call it from their own tests.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py.describe import SCHEMA_DIR, describe_objects, group_of, render_text, schema_file
from kubectl_py.describe.base import Settings
from kubectl_py.kube.offline import Dump


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((schema.get("$id", path.name), Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate_document(doc: dict) -> None:
    path = schema_file(group_of(doc.get("apiVersion")), doc.get("kind"))
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator(schema, registry=REGISTRY).validate(doc)


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.json")), ids=lambda p: p.name)
def test_schema_is_valid(path):
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema.get("$id") == path.name


# -- offline fixtures --------------------------------------------------------------------------------

T0 = "2024-05-01T10:00:00Z"


def _node(name="n1", **status):
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "uid": f"uid-{name}",
            "creationTimestamp": T0,
            "labels": {"node-role.kubernetes.io/worker": "", "kubernetes.io/role": "infra"},
        },
        "spec": {
            "taints": [{"key": "k", "value": "v", "effect": "NoSchedule"}],
            "podCIDR": "10.0.0.0/24",
            "podCIDRs": ["10.0.0.0/24"],
        },
        "status": {
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110", "hugepages-2Mi": "1Gi", "example.com/gpu": "2"},
            "allocatable": {
                "cpu": "3900m",
                "memory": "15Gi",
                "pods": "110",
                "ephemeral-storage": "100Gi",
                "hugepages-2Mi": "1Gi",
                "example.com/gpu": "2",
            },
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "lastHeartbeatTime": T0,
                    "lastTransitionTime": T0,
                    "reason": "KubeletReady",
                    "message": "ok",
                }
            ],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
            "nodeInfo": {"kubeletVersion": "v1.37.2", "operatingSystem": "linux", "architecture": "amd64"},
            **status,
        },
    }


def _pod(name, node="n1", requests=None, limits=None, phase="Running", **extra):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "creationTimestamp": T0,
            "ownerReferences": [
                {"kind": "ReplicaSet", "name": "rs", "controller": True, "uid": "x", "apiVersion": "apps/v1"}
            ],
        },
        "spec": {
            "nodeName": node,
            "containers": [
                {
                    "name": "c",
                    "image": "nginx",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {"requests": requests or {}, "limits": limits or {}},
                    "env": [
                        {"name": "A", "value": "1"},
                        {"name": "P", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                        {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                    ],
                    "volumeMounts": [{"name": "v", "mountPath": "/v"}],
                    "livenessProbe": {
                        "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                        "timeoutSeconds": 1,
                        "periodSeconds": 10,
                        "successThreshold": 1,
                        "failureThreshold": 3,
                    },
                }
            ],
            "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1Gi"}}],
            "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
        },
        "status": {
            "phase": phase,
            "hostIP": "10.0.0.1",
            "podIP": "10.1.0.5",
            "podIPs": [{"ip": "10.1.0.5"}],
            "startTime": T0,
            "qosClass": "",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {
                    "name": "c",
                    "ready": True,
                    "restartCount": 2,
                    "image": "nginx",
                    "imageID": "sha",
                    "containerID": "cri://1",
                    "state": {"running": {"startedAt": T0}},
                    "lastState": {
                        "terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": T0, "finishedAt": T0}
                    },
                }
            ],
        },
    }
    pod.update(extra)
    return pod


def _event(name, involved, reason, last, count=1, **extra):
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": involved.get("namespace", "default")},
        "involvedObject": involved,
        "reason": reason,
        "message": f" {reason} happened ",
        "type": "Normal",
        "source": {"component": "kubelet"},
        "firstTimestamp": T0,
        "lastTimestamp": last,
        "count": count,
        **extra,
    }


def _dump():
    node = _node()
    pods = [
        _pod("a", requests={"cpu": "100m", "memory": "64Mi"}, limits={"cpu": "500m", "memory": "128Mi"}),
        _pod(
            "b",
            requests={"cpu": "250m", "example.com/gpu": "1", "hugepages-2Mi": "512Mi"},
            limits={"example.com/gpu": "1", "hugepages-2Mi": "512Mi"},
        ),
        _pod("done", phase="Succeeded", requests={"cpu": "1"}),
        _pod("elsewhere", node="n2", requests={"cpu": "1"}),
    ]
    events = [
        _event(
            "e1",
            {"kind": "Node", "name": "n1", "namespace": "", "uid": "uid-n1"},
            "RegisteredNode",
            "2024-05-01T10:05:00Z",
        ),
        _event(
            "e2",
            {"kind": "Node", "name": "n1", "namespace": "", "uid": "n1"},
            "NodeReady",
            "2024-05-01T10:01:00Z",
            count=3,
        ),
        _event(
            "e3",
            {"kind": "Pod", "name": "a", "namespace": "default", "uid": "uid-a", "fieldPath": "spec.containers{c}"},
            "Pulled",
            "2024-05-01T10:02:00Z",
        ),
        _event("e4", {"kind": "Pod", "name": "a", "namespace": "default", "uid": "other"}, "Old", T0),
    ]
    lease = {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "n1", "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": "n1", "renewTime": "2024-05-01T10:09:00.000000Z"},
    }
    widget = {
        "apiVersion": "demo.kpy.io/v1",
        "kind": "Widget",
        "metadata": {
            "name": "w",
            "namespace": "default",
            "uid": "uid-w",
            "managedFields": [{"x": 1}],
            "labels": {"a": "b"},
        },
        "spec": {
            "size": 3,
            "ratio": 0.5,
            "tags": ["x", "y"],
            "nested": {"apiURL": "http://x", "enabled": True},
            "items": [{"name": "i1"}, {"name": "i2"}],
            "nothing": None,
        },
    }
    return Dump([node] + pods + events + [lease, widget]), node, pods, widget


def _describe(source, type_name, objects, show_events=True):
    info = source.resolve(type_name)
    return describe_objects(source, info, objects, Settings(show_events=show_events))


def test_node_document_validates_and_has_numbers():
    source, node, pods, _ = _dump()
    (doc,) = _describe(source, "nodes", [node])
    validate_document(doc)
    assert doc["roles"] == ["infra", "worker"]
    assert [r["name"] for r in doc["nonTerminatedPods"]] == ["a", "b"]
    cpu = doc["allocatedResources"]["cpu"]
    assert cpu["requests"] == {"value": "350m", "base": 0.35}
    assert cpu["requestsPercent"] == int(350 / 3900 * 100) and isinstance(cpu["requestsPercent"], int)
    assert doc["allocatedResources"]["example.com/gpu"] == {
        "requests": {"value": "1", "base": 1},
        "limits": {"value": "1", "base": 1},
    }
    assert doc["allocatedResources"]["hugepages-2Mi"]["requestsPercent"] == 50
    assert doc["capacity"]["memory"] == {"value": "16Gi", "base": 16 * 1024**3}
    assert [e["reason"] for e in doc["events"]] == ["RegisteredNode", "NodeReady"]
    assert doc["lease"]["holderIdentity"] == "n1"
    assert doc["warnings"] and all("resourceslices" in w for w in doc["warnings"])


def test_node_text():
    source, node, _, _ = _dump()
    text = render_text(_describe(source, "nodes", [node]), now="2024-05-01T10:10:00Z")
    assert "Roles:              infra,worker\n" in text
    assert "Non-terminated Pods:          (2 in total)\n" in text
    assert "  cpu                350m (8%)    500m (12%)\n" in text
    assert "  example.com/gpu    1            1\n" in text
    assert "  Normal  NodeReady       9m (x3 over 10m)  kubelet  NodeReady happened\n" in text
    assert text.endswith("RegisteredNode happened\n")


def test_pod_document_validates():
    source, _, pods, _ = _dump()
    (doc,) = _describe(source, "pods", [pods[0]])
    validate_document(doc)
    c = doc["containers"][0]
    assert c["state"] == {"state": "Running", "startedAt": T0}
    assert c["lastState"]["exitCode"] == 137
    assert {e["name"]: e.get("value") for e in c["env"]} == {"A": "1", "P": None, "S": None}
    assert c["env"][1]["valueFrom"]["resolved"] == "a"
    assert doc["qosClass"] == "Burstable"
    assert doc["controlledBy"]["kind"] == "ReplicaSet"
    assert [e["reason"] for e in doc["events"]] == ["Pulled"]  # the other UID's event is not ours
    text = render_text([doc], now="2024-05-01T10:10:00Z")
    assert "    Last State:     Terminated\n      Reason:       OOMKilled\n" in text
    assert "  Normal  Pulled  10m   kubelet  spec.containers{c}: Pulled happened\n" in text
    assert "      S:  <set to the key 'k' in secret 's'>  Optional: false\n" in text


def test_batch_describe_validates_and_hides_nothing():
    source, _, pods, _ = _dump()
    docs = _describe(source, "pods", pods[:2], show_events=False)
    assert len(docs) == 2 and all("events" not in d for d in docs)
    for doc in docs:
        validate_document(doc)
    text = render_text(docs, now="2024-05-01T10:10:00Z")
    assert text.count("Name:") == 2 and "\n\nName:" in text and "Events:" not in text


def test_generic_document_validates():
    source, _, _, widget = _dump()
    (doc,) = _describe(source, "widgets", [widget])
    validate_document(doc)
    assert "managedFields" not in doc["content"]["metadata"]
    text = render_text([doc], now="2024-05-01T10:10:00Z")
    assert "Spec:\n  Items:\n    Name:  i1\n    Name:  i2\n" in text
    assert "  Nested:\n    API URL:  http://x\n    Enabled:  true\n" in text
    assert "  Nothing:    <nil>\n  Ratio:      0.5\n  Size:       3\n  Tags:\n    x\n    y\nEvents:  <none>\n" in text
