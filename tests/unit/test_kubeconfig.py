"""Kubeconfig semantics, on files the tests write. Oracles: kubectl's own merge (`kubectl config view`)
and the kubernetes package's official loader for credentials."""

import base64
import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest
import yaml

from kubectl_py.errors import ConfigError
from kubectl_py.kube import kubeconfig
from kubectl_py.kube.kubeconfig import Overrides


def write(path, doc):
    path.write_text(yaml.safe_dump(doc))
    return path


def config(clusters=(), users=(), contexts=(), current=""):
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": current,
        "clusters": [{"name": n, "cluster": c} for n, c in clusters],
        "users": [{"name": n, "user": u} for n, u in users],
        "contexts": [{"name": n, "context": c} for n, c in contexts],
    }


@pytest.fixture
def two_files(tmp_path):
    first = write(
        tmp_path / "a.yaml",
        config(
            clusters=[("shared", {"server": "https://first:6443"}), ("one", {"server": "https://one:6443"})],
            users=[("u", {"token": "first-token"})],
            contexts=[("shared", {"cluster": "shared", "user": "u"}), ("one", {"cluster": "one", "user": "u"})],
            current="one",
        ),
    )
    (tmp_path / "sub").mkdir()
    second = write(
        tmp_path / "sub" / "b.yaml",
        config(
            clusters=[
                ("shared", {"server": "https://second:6443"}),
                ("two", {"server": "https://two:6443", "certificate-authority": "ca.crt"}),
            ],
            users=[("u", {"token": "second-token"}), ("v", {"tokenFile": "token.txt"})],
            contexts=[
                ("shared", {"cluster": "two", "user": "v"}),
                ("two", {"cluster": "two", "user": "v", "namespace": "team"}),
            ],
            current="two",
        ),
    )
    (tmp_path / "sub" / "token.txt").write_text("file-token\n")
    return first, second


def test_kubeconfig_env_merges_first_file_wins(two_files, monkeypatch):
    first, second = two_files
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(first), "/does/not/exist", str(second)]))
    merged = kubeconfig.load()
    assert merged.current_context == "one"
    assert merged.clusters["shared"]["server"] == "https://first:6443"
    assert merged.contexts["shared"] == {"cluster": "shared", "user": "u"}
    assert set(merged.contexts) == {"shared", "one", "two"}
    # relative paths resolve against the file that holds them
    assert merged.clusters["two"]["certificate-authority"] == str(second.parent.resolve() / "ca.crt")
    conn = kubeconfig.connection_for(merged, "two")
    assert conn.token == "file-token" and conn.namespace == "team"


def test_merge_matches_kubectl_config_view(two_files, tmp_path):
    """kubectl is the oracle for merging: compare with `kubectl config view --merge`."""
    kubectl = os.environ.get("KUBECTL_PY_ORACLE_KUBECTL") or "/usr/bin/kubectl"
    if not os.path.exists(kubectl):
        pytest.fail(f"no kubectl at {kubectl} to use as the oracle")
    first, second = two_files
    env = dict(os.environ, KUBECONFIG=os.pathsep.join([str(first), str(second)]))
    view = json.loads(
        subprocess.run(
            [kubectl, "config", "view", "--merge", "--raw", "-o", "json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    ours = kubeconfig.merge([(first, yaml.safe_load(first.read_text())), (second, yaml.safe_load(second.read_text()))])
    assert view["current-context"] == ours.current_context
    # `config view` prints file paths as written; ours are resolved against their file's folder
    folders = [str(p.parent.resolve()) + os.sep for p in two_files]

    def as_written(entry):
        return {
            k: v.replace(folders[1], "").replace(folders[0], "") if isinstance(v, str) else v for k, v in entry.items()
        }

    for kind, key in (("clusters", "cluster"), ("users", "user"), ("contexts", "context")):
        theirs = {item["name"]: item[key] for item in view[kind]}
        assert theirs == {name: as_written(e) for name, e in getattr(ours, kind).items()}, kind


def test_explicit_kubeconfig_and_missing_file(two_files, monkeypatch):
    first, _ = two_files
    monkeypatch.setenv("KUBECONFIG", "/nope")
    assert kubeconfig.load(str(first)).current_context == "one"
    with pytest.raises(ConfigError, match="no such file"):
        kubeconfig.load(str(first.parent / "missing.yaml"))


def test_no_config_at_all(monkeypatch, tmp_path):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(ConfigError, match="no configuration"):
        kubeconfig.load()


def test_invalid_yaml(tmp_path):
    bad = tmp_path / "bad"
    bad.write_text("clusters: [unclosed")
    with pytest.raises(ConfigError, match="error loading config file"):
        kubeconfig.load(str(bad))


def test_select_contexts(two_files, monkeypatch):
    first, second = two_files
    merged = kubeconfig.merge([(p, yaml.safe_load(p.read_text())) for p in two_files])
    assert kubeconfig.select_contexts(merged, []) == ["one"]
    assert kubeconfig.select_contexts(merged, ["two,one", "two"]) == ["two", "one"]
    assert kubeconfig.select_contexts(merged, [], all_contexts=True) == ["shared", "one", "two"]
    with pytest.raises(ConfigError, match='context "nope" does not exist'):
        kubeconfig.select_contexts(merged, ["nope"])


def test_overrides(two_files):
    merged = kubeconfig.merge([(p, yaml.safe_load(p.read_text())) for p in two_files])
    conn = kubeconfig.connection_for(
        merged,
        "one",
        Overrides(
            server="https://override:1",
            token="t2",
            namespace="ns",
            impersonate="bob",
            impersonate_groups=("g1", "g2"),
            insecure_skip_tls_verify=True,
            request_timeout=3.0,
        ),
    )
    assert (
        conn.server,
        conn.token,
        conn.namespace,
        conn.impersonate,
        conn.impersonate_groups,
        conn.insecure,
        conn.timeout,
    ) == ("https://override:1", "t2", "ns", "bob", ("g1", "g2"), True, 3.0)
    with pytest.raises(ConfigError, match='cluster "zzz" does not exist'):
        kubeconfig.connection_for(merged, "one", Overrides(cluster="zzz"))


def test_credentials_never_in_repr(two_files):
    merged = kubeconfig.merge([(p, yaml.safe_load(p.read_text())) for p in two_files])
    conn = kubeconfig.connection_for(merged, "one")
    assert "first-token" not in repr(conn)


def official(config_dict, context):
    """What the kubernetes package's loader makes of a context."""
    from kubernetes.client import Configuration
    from kubernetes.config.kube_config import KubeConfigLoader

    target = Configuration()
    KubeConfigLoader(config_dict=config_dict, active_context=context).load_and_set(target)
    return target


@pytest.mark.parametrize(
    "user",
    [
        {"token": "abc"},
        {"username": "x", "password": "y"},
    ],
)
def test_static_credentials_match_official_loader(tmp_path, user):
    doc = config(
        clusters=[("c", {"server": "https://h:1", "insecure-skip-tls-verify": True})],
        users=[("u", user)],
        contexts=[("x", {"cluster": "c", "user": "u"})],
        current="x",
    )
    path = write(tmp_path / "k", doc)
    ours = kubeconfig.connection_for(kubeconfig.load(str(path)), "x")
    theirs = official(doc, "x")
    header = theirs.api_key.get("authorization")
    expected = f"Bearer {ours.token}" if ours.token else f"Basic {ours.basic_auth}"
    assert header == expected
    assert ours.insecure == (not theirs.verify_ssl)


def test_exec_plugin_runs_only_for_selected_context(tmp_path):
    """An exec credential plugin gives the token (run natively; the official loader agrees), and only when
    the context is selected."""
    marker = tmp_path / "ran"
    plugin = tmp_path / "cred.py"
    plugin.write_text(
        textwrap.dedent(f"""\
        #!{sys.executable}
        import json, pathlib
        pathlib.Path({str(marker)!r}).write_text("yes")
        print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                          "status": {{"token": "exec-token"}}}}))
        """)
    )
    plugin.chmod(plugin.stat().st_mode | stat.S_IEXEC)
    exec_user = {
        "exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(plugin), "interactiveMode": "Never"}
    }
    doc = config(
        clusters=[("c", {"server": "https://h:1"})],
        users=[("plain", {"token": "t"}), ("exec", exec_user)],
        contexts=[("plain", {"cluster": "c", "user": "plain"}), ("exec", {"cluster": "c", "user": "exec"})],
        current="plain",
    )
    merged = kubeconfig.load(str(write(tmp_path / "k", doc)))
    assert kubeconfig.connection_for(merged, "plain").token == "t"
    assert not marker.exists(), "the exec plugin of an unselected context must not run"
    assert kubeconfig.connection_for(merged, "exec").token == "exec-token"
    assert marker.exists()
    assert official(doc, "exec").api_key["authorization"] == "Bearer exec-token"


def test_client_certificate_data_is_decoded(tmp_path):
    pem = b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n"
    doc = config(
        clusters=[("c", {"server": "h:1"})],
        users=[("u", {"client-certificate-data": base64.b64encode(pem).decode(), "client-key": "key.pem"})],
        contexts=[("x", {"cluster": "c", "user": "u"})],
        current="x",
    )
    conn = kubeconfig.connection_for(kubeconfig.load(str(write(tmp_path / "k", doc))), "x")
    assert conn.cert_data == pem
    assert conn.key_file == str(tmp_path.resolve() / "key.pem")
    assert conn.server == "https://h:1"


def test_in_cluster_config_when_no_kubeconfig(tmp_path, monkeypatch):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    account = tmp_path / "sa"
    account.mkdir()
    (account / "token").write_text("pod-token\n")
    (account / "namespace").write_text("apps")
    monkeypatch.setattr(kubeconfig, "IN_CLUSTER_DIR", str(account))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    merged = kubeconfig.load()
    conn = kubeconfig.connection_for(merged, merged.current_context)
    assert (conn.server, conn.token, conn.namespace) == ("https://10.96.0.1:443", "pod-token", "apps")
    assert conn.ca_file == str(account / "ca.crt")
