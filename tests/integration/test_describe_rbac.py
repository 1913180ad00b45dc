"""Differential tests of `describe` for Role, ClusterRole, RoleBinding and ClusterRoleBinding: kubectl
(the oracle) against kubectl-py on the cluster's own RBAC objects, and on objects made here for each
branch of kubectl's code (rules broken down and merged by verb, resource names, subresources,
wildcards, non-resource URLs, no rules; bindings with several subjects or none)."""

from __future__ import annotations

import uuid

import pytest
from cluster_objects import create as _create
from describe_diff import assert_same_describe
from harness import oracle_json

RBAC = "rbac.authorization.k8s.io/v1"


RULES = [
    {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "get"]},
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch", "delete"]},  # merged with the pods verbs
    {"apiGroups": ["apps", "batch"], "resources": ["deployments/scale", "jobs"], "verbs": ["update"]},
    {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a", "b"], "verbs": ["get", "patch"]},
    {"apiGroups": ["*"], "resources": ["*"], "verbs": ["list"]},
    {"apiGroups": ["example.com"], "resources": ["widgets"], "resourceNames": [""], "verbs": ["get"]},
]


@pytest.fixture
def rbac_objects(kubectl, namespace):
    """Roles and bindings in the test namespace, and cluster-scoped ones with unique names."""
    suffix = uuid.uuid4().hex[:6]
    cluster_names = {
        "reader": f"kpy-reader-{suffix}",
        "aggregated": f"kpy-aggregated-{suffix}",
        "binding": f"kpy-binding-{suffix}",
        "lonely": f"kpy-lonely-{suffix}",
    }
    _create(
        kubectl,
        [
            {
                "apiVersion": RBAC,
                "kind": "Role",
                "metadata": {
                    "name": "mixed",
                    "namespace": namespace,
                    "labels": {"team": "a", "tier": "x"},
                    "annotations": {"note": "y" * 150},
                },
                "rules": RULES,
            },
            {"apiVersion": RBAC, "kind": "Role", "metadata": {"name": "empty", "namespace": namespace}},
            {
                "apiVersion": RBAC,
                "kind": "RoleBinding",
                "metadata": {"name": "many", "namespace": namespace},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "mixed"},
                "subjects": [
                    {"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"},
                    {"kind": "Group", "name": "devs", "apiGroup": "rbac.authorization.k8s.io"},
                    {"kind": "ServiceAccount", "name": "default", "namespace": namespace},
                ],
            },
            {
                "apiVersion": RBAC,
                "kind": "RoleBinding",
                "metadata": {"name": "nobody", "namespace": namespace},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": cluster_names["reader"],
                },
            },
            {
                "apiVersion": RBAC,
                "kind": "ClusterRole",
                "metadata": {"name": cluster_names["reader"], "labels": {"kpy-aggregate": suffix}},
                "rules": RULES + [{"nonResourceURLs": ["/healthz", "/metrics/*"], "verbs": ["get", "head"]}],
            },
            {
                "apiVersion": RBAC,
                "kind": "ClusterRole",
                "metadata": {"name": cluster_names["aggregated"]},
                "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"kpy-aggregate": suffix}}]},
            },
            {
                "apiVersion": RBAC,
                "kind": "ClusterRoleBinding",
                "metadata": {"name": cluster_names["binding"]},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": cluster_names["reader"],
                },
                "subjects": [
                    {"kind": "ServiceAccount", "name": "default", "namespace": namespace},
                    {"kind": "User", "name": "bob", "apiGroup": "rbac.authorization.k8s.io"},
                ],
            },
        ],
    )
    # applied, so it carries kubectl's last-applied annotation (left out of the text by both tools)
    _create(
        kubectl,
        [
            {
                "apiVersion": RBAC,
                "kind": "ClusterRoleBinding",
                "metadata": {"name": cluster_names["lonely"]},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": cluster_names["reader"],
                },
            }
        ],
        verb="apply",
    )
    yield cluster_names
    for kind, key in (
        ("clusterrole", "reader"),
        ("clusterrole", "aggregated"),
        ("clusterrolebinding", "binding"),
        ("clusterrolebinding", "lonely"),
    ):
        kubectl(["delete", kind, cluster_names[key], "--wait=false"])


@pytest.mark.parametrize(
    "kind,name", [("role", "mixed"), ("role", "empty"), ("rolebinding", "many"), ("rolebinding", "nobody")]
)
def test_namespaced_rbac_objects_match_kubectl(kubectl, namespace, rbac_objects, kind, name):
    docs = assert_same_describe(kubectl, kind, name, namespace)
    assert len(docs) == 1 and docs[0]["warnings"] == []
    obj = oracle_json(kubectl, "get", kind, name, "-n", namespace)
    if kind == "role":
        assert [
            {k: r.get(k, []) for k in ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")}
            for r in obj.get("rules") or []
        ] == docs[0]["rules"]
    else:
        assert [s["name"] for s in obj.get("subjects") or []] == [s["name"] for s in docs[0]["subjects"]]
        assert docs[0]["roleRef"]["name"] == obj["roleRef"]["name"]


@pytest.mark.parametrize(
    "kind,key",
    [
        ("clusterrole", "reader"),
        ("clusterrole", "aggregated"),
        ("clusterrolebinding", "binding"),
        ("clusterrolebinding", "lonely"),
    ],
)
def test_cluster_rbac_objects_match_kubectl(kubectl, rbac_objects, kind, key):
    docs = assert_same_describe(kubectl, kind, rbac_objects[key], None)
    assert len(docs) == 1 and docs[0]["warnings"] == [] and docs[0]["namespace"] is None


def test_aggregated_cluster_role_shows_the_aggregated_rules(kubectl, rbac_objects):
    """The aggregation controller copies the rules in; the document then has them as data."""
    import time

    name = rbac_objects["aggregated"]
    deadline = time.time() + 30
    while not oracle_json(kubectl, "get", "clusterrole", name).get("rules") and time.time() < deadline:
        time.sleep(0.5)
    docs = assert_same_describe(kubectl, "clusterrole", name, None)
    assert docs[0]["policyRules"], "the aggregated rules were not copied in"
    assert any(r["nonResourceURLs"] == ["/healthz"] for r in docs[0]["policyRules"])


def test_several_and_prefix_matched_objects(kubectl, namespace, rbac_objects):
    assert_same_describe(kubectl, "roles", None, namespace)
    assert_same_describe(kubectl, "rolebindings", None, namespace)
    assert_same_describe(kubectl, "rolebinding", "n", namespace)  # prefix of "nobody"
    assert_same_describe(kubectl, "clusterrolebinding", None, None, label_selector="kubernetes.io/bootstrapping")


@pytest.mark.parametrize("kind", ["clusterroles", "clusterrolebindings"])
def test_every_built_in_cluster_object_matches_kubectl(kubectl, kind):
    assert_same_describe(kubectl, kind, None, None, label_selector="kubernetes.io/bootstrapping=rbac-defaults")
