"""`py-query --fields` and `py-describe --schema` against the real clusters; the built kubectl is the oracle.

--fields is checked against kubectl's JSON of the same objects: every path it lists exists there, every leaf path
of kubectl's JSON (list positions as [*]) is listed, with the counts and JSON types kubectl's objects give; the
paths select values in kubectl's own `-o jsonpath`; Secret values never appear, only their sizes.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from pathlib import Path

import pytest

from tests.integration.harness import kubectl_plugin, oracle_json

ROOT = Path(__file__).resolve().parents[2]

CONTEXTS = ("kpy-a", "kpy-b")
TERMINATORS = set(" \t\r\n.,[]$@{}")  # what ends a key in kubectl's JSONPath (client-go's parser)
JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


# -- the oracle's side: leaf paths of kubectl's JSON, written independently of the index ---------------------


def _segment(key: str) -> str:
    return "." + "".join("\\" + ch if ch in TERMINATORS else ch for ch in key)


def _paths(value, path: str, out: dict, leaves: set) -> None:
    """{path: {JSON types}} of every path under ``value``; ``leaves``: where a scalar, null or an empty map or
    list was seen."""
    out.setdefault(path, set()).add(JSON_TYPES[type(value)])
    if isinstance(value, dict) and value:
        for key, child in value.items():
            _paths(child, path + _segment(key), out, leaves)
    elif isinstance(value, list) and value:
        for child in value:
            _paths(child, path + "[*]", out, leaves)
    else:
        leaves.add(path)


def oracle_fields(items: list) -> dict:
    """{(kind, leaf path): (items that have the path, {JSON types seen there})} over kubectl's items."""
    counts, leaves = {}, set()
    for item in items:
        paths, item_leaves = {}, set()
        _paths(item, "", paths, item_leaves)
        leaves.update((item["kind"], path) for path in item_leaves)
        for path, types in paths.items():
            count, seen = counts.get((item["kind"], path), (0, set()))
            counts[(item["kind"], path)] = (count + 1, seen | types)
    return {key: counts[key] for key in leaves}


def kubectl_items(kubectl, resources: str) -> list:
    return [
        item for context in CONTEXTS for item in oracle_json(kubectl, "get", resources, "-A", context=context)["items"]
    ]


def our_fields(cluster, *args) -> dict:
    run = kubectl_plugin(cluster, "py-query", *args, "--fields", "-o", "json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["kind"] == "FieldList"
    return {(row["kind"], row["path"]): row for row in doc["items"]}


@pytest.mark.parametrize("resources", ["pods", "services", "nodes", "deployments"])
def test_fields_are_the_leaf_paths_of_kubectls_json(cluster, kubectl, resources):
    """Both contexts at once against kubectl's `get -A -o json` of each. Other tests create and delete objects
    meanwhile, so kubectl reads before and after ours: every path we list was in one of kubectl's reads, every
    path in both of kubectl's reads is ours; counts and types are checked where both of kubectl's reads agree."""
    for _attempt in range(3):
        before = oracle_fields(kubectl_items(kubectl, resources))
        ours = our_fields(cluster, resources, "-A", "--context", ",".join(CONTEXTS))
        after = oracle_fields(kubectl_items(kubectl, resources))
        context_rows = {key: row for key, row in ours.items() if key[1] == ".context"}
        listed = set(ours) - set(context_rows)
        stable = {key for key in set(before) & set(after) if before[key] == after[key]}
        if (
            listed <= set(before) | set(after)
            and set(before) & set(after) <= listed
            and all((ours[key]["count"], set(ours[key]["types"])) == before[key] for key in stable)
        ):
            break
    assert listed <= set(before) | set(after), sorted(listed - set(before) - set(after))[:5]
    assert set(before) & set(after) <= listed, sorted(set(before) & set(after) - listed)[:5]
    for key in stable:
        assert (ours[key]["count"], set(ours[key]["types"])) == before[key], key
    # .context, the field py-query adds, is there for every kind, with every item
    kinds = {kind for kind, _ in listed}
    assert {kind for kind, _ in context_rows} == kinds
    assert all(row["types"] == ["string"] and row["example"] in CONTEXTS for row in context_rows.values())


def test_index_on_kubectls_json(kubectl):
    """The index itself on the JSON kubectl prints for pods and nodes of both contexts: children, their counts and
    the frequent values, against counts taken from the items directly."""
    from collections import Counter

    from kubectl_py.query.fields import FieldIndex

    items = kubectl_items(kubectl, "pods,nodes")
    index = FieldIndex.build(items)
    assert index.kinds == ["Pod", "Node"] and index.item_count == len(items)
    labels = Counter(key for item in items for key in (item["metadata"].get("labels") or {}))
    children = index.children(".metadata.labels")
    assert {child.key: child.count for child in children} == {_segment(key): n for key, n in labels.items()}
    assert [child.count for child in children] == sorted(labels.values(), reverse=True)
    pods = [item for item in items if item["kind"] == "Pod"]
    container_keys = Counter(key for pod in pods for key in {k for c in pod["spec"]["containers"] for k in c})
    assert {c.key: c.count for c in index.children(".spec.containers[*]", kind="Pod")} == {
        _segment(key): n for key, n in container_keys.items()
    }
    phases = Counter(item["status"]["phase"] for item in items if "phase" in item.get("status", {}))
    assert dict(index.frequent_values(".status.phase", limit=100)) == dict(phases)
    images = Counter(c["image"] for pod in pods for c in pod["spec"]["containers"])
    # most frequent first, ties in the order first seen (a Counter keeps that order)
    assert (
        index.frequent_values(".spec.containers[*].image", limit=3)
        == sorted(images.items(), key=lambda pair: -pair[1])[:3]
    )


def test_listed_paths_select_values_in_kubectls_jsonpath(cluster, kubectl):
    """Every path --fields lists for nodes and pods (escaped label keys included), given to the built kubectl's
    `get -o jsonpath`, prints something (paths whose only values are empty strings aside)."""
    for resources in ("nodes", "pods"):
        fields = our_fields(cluster, resources, "-A", "--context", "kpy-a")
        paths = [path for (_kind, path), row in fields.items() if path != ".context" and row["example"] != ""]
        assert any("\\." in path for path in paths), "expected an escaped key (a label such as kubernetes.io/os)"
        markers = [f"<<{i}>>" for i in range(len(paths))]
        template = "".join(f'{{"{marker}"}}{{.items[*]{path}}}' for marker, path in zip(markers, paths))
        proc = kubectl(["get", resources, "-A", "-o", f"jsonpath={template}{{\"<<end>>\"}}"], context="kpy-a")
        assert proc.returncode == 0, proc.stderr
        pieces = re.split(r"<<(?:\d+|end)>>", proc.stdout)[1:-1]
        assert len(pieces) == len(paths)
        empty = [path for path, piece in zip(paths, pieces) if not piece.strip()]
        assert not empty, empty


def test_table_and_spreadsheets(cluster, kubectl):
    table = kubectl_plugin(cluster, "py-query", "deploy", "-n", "shop", "--fields")
    assert table.code == 0, table.err
    assert table.lines()[0].split() == ["KIND", "PATH", "COUNT", "TYPES", "EXAMPLE"]
    rows = our_fields(cluster, "deploy", "-n", "shop")
    deployments = oracle_json(kubectl, "get", "deploy", "-n", "shop")["items"]
    replicas = rows[("Deployment", ".spec.replicas")]
    assert replicas["count"] == len(deployments) and replicas["types"] == ["integer"]
    assert replicas["example"] == str(deployments[0]["spec"]["replicas"])
    assert any(line.split()[:3] == ["Deployment", ".spec.replicas", str(len(deployments))] for line in table.lines())
    csv_run = kubectl_plugin(cluster, "py-query", "deploy", "-n", "shop", "--fields", "-o", "csv")
    assert csv_run.lines()[0] == "KIND,PATH,COUNT,TYPES,EXAMPLE" and len(csv_run.lines()) == len(rows) + 1
    markdown = kubectl_plugin(cluster, "py-query", "deploy", "-n", "shop", "--fields", "-o", "markdown")
    assert markdown.lines()[0] == "| KIND | PATH | COUNT | TYPES | EXAMPLE |" and len(markdown.lines()) == len(rows) + 2


def test_describe_fields_are_the_documents_paths(cluster):
    """With --describe the paths are those of py-describe's documents of the same objects."""
    fields = our_fields(cluster, "deploy,svc", "-n", "shop", "--describe")
    # py-query --describe shows events; py-describe, like kubectl, not for several objects unless asked
    documents = kubectl_plugin(cluster, "py-describe", "deploy", "-n", "shop", "--show-events=true", "-o", "json")
    services = kubectl_plugin(cluster, "py-describe", "svc", "-n", "shop", "--show-events=true", "-o", "json")
    assert documents.code == 0 and services.code == 0, documents.err + services.err
    items = []
    for run in (documents, services):
        doc = run.json()
        items.extend(doc["items"] if doc["kind"] == "List" else [doc])
    expected = oracle_fields(items)  # .context aside: py-query adds it; py-describe's documents may carry it too
    assert {key for key in fields if key[1] != ".context"} == {key for key in expected if key[1] != ".context"}
    assert ("Deployment", ".newReplicaSet.name") in fields or ("Deployment", ".newReplicaSet") in fields


def test_bad_combinations_are_one_line(cluster):
    for args in (["-o", "name"], ["--count"], ["--watch"], ["-o", "custom-columns=N:.metadata.name"]):
        run = kubectl_plugin(cluster, "py-query", "pods", "--fields", *args)
        assert run.code == 1 and run.out == "" and run.err.count("\n") == 1, (args, run.err)


# -- Secrets ---------------------------------------------------------------------------------------------------


def _forms(value: str) -> set:
    encoded = base64.b64encode(value.encode()).decode()
    return {value, json.dumps(value)[1:-1], encoded, encoded.rstrip("=")}


def test_no_secret_value_in_any_fields_output(cluster, kubectl, namespace):
    """Secrets made by `kubectl apply` (whose last-applied annotation holds the values) and by
    `kubectl create secret`: their values appear nowhere, as is or base64; their sizes do."""
    values = {name: f"s3cr3t-{name}-{uuid.uuid4().hex}" for name in ("plain", "encoded", "literal")}
    applied = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "applied", "namespace": namespace},
        "stringData": {"password": values["plain"]},
        "data": {"token": base64.b64encode(values["encoded"].encode()).decode()},
    }
    proc = kubectl(["apply", "-f", "-"], input=json.dumps(applied))
    assert proc.returncode == 0, proc.stderr
    proc = kubectl(
        ["create", "secret", "generic", "created", "-n", namespace, f"--from-literal=key={values['literal']}"]
    )
    assert proc.returncode == 0, proc.stderr
    forms = set().union(*(_forms(value) for value in values.values()))
    outputs = []
    for extra in (
        [],
        ["-o", "json"],
        ["-o", "yaml"],
        ["-o", "csv"],
        ["-o", "markdown"],
        ["--describe"],
        ["--describe", "-o", "json"],
        ["--show-managed-fields", "-o", "json"],
    ):
        run = kubectl_plugin(cluster, "py-query", "secrets", "-n", namespace, "--fields", *extra)
        assert run.code == 0, run.err
        outputs.append(run.out + run.err)
    for text in outputs:
        for form in forms:
            assert form not in text, f"a secret value leaked ({form[:10]}...)"
    rows = our_fields(cluster, "secrets", "-n", namespace)
    theirs = {
        item["metadata"]["name"]: item for item in oracle_json(kubectl, "get", "secrets", "-n", namespace)["items"]
    }
    data = theirs["applied"]["data"]
    stored = rows[("Secret", ".data.password")]["example"], rows[("Secret", ".data.token")]["example"]
    assert stored == (f"<hidden: {len(data['password'])} bytes>", f"<hidden: {len(data['token'])} bytes>")
    annotation = theirs["applied"]["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert (
        rows[("Secret", ".metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration")]["example"]
        == f"<hidden: {len(annotation.encode())} bytes, may hold Secret values>"
    )


# -- py-describe --schema --------------------------------------------------------------------------------------


def _api_resources(kubectl) -> list:
    """(names kubectl accepts, group, kind) per resource the server serves, from `kubectl api-resources`."""
    proc = kubectl(["api-resources", "--no-headers", "-o", "wide"], context="kpy-a")
    assert proc.returncode == 0, proc.stderr
    out = []
    for line in proc.stdout.splitlines():
        cells = line.split()
        name, kind = cells[0], None
        # NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS [CATEGORIES]
        index = next(i for i, cell in enumerate(cells) if cell in ("true", "false"))
        api_version, kind = cells[index - 1], cells[index + 1]
        shorts = cells[1].split(",") if index == 3 else []
        group = api_version.rpartition("/")[0]
        names = [name, kind, *shorts] + ([f"{name}.{group}"] if group else [])
        out.append((names, group, kind))
    return out


def test_schema_names_are_kubectls(cluster, kubectl):
    """Every name kubectl accepts for a kind with its own describer resolves offline to that kind; a few are
    checked through the plugin, with the schema printed."""
    from kubectl_py.describe import DESCRIBERS
    from kubectl_py.describe.schema_lookup import resolve_offline

    served = [(names, group, kind) for names, group, kind in _api_resources(kubectl) if (group, kind) in DESCRIBERS]
    assert len({(group, kind) for _, group, kind in served}) >= 30
    for names, group, kind in served:
        for name in names:
            assert resolve_offline(name) == (group, kind), name
    for name, schema_id in (
        ("deploy", "deployment.json"),
        ("Deployment", "deployment.json"),
        ("no", "node.json"),
        ("svc", "service.json"),
        ("leases", "generic.json"),
        ("wg", "generic.json"),
    ):
        run = kubectl_plugin(cluster, "py-describe", "--schema", name)
        assert run.code == 0, run.err
        assert run.json()["$id"] == schema_id


def test_schema_validates_the_plugins_documents(cluster):
    """The printed schema alone (common.json embedded) validates py-describe's documents of that kind."""
    import jsonschema

    for resource, args in (("deploy", ["-n", "shop"]), ("nodes", []), ("pods", ["-n", "shop"])):
        schema = kubectl_plugin(cluster, "py-describe", "--schema", resource)
        assert schema.code == 0, schema.err
        docs = kubectl_plugin(cluster, "py-describe", resource, *args, "-o", "json")
        assert docs.code == 0, docs.err
        doc = docs.json()
        items = doc["items"] if doc["kind"] == "List" else [doc]
        assert items
        validator = jsonschema.Draft202012Validator(schema.json())
        for item in items:
            validator.validate(item)


def test_unknown_schema_kind_is_one_line(cluster):
    run = kubectl_plugin(cluster, "py-describe", "--schema", "nosuchkinds")
    assert run.code == 1 and run.out == "" and run.err.count("\n") == 1 and "nosuchkinds" in run.err
