"""One Secret rule (kubectl_py/secret_values.py) for py-describe's documents and py-diff's comparison, on every
shape a Secret-like kind may give its data."""

import json

import pytest

from kubectl_py import diff
from kubectl_py.describe.redact import redact
from kubectl_py.secret_values import LAST_APPLIED

VALUES = ("hunter22", "s3cr3t-token", "nested-pass")

SHAPES = {
    "list of name/value": {
        "data": [{"name": "password", "value": "hunter22"}, {"name": "token", "value": "s3cr3t-token"}]
    },
    "map": {"data": {"password": "aHVudGVyMjI="}, "stringData": {"token": "s3cr3t-token"}},
    "nested map": {"data": {"db": {"user": "shop", "password": "hunter22"}, "keys": ["s3cr3t-token"]}},
    "map and list": {"data": {"password": "hunter22"}, "stringData": [{"name": "t", "value": "s3cr3t-token"}]},
    "string": {"stringData": "nested-pass"},
}


def vault_secret(fields: dict, value_suffix: str = "") -> dict:
    obj = {
        "apiVersion": "example.com/v1",
        "kind": "VaultSecret",
        "metadata": {
            "name": "creds",
            "namespace": "shop",
            "uid": "u",
            "resourceVersion": "1",
            "annotations": {LAST_APPLIED: json.dumps({"data": "hunter22"})},
        },
    }
    text = json.dumps(fields)
    for value in VALUES:
        text = text.replace(value, value + value_suffix)
    obj.update(json.loads(text))
    return obj


def leaves(value):
    if isinstance(value, dict):
        return [leaf for child in value.values() for leaf in leaves(child)]
    if isinstance(value, list):
        return [leaf for child in value for leaf in leaves(child)]
    return [value]


@pytest.mark.parametrize("shape", SHAPES)
def test_diff_and_describe_hide_the_same_values(shape):
    obj = vault_secret(SHAPES[shape])
    key = diff.new_secret_key()
    flat = diff.flatten(obj, diff.ignore_for(), key)
    doc = redact(
        {
            "kind": "VaultSecret",
            "annotations": dict(obj["metadata"]["annotations"]),
            "content": {k: v for k, v in obj.items() if k != "metadata"},
        }
    )
    # py-diff compares hidden values only: no value of the data reaches its map
    assert not any(isinstance(v, str) and any(secret in v for secret in VALUES) for v in flat.values()), flat
    assert any(isinstance(v, diff.Hidden) for v in flat.values())
    # py-describe's document holds sizes only, at the places py-diff hides (stringData folded into data there)
    text = json.dumps(doc)
    assert not any(secret in text for secret in VALUES) and "aHVudGVy" not in text, text
    folded = isinstance(obj.get("stringData"), dict) and isinstance(obj.get("data"), (dict, type(None)))
    for field in ("data", "stringData"):
        hidden_in_doc = doc["content"].get(field)
        if hidden_in_doc is None:
            continue
        if isinstance(hidden_in_doc, dict):
            for name in hidden_in_doc:
                where = f".data.{name}" if folded else f".{field}.{name}"
                assert isinstance(flat[where], diff.Hidden) and hidden_in_doc[name].startswith("<hidden: ")
        else:
            assert isinstance(flat[f".{field}"], diff.Hidden) and hidden_in_doc.startswith("<hidden: ")


@pytest.mark.parametrize("shape", SHAPES)
def test_a_changed_value_differs_and_only_sizes_are_shown(shape):
    key = diff.new_secret_key()
    sides = {
        side: diff.flatten(vault_secret(SHAPES[shape], suffix), diff.ignore_for(), key)
        for side, suffix in (("a", ""), ("b", "!"))
    }
    item = diff.compare_object(("example.com", "VaultSecret", "shop", "creds"), sides)
    assert item["status"] == diff.DIFFERENT
    text = json.dumps(item)
    assert not any(secret in text for secret in VALUES), text
    assert all(
        isinstance(v, str) and v.startswith("<hidden: ") for d in item["differences"] for v in leaves(d["values"])
    )


def test_the_last_applied_annotation_is_hidden_in_diff_too():
    flat = diff.flatten(vault_secret(SHAPES["map"]), diff.Ignore([]), diff.new_secret_key())
    assert isinstance(flat[f".metadata.annotations['{LAST_APPLIED}']"], diff.Hidden)
