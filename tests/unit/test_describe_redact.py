"""The Secret rule of describe documents (kubectl_py/describe/redact.py), on plain documents."""

import json

from kubectl_py.describe.redact import LAST_APPLIED, hidden, is_secret_like, redact


def test_secret_like_kinds():
    assert is_secret_like("Secret") and is_secret_like("VaultSecret") and is_secret_like("SealedSecret")
    assert not is_secret_like("ConfigMap") and not is_secret_like("Secrets") and not is_secret_like(None)


def test_hidden_is_the_stored_size_only():
    assert hidden("héllo") == "<hidden: 6 bytes>"  # UTF-8 bytes
    assert hidden({"b": 1, "a": [2]}) == f"<hidden: {len(json.dumps({'a': [2], 'b': 1}, separators=(',', ':')))} bytes>"
    assert hidden("x" * 10, "may hold Secret values") == "<hidden: 10 bytes, may hold Secret values>"


def test_last_applied_of_a_secret_is_hidden():
    applied = json.dumps({"kind": "Secret", "stringData": {"password": "hunter2"}})
    doc = redact({"kind": "Secret", "annotations": {LAST_APPLIED: applied, "team": "a"}, "data": {}})
    assert doc["annotations"] == {LAST_APPLIED: f"<hidden: {len(applied)} bytes, may hold Secret values>", "team": "a"}


def test_generic_secret_like_content_values_become_sizes():
    doc = redact(
        {
            "kind": "VaultSecret",
            "annotations": {},
            "content": {"data": {"a": "hunter2", "b": 7}, "stringData": "whole", "spec": {"data": "kept"}},
        }
    )
    assert doc["content"] == {
        "data": {"a": "<hidden: 7 bytes>", "b": "<hidden: 1 bytes>"},
        "stringData": "<hidden: 5 bytes>",
        "spec": {"data": "kept"},
    }


def test_other_kinds_are_untouched():
    doc = {"kind": "ConfigMap", "annotations": {LAST_APPLIED: "{}"}, "content": {"data": {"a": "b"}}}
    assert redact(json.loads(json.dumps(doc))) == doc
