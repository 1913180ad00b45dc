"""Differential tests of `describe` for PriorityClass, StorageClass, VolumeAttributesClass, CSINode and
IngressClass: kubectl (the oracle) against kubectl-py on the seeded objects and on cluster-scoped
objects made here with unique names (every optional field set, and none), with events."""

from __future__ import annotations

import uuid

import pytest
from cluster_objects import create as _create
from cluster_objects import event_about
from describe_diff import assert_same_describe, normalise
from harness import kubectl_plugin, oracle_json


@pytest.fixture(scope="module")
def objects(kubectl):
    """Cluster-scoped objects of every kind here, named ``<kind>-<variant>-<suffix>``; deleted at the end."""
    suffix = uuid.uuid4().hex[:6]
    names = {}

    def name(kind: str, variant: str) -> str:
        names[(kind, variant)] = f"kpy-{variant}-{suffix}"
        return names[(kind, variant)]

    events = []
    try:
        yield _make(kubectl, name, names, events)
    finally:
        for (kind, _), object_name in names.items():
            kubectl(["delete", kind, object_name, "--wait=false"])
        if events:
            kubectl(["delete", "event", "-n", "default", *[name for _, name in events], "--wait=false"])


def _make(kubectl, name, names: dict, events: list) -> dict:
    _create(
        kubectl,
        [
            {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": {
                    "name": name("priorityclass", "full"),
                    "annotations": {"b": "2", "a": "1"},
                    "labels": {"x": "y"},
                },
                "value": 12345,
                "preemptionPolicy": "Never",
                "description": "two\nlines",
            },
            {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": {"name": name("priorityclass", "bare")},
                "value": -5,
            },
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "StorageClass",
                "metadata": {
                    "name": name("storageclass", "full"),
                    "labels": {"x": "y"},
                    "annotations": {"storageclass.kubernetes.io/is-default-class": "false", "note": "n"},
                },
                "provisioner": "example.com/disk",
                "parameters": {"type": "ssd", "fs": "xfs"},
                "allowVolumeExpansion": True,
                "mountOptions": ["ro", "noatime"],
                "reclaimPolicy": "Retain",
                "volumeBindingMode": "WaitForFirstConsumer",
                "allowedTopologies": [
                    {
                        "matchLabelExpressions": [
                            {"key": "topology.kubernetes.io/zone", "values": ["a", "b"]},
                            {"key": "disk", "values": ["fast"]},
                        ]
                    },
                    {"matchLabelExpressions": [{"key": "kubernetes.io/hostname", "values": ["n1"]}]},
                ],
            },
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "StorageClass",
                "metadata": {"name": name("storageclass", "bare")},
                "provisioner": "kubernetes.io/no-provisioner",
            },
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "VolumeAttributesClass",
                "metadata": {"name": name("volumeattributesclass", "full"), "annotations": {"a": "1"}},
                "driverName": "example.com/csi",
                "parameters": {"iops": "3000", "throughput": "125"},
            },
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "VolumeAttributesClass",
                "metadata": {"name": name("volumeattributesclass", "bare")},
                "driverName": "example.com/csi",
                "parameters": {"iops": "100"},
            },  # at least one parameter is required
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "CSINode",
                "metadata": {"name": name("csinode", "full"), "labels": {"x": "y"}, "annotations": {"note": "z" * 150}},
                "spec": {
                    "drivers": [
                        {
                            "name": "ebs.csi.example.com",
                            "nodeID": "i-123",
                            "allocatable": {"count": 25},
                            "topologyKeys": ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
                        },
                        {"name": "nfs.csi.example.com", "nodeID": "node-a"},
                    ]
                },
            },
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "CSINode",
                "metadata": {"name": name("csinode", "bare")},
                "spec": {"drivers": []},
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": {"name": name("ingressclass", "full"), "labels": {"x": "y"}, "annotations": {"a": "1"}},
                "spec": {
                    "controller": "example.com/ingress",
                    "parameters": {
                        "apiGroup": "k8s.example.com",
                        "kind": "IngressParameters",
                        "name": "external",
                        "scope": "Cluster",
                    },
                },
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": {"name": name("ingressclass", "core-params")},
                "spec": {
                    "controller": "example.com/ingress",
                    "parameters": {"kind": "ConfigMap", "name": "cfg", "scope": "Namespace", "namespace": "default"},
                },
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": {"name": name("ingressclass", "bare")},
                "spec": {"controller": "example.com/other"},
            },
        ],
    )
    # applied: kubectl's last-applied annotation is printed by both tools where kubectl uses FormatLabels
    _create(
        kubectl,
        [
            {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": {"name": name("priorityclass", "applied")},
                "value": 7,
                "description": "d",
            }
        ],
        verb="apply",
    )
    for kind in ("priorityclass", "storageclass", "volumeattributesclass", "csinode", "ingressclass"):
        obj = oracle_json(kubectl, "get", kind, names[(kind, "full")])
        events.append(event_about(kubectl, obj, "Checked", f"the {kind} was checked", count=3))
        events.append(event_about(kubectl, obj, "Odd", "something odd"))
    return names


CASES = [
    (kind, variant)
    for kind in ("priorityclass", "storageclass", "volumeattributesclass", "csinode", "ingressclass")
    for variant in ("full", "bare")
]
CASES += [("priorityclass", "applied"), ("ingressclass", "core-params")]


@pytest.mark.parametrize("kind,variant", CASES, ids=[f"{k}-{v}" for k, v in CASES])
def test_objects_match_kubectl(kubectl, objects, kind, variant):
    docs = assert_same_describe(kubectl, kind, objects[(kind, variant)], None)
    assert len(docs) == 1 and docs[0]["warnings"] == []
    if variant == "full":
        assert len(docs[0]["events"]) == 2 and {e["reason"] for e in docs[0]["events"]} == {"Checked", "Odd"}


@pytest.mark.parametrize("kind,variant", CASES[:4], ids=[f"{k}-{v}" for k, v in CASES[:4]])
def test_objects_without_events_match_kubectl(kubectl, objects, kind, variant):
    docs = assert_same_describe(kubectl, kind, objects[(kind, variant)], None, show_events=False)
    assert "events" not in docs[0]


SEEDED = [
    ("storageclass", "manual"),
    ("storageclass", "sts-disk"),
    ("ingressclass", "nginx"),
    ("priorityclass", "system-node-critical"),
    ("priorityclass", "system-cluster-critical"),
]


@pytest.mark.parametrize("kind,name", SEEDED, ids=[f"{k}-{n}" for k, n in SEEDED])
def test_seeded_objects_match_kubectl(kubectl, kind, name):
    docs = assert_same_describe(kubectl, kind, name, None, context="kpy-a")
    assert docs[0]["name"] == name and docs[0]["warnings"] == []


@pytest.mark.parametrize(
    "kind", ["priorityclasses", "storageclasses", "volumeattributesclasses", "csinodes", "ingressclasses"]
)
def test_every_object_of_a_kind_matches_kubectl(kubectl, objects, kind):
    assert_same_describe(kubectl, kind, None, None)


def test_storage_class_document_is_data(kubectl, objects):
    name = objects[("storageclass", "full")]
    doc = assert_same_describe(kubectl, "storageclass", name, None)[0]
    obj = oracle_json(kubectl, "get", "storageclass", name)
    assert doc["parameters"] == obj["parameters"] and doc["mountOptions"] == obj["mountOptions"]
    assert doc["allowedTopologies"][0][0] == obj["allowedTopologies"][0]["matchLabelExpressions"][0]
    assert doc["isDefaultClass"] is False and doc["allowVolumeExpansion"] is True


@pytest.mark.parametrize("kind", ["priorityclasses", "storageclasses"])
def test_several_objects_with_events_match_kubectl(kubectl, objects, kind):
    """Events of several cluster-scoped objects are read once and shared out; kubectl reads them one by one."""
    assert_same_describe(kubectl, kind, None, None, show_events=True)


def test_forbidden_events_are_said_on_stderr(kubectl, objects):
    """A user who may read the classes but not events: kubectl prints `Events: <none>` and says nothing;
    the text here is the same, and stderr names the events that could not be read."""
    user = f"kpy-class-reader-{uuid.uuid4().hex[:6]}"
    rbac = "rbac.authorization.k8s.io/v1"
    _create(
        kubectl,
        [
            {
                "apiVersion": rbac,
                "kind": "ClusterRole",
                "metadata": {"name": user},
                "rules": [
                    {
                        "apiGroups": ["storage.k8s.io", "scheduling.k8s.io", "networking.k8s.io"],
                        "resources": ["storageclasses", "priorityclasses", "ingressclasses"],
                        "verbs": ["get", "list"],
                    }
                ],
            },
            {
                "apiVersion": rbac,
                "kind": "ClusterRoleBinding",
                "metadata": {"name": user},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": user},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
            },
        ],
    )
    try:
        for kind in ("storageclass", "priorityclass", "ingressclass"):
            name = objects[(kind, "full")]
            theirs = kubectl(["describe", kind, name, "--as", user])
            run = kubectl_plugin(kubectl.cluster, "py-describe", kind, name, "--as", user)
            assert theirs.returncode == 0 and run.code == 0, (theirs.stderr, run.err)
            assert normalise(run.out) == normalise(theirs.stdout) and "Events:" in run.out
            warnings = [line for line in run.err.splitlines() if line.startswith("warning:")]
            assert len(warnings) == 1 and "events" in warnings[0] and "forbidden" in warnings[0], run.err
            doc = kubectl_plugin(kubectl.cluster, "py-describe", kind, name, "--as", user, "-o", "json").json()
            assert doc["events"] is None and doc["warnings"]
    finally:
        kubectl(["delete", "clusterrolebinding", user, "--wait=false"])
        kubectl(["delete", "clusterrole", user, "--wait=false"])
