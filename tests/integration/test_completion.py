"""Shell completion of the plugins' arguments through kubectl itself: `kubectl __complete py-describe ...` runs
`kubectl_complete-py_describe` (kubectl_py/cli/complete.py) found on PATH, against the real clusters.

The plugins and their completion helpers are put on PATH as small scripts calling the entry points that
pyproject.toml's [project.scripts] declares (what pip/pipx install; tests/integration/test_distribution.py
checks the pip- and pipx-installed ones).
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ("py-nodeports", "py-describe", "py-query", "py-diff")
SYSTEM_PATH = ["/usr/local/bin", "/usr/bin", "/bin"]


def project_scripts() -> dict:
    text = (ROOT / "pyproject.toml").read_text()
    try:
        import tomllib

        return tomllib.loads(text)["project"]["scripts"]
    except ImportError:  # Python 3.10
        table = text.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
        return dict(re.findall(r'^([\w.-]+)\s*=\s*"([^"]+)"', table, re.M))


def test_pyproject_declares_a_completion_helper_per_plugin():
    scripts = project_scripts()
    for plugin in PLUGINS:
        name = plugin.replace("-", "_")
        assert scripts[f"kubectl-{name}"] == f"kubectl_py.cli.launch:{plugin[3:]}"
        assert scripts[f"kubectl_complete-{name}"] == f"kubectl_py.cli.complete:{plugin[3:]}"


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bin")
    for name, target in project_scripts().items():
        module, func = target.split(":")
        path = folder / name
        path.write_text(f"#!{sys.executable}\nimport sys\nfrom {module} import {func}\nsys.exit({func}())\n")
        path.chmod(0o755)
    return folder


@pytest.fixture(scope="module")
def env(cluster, bin_dir, tmp_path_factory):
    environ = {k: v for k, v in cluster.env.items() if k not in ("VIRTUAL_ENV", "KUBECTL_PY_DEBUG")}
    environ["PATH"] = os.pathsep.join([str(bin_dir), os.path.dirname(cluster.kubectl)] + SYSTEM_PATH)
    environ["PYTHONPATH"] = str(ROOT)
    environ["KUBECTL_PY_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    return environ


def complete(cluster, env, plugin, *words, timeout=30):
    """(candidates, directive) from `kubectl __complete <plugin> <words>`."""
    proc = subprocess.run(
        [cluster.kubectl, "__complete", plugin, *words],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines and re.fullmatch(r":\d+", lines[-1]), proc.stdout
    helper = os.path.join(env["PATH"].split(os.pathsep)[0], "kubectl_complete-" + plugin.replace("-", "_"))
    assert f"About to call: {helper}" in proc.stderr, "kubectl did not call the helper"
    return lines[:-1], int(lines[-1][1:])


def names(kubectl, *args, context=None) -> list:
    proc = kubectl(["get", *args, "-o", "name"], context=context)
    assert proc.returncode == 0, proc.stderr
    return sorted(line.split("/", 1)[1] for line in proc.stdout.splitlines())


# -- resource types -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("plugin", ["py-describe", "py-query"])
def test_resource_types_from_discovery(cluster, env, kubectl, plugin):
    candidates, directive = complete(cluster, env, plugin, "")
    assert directive == 4
    assert candidates == sorted(set(candidates))
    assert {"pods", "services", "deployments", "nodes", "namespaces", "configmaps", "customresourcedefinitions"} <= set(
        candidates
    )
    listable = kubectl(["api-resources", "--verbs=list", "-o", "name"]).stdout.split()  # plural[.group]
    plurals = [name.split(".", 1)[0] for name in listable]
    expected = {p if plurals.count(p) == 1 else name for p, name in zip(plurals, listable)}
    assert expected <= set(candidates), "one candidate per listable resource, qualified only when ambiguous"
    categories = set(candidates) - expected
    if plugin == "py-query":
        assert "all" in categories, "py-query takes categories"
    else:
        assert not categories, "py-describe takes no categories"


def test_resource_type_prefix_and_aliases(cluster, env):
    assert complete(cluster, env, "py-describe", "dep") == (["deployments"], 4)
    assert complete(cluster, env, "py-describe", "svc") == (["svc"], 4)
    assert complete(cluster, env, "py-query", "pods,dep") == (["pods,deployments"], 4)
    candidates, _ = complete(cluster, env, "py-query", "pods,se")
    assert "pods,services" in candidates and "pods,secrets" in candidates


# -- names ----------------------------------------------------------------------------------------------------
def test_object_names_in_the_namespace_given(cluster, env, kubectl):
    candidates, directive = complete(cluster, env, "py-describe", "-n", "demo", "svc", "")
    assert directive == 4 and candidates == names(kubectl, "svc", "-n", "demo")
    assert complete(cluster, env, "py-describe", "svc", "--namespace=demo", "web-n")[0] == ["web-nodeport"]
    default, _ = complete(cluster, env, "py-describe", "svc", "")
    assert default == names(kubectl, "svc", "-n", "default")


def test_names_already_typed_are_not_offered_again(cluster, env):
    candidates, _ = complete(cluster, env, "py-describe", "-n", "demo", "svc", "web", "")
    assert "web" not in candidates and "web-nodeport" in candidates


def test_type_slash_name(cluster, env, kubectl):
    candidates, _ = complete(cluster, env, "py-describe", "-n", "demo", "deploy/")
    assert candidates == [f"deploy/{n}" for n in names(kubectl, "deploy", "-n", "demo")]


def test_names_from_another_context_and_kubeconfig(cluster, env, kubectl, tmp_path):
    nodes_b = names(kubectl, "nodes", context="kpy-b")
    assert complete(cluster, env, "py-describe", "--context", "kpy-b", "nodes", "")[0] == nodes_b
    assert complete(cluster, env, "py-query", "nodes", "--context=kpy-b", "")[0] == nodes_b
    both, _ = complete(cluster, env, "py-query", "--context", "kpy-a,kpy-b", "nodes", "")
    assert both == sorted(set(names(kubectl, "nodes", context="kpy-a") + nodes_b))
    # --kubeconfig typed on the line wins over $KUBECONFIG
    config = tmp_path / "config"
    text = Path(cluster.kubeconfig).read_text()
    config.write_text(re.sub(r"(?m)^current-context:.*$", "current-context: kpy-b", text))
    no_env = dict(env, KUBECONFIG=str(tmp_path / "missing"))
    assert complete(cluster, no_env, "py-describe", "--kubeconfig", str(config), "nodes", "")[0] == nodes_b


def test_all_namespaces(cluster, env, kubectl):
    candidates, _ = complete(cluster, env, "py-query", "-A", "deploy", "")
    assert candidates == sorted(set(names(kubectl, "deploy", "--all-namespaces")))


def test_a_cluster_that_is_down_gives_nothing_quickly(cluster, env):
    start = time.monotonic()
    assert complete(cluster, env, "py-describe", "--context", "kpy-down", "svc", "") == ([], 4)
    assert time.monotonic() - start < 10


def test_nodeports_takes_no_arguments(cluster, env):
    assert complete(cluster, env, "py-nodeports", "") == ([], 4)


# -- flag values ----------------------------------------------------------------------------------------------
def test_contexts(cluster, env, kubectl):
    contexts = sorted(kubectl(["config", "get-contexts", "-o", "name"]).stdout.split())
    for plugin in PLUGINS:
        assert complete(cluster, env, plugin, "--context", "") == (contexts, 4)
    assert complete(cluster, env, "py-query", "--context", "kpy-a,kpy-b-") == ([], 4)
    assert "kpy-a,kpy-b" in complete(cluster, env, "py-query", "--context", "kpy-a,kpy-")[0]


def test_namespaces(cluster, env, kubectl):
    assert complete(cluster, env, "py-describe", "-n", "") == (names(kubectl, "namespaces"), 4)
    assert complete(cluster, env, "py-nodeports", "--namespace", "de") == (
        [n for n in names(kubectl, "namespaces") if n.startswith("de")],
        4,
    )
    # a user who may not list namespaces: the context's own one
    assert complete(cluster, env, "py-query", "--context", "kpy-a-ns-viewer", "-n", "") == (["default"], 4)


def test_output_formats(cluster, env):
    assert complete(cluster, env, "py-describe", "-o", "") == (["text", "json", "yaml", "jsonpath", "jsonpath-file"], 4)
    assert complete(cluster, env, "py-query", "-o", "j") == (["json", "jsonpath", "jsonpath-file", "jsonpath-ng"], 4)
    assert complete(cluster, env, "py-nodeports", "--output", "") == (
        [
            "wide",
            "json",
            "yaml",
            "jsonpath",
            "jsonpath-file",
            "custom-columns",
            "custom-columns-file",
            "csv",
            "tsv",
            "markdown",
        ],
        4,
    )


def test_path_flags_let_the_shell_complete_files(cluster, env):
    for flag in ("--kubeconfig", "-f", "--certificate-authority"):
        assert complete(cluster, env, "py-describe", flag, "") == ([], 0)


def test_flag_names(cluster, env):
    assert complete(cluster, env, "py-nodeports", "--all") == (["--all-contexts", "--all-namespaces", "--all-nodes"], 4)
    short, _ = complete(cluster, env, "py-query", "-")
    assert {"-n", "-o", "-A", "-l", "--namespace", "--context"} <= set(short)


def help_flags(plugin: str) -> dict:
    """Flags a plugin's --help lists: long name -> takes a value (a metavar follows)."""
    module = plugin[3:]
    code = f"import sys; sys.argv[0] = 'x'; from kubectl_py.cli.{module} import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "--help"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = {}
    for match in re.finditer(r"^\s+(?:-\w, )?(--[\w-]+)(?:, -\w)?( <\w+>| [\w|]+)?", proc.stdout, re.M):
        out[match.group(1)] = bool(match.group(2))
    return out


@pytest.mark.parametrize("plugin", PLUGINS)
def test_completion_offers_the_flags_help_lists(plugin):
    """Completion reads the flag table (importing the commands would import typer); --help shows the commands'."""
    sys.path.insert(0, str(ROOT))
    from kubectl_py.cli import flagtable

    assert {f.long: f.takes_value for f in flagtable.for_plugin(plugin)} == help_flags(plugin)


def test_flags_spelled_the_kubectl_way(cluster, env):
    """-o=j, -oj, --output=j complete the value (cobra's scripts put the prefix back); --flag=true is read."""
    formats = ["json", "jsonpath", "jsonpath-file", "jsonpath-ng"]
    for word in ("-o=j", "-oj", "--output=j"):
        assert complete(cluster, env, "py-query", word) == (formats, 4)
    assert complete(cluster, env, "py-query", "-n=demo", "svc", "web-n") == (["web-nodeport"], 4)
    assert complete(cluster, env, "py-query", "-ndemo", "svc", "web-n") == (["web-nodeport"], 4)
    everywhere, _ = complete(cluster, env, "py-query", "--all-namespaces=true", "deploy", "")
    assert everywhere == complete(cluster, env, "py-query", "-A", "deploy", "")[0]
    assert complete(cluster, env, "py-query", "--cache-dir", "") == ([], 0)  # a folder: the shell completes it


# -- speed --------------------------------------------------------------------------------------------------------
def test_the_helper_imports_neither_typer_nor_kubernetes(cluster, env):
    code = (
        "import sys; from kubectl_py.cli import complete; complete.run('py-describe', ['-n', 'demo', 'svc', '']);"
        "print(sorted(m for m in ('typer', 'kubernetes', 'click', 'rich', 'jsonpath_ng', 'tabulate') "
        "if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "web" in lines and lines[-1] == "[]"


def test_completion_is_fast(cluster, env, bin_dir):
    helper = bin_dir / "kubectl_complete-py_describe"
    # discovery gets cached on disk
    subprocess.run([helper, "-n", "demo", "svc", ""], env=env, stdout=subprocess.DEVNULL, timeout=60)
    for words, limit in ((["-o", ""], 0.5), (["--context", ""], 0.5), (["-n", "demo", "svc", ""], 1.0)):
        times = []
        for _ in range(3):
            start = time.monotonic()
            subprocess.run([helper, *words], env=env, stdout=subprocess.DEVNULL, timeout=60, check=True)
            times.append(time.monotonic() - start)
        assert sorted(times)[1] < limit, f"{words}: {times}"
