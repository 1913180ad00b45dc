"""client-go's exec credential plugin protocol (kubectl_py/kube/exec_credentials.py), on small plugins the
tests write. Expected wording and documents come from client-go v0.37.2 (plugin/pkg/client/auth/exec/exec.go
and exec_test.go, tools/clientcmd/validation.go), never from the code under test."""

import base64
import json
import os
import pty
import stat
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from kubectl_py import api
from kubectl_py.errors import ConfigError
from kubectl_py.kube import exec_credentials as ec
from kubectl_py.kube import kubeconfig
from kubectl_py.kube.fanout import run_per_context
from kubectl_py.kube.kubeconfig import Connection, Overrides

ROOT = Path(__file__).resolve().parents[2]
V1 = "client.authentication.k8s.io/v1"
V1BETA1 = "client.authentication.k8s.io/v1beta1"


def write_plugin(path: Path, body: str) -> Path:
    """An executable Python script: the plugin."""
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def token_plugin(path: Path, token="exec-token", version=V1, extra="") -> Path:
    """A plugin that records its argv, env and run count beside itself and answers ``token``."""
    return write_plugin(
        path,
        f"""\
        import json, os, sys
        record = {str(path) + ".runs"!r}
        with open(record, "a") as fh:
            fh.write(json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ)}}) + "\\n")
        {extra}
        print(json.dumps({{"apiVersion": {version!r}, "kind": "ExecCredential", "status": {{"token": {token!r}}}}}))
        """,
    )


def runs(plugin: Path) -> list:
    record = Path(str(plugin) + ".runs")
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def exec_user(plugin, version=V1, mode="Never", **more) -> dict:
    entry = {"apiVersion": version, "command": str(plugin), **more}
    if mode:
        entry["interactiveMode"] = mode
    return {"exec": entry}


def write_kubeconfig(path: Path, users: dict, clusters: dict | None = None, contexts: dict | None = None) -> Path:
    """users: name -> user entry; each user gets a context of the same name on cluster "c" unless
    ``contexts`` (name -> (cluster, user)) says otherwise."""
    clusters = clusters or {"c": {"server": "https://127.0.0.1:1"}}
    contexts = contexts or {name: ("c", name) for name in users}
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": next(iter(contexts)),
                "clusters": [{"name": n, "cluster": c} for n, c in clusters.items()],
                "users": [{"name": n, "user": u} for n, u in users.items()],
                "contexts": [{"name": n, "context": {"cluster": c, "user": u}} for n, (c, u) in contexts.items()],
            }
        )
    )
    return path


def connect(path: Path, context: str, overrides: Overrides = Overrides()) -> Connection:
    return kubeconfig.connection_for(kubeconfig.load(str(path)), context, overrides)


# -- pure protocol pieces -----------------------------------------------------------------------------


def test_request_matches_client_go_documents():
    """wantInput of client-go's exec_test.go cases beta-basic-request and
    beta-with-cluster-and-provide-cluster-info-is-serialized."""
    assert json.loads(ec.exec_request(V1BETA1, False, None)) == {
        "kind": "ExecCredential",
        "apiVersion": V1BETA1,
        "spec": {"interactive": False},
    }
    plugin_config = {"apiVersion": "group/v1", "kind": "PluginConfig", "spec": {"audience": "snorlax"}}
    conn = Connection(context="x", server="foo", tls_server_name="bar", ca_data=b"baz")
    cluster = {
        "server": "foo",
        "extensions": [{"name": "client.authentication.k8s.io/exec", "extension": plugin_config}],
    }
    request = json.loads(ec.exec_request(V1BETA1, False, ec.cluster_info("foo", cluster, conn)))
    assert request == {
        "kind": "ExecCredential",
        "apiVersion": V1BETA1,
        "spec": {
            "cluster": {
                "server": "foo",
                "tls-server-name": "bar",
                "certificate-authority-data": "YmF6",
                "config": plugin_config,
            },
            "interactive": False,
        },
    }


@pytest.mark.parametrize(
    "mode, terminal, unavailable, expected",
    [
        ("Never", True, False, False),
        ("IfAvailable", True, False, True),
        ("IfAvailable", False, False, False),
        ("IfAvailable", True, True, False),
        ("Always", True, False, True),
        ("Always", False, False, "standard input is not a terminal"),
        ("Always", True, True, "standard input is unavailable"),
        ("", True, False, 'unknown interactiveMode: ""'),
    ],
)
def test_interactive_mode_rules(mode, terminal, unavailable, expected):
    if isinstance(expected, bool):
        assert ec.is_interactive(mode, terminal, unavailable) is expected
    else:
        with pytest.raises(ec.ExecError) as error:
            ec.is_interactive(mode, terminal, unavailable)
        assert str(error.value) == "exec plugin cannot support interactive mode: " + expected


def test_unavailable_stdin_message_is_appended():
    with pytest.raises(ec.ExecError, match="standard input is unavailable: some message$"):
        ec.is_interactive("Always", True, True, "some message")


SECRET = "s3cr3t-value-never-shown"


@pytest.mark.parametrize(
    "answer, message",
    [
        (SECRET, "decoding stdout: couldn't get version/kind; json parse error"),
        ([SECRET], "decoding stdout: couldn't get version/kind; json parse error: json: cannot unmarshal array"),
        (
            {"kind": "ExecCredential", "status": {"token": SECRET}},
            f"exec plugin is configured to use API version {V1}, plugin returned version "
            "client.authentication.k8s.io/__internal",
        ),
        (
            {"apiVersion": V1, "kind": "Nope", "status": {"token": SECRET}},
            f'decoding stdout: no kind "Nope" is registered for version "{V1}"',
        ),
        (
            {
                "apiVersion": "client.authentication.k8s.io/v1alpha1",
                "kind": "ExecCredential",
                "status": {"token": SECRET},
            },
            'decoding stdout: no kind "ExecCredential" is registered for version "client.authentication.k8s.io/v1alpha1"',
        ),
        (
            {"apiVersion": V1, "kind": "ExecCredential", "status": {"token": 5}},
            "decoding stdout: json: cannot unmarshal number into Go struct field ExecCredentialStatus.status.token",
        ),
        (
            {"apiVersion": V1BETA1, "kind": "ExecCredential", "status": {"token": SECRET}},
            f"exec plugin is configured to use API version {V1}, plugin returned version {V1BETA1}",
        ),
        ({"apiVersion": V1, "kind": "ExecCredential"}, "exec plugin didn't return a status field"),
        (
            {"apiVersion": V1, "kind": "ExecCredential", "status": {}},
            "exec plugin didn't return a token or cert/key pair",
        ),
        (
            {"apiVersion": V1, "kind": "ExecCredential", "status": {"clientKeyData": SECRET}},
            "exec plugin returned only certificate or key, not both",
        ),
        (
            {
                "apiVersion": V1,
                "kind": "ExecCredential",
                "status": {"clientKeyData": SECRET, "clientCertificateData": SECRET},
            },
            "failed parsing client key/certificate: tls: failed to find any PEM data in certificate input",
        ),
    ],
)
def test_bad_answers_are_refused_without_quoting_stdout(answer, message):
    stdout = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
    with pytest.raises(ec.ExecError) as error:
        ec.parse_answer(stdout, V1)
    assert str(error.value).startswith(message)
    assert SECRET not in str(error.value)


def test_kind_may_be_missing_and_yaml_is_read_too():
    assert ec.parse_answer(json.dumps({"apiVersion": V1, "status": {"token": "t"}}).encode(), V1).token == "t"
    yaml_answer = f"apiVersion: {V1}\nkind: ExecCredential\nstatus:\n  token: from-yaml\n"
    assert ec.parse_answer(yaml_answer.encode(), V1).token == "from-yaml"


def test_answer_with_certificate_and_expiry():
    cert, key = (
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n",
    )
    answer = {
        "apiVersion": V1BETA1,
        "kind": "ExecCredential",
        "status": {"clientCertificateData": cert, "clientKeyData": key, "expirationTimestamp": "2006-01-02T15:04:05Z"},
    }
    creds = ec.parse_answer(json.dumps(answer).encode(), V1BETA1)
    assert (creds.token, creds.cert_data, creds.key_data) == (None, cert.encode(), key.encode())
    assert creds.expires == datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone.utc)  # client-go's beta-expiry case
    assert creds.expired()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2006-01-02T15:04:05Z", datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone.utc)),
        ("2006-01-02T15:04:05.123456789Z", datetime(2006, 1, 2, 15, 4, 5, 123456, tzinfo=timezone.utc)),
        ("2006-01-02T17:04:05+02:00", datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone.utc)),
        (None, None),
    ],
)
def test_expiry_parsing(text, expected):
    assert ec.parse_expiry(text) == expected


@pytest.mark.parametrize("text", ["tomorrow", "2006-01-02", "2006-01-02T15:04:05", 1136214245])
def test_bad_expiry_is_an_error(text):
    with pytest.raises(ec.ExecError, match='^decoding stdout: parsing time ".*" as "2006-01-02T15:04:05Z07:00"'):
        ec.parse_expiry(text)


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            {"apiVersion": V1, "command": "x"},
            "interactiveMode must be specified for u to use exec authentication plugin",
        ),
        (
            {"apiVersion": V1, "command": "x", "interactiveMode": "Sometimes"},
            'invalid interactiveMode for u: "Sometimes"',
        ),
        (
            {"apiVersion": V1, "interactiveMode": "Never"},
            "command must be specified for u to use exec authentication plugin",
        ),
        (
            {"command": "x", "interactiveMode": "Never"},
            "apiVersion must be specified for u to use exec authentication plugin",
        ),
        (
            {"apiVersion": "client.authentication.k8s.io/v1alpha1", "command": "x"},
            'exec plugin: invalid apiVersion "client.authentication.k8s.io/v1alpha1"',
        ),
    ],
)
def test_validation_wording(entry, message):
    with pytest.raises(ec.ExecError) as error:
        ec.validate(entry, "u")
    assert str(error.value) == message


def test_several_validation_problems_on_one_line():
    with pytest.raises(ec.ExecError) as error:
        ec.validate({"interactiveMode": "Never"}, "u")
    assert str(error.value) == (
        "command must be specified for u to use exec authentication plugin; "
        "apiVersion must be specified for u to use exec authentication plugin"
    )


def test_v1beta1_defaults_to_if_available():
    assert ec.validate({"apiVersion": V1BETA1, "command": "x"}, "u") == "IfAvailable"


# -- running plugins ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [V1, V1BETA1])
def test_plugin_gets_args_env_and_request(tmp_path, version):
    plugin = token_plugin(tmp_path / "cred", "tok-" + version[-2:], version)
    user = exec_user(plugin, version, args=["--flag", "value"], env=[{"name": "PLUGIN_SETTING", "value": "on"}])
    conn = connect(write_kubeconfig(tmp_path / "config", {"u": user}), "u")
    assert conn.token == "tok-" + version[-2:]
    (run,) = runs(plugin)
    assert run["argv"] == ["--flag", "value"]
    assert run["env"]["PLUGIN_SETTING"] == "on"
    assert run["env"]["PATH"] == os.environ["PATH"]  # the env is added to ours
    assert json.loads(run["env"]["KUBERNETES_EXEC_INFO"]) == {
        "kind": "ExecCredential",
        "apiVersion": version,
        "spec": {"interactive": False},
    }
    assert callable(conn.refresh_credentials)
    assert "tok-" not in repr(conn)


def test_cluster_info_is_provided_when_asked(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_bytes(b"-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n")
    plugin = token_plugin(tmp_path / "cred")
    extension = {"audience": "snorlax", "nested": {"list": [1, 2]}}
    cluster = {
        "server": "https://10.0.0.1:6443",
        "certificate-authority": str(ca),
        "tls-server-name": "api.example",
        "proxy-url": "http://proxy.example:3128",
        "disable-compression": True,
        "extensions": [
            {"name": "client.authentication.k8s.io/exec", "extension": extension},
            {"name": "other", "extension": {"x": 1}},
        ],
    }
    config = write_kubeconfig(
        tmp_path / "config", {"u": exec_user(plugin, provideClusterInfo=True)}, clusters={"c": cluster}
    )
    connect(config, "u")
    assert json.loads(runs(plugin)[0]["env"]["KUBERNETES_EXEC_INFO"])["spec"] == {
        "cluster": {
            "server": "https://10.0.0.1:6443",
            "tls-server-name": "api.example",
            "certificate-authority-data": base64.b64encode(ca.read_bytes()).decode(),
            "proxy-url": "http://proxy.example:3128",
            "disable-compression": True,
            "config": extension,
        },
        "interactive": False,
    }


def test_failing_plugin_reports_exit_code_and_passes_stderr_through(tmp_path, capfd):
    plugin = write_plugin(
        tmp_path / "cred",
        f"""\
        import sys
        print({SECRET!r})
        print("plugin: you are not logged in", file=sys.stderr)
        sys.exit(1)
        """,
    )
    config = write_kubeconfig(tmp_path / "config", {"bad": exec_user(plugin)})
    with pytest.raises(ConfigError) as error:
        connect(config, "bad")
    assert str(error.value) == f'context "bad": getting credentials: exec: executable {plugin} failed with exit code 1'
    assert "plugin: you are not logged in" in capfd.readouterr().err
    assert SECRET not in str(error.value)


def test_missing_executable_shows_the_install_hint(tmp_path):
    user = exec_user("kpy-no-such-credential-plugin", installHint="brew install\nkpy-credentials")
    with pytest.raises(ConfigError) as error:
        connect(write_kubeconfig(tmp_path / "config", {"u": user}), "u")
    message = str(error.value)
    assert message.startswith(
        'context "u": getting credentials: exec: executable kpy-no-such-credential-plugin not found'
    )
    assert "client-go credential plugin that is not installed" in message
    assert message.endswith("brew install kpy-credentials") and "\n" not in message


def test_relative_command_is_resolved_against_the_kubeconfig_folder(tmp_path):
    (tmp_path / "bin").mkdir()
    token_plugin(tmp_path / "bin" / "cred", "relative")
    config = write_kubeconfig(tmp_path / "config", {"u": exec_user("./bin/cred")})
    elsewhere = os.getcwd()
    assert elsewhere != str(tmp_path) and connect(config, "u").token == "relative"


def test_bad_answer_is_one_line_without_secrets(tmp_path):
    plugin = write_plugin(
        tmp_path / "cred",
        f"""\
        print('{{"apiVersion": "v1", "kind": "Secret", "data": "{SECRET}"}}')
        """,
    )
    with pytest.raises(ConfigError) as error:
        connect(write_kubeconfig(tmp_path / "config", {"u": exec_user(plugin)}), "u")
    assert (
        str(error.value) == 'context "u": getting credentials: decoding stdout: no kind "Secret" is registered '
        'for version "v1" in scheme "pkg/runtime/scheme.go:111"'
    )


def test_plugins_of_several_contexts_run_concurrently(tmp_path):
    sleep = 1.5
    users = {
        f"u{i}": exec_user(token_plugin(tmp_path / f"cred{i}", f"t{i}", extra=f"import time; time.sleep({sleep})"))
        for i in range(3)
    }
    sources = api.clusters(contexts=list(users), kubeconfig_path=str(write_kubeconfig(tmp_path / "config", users)))
    start = time.monotonic()
    results = run_per_context(sources, lambda source: source.conn.token)
    elapsed = time.monotonic() - start
    assert [r.value for r in results] == ["t0", "t1", "t2"]
    assert elapsed < 2 * sleep, f"3 plugins of {sleep}s took {elapsed:.2f}s: not concurrent"


def test_contexts_sharing_a_user_run_its_plugin_once(tmp_path):
    plugin = token_plugin(tmp_path / "cred", "shared", extra="import time; time.sleep(0.3)")
    config = write_kubeconfig(
        tmp_path / "config", {"u": exec_user(plugin)}, contexts={f"ctx{i}": ("c", "u") for i in range(4)}
    )
    sources = api.clusters(contexts=[f"ctx{i}" for i in range(4)], kubeconfig_path=str(config))
    assert [r.value for r in run_per_context(sources, lambda source: source.conn.token)] == ["shared"] * 4
    assert len(runs(plugin)) == 1


def test_only_selected_contexts_run_their_plugin(tmp_path):
    chosen, other = token_plugin(tmp_path / "chosen"), token_plugin(tmp_path / "other")
    config = write_kubeconfig(tmp_path / "config", {"chosen": exec_user(chosen), "other": exec_user(other)})
    sources = api.clusters(contexts=["chosen"], kubeconfig_path=str(config))
    assert not runs(chosen), "no plugin runs before a context is used"
    run_per_context(sources, lambda source: source.conn.token)
    assert len(runs(chosen)) == 1 and not runs(other)


def test_credentials_are_cached_until_they_expire(tmp_path):
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, expiry, expected_runs in (("fresh", future, 1), ("stale", "2006-01-02T15:04:05Z", 2)):
        plugin = write_plugin(
            tmp_path / name,
            f"""\
            import json
            with open({str(tmp_path / name) + ".runs"!r}, "a") as fh:
                fh.write("{{}}\\n")
            print(json.dumps({{"apiVersion": "{V1}", "kind": "ExecCredential",
                              "status": {{"token": "t", "expirationTimestamp": "{expiry}"}}}}))
            """,
        )
        config = write_kubeconfig(tmp_path / f"{name}.yaml", {name: exec_user(plugin)})
        connect(config, name)
        connect(config, name)
        assert len(runs(plugin)) == expected_runs, name


def test_refresh_credentials_runs_the_plugin_again(tmp_path):
    plugin = write_plugin(
        tmp_path / "cred",
        f"""\
        import json
        with open({str(tmp_path / "cred.runs")!r}, "a") as fh:
            fh.write("{{}}\\n")
        count = len(open({str(tmp_path / "cred.runs")!r}).readlines())
        print(json.dumps({{"apiVersion": "{V1}", "kind": "ExecCredential", "status": {{"token": f"token-{{count}}"}}}}))
        """,
    )
    config = write_kubeconfig(
        tmp_path / "config", {"u": exec_user(plugin)}, contexts={"a": ("c", "u"), "b": ("c", "u")}
    )
    first, second = connect(config, "a"), connect(config, "b")
    assert first.token == second.token == "token-1"
    first.refresh_credentials()
    assert first.token == "token-2"
    second.refresh_credentials()  # another context already rotated them: no third run
    assert second.token == "token-2" and len(runs(plugin)) == 2


def test_static_credentials_and_flags_win_over_the_plugin(tmp_path):
    plugin = token_plugin(tmp_path / "cred")
    user = dict(exec_user(plugin), token="static")
    config = write_kubeconfig(tmp_path / "config", {"static": user, "flag": exec_user(plugin)})
    assert connect(config, "static").token == "static"
    assert connect(config, "flag", Overrides(token="from-flag")).token == "from-flag"
    assert not runs(plugin)


def test_exec_and_auth_provider_together_is_invalid(tmp_path):
    user = dict(exec_user("x"), **{"auth-provider": {"name": "oidc"}})
    with pytest.raises(ConfigError, match="authProvider cannot be provided in combination with an exec plugin for u"):
        connect(write_kubeconfig(tmp_path / "config", {"u": user}), "u")


# -- stdin, terminals and the kubernetes package: in a child process, as the plugins run ----------------

CHILD = """\
import json, sys
from kubectl_py import api
from kubectl_py.kube.fanout import run_per_context
sources = api.clusters(contexts=sys.argv[2].split(","), kubeconfig_path=sys.argv[1])
results = run_per_context(sources, lambda source: source.conn.token)
print(json.dumps({"tokens": [r.value for r in results], "errors": [r.error and str(r.error) for r in results],
                  "kubernetes": "kubernetes" in sys.modules}))
"""


def run_child(config: Path, contexts: str, stdin=subprocess.DEVNULL, feed: bytes | None = None) -> dict:
    """Authenticate ``contexts`` in a fresh process whose stdin is ``stdin`` (a pty: ``feed`` is typed)."""
    if stdin == "pty":
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(config), contexts],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        os.close(slave)
        if feed:
            os.write(master, feed)
        try:
            out, err = proc.communicate(timeout=60)
        finally:
            os.close(master)
    else:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(config), contexts], stdin=stdin, capture_output=True, cwd=ROOT, timeout=60
        )
        out, err = proc.stdout, proc.stderr
    assert proc.returncode == 0, err.decode()
    return json.loads(out)


def test_exec_users_do_not_import_the_kubernetes_package(tmp_path):
    config = write_kubeconfig(tmp_path / "config", {"u": exec_user(token_plugin(tmp_path / "cred"))})
    assert run_child(config, "u") == {"tokens": ["exec-token"], "errors": [None], "kubernetes": False}


def interactive_plugin(path: Path) -> Path:
    return write_plugin(
        path,
        f"""\
        import json, os, sys
        info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
        line = sys.stdin.readline().strip()
        print(json.dumps({{"apiVersion": "{V1}", "kind": "ExecCredential",
                          "status": {{"token": line + "/" + str(info["spec"]["interactive"])}}}}))
        """,
    )


def test_always_interactive_plugin_without_a_terminal_fails(tmp_path):
    config = write_kubeconfig(
        tmp_path / "config", {"u": exec_user(interactive_plugin(tmp_path / "cred"), mode="Always")}
    )
    answer = run_child(config, "u")
    assert answer["errors"] == [
        'context "u": getting credentials: exec plugin cannot support interactive mode: '
        "standard input is not a terminal"
    ]


def test_always_interactive_plugin_reads_the_terminal(tmp_path):
    config = write_kubeconfig(
        tmp_path / "config", {"u": exec_user(interactive_plugin(tmp_path / "cred"), mode="Always")}
    )
    assert run_child(config, "u", stdin="pty", feed=b"typed-at-the-prompt\n")["tokens"] == ["typed-at-the-prompt/True"]


def test_never_interactive_plugin_gets_no_stdin_even_on_a_terminal(tmp_path):
    config = write_kubeconfig(tmp_path / "config", {"u": exec_user(interactive_plugin(tmp_path / "cred"))})
    assert run_child(config, "u", stdin="pty", feed=b"not-for-the-plugin\n")["tokens"] == ["/False"]


def test_interactive_plugins_take_turns_on_the_terminal(tmp_path):
    """Two IfAvailable plugins on a terminal run one after the other; never-interactive ones overlap."""

    def timed(name):
        return write_plugin(
            tmp_path / name,
            f"""\
            import json, time
            start = time.time(); time.sleep(0.5)
            with open({str(tmp_path / "spans")!r}, "a") as fh:
                fh.write(json.dumps([start, time.time()]) + "\\n")
            print(json.dumps({{"apiVersion": "{V1}", "kind": "ExecCredential", "status": {{"token": "{name}"}}}}))
            """,
        )

    def spans():
        found = sorted(json.loads(line) for line in (tmp_path / "spans").read_text().splitlines())
        (tmp_path / "spans").unlink()
        return found

    users = {"one": exec_user(timed("one"), mode="IfAvailable"), "two": exec_user(timed("two"), mode="IfAvailable")}
    config = write_kubeconfig(tmp_path / "config", users)
    assert run_child(config, "one,two", stdin="pty")["tokens"] == ["one", "two"]
    first, second = spans()
    assert second[0] >= first[1], "two interactive plugins shared the terminal"
    # without a terminal, IfAvailable plugins are not interactive and run side by side
    assert run_child(config, "one,two")["tokens"] == ["one", "two"]
    first, second = spans()
    assert second[0] < first[1]
