"""Pure rules of the HTTP layer: when to retry, how a re-list skips what was returned, early connections."""

import pytest

from kubectl_py.kube import client, preconnect


@pytest.mark.parametrize(
    "status, headers, wait",
    [
        (429, {}, 1.0),  # client-go retries 429 after 1 s when the server names no wait
        (429, {"retry-after": "3"}, 3.0),
        (429, {"retry-after": "600"}, client.MAX_RETRY_WAIT),
        (429, {"retry-after": "soon"}, 1.0),
        (503, {"retry-after": "2"}, 2.0),
        (500, {"retry-after": "0"}, 0.0),
        (503, {}, None),  # 5xx is final unless the server asked for a retry
        (500, {}, None),
        (410, {"retry-after": "1"}, None),
        (404, {}, None),
    ],
)
def test_retry_after(status, headers, wait):
    assert client._retry_after(status, headers) == wait


def _item(namespace, name):
    return {"metadata": {"namespace": namespace, "name": name}}


def test_a_relist_skips_through_the_last_item_returned():
    page = {"items": [_item("a", "x"), _item("b", "a"), _item("b", "m"), _item("c", "a")]}
    client._drop_through(page, ("b", "a"))
    assert [client._item_key(i) for i in page["items"]] == [("b", "m"), ("c", "a")]
    assert client._last_key(page) == ("c", "a")


def test_table_rows_are_keyed_by_their_object():
    page = {
        "kind": "Table",
        "rows": [{"cells": [], "object": _item("", "n1")}, {"cells": [], "object": _item("", "n2")}],
    }
    client._drop_through(page, ("", "n1"))
    assert [r["object"]["metadata"]["name"] for r in page["rows"]] == ["n2"]


def test_continue_token_from_the_raw_head():
    body = b'{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5","continue":"abc"},"items":[]}'
    assert client._continue_token(body) == "abc"
    assert client._continue_token(b'{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}') is None


def test_the_dial_memory_is_keyed_by_the_files_and_the_context(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECTL_PY_CACHE_DIR", str(tmp_path / "cache"))
    config = tmp_path / "config"
    config.write_text("apiVersion: v1\n")
    key = preconnect._files_key(str(config), None)
    assert preconnect._remembered(key) is None
    preconnect._remember(key, ("api.example", 6443))
    assert preconnect._remembered(key) == ("api.example", 6443)
    assert preconnect._files_key(str(config), "other") != key
    config.write_text("apiVersion: v1\nkind: Config\n")  # an edit: another size (and mtime)
    assert preconnect._remembered(preconnect._files_key(str(config), None)) is None
    preconnect._remember(key, None)  # now through a proxy: forgotten
    assert preconnect._remembered(key) is None


def test_an_early_dial_is_used_when_connected_and_dropped_when_refused():
    import socket

    from kubectl_py.kube import wire

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    early = preconnect._start_dial(("127.0.0.1", port))
    assert early is not None and wire._connected(early, 5.0) is early and early.getblocking()
    early.close()
    listener.close()
    refused = preconnect._start_dial(("127.0.0.1", port))
    assert refused is None or wire._connected(refused, 5.0) is None  # the caller then dials and words the error
