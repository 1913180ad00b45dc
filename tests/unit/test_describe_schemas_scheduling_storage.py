"""Documents of the PriorityClass, StorageClass, VolumeAttributesClass, CSINode and IngressClass
describers, built from an offline dump: they validate against their schemas with events shown, hidden,
or unreadable, and render the branches the cluster tests cannot make safely (a default class)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py.describe import SCHEMA_DIR, describe, render_text
from kubectl_py.kube.offline import Dump

REGISTRY = Registry().with_resources(
    (json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text())))
    for p in sorted(SCHEMA_DIR.glob("*.json"))
)
NOW = "2026-01-01T12:00:00Z"
T0 = "2026-01-01T11:00:00Z"


def meta(name, **extra):
    return {"name": name, "uid": f"uid-{name}", "creationTimestamp": T0, **extra}


OBJECTS = [
    {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": meta("pc"),
        "value": 10,
        "globalDefault": True,
        "preemptionPolicy": "PreemptLowerPriority",
    },
    {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": meta("sc", annotations={"storageclass.beta.kubernetes.io/is-default-class": "true"}),
        "provisioner": "x",
        "allowedTopologies": [{"matchLabelExpressions": [{"key": "k", "values": ["a", "b"]}, {"key": "k2"}]}, {}],
    },
    {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "VolumeAttributesClass",
        "metadata": meta("vac"),
        "driverName": "d",
        "parameters": {"iops": "1"},
    },
    {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSINode",
        "metadata": meta("n1"),
        "spec": {"drivers": [{"name": "d", "nodeID": "n1", "allocatable": {"count": 3}, "topologyKeys": ["a", "b"]}]},
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "IngressClass",
        "metadata": meta("ic"),
        "spec": {"controller": "c", "parameters": {"kind": "ConfigMap", "name": "p"}},
    },
    {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "e1", "namespace": "default"},
        "type": "Normal",
        "reason": "Seen",
        "message": "m",
        "count": 1,
        "firstTimestamp": T0,
        "lastTimestamp": T0,
        "source": {"component": "c"},
        "involvedObject": {"kind": "StorageClass", "name": "sc", "uid": "uid-sc"},
    },
]
CASES = [
    ("priorityclass", "pc"),
    ("storageclass", "sc"),
    ("volumeattributesclass", "vac"),
    ("csinode", "n1"),
    ("ingressclass", "ic"),
]


def _describe(type_name, name, objects=OBJECTS, show_events=True):
    docs, errors, _ = describe(Dump(objects, namespace="default"), type_name, [name], None, show_events=show_events)
    assert not errors
    return docs[0]


def _validate(doc, schema):
    schema_doc = json.loads((SCHEMA_DIR / f"{schema}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema_doc)
    jsonschema.Draft202012Validator(schema_doc, registry=REGISTRY).validate(doc)


@pytest.mark.parametrize("type_name,name", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("show_events", [True, False])
def test_documents_validate(type_name, name, show_events):
    doc = _describe(type_name, name, show_events=show_events)
    _validate(doc, type_name)
    assert ("events" in doc) == show_events
    assert render_text([doc], NOW)


@pytest.mark.parametrize("type_name,name", CASES, ids=[c[0] for c in CASES])
def test_unreadable_events_are_null_with_a_warning(type_name, name):
    doc = _describe(type_name, name, [o for o in OBJECTS if o["kind"] != "Event"])
    _validate(doc, type_name)
    assert doc["events"] is None and doc["warnings"]
    assert render_text([doc], NOW).endswith("Events:  <none>\n") or "Events:" in render_text([doc], NOW)


def test_storage_class_default_and_topologies():
    doc = _describe("storageclass", "sc")
    assert doc["isDefaultClass"] is True and doc["allowVolumeExpansion"] is None
    assert doc["allowedTopologies"] == [[{"key": "k", "values": ["a", "b"]}, {"key": "k2", "values": []}], []]
    text = render_text([doc], NOW)
    assert "IsDefaultClass:        Yes\n" in text and "AllowVolumeExpansion:  <unset>\n" in text
    assert "  Term 0:              k in [a, b]\n                       k2 in\n  Term 1:              <none>\n" in text
    assert doc["events"][0]["reason"] == "Seen"


def test_priority_class_and_csinode_text():
    assert "GlobalDefault:     true\n" in render_text([_describe("priorityclass", "pc")], NOW)
    text = render_text([_describe("csinode", "n1")], NOW)
    assert "      Allocatables:\n        Count:        3\n" in text and "Topology Keys:  [a b]\n" in text
