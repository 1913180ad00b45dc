"""py-diff hides the Secret values py-describe hides (kubectl_py/secret_values.py), whatever the shape of
``data``: here a Secret-like custom kind keeps its ``data`` as a list of ``{name, value}`` and its
``stringData`` as nested maps, applied with the oracle kubectl in both clusters with different values.

Every output of both plugins is searched for every value in every form it could take (test_secret_safety's
forms); the sizes shown are checked against the oracle's ``get -o json`` of the same objects.
"""

import json
import uuid

import pytest
from harness import kubectl_plugin
from test_secret_safety import assert_no_leak, leak_forms

from tests.cluster.manifests import crd

CONTEXTS = ("kpy-a", "kpy-b")
# (value, its distinctive core) per context; values of one name differ in content, not always in size
VALUES = {
    "kpy-a": {
        "password": ("Vq7xkpyaPassw0rd", "Vq7xkpya"),
        "token": ("tok-Zr4wq9a1b2", "Zr4wq9a1"),
        "nested": ("Nx3pmqaaNested", "Nx3pmqaa"),
    },
    "kpy-b": {
        "password": ("Vq7xkpybPassw0rd", "Vq7xkpyb"),
        "token": ("tok-Zr4wq9b1b2-longer", "Zr4wq9b1"),
        "nested": ("Nx3pmqbbNested", "Nx3pmqbb"),
    },
}


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def hidden(value) -> str:
    """What both plugins show for a value: its size as stored (a string's UTF-8 bytes, else compact JSON's)."""
    text = value if isinstance(value, str) else compact(value)
    return f"<hidden: {len(text.encode())} bytes>"


@pytest.fixture
def listed_secrets(kubectl, namespace):
    """(resource, namespace, forms): a ListedSecret ``creds`` in ``namespace`` of both clusters."""
    group = f"t{uuid.uuid4().hex[:10]}.kpy.io"
    resource = f"listedsecrets.{group}"
    item = {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}
    properties = {
        "data": {"type": "array", "items": item},
        "stringData": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    }
    definition = crd(group, "listedsecrets", "ListedSecret", properties)
    made = kubectl(["create", "namespace", namespace], context="kpy-b")
    assert made.returncode == 0, made.stderr
    try:
        for context in CONTEXTS:
            proc = kubectl(["apply", "-f", "-"], context=context, input=json.dumps(definition))
            assert proc.returncode == 0, proc.stderr
            proc = kubectl(["wait", "--for=condition=Established", f"crd/{resource}", "--timeout=60s"], context=context)
            assert proc.returncode == 0, proc.stderr
            values = VALUES[context]
            obj = {
                "apiVersion": f"{group}/v1",
                "kind": "ListedSecret",
                "metadata": {"name": "creds", "namespace": namespace},
                "data": [
                    {"name": "password", "value": values["password"][0]},
                    {"name": "token", "value": values["token"][0]},
                ],
                "stringData": {"db": {"user": "shop", "pass": values["nested"][0]}, "mode": "plain"},
            }
            listed_only = {
                "apiVersion": f"{group}/v1",
                "kind": "ListedSecret",  # the shape of issue 18
                "metadata": {"name": "tokens", "namespace": namespace},
                "data": [{"name": "token", "value": values["token"][0]}],
            }
            # apply: kubectl copies the values into the last-applied-configuration annotation too
            proc = kubectl(
                ["apply", "-f", "-"],
                context=context,
                input=json.dumps({"apiVersion": "v1", "kind": "List", "items": [obj, listed_only]}),
            )
            assert proc.returncode == 0, proc.stderr
        forms = set()
        for values in VALUES.values():
            for value, core in values.values():
                forms |= leak_forms(value, core)
        yield resource, namespace, forms
    finally:
        for context in CONTEXTS:
            kubectl(["delete", "crd", resource, "--wait=false"], context=context)
        kubectl(["delete", "namespace", namespace, "--wait=false"], context="kpy-b")


def oracle(kubectl, resource, namespace, context) -> dict:
    """{name: object} as kubectl reads them."""
    proc = kubectl(["get", resource, "-n", namespace, "-o", "json"], context=context)
    assert proc.returncode == 0, proc.stderr
    objects = {obj["metadata"]["name"]: obj for obj in json.loads(proc.stdout)["items"]}
    everything = json.dumps(objects)
    assert all(value in everything for value, _ in VALUES[context].values())  # the values are really there
    return objects


def run(cluster, forms, *args, code=0):
    result = kubectl_plugin(cluster, *args)
    assert result.code == code, (args, result.err)
    assert result.out.strip(), f"{args} printed nothing"
    assert_no_leak(forms, result.out, result.err, where=" ".join(args))
    return result


def test_diff_shows_sizes_only(cluster, kubectl, listed_secrets):
    resource, namespace, forms = listed_secrets
    theirs = {context: oracle(kubectl, resource, namespace, context) for context in CONTEXTS}
    args = ["py-diff", resource, "-n", namespace, "--context", ",".join(CONTEXTS)]
    for output in (
        [],
        ["-o", "wide"],
        ["-o", "yaml"],
        ["-o", "csv"],
        ["-o", "tsv"],
        ["-o", "markdown"],
        ["-o", "jsonpath={..values}"],
        ["--describe", "-o", "json"],
        ["--describe"],
    ):
        run(cluster, forms, *args, *output, code=1)
    items = {item["name"]: item for item in run(cluster, forms, *args, "-o", "json", code=1).json()["items"]}
    assert sorted(items) == ["creds", "tokens"]
    for name, item in items.items():
        values = {d["path"]: d["values"] for d in item["differences"]}
        # the list is one value, the nested map's entry too: sizes from the oracle's objects
        assert values[".data"] == {c: hidden(theirs[c][name]["data"]) for c in CONTEXTS}
        assert item["secretValues"]
    values = {d["path"]: d["values"] for d in items["creds"]["differences"]}
    assert values[".stringData.db"] == {c: hidden(theirs[c]["creds"]["stringData"]["db"]) for c in CONTEXTS}
    assert ".stringData.mode" not in values  # the same in both: no difference, and no value either way


def test_describe_shows_sizes_only(cluster, kubectl, listed_secrets):
    resource, namespace, forms = listed_secrets
    theirs = oracle(kubectl, resource, namespace, "kpy-a")
    args = ["py-describe", resource, "-n", namespace, "--context", "kpy-a"]
    run(cluster, forms, *args)
    run(cluster, forms, *args, "-o", "yaml")
    docs = {doc["name"]: doc for doc in run(cluster, forms, *args, "-o", "json").json()["items"]}
    assert {name: doc["content"]["data"] for name, doc in docs.items()} == {
        name: hidden(obj["data"]) for name, obj in theirs.items()
    }
    assert docs["creds"]["content"]["stringData"] == {k: hidden(v) for k, v in theirs["creds"]["stringData"].items()}
