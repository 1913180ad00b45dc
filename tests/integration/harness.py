"""Run the plugins the way users do: `kubectl py-...` through kubectl's plugin dispatch, with the built
kubectl (the oracle's version), the installed console scripts on PATH and the test kubeconfig."""

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

# console scripts are installed beside the interpreter that runs the tests
SCRIPTS_DIR = os.path.dirname(sys.executable)


@dataclass
class Run:
    args: list
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    def lines(self):
        return self.out.splitlines()


def plugin_env(cluster, **extra) -> dict:
    env = dict(cluster.env)
    env["PATH"] = os.pathsep.join([SCRIPTS_DIR, cluster.bin_dir, env.get("PATH", os.defpath)])
    env.pop("KUBECTL_PY_DEBUG", None)
    env.update(extra)
    return env


def kubectl_plugin(cluster, *args, env=None, input=None, timeout=120) -> Run:
    """`kubectl <plugin> args...`, e.g. kubectl_plugin(cluster, "py-nodeports", "-o", "json")."""
    argv = [cluster.kubectl, *args]
    proc = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout,
                          env=env or plugin_env(cluster))
    return Run(argv, proc.returncode, proc.stdout, proc.stderr)


def oracle_json(kubectl, *args, context=None):
    """What the oracle kubectl says, as JSON."""
    proc = kubectl([*args, "-o", "json"], context=context)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen_interruptible(argv, **kwargs) -> subprocess.Popen:
    """subprocess.Popen for a child a test ends with SIGINT (as Ctrl-C): the child starts with SIGINT's default
    disposition. A shell starts background jobs (`pytest ... &`) with SIGINT ignored, children inherit that
    across exec, and a Python started with SIGINT ignored keeps ignoring it (as it should: the plugin is
    not changed for tests), so the test's Ctrl-C would never land."""
    return subprocess.Popen(argv, preexec_fn=_sigint_default, **kwargs)
