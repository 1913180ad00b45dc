"""Documents of the RBAC describers (Role, ClusterRole, RoleBinding, ClusterRoleBinding), built from an
offline dump: they validate against their schemas, and the rule table follows kubectl's
``pkg/util/rbac`` (break down, merge by verb, sort by ``PolicyRule.String()``)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py.describe import SCHEMA_DIR, describe, render_text
from kubectl_py.describe.rbac import policy_rules, rule_sort_key
from kubectl_py.describe.text.rbac import combine_resource_group
from kubectl_py.kube.offline import Dump

REGISTRY = Registry().with_resources(
    (json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text())))
    for p in sorted(SCHEMA_DIR.glob("*.json"))
)
RBAC = "rbac.authorization.k8s.io/v1"
RULES = [
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]},
    {"apiGroups": ["apps"], "resources": ["deployments/scale"], "resourceNames": ["a", "b"], "verbs": ["update"]},
    {"nonResourceURLs": ["/healthz"], "verbs": ["get"]},
]
OBJECTS = [
    {"apiVersion": RBAC, "kind": "Role", "metadata": {"name": "r", "namespace": "demo", "uid": "u1"}, "rules": RULES},
    {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "cr", "uid": "u2", "labels": {"a": "b"}}},
    {
        "apiVersion": RBAC,
        "kind": "RoleBinding",
        "metadata": {"name": "rb", "namespace": "demo", "uid": "u3"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
        "subjects": [
            {"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "ServiceAccount", "name": "default", "namespace": "demo"},
        ],
    },
    {
        "apiVersion": RBAC,
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "crb", "uid": "u4"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cr"},
    },
]
CASES = [
    ("role", "r", "demo", "role"),
    ("clusterrole", "cr", None, "clusterrole"),
    ("rolebinding", "rb", "demo", "rolebinding"),
    ("clusterrolebinding", "crb", None, "clusterrolebinding"),
]


def _describe(type_name, name, namespace):
    docs, errors, _ = describe(Dump(OBJECTS, namespace="demo"), type_name, [name], namespace)
    assert not errors
    return docs[0]


@pytest.mark.parametrize("type_name,name,namespace,schema", CASES, ids=[c[3] for c in CASES])
def test_documents_validate(type_name, name, namespace, schema):
    schema_doc = json.loads((SCHEMA_DIR / f"{schema}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema_doc)
    doc = _describe(type_name, name, namespace)
    jsonschema.Draft202012Validator(schema_doc, registry=REGISTRY).validate(doc)
    assert doc["warnings"] == []  # no joins: nothing to read, nothing missing
    assert render_text([doc], "2026-01-01T12:00:00Z").startswith("Name:")


def test_rules_are_broken_down_merged_and_sorted_as_kubectl_does():
    rows = [(r["resources"], r["resourceNames"], r["nonResourceURLs"], r["verbs"]) for r in policy_rules(RULES)]
    # sorted by Go's PolicyRule.String(), which starts with the verbs ("[get list" < "[get]": " " < "]")
    assert rows == [
        (["pods"], [], [], ["get", "list", "watch"]),
        ([], [], ["/healthz"], ["get"]),
        (["deployments/scale"], ["a"], [], ["update"]),
        (["deployments/scale"], ["b"], [], ["update"]),
    ]
    assert (
        rule_sort_key(policy_rules(RULES)[1])
        == "&PolicyRule{Verbs:[get],APIGroups:[],Resources:[],ResourceNames:[],NonResourceURLs:[/healthz],}"
    )


def test_combine_resource_group():
    assert combine_resource_group(["deployments/scale"], ["apps"]) == "deployments.apps/scale"
    assert combine_resource_group(["pods/log"], [""]) == "pods/log"
    assert combine_resource_group([], ["apps"]) == ""


def test_binding_text_lists_every_subject():
    text = render_text([_describe("rolebinding", "rb", "demo")], "2026-01-01T12:00:00Z")
    assert "  User            alice    \n" in text and "  ServiceAccount  default  demo\n" in text
