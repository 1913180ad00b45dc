"""Exec credential plugins against the real API server, through kubectl's plugin dispatch; the built kubectl,
running the very same plugins from the very same kubeconfig, is the oracle."""

import json
import stat
import subprocess
import sys
import textwrap
import time

import pytest
import yaml

from tests.integration.harness import kubectl_plugin, plugin_env

V1 = "client.authentication.k8s.io/v1"
V1BETA1 = "client.authentication.k8s.io/v1beta1"


def write_plugin(path, *parts):
    """An executable Python script made of code ``parts`` (each indented as it likes)."""
    path.write_text(f"#!{sys.executable}\n" + "".join(textwrap.dedent(part) for part in parts))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def runs(path):
    record = path.with_suffix(".runs")
    return record.read_text().splitlines() if record.exists() else []


def plugin_preamble(path):
    """Plugin code that records each run (its KUBERNETES_EXEC_INFO) beside the plugin."""
    return f"""\
        import base64, json, os, sys, yaml
        with open({str(path.with_suffix(".runs"))!r}, "a") as fh:
            fh.write(os.environ.get("KUBERNETES_EXEC_INFO", "") + "\\n")
        """


def certificate_answer(kubeconfig, version=V1):
    """Plugin code that answers with the client certificate and key of the user of context CONTEXT (a
    variable of the plugin, kpy-a unless set before) in the test kubeconfig (base64 PEM there, PEM in the
    answer)."""
    return f"""\
        doc = yaml.safe_load(open({kubeconfig!r}))
        context = globals().get("CONTEXT", "kpy-a")
        user_name = next(c["context"]["user"] for c in doc["contexts"] if c["name"] == context)
        user = next(u["user"] for u in doc["users"] if u["name"] == user_name)
        pem = lambda key: base64.b64decode(user[key]).decode()
        print(json.dumps({{"apiVersion": {version!r}, "kind": "ExecCredential",
                          "status": {{"clientCertificateData": pem("client-certificate-data"),
                                     "clientKeyData": pem("client-key-data")}}}}))
        """


def certificate_plugin(path, kubeconfig, version=V1):
    return write_plugin(path, plugin_preamble(path), certificate_answer(kubeconfig, version=version))


def answering_plugin(path, answer, code=0, stderr=""):
    """Prints ``answer`` (a document or raw text) and ``stderr``, exits with ``code``."""
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return write_plugin(
        path,
        plugin_preamble(path),
        f"""\
        print({text!r})
        if {stderr!r}:  # one write: stderr is write-through, and our import log shares it
            sys.stderr.write({stderr!r} + "\\n")
        sys.exit({code})
        """,
    )


def exec_user(plugin, version=V1, **more):
    return {"exec": {"apiVersion": version, "command": str(plugin), "interactiveMode": "Never", **more}}


def write_kubeconfig(path, cluster, users, cluster_extra=None):
    """A kubeconfig with the test kubeconfig's kpy-a cluster and one context per user (same name)."""
    source = yaml.safe_load(open(cluster.kubeconfig))
    kpy_a = next(c["cluster"] for c in source["clusters"] if c["name"] == "kpy-a")
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": next(iter(users)),
                "clusters": [{"name": "kpy-a", "cluster": dict(kpy_a, **(cluster_extra or {}))}],
                "users": [{"name": name, "user": user} for name, user in users.items()],
                "contexts": [{"name": name, "context": {"cluster": "kpy-a", "user": name}} for name in users],
            }
        )
    )
    return str(path)


def oracle(cluster, kubeconfig, *args):
    """The built kubectl with KUBECONFIG=kubeconfig."""
    return subprocess.run(
        [cluster.kubectl, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(cluster.env, KUBECONFIG=kubeconfig),
    )


def ours(cluster, kubeconfig, *args):
    """`kubectl py-query ...` with KUBECONFIG=kubeconfig, Python's import log on stderr."""
    env = plugin_env(cluster, KUBECONFIG=kubeconfig, PYTHONPROFILEIMPORTTIME="1")
    return kubectl_plugin(cluster, "py-query", *args, env=env)


def imported_modules(stderr):
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def messages(stderr):
    return [line for line in stderr.splitlines() if not line.startswith("import time:")]


def same_namespaces(cluster, kubeconfig, *context_args):
    """Ours and the oracle's `namespaces -o name` (other tests create namespaces meanwhile: a few tries)."""
    for _ in range(5):
        mine = ours(cluster, kubeconfig, "namespaces", "-o", "name", *context_args)
        theirs = oracle(cluster, kubeconfig, "get", "namespaces", "-o", "name", *context_args)
        assert theirs.returncode == 0, theirs.stderr
        if mine.out == theirs.stdout:
            return mine
        time.sleep(0.5)
    assert mine.out == theirs.stdout


def test_certificate_from_a_plugin_reads_like_kubectl(cluster, tmp_path):
    plugin = certificate_plugin(tmp_path / "cred.py", cluster.kubeconfig)
    config = write_kubeconfig(tmp_path / "config", cluster, {"exec-cert": exec_user(plugin)})
    run = same_namespaces(cluster, config, "--context", "exec-cert")
    assert run.code == 0, run.err
    assert "namespace/default" in run.out.splitlines()
    assert len(runs(plugin)) >= 2  # ours and the oracle's
    modules = imported_modules(run.err)
    assert "kubectl_py.kube.exec_credentials" in modules
    assert not [m for m in modules if m == "kubernetes" or m.startswith("kubernetes.")]


@pytest.mark.parametrize("version", [V1, V1BETA1])
def test_exec_info_is_kubectls(cluster, tmp_path, version):
    """KUBERNETES_EXEC_INFO with provideClusterInfo and a cluster extension, as the oracle's plugin sees it."""
    plugin = certificate_plugin(tmp_path / "cred.py", cluster.kubeconfig, version=version)
    extension = {"audience": "kpy", "nested": {"list": [1, "two"], "flag": True}}
    config = write_kubeconfig(
        tmp_path / "config",
        cluster,
        {"exec-cert": exec_user(plugin, version, provideClusterInfo=True)},
        {
            "tls-server-name": "localhost",
            "disable-compression": True,
            "extensions": [{"name": "client.authentication.k8s.io/exec", "extension": extension}],
        },
    )
    theirs = oracle(cluster, config, "get", "namespace", "default", "-o", "name")
    assert theirs.returncode == 0, theirs.stderr
    oracle_runs = runs(plugin)
    mine = ours(cluster, config, "namespaces", "-o", "name")
    assert mine.code == 0, mine.err
    our_runs = runs(plugin)[len(oracle_runs) :]
    assert len(our_runs) == 1 and oracle_runs
    assert json.loads(our_runs[0]) == json.loads(oracle_runs[0])
    assert json.loads(our_runs[0])["spec"]["cluster"]["config"] == extension


def test_one_failing_plugin_of_two_contexts(cluster, tmp_path):
    good = certificate_plugin(tmp_path / "good.py", cluster.kubeconfig)
    bad = answering_plugin(tmp_path / "bad.py", "secret-looking-output", 1, "bad-plugin: please log in again")
    unselected = certificate_plugin(tmp_path / "unselected.py", cluster.kubeconfig)
    config = write_kubeconfig(
        tmp_path / "config",
        cluster,
        {"good": exec_user(good), "bad": exec_user(bad), "unselected": exec_user(unselected)},
    )
    run = ours(cluster, config, "namespaces", "-o", "name", "--context", "good,bad")
    assert run.code == 1
    expected = oracle(cluster, config, "get", "namespaces", "-o", "name", "--context", "good")
    oracle_names = set(expected.stdout.splitlines())
    assert "namespace/default" in oracle_names
    # several contexts: each name is preceded by its context; only the good one answered
    contexts, names = zip(*(line.split("\t") for line in run.lines()))
    assert set(contexts) == {"good"}
    # other tests create and delete namespaces meanwhile: the seeded ones, and hardly any difference
    assert {"namespace/default", "namespace/kube-system"} <= set(names)
    assert len(set(names) ^ oracle_names) <= 3, (names, oracle_names)
    plugin_says = "bad-plugin: please log in again"
    errors = [line for line in messages(run.err) if line != plugin_says]
    assert plugin_says in messages(run.err), "the plugin's stderr is passed through"
    assert len(errors) == 1 and '"bad"' in errors[0], run.err
    assert f"getting credentials: exec: executable {bad} failed with exit code 1" in errors[0]
    assert "secret-looking-output" not in run.err
    assert not runs(unselected), "a context that was not selected ran its plugin"
    assert not [m for m in imported_modules(run.err) if m == "kubernetes" or m.startswith("kubernetes.")]


BAD_ANSWERS = {
    "exit-code": ("", 3),
    "other-version": ({"apiVersion": V1BETA1, "kind": "ExecCredential", "status": {"token": "x"}}, 0),
    "no-api-version": ({"kind": "ExecCredential", "status": {"token": "x"}}, 0),
    "unknown-group": ({"apiVersion": "v1", "kind": "ExecCredential", "status": {"token": "x"}}, 0),
    "no-status": ({"apiVersion": V1, "kind": "ExecCredential"}, 0),
    "empty-status": ({"apiVersion": V1, "kind": "ExecCredential", "status": {}}, 0),
    "key-only": ({"apiVersion": V1, "kind": "ExecCredential", "status": {"clientKeyData": "x"}}, 0),
    "not-pem": (
        {"apiVersion": V1, "kind": "ExecCredential", "status": {"clientKeyData": "x", "clientCertificateData": "y"}},
        0,
    ),
    "token-number": ({"apiVersion": V1, "kind": "ExecCredential", "status": {"token": 5}}, 0),
    "a-list": ("[1]", 0),
}


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_plugin_errors_are_worded_as_kubectl_words_them(cluster, tmp_path, case):
    answer, code = BAD_ANSWERS[case]
    plugin = answering_plugin(tmp_path / "cred.py", answer, code)
    config = write_kubeconfig(tmp_path / "config", cluster, {"ctx": exec_user(plugin)})
    theirs = oracle(cluster, config, "get", "namespaces", "-o", "name")
    mine = ours(cluster, config, "namespaces", "-o", "name")
    assert theirs.returncode == mine.code == 1
    marker = "getting credentials: "
    their_reason = theirs.stderr.splitlines()[-1].split(marker, 1)[1]
    (our_line,) = messages(mine.err)
    assert our_line.startswith('error: context "ctx": ' + marker)
    # the runner names the context once more at the end
    assert our_line.split(marker, 1)[1].removesuffix(' (context "ctx")') == their_reason


def test_a_401_runs_the_plugin_again(cluster, tmp_path):
    """The first answer is kpy-b's certificate, which kpy-a's server refuses (401: another CA signed it); the
    plugin runs again after the 401 and its second answer, kpy-a's certificate, is accepted."""
    plugin = write_plugin(
        tmp_path / "cred.py",
        plugin_preamble(tmp_path / "cred.py"),
        f"""\
        first_run = len(open({str(tmp_path / "cred.runs")!r}).readlines()) == 1
        CONTEXT = "kpy-b" if first_run else "kpy-a"
        """,
        certificate_answer(cluster.kubeconfig),
    )
    config = write_kubeconfig(tmp_path / "config", cluster, {"rotating": exec_user(plugin)})
    run = ours(cluster, config, "namespaces", "-o", "name")
    assert run.code == 0, messages(run.err)
    assert "namespace/default" in run.lines()
    assert len(runs(plugin)) == 2


def test_a_401_gets_a_new_token(cluster, kubectl, namespace, tmp_path):
    """The first token is a service account token with a broken signature (401); the plugin runs again and
    its second token, the real one, authenticates as that service account (which may not list namespaces)."""
    created = kubectl(["create", "token", "default", "-n", namespace])
    assert created.returncode == 0, created.stderr
    real = created.stdout.strip()
    broken = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    plugin = write_plugin(
        tmp_path / "cred.py",
        plugin_preamble(tmp_path / "cred.py"),
        f"""\
        first_run = len(open({str(tmp_path / "cred.runs")!r}).readlines()) == 1
        token = {broken!r} if first_run else {real!r}
        print(json.dumps({{"apiVersion": "{V1}", "kind": "ExecCredential", "status": {{"token": token}}}}))
        """,
    )
    config = write_kubeconfig(tmp_path / "config", cluster, {"sa": exec_user(plugin)})
    run = ours(cluster, config, "namespaces", "-o", "name")
    (line,) = messages(run.err)
    assert run.code == 1 and f'"system:serviceaccount:{namespace}:default" cannot list resource "namespaces"' in line
    assert len(runs(plugin)) == 2
    assert real not in run.err and broken not in run.err
