"""One command, one reading of each input: the kubeconfig files are parsed once per command although the
early connection's thread and the command both need them (kube/kubeconfig.py memoizes by the files' paths,
sizes and mtimes), and that early connection is the one the command uses. Counted in a real run against the
test cluster: the plugin's own entry point, in a Python whose kubeconfig reader counts its calls."""

import os
import subprocess
import sys

import pytest

from tests.integration.harness import plugin_env

COUNTING_RUN = """
import atexit, sys
from kubectl_py.kube import kubeconfig
parsed = []
read = kubeconfig._read_yaml
kubeconfig._read_yaml = lambda path: parsed.append(str(path)) or read(path)
atexit.register(lambda: sys.stderr.write(f"parsed: {sorted(parsed)}\\n"))
sys.argv = ["kubectl-py_query"] + sys.argv[1:]
from kubectl_py.cli.launch import query
query()
"""


def _counted(env, *args):
    proc = subprocess.run(
        [sys.executable, "-c", COUNTING_RUN, *args], capture_output=True, text=True, env=env, timeout=60
    )
    *rest, last = proc.stderr.splitlines()
    assert last.startswith("parsed: "), proc.stderr
    return proc, eval(last[len("parsed: ") :]), rest  # noqa: S307 - our own line, a list of strings


@pytest.mark.parametrize("remembered", [False, True], ids=["first run", "server remembered"])
def test_the_kubeconfig_is_parsed_once_per_command(cluster, kubectl, tmp_path, remembered):
    env = plugin_env(cluster, KUBECTL_PY_CACHE_DIR=str(tmp_path / "cache"))
    if remembered:
        _counted(env, "ns", "default", "-o", "name")
    proc, parsed, errors = _counted(env, "ns", "default", "-o", "name")
    assert proc.returncode == 0 and not errors, proc.stderr
    assert proc.stdout == kubectl(["get", "ns", "default", "-o", "name"]).stdout
    assert parsed == [cluster.kubeconfig], "one file, parsed once by the early connection and the command together"


def test_each_file_of_kubeconfig_is_parsed_once(cluster, kubectl, tmp_path):
    """$KUBECONFIG with two files: each is parsed once, whichever of the two readers comes first."""
    extra = tmp_path / "extra.yaml"
    extra.write_text("apiVersion: v1\nkind: Config\npreferences: {}\n")
    env = plugin_env(
        cluster,
        KUBECTL_PY_CACHE_DIR=str(tmp_path / "cache"),
        KUBECONFIG=os.pathsep.join([cluster.kubeconfig, str(extra)]),
    )
    proc, parsed, _ = _counted(env, "ns", "kube-system", "-o", "name")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == kubectl(["get", "ns", "kube-system", "-o", "name"]).stdout
    assert parsed == sorted([cluster.kubeconfig, str(extra)])
