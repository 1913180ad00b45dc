"""Kubeconfig parity on the wire: the built kubectl (the oracle) and the plugin read the same kubeconfig and
flags against the same logging server (the fault proxy of tests/cluster/faults.py, which forwards to the
real apiserver as its admin and logs every request's headers as sent), and must send the same credentials
and impersonation headers, or refuse the same configurations.

Deliberate differences, said in the README and pinned here: `--token` wins over a kubeconfig token file
(kubectl keeps sending the file's token, which surprises people who pass --token to switch identity)."""

import os
import subprocess

import pytest
import yaml

from tests.cluster import faults
from tests.integration.harness import plugin_env

SENT = ("authorization", "impersonate-user", "impersonate-uid", "impersonate-group")


def _sent(request) -> list:
    """The identity headers of one request, in order, repeated names kept."""
    return sorted(
        (name.lower(), value)
        for name, value in request.raw_headers
        if name.lower() in SENT or name.lower().startswith("impersonate-extra-")
    )


def _namespaces_request(proxy):
    found = [r for r in proxy.requests if r.path == "/api/v1/namespaces"]
    assert found, [r.target for r in proxy.requests]
    return found[-1]


@pytest.fixture
def proxy(cluster):
    with faults.fault_proxy_for(cluster) as tool:
        yield tool


def _config(cluster, proxy, tmp_path, user: dict, cluster_extra: dict | None = None) -> str:
    a = next(c for c in cluster.clusters if c.name == "a")
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "parity",
        "clusters": [
            {
                "name": "parity-cluster",
                "cluster": dict(
                    {"server": proxy.url, "certificate-authority": os.path.join(a.dir, "ca.crt")},
                    **(cluster_extra or {}),
                ),
            }
        ],
        "users": [{"name": "parity-user", "user": user}],
        "contexts": [{"name": "parity", "context": {"cluster": "parity-cluster", "user": "parity-user"}}],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def _run(cluster, proxy, kubeconfig, tmp_path, args, ours: bool):
    """(exit code, stderr, identity headers of the namespaces list or None when nothing was sent)."""
    before = len(proxy.requests)
    env = plugin_env(
        cluster,
        KUBECONFIG=kubeconfig,
        KUBECTL_PY_CACHE_DIR=str(tmp_path / "kpy-cache"),
        KUBECACHEDIR=str(tmp_path / "kube-cache"),
    )
    argv = [cluster.kubectl, "py-query" if ours else "get", "namespaces", "-o", "name", *args]
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    sent = [r for r in proxy.requests[before:] if r.path == "/api/v1/namespaces"]
    return proc.returncode, proc.stderr, (_sent(sent[-1]) if sent else None)


def _both(cluster, proxy, kubeconfig, tmp_path, *args):
    return (
        _run(cluster, proxy, kubeconfig, tmp_path, args, ours=True),
        _run(cluster, proxy, kubeconfig, tmp_path, args, ours=False),
    )


def _token_file(tmp_path, value="file-token") -> str:
    path = tmp_path / "token"
    path.write_text(value + "\n")
    return str(path)


SAME_HEADERS = {
    "token file wins over token": lambda tmp: ({"token": "inline-token", "tokenFile": _token_file(tmp)}, []),
    "as-user-extra is sent": lambda tmp: (
        {"token": "t", "as": "someone", "as-user-extra": {"reason": ["audit", "debug"], "example.com/scope": ["x y"]}},
        [],
    ),
    "as-groups and as-uid with as": lambda tmp: (
        {"token": "t", "as": "someone", "as-groups": ["g1", "g2"], "as-uid": "1234"},
        [],
    ),
    "flags over the kubeconfig's impersonation": lambda tmp: (
        {"token": "t", "as": "someone"},
        ["--as-group", "g3", "--as-uid", "77"],
    ),
    "basic auth alone": lambda tmp: ({"username": "u", "password": "p"}, []),
}


@pytest.mark.parametrize("case", list(SAME_HEADERS))
def test_the_same_identity_is_sent(cluster, proxy, tmp_path, case):
    user, args = SAME_HEADERS[case](tmp_path)
    kubeconfig = _config(cluster, proxy, tmp_path, user)
    (our_code, our_err, ours), (their_code, their_err, theirs) = _both(cluster, proxy, kubeconfig, tmp_path, *args)
    assert theirs is not None, their_err
    assert ours == theirs
    assert (our_code == 0) == (their_code == 0), (our_err, their_err)


REFUSED = {
    "token and basic auth": ({"token": "t", "username": "u", "password": "p"}, [], "more than one authentication"),
    "token file and basic auth": (None, [], "username/password or bearer token may be set, but not both"),
    "as-groups without as": ({"token": "t", "as-groups": ["g1"]}, [], "without impersonating a user"),
    "as-user-extra without as": ({"token": "t", "as-user-extra": {"k": ["v"]}}, [], "without impersonating a user"),
    "--as-group without --as": ({"token": "t"}, ["--as-group", "g1"], "without impersonating a user"),
    "--as-uid without --as": ({"token": "t"}, ["--as-uid", "1"], "without impersonating a user"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_same_configurations_are_refused(cluster, proxy, tmp_path, case):
    user, args, says = REFUSED[case]
    if user is None:
        user = {"tokenFile": _token_file(tmp_path), "username": "u", "password": "p"}
    kubeconfig = _config(cluster, proxy, tmp_path, user)
    (our_code, our_err, ours), (their_code, their_err, theirs) = _both(cluster, proxy, kubeconfig, tmp_path, *args)
    assert their_code != 0 and theirs is None, "kubectl refuses it and sends nothing"
    assert our_code == 1 and ours is None
    lines = our_err.splitlines()
    assert len(lines) == 1 and says in lines[0], our_err
    assert lines[0].removesuffix(' (context "parity")') in their_err, "kubectl's words"


def test_server_flag_drops_the_kubeconfig_tls_server_name(cluster, proxy, tmp_path):
    """The kubeconfig's tls-server-name names another address's certificate: --server clears it, as kubectl."""
    kubeconfig = _config(cluster, proxy, tmp_path, {"token": "t"}, {"tls-server-name": "wrong.example"})
    (our_code, our_err, _), (their_code, their_err, _) = _both(cluster, proxy, kubeconfig, tmp_path)
    assert our_code == 1 and their_code != 0, "without --server the name is checked, and it is wrong"
    assert "wrong.example" in our_err and "wrong.example" in their_err
    (our_code, our_err, ours), (their_code, their_err, theirs) = _both(
        cluster, proxy, kubeconfig, tmp_path, "--server", proxy.url
    )
    assert their_code == 0 and our_code == 0, (our_err, their_err)
    assert ours == theirs


def test_token_flag_wins_over_a_token_file_deliberately(cluster, proxy, tmp_path):
    kubeconfig = _config(cluster, proxy, tmp_path, {"tokenFile": _token_file(tmp_path)})
    (our_code, _, ours), (their_code, _, theirs) = _both(cluster, proxy, kubeconfig, tmp_path, "--token", "flag-token")
    assert our_code == 0 and their_code == 0
    assert ours == [("authorization", "Bearer flag-token")]
    assert theirs == [("authorization", "Bearer file-token")]
