"""The field index (kubectl_py/query/fields.py) on plain items: paths, counts, types, examples, Secret safety,
and that every path it writes selects its values through the project's kubectl JSONPath evaluator."""

import json

from kubectl_py.jsonpath import evaluate
from kubectl_py.query.fields import (
    EXAMPLE_WIDTH,
    ITEMS,
    LAST_APPLIED,
    Child,
    FieldIndex,
    key_segment,
    parse_path,
    show,
)

POD = {
    "kind": "Pod",
    "metadata": {"name": "web-1", "labels": {"app.kubernetes.io/name": "web", "tier": "front"}, "annotations": {}},
    "spec": {
        "containers": [
            {"name": "app", "image": "nginx:1", "ports": [{"containerPort": 80}]},
            {"name": "side", "image": "busybox", "args": ["sleep", "1"]},
        ],
        "nodeName": "n1",
    },
    "status": {"phase": "Running", "startTime": None},
}
POD2 = {
    "kind": "Pod",
    "metadata": {"name": "web-2", "labels": {"tier": "back"}},
    "spec": {"containers": [{"name": "app", "image": "nginx:2"}], "nodeName": "n1", "priority": 1.5},
    "status": {"phase": "Pending"},
}
SVC = {"kind": "Service", "metadata": {"name": "web", "labels": {"tier": "front"}}, "spec": {"clusterIP": "None"}}


def _paths(index, kind=None):
    return [field.path for field in index.leaf_paths(kind)]


def _json_leaf_paths(value, path=""):
    """Every leaf path of a JSON value, list positions as [*], written by hand (not by the index)."""
    if isinstance(value, dict) and value:
        return {p for key, child in value.items() for p in _json_leaf_paths(child, path + key_segment(key))}
    if isinstance(value, list) and value:
        return {p for child in value for p in _json_leaf_paths(child, path + "[*]")}
    return {path}


def test_leaf_paths_per_kind_with_counts_and_types():
    index = FieldIndex.build([POD, POD2, SVC])
    assert index.kinds == ["Pod", "Service"]
    fields = {(f.kind, f.path): f for f in index.leaf_paths()}
    assert set(_paths(index, "Pod")) == _json_leaf_paths(POD) | _json_leaf_paths(POD2)
    assert set(_paths(index, "Service")) == _json_leaf_paths(SVC)
    image = fields[("Pod", ".spec.containers[*].image")]
    assert (image.count, image.types, image.example) == (2, ("string",), "nginx:1")  # items, not elements
    assert fields[("Pod", ".metadata.labels.tier")].count == 2
    assert fields[("Pod", ".metadata.labels.app\\.kubernetes\\.io/name")].count == 1
    assert ("Pod", ".spec.containers[*].args") not in fields  # a non-empty list: its elements are the leaves
    assert fields[("Pod", ".spec.containers[*].args[*]")].types == ("string",)
    assert fields[("Pod", ".status.startTime")].types == ("null",)
    assert fields[("Pod", ".status.startTime")].example == "null"
    assert fields[("Pod", ".metadata.annotations")].example == "{}"
    assert fields[("Pod", ".spec.priority")].types == ("number",)
    assert fields[("Service", ".metadata.labels.tier")].count == 1
    assert index.item_count == 3


def test_paths_are_in_document_order_and_stable():
    first = _paths(FieldIndex.build([POD, POD2]))
    assert first == _paths(FieldIndex.build([POD, POD2]))
    assert first.index(".metadata.name") < first.index(".spec.nodeName") < first.index(".status.phase")


def test_children_union_over_kinds_most_frequent_first():
    index = FieldIndex.build([POD, POD2, SVC])
    root = index.children("")
    assert [c.key for c in root][:2] == [".kind", ".metadata"]  # 3 items each, first seen first
    assert Child(".status", 2, ("object",), show(POD["status"])) in root
    labels = index.children(".metadata.labels")
    assert [(c.key, c.count) for c in labels] == [(".tier", 3), (".app\\.kubernetes\\.io/name", 1)]
    assert [c.key for c in index.children(".spec.containers")] == [ITEMS]
    containers = index.children(".spec.containers[*]")
    assert [c.key for c in containers][:2] == [".name", ".image"]
    assert index.children(".spec.containers[0]") == containers  # [0] and filters stand for [*]
    assert index.children('.spec.containers[?(@.name=="app")]') == containers
    assert index.children(".metadata.labels", kind="Service") == [Child(".tier", 1, ("string",), "front")]
    assert index.children(".nothing.here") == [] and index.children("..x") == []


def test_frequent_values():
    index = FieldIndex.build([POD, POD2, SVC])
    assert index.frequent_values(".metadata.labels.tier") == [("front", 2), ("back", 1)]
    assert index.frequent_values(".spec.containers[*].name", limit=1) == [("app", 2)]
    assert index.frequent_values("{.spec.nodeName}") == [("n1", 2)]
    assert index.frequent_values(".spec") == []  # maps are not values
    assert FieldIndex(keep_items=False).frequent_values(".kind") == []


def test_every_path_selects_its_values_in_kubectl_jsonpath():
    odd_keys = {
        "a.b": 1,
        "sp ace": 2,
        "[x]": 3,
        "*": 4,
        "$d": 5,
        "@e": 6,
        "{c}": 7,
        "co,ma": 8,
        "tab\tkey": 9,
        "ünï": 10,
        "dash-and/slash": 11,
        "0": 12,
    }
    item = {"kind": "Thing", "odd": odd_keys, "list": [{"k.1": "v"}], "app.kubernetes.io/name": "top"}
    index = FieldIndex.build([item])
    for field in index.leaf_paths():
        assert evaluate("{" + field.path + "}", item), field.path
    assert {evaluate("{" + f.path + "}", item)[0] for f in index.leaf_paths() if f.path.startswith(".odd")} == set(
        odd_keys.values()
    )
    for key in odd_keys:  # the index's own path parser reads them back
        assert parse_path(".odd" + key_segment(key)) == ["odd", key]


def test_parse_path_forms():
    assert parse_path("") == []
    assert parse_path("{.a.b}") == ["a", "b"]
    assert parse_path(".a[*].b[0].c") == ["a", None, "b", None, "c"]
    assert parse_path(".a['b.c']") == ["a", "b", "c"]  # kubectl re-reads ['b.c'] as .b.c
    assert parse_path(".a\\.b") == ["a.b"]
    assert parse_path("$.a") == ["a"]
    assert parse_path("a") is None and parse_path(".a..b") is None and parse_path(".a[?(@.x") is None


def test_merge_adds_counts_and_keeps_the_first_example():
    one, two = FieldIndex.build([POD]), FieldIndex.build([POD2, SVC])
    one.merge(two)
    fields = {(f.kind, f.path): f for f in one.leaf_paths()}
    assert fields[("Pod", ".metadata.name")].count == 2 and fields[("Pod", ".metadata.name")].example == "web-1"
    assert ("Service", ".spec.clusterIP") in fields
    assert one.frequent_values(".kind") == [("Pod", 2), ("Service", 1)]


def test_examples_are_one_short_line():
    long_text = "x" * 500
    index = FieldIndex.build([{"kind": "K", "long": long_text, "ctl": "a\nb\x1b[31m\u202e", "big": {"k": long_text}}])
    fields = {f.path: f.example for f in index.leaf_paths()}
    assert len(fields[".long"]) == EXAMPLE_WIDTH and fields[".long"].endswith("...")
    assert fields[".ctl"] == "a\\nb\\x1b[31m\\u202e"
    assert show({"k": long_text}).startswith('{"k":"xxx') and len(show({"k": long_text})) == EXAMPLE_WIDTH
    assert show(True) == "true" and show(3) == "3" and show(None) == "null"


def test_secret_values_are_sizes_never_values():
    data = {"password": "aHVudGVyMg==", "token": "c2VjcmV0LXRva2Vu"}
    applied = json.dumps({"kind": "Secret", "stringData": {"password": "hunter2"}})
    secret = {
        "kind": "Secret",
        "type": "Opaque",
        "data": data,
        "stringData": {"extra": "plain-secret"},
        "metadata": {"name": "s", "annotations": {LAST_APPLIED: applied, "team": "a"}},
    }
    vault = {"kind": "VaultSecret", "data": "whole-secret-value"}
    configmap = {"kind": "ConfigMap", "data": {"password": "not-a-secret"}}
    index = FieldIndex.build([secret, vault, configmap])
    dumped = json.dumps(
        [
            index.leaf_paths(),
            [index.children(f.path.rpartition(".")[0]) for f in index.leaf_paths()],
            [index.frequent_values(f.path) for f in index.leaf_paths()],
        ]
    )
    for value in list(data.values()) + ["hunter2", "plain-secret", "whole-secret-value", "c2Vj", "aHVu"]:
        assert value not in dumped
    fields = {(f.kind, f.path): f.example for f in index.leaf_paths()}
    assert fields[("Secret", ".data.password")] == "<hidden: 12 bytes>"
    assert fields[("Secret", ".stringData.extra")] == "<hidden: 12 bytes>"
    assert (
        fields[("Secret", ".metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration")]
        == f"<hidden: {len(applied)} bytes, may hold Secret values>"
    )
    assert fields[("VaultSecret", ".data")] == "<hidden: 18 bytes>"
    assert fields[("Secret", ".type")] == "Opaque" and fields[("ConfigMap", ".data.password")] == "not-a-secret"
    assert index.frequent_values(".data.password") == [("not-a-secret", 1)]  # the ConfigMap's only
    assert index.frequent_values(".type") == [("Opaque", 1)]
    assert secret["data"] is data and LAST_APPLIED in secret["metadata"]["annotations"]  # items untouched


def test_kind_of_and_odd_items():
    index = FieldIndex.build(
        [{"kind": 3, "a": 1}, "not a dict", {"doc": {"kind": "Pod"}}],
        kind_of=lambda item: item.get("doc", {}).get("kind", ""),
    )
    assert index.kinds == ["", "Pod"] and index.item_count == 2


def test_engine_rows_per_context_merged():
    """py-query --fields (kubectl_py/query.py): each context indexes its pages tagged with its context, keeps no
    item, and the contexts' indexes merge into one row per kind and path."""
    from kubectl_py import query as engine

    one, transform_one = engine.field_indexer("ctx-1")
    two, transform_two = engine.field_indexer("ctx-2")
    managed = dict(POD2, metadata=dict(POD2["metadata"], managedFields=[{"manager": "m"}]))
    assert transform_one(None, [POD]) == [] and transform_two(None, [managed, SVC]) == []
    rows = engine.field_rows(engine.merged_fields([one, two]))
    by_path = {(r["kind"], r["path"]): r for r in rows}
    assert by_path[("Pod", ".context")] == {
        "kind": "Pod",
        "path": ".context",
        "count": 2,
        "types": ["string"],
        "example": "ctx-1",
    }
    assert by_path[("Service", ".context")]["example"] == "ctx-2"
    assert not any("managedFields" in r["path"] for r in rows)  # left out, as in py-query -o json
    assert {r["path"] for r in rows if r["kind"] == "Pod"} == _json_leaf_paths(POD) | _json_leaf_paths(POD2) | {
        ".context"
    }
    table = engine.field_table(rows)
    assert table[0] == [
        rows[0]["kind"],
        rows[0]["path"],
        rows[0]["count"],
        ",".join(rows[0]["types"]),
        rows[0]["example"],
    ]
    document = engine.field_list(rows, [])
    assert document["kind"] == "FieldList" and document["items"] is rows
    with_managed, transform = engine.field_indexer("ctx", managed_fields=True)
    transform(None, [managed])
    assert ".metadata.managedFields[*].manager" in [f.path for f in with_managed.leaf_paths()]


def test_library_call():
    from kubectl_py import api

    rows = api.fields([POD, SVC])
    assert rows == [
        {"kind": f.kind, "path": f.path, "count": f.count, "types": list(f.types), "example": f.example}
        for f in FieldIndex.build([POD, SVC]).leaf_paths()
    ]
    assert all(type(row) is dict for row in rows)
