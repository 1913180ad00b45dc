"""Run the plugins the way users do: `kubectl py-...` through kubectl's plugin dispatch, with the built
kubectl (the oracle's version), the installed console scripts on PATH and the test kubeconfig."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
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
    proc = subprocess.run(
        argv, input=input, capture_output=True, text=True, timeout=timeout, env=env or plugin_env(cluster)
    )
    return Run(argv, proc.returncode, proc.stdout, proc.stderr)


class Measured:
    def __init__(self, code, out, err, elapsed, max_rss_mb, max_fds=None):
        self.code, self.out, self.err, self.elapsed, self.max_rss_mb = code, out, err, elapsed, max_rss_mb
        self.max_fds = max_fds  # the most file descriptors seen open at once (sample_fds=True), else None

    def lines(self):
        return self.out.splitlines()


def run_measured(env, plugin, *args, timeout: float = 90, sample_fds: bool = False) -> Measured:
    """The plugin's console script (no kubectl in between, so that the process measured is the plugin's),
    with its wall time and peak RSS (wait4's rusage of that very child); killed (and the test failed) after
    `timeout` seconds. `sample_fds`: count /proc/PID/fd every 10 ms while it runs (a peak can be missed
    between samples, so this is a lower bound of the true peak)."""
    argv = [os.path.join(SCRIPTS_DIR, f"kubectl-{plugin.replace('-', '_')}"), *args]
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    out, err, fds, done = [], [], [0], threading.Event()
    workers = [
        threading.Thread(target=lambda s=s, b=b: b.append(s.read()))
        for s, b in ((proc.stdout, out), (proc.stderr, err))
    ]
    if sample_fds:
        workers.append(threading.Thread(target=_count_fds, args=(proc.pid, fds, done)))
    for worker in workers:
        worker.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
        done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start
    assert elapsed < timeout, f"{argv} was killed after {timeout} s"
    run = Measured(
        proc.returncode,
        out[0].decode(),
        err[0].decode(),
        elapsed,
        usage.ru_maxrss / 1024,
        fds[0] if sample_fds else None,
    )
    print(
        f"{run.elapsed:6.2f} s  {run.max_rss_mb:6.0f} MB  exit {run.code}  {plugin} {' '.join(args)[:200]}"
        + (f"  (at most {run.max_fds} fds seen)" if sample_fds else "")
    )
    return run


def _count_fds(pid: int, peak: list, done: threading.Event) -> None:
    """Until `done`: the largest number of entries seen in /proc/PID/fd (the child is not reaped before
    `done` is set, so PID cannot be another process's)."""
    while not done.is_set():
        try:
            peak[0] = max(peak[0], len(os.listdir(f"/proc/{pid}/fd")))
        except OSError:  # exiting
            pass
        done.wait(0.01)


def oracle_json(kubectl, *args, context=None):
    """What the oracle kubectl says, as JSON."""
    proc = kubectl([*args, "-o", "json"], context=context)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def sigint_default() -> None:
    """In a child about to exec: SIGINT back to its default (a background job starts with it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen_interruptible(argv, **kwargs) -> subprocess.Popen:
    """subprocess.Popen for a child a test ends with SIGINT (as Ctrl-C): the child starts with SIGINT's default
    disposition. A shell starts background jobs (`pytest ... &`) with SIGINT ignored, children inherit that
    across exec, and a Python started with SIGINT ignored keeps ignoring it (as it should: the plugin is
    not changed for tests), so the test's Ctrl-C would never land."""
    return subprocess.Popen(argv, preexec_fn=sigint_default, **kwargs)
