"""Both ways users install the plugins give working `kubectl py-*` commands against a real cluster:

- krew: the real krew (scripts/build_krew.sh) installs each committed manifest krew/py-*.yaml offline from the
  release archive (scripts/build_release.py), into a temporary KREW_ROOT; kubectl's plugin dispatch then runs the
  zipapps with the system python3, `kubectl plugin list` shows them without warnings, and `krew uninstall` cleans up;
- pip and pipx: installing the project into a fresh virtualenv (pip) or with pipx gives the same three plugins and
  the three `kubectl_complete-py_*` completion helpers.

Each plugin's output is compared with the same plugin run from this checkout, and with kubectl where kubectl can say
the same thing. PATH holds only the install's bin folder, kubectl and the system folders, so that `kubectl plugin
list` sees nothing else; HOME is a temporary folder (the zipapps unpack under ~/.cache/kubectl-py/shiv).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_release  # noqa: E402

PLUGINS = sorted(build_release.PLUGINS)
SYSTEM_PATH = ["/usr/local/bin", "/usr/bin", "/bin"]
HELPERS = [f"kubectl_complete-{p.replace('-', '_')}" for p in PLUGINS]
COMMANDS = [f"kubectl-{p.replace('-', '_')}" for p in PLUGINS]


def run(argv, env, timeout=300, input=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, f"{' '.join(proc.args)} exited {proc.returncode}\n{proc.stderr}\n{proc.stdout[-2000:]}"
    return proc


def plugin_env(cluster, bin_dirs, home: Path, **extra) -> dict:
    """The cluster's kubeconfig; PATH: the given folders, kubectl's, the system's; nothing from this venv."""
    env = {
        k: v
        for k, v in cluster.env.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "SHIV_ROOT", "KUBECTL_PY_CACHE_DIR", "PIPX_HOME", "PIPX_BIN_DIR")
    }
    env["PATH"] = os.pathsep.join([str(d) for d in bin_dirs] + [os.path.dirname(cluster.kubectl)] + SYSTEM_PATH)
    env["HOME"] = str(home)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def from_checkout(cluster, plugin: str, args) -> subprocess.CompletedProcess:
    """The plugin run from this checkout with this interpreter: the reference output."""
    module = plugin.replace("py-", "")
    code = f"import sys; sys.argv[0] = 'kubectl-py_{module}'; from kubectl_py.cli.{module} import main; main()"
    env = dict(cluster.env, PYTHONPATH=str(ROOT))
    return ok(run([sys.executable, "-c", code, *args], env))


@pytest.fixture(scope="module")
def release():
    return build_release.build(reuse=True)


@pytest.fixture(scope="module")
def krew_bin():
    proc = ok(run([ROOT / "scripts" / "build_krew.sh"], dict(os.environ), timeout=1200))
    path = Path(proc.stdout.strip().splitlines()[-1]) / "krew"
    assert os.access(path, os.X_OK)
    return path


def test_system_path_has_python3_and_no_plugins():
    assert any(os.access(os.path.join(d, "python3"), os.X_OK) for d in SYSTEM_PATH), "the zipapps need python3"
    stray = [f"{d}/{n}" for d in SYSTEM_PATH if os.path.isdir(d) for n in os.listdir(d) if n.startswith("kubectl-")]
    assert not stray, f"kubectl plugins outside the test installs would make `kubectl plugin list` warn: {stray}"


# -- krew --------------------------------------------------------------------------------------------------------
class Krew:
    def __init__(self, krew: Path, root: Path, env: dict):
        self.krew, self.root, self.env = krew, root, env

    def __call__(self, *args) -> subprocess.CompletedProcess:
        return run([self.krew, *args], self.env)

    def install(self, plugin: str, archive: Path) -> subprocess.CompletedProcess:
        return self("install", f"--manifest={ROOT / 'krew' / f'{plugin}.yaml'}", f"--archive={archive}")

    def init_index(self) -> None:
        """An empty, initialised default index: `krew list` and `uninstall` need one; nothing is fetched."""
        index = self.root / "index" / "default"
        (index / "plugins").mkdir(parents=True, exist_ok=True)
        git = ["git", "-c", "user.name=kubectl-py tests", "-c", "user.email=tests@kubectl-py.invalid", "-C", index]
        ok(run([*git, "init", "-q"], self.env))
        ok(run([*git, "commit", "-q", "--allow-empty", "-m", "empty index"], self.env))


def new_krew(krew_bin, cluster, folder: Path) -> Krew:
    root = folder / "krew-root"
    env = plugin_env(cluster, [root / "bin"], folder / "home", KREW_ROOT=root, KREW_NO_UPGRADE_CHECK=1)
    (folder / "home").mkdir(exist_ok=True)
    return Krew(krew_bin, root, env)


@pytest.fixture(scope="module")
def krew(krew_bin, release, cluster, tmp_path_factory):
    """The three plugins installed by krew from the committed manifests and the release archive."""
    k = new_krew(krew_bin, cluster, tmp_path_factory.mktemp("krew"))
    for plugin in PLUGINS:
        proc = k.install(plugin, release.archive)
        assert proc.returncode == 0, f"krew install {plugin}:\n{proc.stderr}\n{proc.stdout}"
        assert f"Installed plugin: {plugin}" in proc.stderr + proc.stdout
        assert "is not in your PATH" not in proc.stderr
    k.init_index()
    return k


def untimed(doc: dict) -> dict:
    """A structured document without its per-context timings."""
    for status in doc.get("contexts") or []:
        status.pop("elapsedMs", None)
    return doc


def kubectl(cluster, env, *args, timeout=300) -> subprocess.CompletedProcess:
    return run([cluster.kubectl, *args], env, timeout=timeout)


def test_krew_links_each_plugin_to_its_zipapp(krew):
    version = "v" + build_release.package_version()
    for plugin, command in zip(PLUGINS, COMMANDS):
        link = krew.root / "bin" / command
        store = krew.root / "store" / plugin / version
        assert link.is_symlink() and Path(os.readlink(link)) == store / build_release.ZIPAPP_NAME
        assert os.access(link, os.X_OK)
        assert sorted(p.name for p in store.iterdir()) == ["LICENSE", build_release.ZIPAPP_NAME]
        receipt = (krew.root / "receipts" / f"{plugin}.yaml").read_text()
        assert "name: detached" in receipt


def test_kubectl_plugin_list_shows_them_without_warnings(krew, cluster):
    proc = ok(kubectl(cluster, krew.env, "plugin", "list"))
    assert "warning" not in (proc.stdout + proc.stderr).lower()
    listed = [line.strip() for line in proc.stdout.splitlines() if line.strip().startswith("/")]
    assert listed == [str(krew.root / "bin" / c) for c in sorted(COMMANDS)]


def test_py_nodeports_through_kubectl(krew, cluster):
    proc = ok(kubectl(cluster, krew.env, "py-nodeports"))
    assert proc.stdout.splitlines()[0].split() == ["NAMESPACE", "NAME", "TYPE", "PORT", "NODEPORT", "PROTOCOL", "URLS"]
    assert "web-nodeport" in proc.stdout
    assert proc.stdout == from_checkout(cluster, "py-nodeports", []).stdout
    args = ["-n", "demo", "-o", "json"]
    doc = untimed(json.loads(ok(kubectl(cluster, krew.env, "py-nodeports", *args)).stdout))
    assert doc == untimed(json.loads(from_checkout(cluster, "py-nodeports", args).stdout))


def test_py_describe_json_through_kubectl(krew, cluster):
    args = ["svc", "web", "-n", "demo", "-o", "json"]
    proc = ok(kubectl(cluster, krew.env, "py-describe", *args))
    doc = json.loads(proc.stdout)
    assert doc["kind"] == "Service" and doc["name"] == "web" and doc["namespace"] == "demo"
    assert doc == json.loads(from_checkout(cluster, "py-describe", args).stdout)


def test_py_query_through_kubectl(krew, cluster):
    proc = ok(kubectl(cluster, krew.env, "py-query", "svc,deploy", "-n", "demo", "-o", "name"))
    oracle = ok(kubectl(cluster, cluster.env, "get", "svc,deploy", "-n", "demo", "-o", "name"))
    assert proc.stdout == oracle.stdout and proc.stdout
    template = "jsonpath={range .items[*]}{.context}/{.metadata.name}{'\\n'}{end}"
    across = ["nodes", "--context", "kpy-a,kpy-b", "-o", template]
    proc = ok(kubectl(cluster, krew.env, "py-query", *across))
    assert "kpy-b/b-node-1" in proc.stdout.splitlines() and "kpy-a/kwok-node-1" in proc.stdout.splitlines()
    assert proc.stdout == from_checkout(cluster, "py-query", across).stdout


def test_py_query_jsonpath_ng_through_kubectl(krew, cluster):
    """jsonpath-ng is pinned for Python 3.10 in the archive (an older release than the one developers get)."""
    args = ["svc", "-n", "demo", "-o", "jsonpath-ng=$.items[?(@.spec.type == 'NodePort')].metadata.name"]
    proc = ok(kubectl(cluster, krew.env, "py-query", *args))
    assert "web-nodeport" in proc.stdout.split()
    assert proc.stdout == from_checkout(cluster, "py-query", args).stdout


def test_py_diff_through_kubectl(krew, cluster):
    args = ["ns", "default", "kube-system", "--context", "kpy-a,kpy-b", "-o", "json"]
    proc = ok(kubectl(cluster, krew.env, "py-diff", *args))  # exit 0: the same in both clusters
    doc = untimed(json.loads(proc.stdout))
    assert [(i["name"], i["status"]) for i in doc["items"]] == [("default", "same"), ("kube-system", "same")]
    assert doc == untimed(json.loads(from_checkout(cluster, "py-diff", args).stdout))


def test_the_three_plugins_share_one_unpacked_copy(krew, cluster):
    for plugin in PLUGINS:
        ok(kubectl(cluster, krew.env, plugin, "--help"))
    shiv = Path(krew.env["HOME"]) / ".cache" / "kubectl-py" / "shiv"
    copies = [p.name for p in shiv.iterdir() if p.is_dir()]
    assert len(copies) == 1 and copies[0].startswith(build_release.ZIPAPP_NAME + "_"), copies


def test_krew_list_and_uninstall_clean_up(krew_bin, release, cluster, tmp_path):
    k = new_krew(krew_bin, cluster, tmp_path)
    for plugin in PLUGINS:
        ok(k.install(plugin, release.archive))
    ok(kubectl(cluster, k.env, "py-query", "ns", "demo", "-o", "name"))
    k.init_index()
    listed = ok(k("list")).stdout.split()
    assert {f"detached/{p}" for p in PLUGINS} <= set(listed), "manifests installed with --manifest are 'detached'"
    for plugin in PLUGINS:
        ok(k("uninstall", plugin))
    assert not list((k.root / "bin").iterdir())
    assert not list((k.root / "store").iterdir())
    assert not list((k.root / "receipts").iterdir())
    assert ok(k("list")).stdout.split() in ([], ["PLUGIN", "VERSION"])
    gone = kubectl(cluster, k.env, "py-query", "ns")
    assert gone.returncode != 0


# -- pip and pipx --------------------------------------------------------------------------------------------------
def check_installed_commands(cluster, bin_dir: Path, home: Path) -> None:
    for name in COMMANDS + HELPERS:
        assert os.access(bin_dir / name, os.X_OK), f"{name} missing from {bin_dir}"
    env = plugin_env(cluster, [bin_dir], home)
    listed = ok(kubectl(cluster, env, "plugin", "list"))
    assert "warning" not in (listed.stdout + listed.stderr).lower()
    assert sorted(
        Path(line.strip()).name for line in listed.stdout.splitlines() if line.strip().startswith("/")
    ) == sorted(COMMANDS)
    query = ok(kubectl(cluster, env, "py-query", "svc", "-n", "demo", "-o", "name"))
    assert query.stdout == ok(kubectl(cluster, cluster.env, "get", "svc", "-n", "demo", "-o", "name")).stdout
    describe = ok(kubectl(cluster, env, "py-describe", "svc", "web", "-n", "demo", "-o", "json"))
    assert json.loads(describe.stdout)["name"] == "web"
    assert "web-nodeport" in ok(kubectl(cluster, env, "py-nodeports", "-n", "demo")).stdout
    completion = ok(kubectl(cluster, env, "__complete", "py-describe", "-n", "demo", "svc", ""))
    lines = completion.stdout.splitlines()
    assert lines[-1] == ":4" and "web" in lines[:-1]


def fresh_venv(folder: Path) -> Path:
    ok(run([sys.executable, "-m", "venv", folder], dict(os.environ)))
    return folder / "bin" / "python"


def test_pip_install_in_a_fresh_venv(cluster, tmp_path):
    source = build_release.copy_source(tmp_path / "src")
    python = fresh_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    ok(run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", source], env, timeout=900))
    (tmp_path / "home").mkdir()
    check_installed_commands(cluster, python.parent, tmp_path / "home")


def test_pipx_install(cluster, tmp_path):
    source = build_release.copy_source(tmp_path / "src")
    tool = fresh_venv(tmp_path / "pipx-venv")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    ok(run([tool, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "pipx"], env, timeout=900))
    bin_dir = tmp_path / "pipx-bin"
    env.update(
        PIPX_HOME=str(tmp_path / "pipx-home"),
        PIPX_BIN_DIR=str(bin_dir),
        PIPX_MAN_DIR=str(tmp_path / "man"),
        PIPX_DEFAULT_PYTHON=str(sys.executable),
    )
    ok(run([tool, "-m", "pipx", "install", source], env, timeout=900))
    (tmp_path / "home").mkdir()
    check_installed_commands(cluster, bin_dir, tmp_path / "home")
    ok(run([tool, "-m", "pipx", "uninstall", "kubectl-py"], env))
    assert not [p for p in bin_dir.iterdir() if p.name.startswith(("kubectl-", "kubectl_"))]
