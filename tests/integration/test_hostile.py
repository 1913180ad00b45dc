"""Hostile servers and odd kubeconfigs (issue: every answer bounded, strict and safe).

A context whose server lies (a malformed chunk, an HTML page with a 200, a bad status line, corrupt gzip,
a gzip bomb, endless or trickled headers, a trickled body, a continue token handed out twice) sits in a
fleet beside the REAL cluster kpy-a: its failure must be its own (one stderr line naming it, exit 1) while
kpy-a's answer is printed whole, as the built kubectl (the oracle) prints it; every run is bounded in time
and, where the server tries to fill memory, in the plugin's peak RSS. The hostile answers come from the
fault proxy of tests/cluster/faults.py, which forwards everything else (discovery) to the real apiserver.

A kubeconfig value that is not of client-go's type (the quoted string "false" for a boolean) is refused
before anything is sent, as kubectl refuses it; a token that would break its header is never sent.
"""

import json
import os
import subprocess

import pytest
import yaml

from tests.cluster import faults
from tests.integration.harness import plugin_env, run_measured
from tests.integration.test_faults import CONTEXT_PAIRS, PAIRS, in_namespaces, oracle_lines

STALL_BOUND = 45  # seconds: a trickling or hung context costs at most this (contract: 15 s per request)
MEMORY_BOUND_MB = 400  # peak RSS of a plugin fed a gzip bomb or endless headers (answers are capped at 256 MB)


def one_line(err: str) -> str:
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def hostile_env(cluster, tmp_path, proxy):
    path = faults.kubeconfig_with(cluster.kubeconfig, str(tmp_path / "kubeconfig"), {"hostile": proxy.url})
    return plugin_env(
        cluster,
        KUBECONFIG=path,
        KUBECTL_PY_CACHE_DIR=str(tmp_path / "kpy-cache"),
        KUBECACHEDIR=str(tmp_path / "kube-cache"),
    )


def lists_pods(request) -> bool:
    return request.path == "/api/v1/pods"


def _chunked_ok(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body


HTML = b"<html><head><title>Sign in - Corporate SSO</title></head><body>Please sign in</body></html>"

# name -> (the answer to the list request, what the one stderr line must say, whether it tries to fill memory)
HOSTILE = {
    "bad-chunk-size": (faults.raw_answer(_chunked_ok(b"zz\r\n{}\r\n0\r\n\r\n")), "malformed chunk size", False),
    "html-page": (faults.Reply(200, HTML, {"Content-Type": "text/html"}), "not JSON", False),
    "bad-status-line": (
        faults.raw_answer(b"HTPP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"),
        "malformed HTTP response",
        False,
    ),
    "corrupt-gzip": (
        faults.Reply(
            200,
            b"\x1f\x8b\x08\x00garbage-not-deflate" * 10,
            {"Content-Type": "application/json", "Content-Encoding": "gzip"},
        ),
        "gzip answer is corrupt",
        False,
    ),
    "json-array": (
        faults.Reply(200, b"[1, 2, 3]", {"Content-Type": "application/json"}),
        "not a Kubernetes object",
        False,
    ),
    "items-not-objects": (
        faults.Reply(
            200,
            json.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": [5, "x"]}).encode(),
            {"Content-Type": "application/json"},
        ),
        "does not hold Kubernetes objects",
        False,
    ),
    "deep-json": (
        faults.Reply(200, b"[" * 200_000 + b"]" * 200_000, {"Content-Type": "application/json"}),
        "nested too deeply",
        False,
    ),
    "trickled-headers": (faults.trickled_headers(), "timeout awaiting response headers", False),
    "trickled-body": (faults.trickled_body(), "timeout reading the answer", False),
    "endless-headers": (faults.endless_headers(), "KiB", True),
    "gzip-bomb": (faults.gzip_bomb(1024), "exceeds 256 MB after decompression", True),
}


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_context_never_loses_the_others_answer(cluster, kubectl, seeded, tmp_path, name):
    answer, says, fills_memory = HOSTILE[name]
    with faults.fault_proxy_for(cluster, [faults.Fault(answer, lists_pods)]) as proxy:
        env = hostile_env(cluster, tmp_path, proxy)
        run = run_measured(
            env, "py-query", "pods", "-A", "--context", "kpy-a,hostile", "-o", "jsonpath=" + CONTEXT_PAIRS
        )
        as_json = run_measured(env, "py-query", "pods", "-A", "--context", "hostile,kpy-a", "-o", "json")
    assert any(r.status in ("raw", 200) and r.injected for r in proxy.requests), "the hostile answer was sent"
    expected = in_namespaces(oracle_lines(kubectl, "get", "pods", "-A", "-o", "jsonpath=" + PAIRS), seeded)
    assert expected, "the seeded cluster has pods"

    assert run.code == 1, run.err
    assert in_namespaces(run.lines(), seeded) == [f"kpy-a {line}" for line in expected]
    assert all(line.startswith("kpy-a ") for line in run.lines())
    line = one_line(run.err)
    assert line.endswith('(context "hostile")') and says in line, line
    assert "\x1b" not in line

    assert as_json.code == 1, as_json.err
    doc = json.loads(as_json.out)
    status = {c["context"]: c for c in doc["contexts"]}
    assert status["kpy-a"]["status"] == "ok" and status["hostile"]["status"] != "ok"
    assert says in status["hostile"]["message"]
    assert not [i for i in doc["items"] if i.get("context") == "hostile"]
    got = [f"{i['metadata']['namespace']}/{i['metadata']['name']}" for i in doc["items"] if i["context"] == "kpy-a"]
    assert in_namespaces(got, seeded) == expected

    for measured in (run, as_json):
        assert measured.elapsed < STALL_BOUND, f"{name}: took {measured.elapsed:.1f} s"
        if fills_memory:
            assert measured.max_rss_mb < MEMORY_BOUND_MB, f"{name}: peak RSS {measured.max_rss_mb:.0f} MB"


def test_a_repeated_continue_token_ends_the_list(cluster, tmp_path, namespace):
    """A server that answers every page with the same continue token would make the list go round forever."""
    page = json.dumps(
        {"kind": "ConfigMapList", "apiVersion": "v1", "metadata": {"continue": "same-token"}, "items": []}
    ).encode()
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    with faults.fault_proxy_for(
        cluster, [faults.Fault(faults.Reply(200, page, {"Content-Type": "application/json"}), lambda r: r.path == path)]
    ) as proxy:
        env = hostile_env(cluster, tmp_path, proxy)
        run = run_measured(env, "py-query", "configmaps", "-n", namespace, "--context", "hostile,kpy-a", "-o", "name")
        lists = [r for r in proxy.requests if r.path == path]
    line = one_line(run.err)
    assert run.code == 1 and "same continue token twice" in line and line.endswith('(context "hostile")'), run.err
    assert len(lists) <= 3, f"{len(lists)} list requests"
    # kpy-a's answer is printed: the ConfigMap the controller-manager puts in every namespace
    assert run.lines() == ["kpy-a\tconfigmap/kube-root-ca.crt"]


# -- kubeconfig values of the wrong type ----------------------------------------------------------------------
def _kubeconfig_for(proxy_url: str, cluster_fields: dict, user: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "target",
        "clusters": [{"name": "target", "cluster": dict({"server": proxy_url}, **cluster_fields)}],
        "users": [{"name": "someone", "user": user if user is not None else {"token": "secret-token-value"}}],
        "contexts": [{"name": "target", "context": {"cluster": "target", "user": "someone"}}],
    }


def _write(tmp_path, doc, name="kubeconfig") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc) if isinstance(doc, dict) else doc)
    return str(path)


def _both(cluster, path, *plugin_args):
    """(our run through kubectl's plugin dispatch, the oracle kubectl's) with the kubeconfig at `path`."""
    env = plugin_env(cluster, KUBECONFIG=path, KUBECTL_PY_CACHE_DIR=os.path.join(os.path.dirname(path), "cache"))
    ours = subprocess.run([cluster.kubectl, *plugin_args], capture_output=True, text=True, env=env, timeout=60)
    theirs = subprocess.run(
        [cluster.kubectl, "get", "pods", "--request-timeout", "10s"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return ours, theirs


@pytest.mark.parametrize("field", ["insecure-skip-tls-verify", "disable-compression"])
@pytest.mark.parametrize("word", ["false", "no", "False", "true"])
def test_a_quoted_boolean_is_refused_and_nothing_is_sent(cluster, tmp_path, field, word):
    """`insecure-skip-tls-verify: "false"` once switched verification OFF (bool() of a non-empty string), and the
    token then went to a server whose certificate was never checked. No CA is given here, so only a real
    `true` could make the proxy's certificate (signed by the test CA) acceptable."""
    with faults.fault_proxy_for(cluster) as proxy:
        path = _write(tmp_path, _kubeconfig_for(proxy.url, {field: word}))
        ours, theirs = _both(cluster, path, "py-query", "pods")
        assert proxy.connections == 0 and proxy.requests == []
    assert theirs.returncode != 0, "kubectl refuses the file too"
    line = one_line(ours.stderr)
    assert ours.returncode == 1 and ours.stdout == ""
    assert path in line and '"target"' in line and field in line and f'"{word}"' in line, line
    assert "secret-token-value" not in line


def test_a_real_false_keeps_verification_on(cluster, tmp_path):
    """The YAML boolean false with no CA: the proxy's certificate is not trusted, nothing is sent."""
    with faults.fault_proxy_for(cluster) as proxy:
        path = _write(tmp_path, _kubeconfig_for(proxy.url, {"insecure-skip-tls-verify": False}))
        ours, theirs = _both(cluster, path, "py-query", "pods")
        assert proxy.requests == []
    assert theirs.returncode != 0 and ours.returncode == 1
    assert "certificate" in one_line(ours.stderr)


@pytest.mark.parametrize("token", ["abc\r\nX-Injected: 1", "abc\nX-Injected: 1", "abc\x00def"])
def test_a_token_that_would_break_its_header_is_not_sent(cluster, tmp_path, token):
    c = next(c for c in cluster.clusters if c.name == "a")
    with faults.fault_proxy_for(cluster) as proxy:
        config = _kubeconfig_for(proxy.url, {"certificate-authority": os.path.join(c.dir, "ca.crt")}, {"token": token})
        path = _write(tmp_path, config)
        runs = [_both(cluster, path, "py-query", "pods")[0]]
        if "\x00" not in token:  # no command line can carry a NUL
            runs.append(
                subprocess.run(
                    [cluster.kubectl, "py-query", "pods", "--token", token],
                    capture_output=True,
                    text=True,
                    env=plugin_env(cluster, KUBECONFIG=path),
                    timeout=60,
                )
            )
        assert proxy.requests == [], [r.headers for r in proxy.requests]
    for run in runs:
        line = one_line(run.stderr)
        assert run.returncode == 1 and "control character" in line and "abc" not in line, line


BAD_FILES = {
    "port out of range": ("server", "https://127.0.0.1:99999"),
    "bad IPv6 URL": ("server", "https://[::1:6443"),
    "unsupported scheme": ("server", "ftp://127.0.0.1:6443"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_server_url_that_cannot_be_dialled_is_one_line(cluster, tmp_path, case):
    field, value = BAD_FILES[case]
    path = _write(tmp_path, _kubeconfig_for("https://127.0.0.1:1", {field: value}))
    ours, theirs = _both(cluster, path, "py-query", "pods")
    assert theirs.returncode != 0
    line = one_line(ours.stderr)
    assert ours.returncode == 1 and 'cluster "target" has an invalid server URL' in line, line


ODD_KUBECONFIGS = {
    "user is a string": "users:\n- name: someone\n  user: just-a-string\n",
    "clusters is a number": "clusters: 5\n",
    "cluster entry without a name": "clusters:\n- cluster: {server: https://127.0.0.1:1}\n",
    "current-context is a number": "current-context: 5\n",
    "as-groups is a string": "users:\n- name: someone\n  user: {as: me, as-groups: admins}\n",
    "not UTF-8": b"clusters:\n- name: \xff\xfe\n  cluster: {server: https://127.0.0.1:1}\n",
}


@pytest.mark.parametrize("case", list(ODD_KUBECONFIGS))
def test_an_odd_kubeconfig_is_one_line_naming_the_file(cluster, tmp_path, case):
    path = tmp_path / "kubeconfig"
    content = ODD_KUBECONFIGS[case]
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    ours, theirs = _both(cluster, str(path), "py-query", "pods")
    assert theirs.returncode != 0, f"kubectl accepts it: {theirs.stdout}"
    line = one_line(ours.stderr)
    assert ours.returncode == 1 and str(path) in line, line


ODD_DUMPS = {
    "100k-deep JSON": b"[" * 100_000 + b"]" * 100_000,
    "non-UTF-8 bytes": b'{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "\xff"}}',
    "kind is a number": b'{"kind": 5, "apiVersion": "v1", "metadata": {"name": "x"}}',
    "metadata is a list": b'{"kind": "Pod", "apiVersion": "v1", "metadata": []}',
}


@pytest.mark.parametrize("case", list(ODD_DUMPS))
@pytest.mark.parametrize("plugin", ["py-query", "py-describe"])
def test_an_odd_dump_is_one_line(cluster, tmp_path, case, plugin):
    path = tmp_path / "dump.json"
    path.write_bytes(ODD_DUMPS[case])
    env = plugin_env(cluster, KUBECTL_PY_CACHE_DIR=str(tmp_path / "cache"))
    run = subprocess.run(
        [cluster.kubectl, plugin, "pods", "-f", str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    line = one_line(run.stderr)
    assert run.returncode == 1 and str(path) in line, line


@pytest.mark.usefixtures("settled")
def test_the_cluster_answers_through_the_proxy(cluster, kubectl, tmp_path):
    """The control for the tests above: with no rule, the hostile context is the real cluster."""
    with faults.fault_proxy_for(cluster) as proxy:
        env = hostile_env(cluster, tmp_path, proxy)
        run = run_measured(env, "py-query", "ns", "--context", "hostile", "-o", "name")
    assert run.code == 0, run.err
    assert run.lines() == oracle_lines(kubectl, "get", "ns", "-o", "name")


def test_a_secret_value_that_is_a_map_is_a_size(cluster, tmp_path):
    """The API keeps Secret data as bytes, a file may hold anything: the describe still works, sizes only."""
    path = tmp_path / "secret.json"
    path.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": {"name": "odd", "namespace": "default"},
                "data": {"nested": {"password": "hunter2"}, "plain": "aGVsbG8="},
            }
        )
    )
    env = plugin_env(cluster, KUBECTL_PY_CACHE_DIR=str(tmp_path / "cache"))
    for output in ("json", "yaml"):
        run = subprocess.run(
            [cluster.kubectl, "py-describe", "secret", "odd", "-f", str(path), "-o", output],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert run.returncode == 0 and "hunter2" not in run.stdout, run.stderr
    text = subprocess.run(
        [cluster.kubectl, "py-describe", "secret", "odd", "-f", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert text.returncode == 0, text.stderr
    assert "hunter2" not in text.stdout and "nested:" in text.stdout and "plain:   5 bytes" in text.stdout
