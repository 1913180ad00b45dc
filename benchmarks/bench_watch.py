#!/usr/bin/env python3
"""`kubectl py-query configmap -w` side by side with `kubectl get configmap -w`: how long a change takes to
become a line, median and max (the tests only bound that wait, generously; here it is measured).

    python3 benchmarks/bench_watch.py [--repeat N] [--no-install] [--setup test|small]

--setup test (default): the test control plane (KUBECTL_PY_CLUSTER_DIR, else the folder named in
/tmp/kpy-cp-ready; started with `python3 tests/cluster/controlplane.py up --clusters 2 --dir DIR`), contexts
kpy-a and kpy-b. --setup small: scale_cluster.py's small setup (bench-small-a, bench-small-b). With --no-install
the plugins of venv-bench are measured if it exists, else those of the test venv (~/.cache/kubectl-py/venv-test).

Each watcher runs alone, with `--output-watch-events`, on a fresh namespace of the first context: after its list
it sees --repeat rounds (default 10) of create, patch and delete of a ConfigMap, one change at a time, each made
once the previous one's line came (plus one unmeasured round first). A change's figure is from the start of its
write request (made here over HTTP, so no kubectl start-up is counted) to the arrival of its line on the
watcher's stdout; the write's own round trip is in it, the same for every row. Rows: ours on the one context,
ours over both contexts (changes in the first), kubectl. Before the figures count, every watcher must have
printed the same events (EVENT NAME) in the same order during the measured rounds.
"""

from __future__ import annotations

import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as ms  # noqa: E402

sys.path.insert(0, os.path.join(ms.REPO, "tests", "cluster"))
import kubeapi  # noqa: E402

TEST_VENV = os.path.join(ms.CACHE, "venv-test")
LINE_WAIT = 30.0  # seconds: a line later than this is a failure, not a figure
EVENTS = ("ADDED", "MODIFIED", "DELETED")


def setup(name: str):
    """(kubeconfig, contexts, description)."""
    if name == "small":
        import scale_cluster

        small = scale_cluster.ensure(("small",))["small"]
        return small.kubeconfig, small.planes[0].cluster_contexts, small.description
    state_dir = os.environ.get("KUBECTL_PY_CLUSTER_DIR")
    if not state_dir and os.path.exists("/tmp/kpy-cp-ready"):
        state_dir = open("/tmp/kpy-cp-ready").read().strip()
    if not state_dir:
        sys.exit("bench_watch: no test control plane: set KUBECTL_PY_CLUSTER_DIR (or use --setup small)")
    return os.path.join(state_dir, "kubeconfig"), ["kpy-a", "kpy-b"], f"the test control plane ({state_dir})"


class Watcher:
    """A watch command whose stdout lines are collected with their arrival times."""

    def __init__(self, argv: list, env: dict):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines = queue.Queue()
        self.seen = []  # (EVENT, NAME) of every event line consumed
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))
        self.lines.put(None)

    def until(self, event: str, name: str) -> float:
        """Arrival time of the line `EVENT NAME ...` (a leading CONTEXT column aside); earlier lines are passed."""
        deadline = time.monotonic() + LINE_WAIT
        while True:
            try:
                item = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                item = None
            if item is None:
                self.stop()
                raise ms.OutputMismatch(
                    f"{' '.join(self.argv[:4])}: no `{event} {name}` line within {LINE_WAIT:g} s "
                    f"(exit {self.proc.poll()}): {self.proc.stderr.read()[-400:]}"
                )
            at, line = item
            cells = line.split()
            if len(cells) > 2 and cells[0] not in EVENTS:
                cells = cells[1:]  # py-query's CONTEXT column (several contexts)
            if cells[:1] and cells[0] in EVENTS:
                self.seen.append((cells[0], cells[1]))
                if self.seen[-1] == (event, name):
                    return at

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def rounds(client: kubeapi.Client, namespace: str, watcher: Watcher, count: int) -> list:
    """Seconds from each write's start to its line."""
    base = f"/api/v1/namespaces/{namespace}/configmaps"
    delays = []
    for i in range(count):
        name = f"w{i}"
        writes = [
            ("ADDED", "POST", base, {"metadata": {"name": name}, "data": {"a": "1"}}, "application/json"),
            ("MODIFIED", "PATCH", f"{base}/{name}", {"data": {"b": "2"}}, "application/merge-patch+json"),
            ("DELETED", "DELETE", f"{base}/{name}", None, "application/json"),
        ]
        for event, method, path, body, content_type in writes:
            start = time.monotonic()
            client.call(method, path, body, content_type=content_type)
            delays.append(watcher.until(event, name) - start)
    return delays


def run(repeat: int = 10, install: bool = True, setup_name: str = "test") -> str:
    if install:
        venv = ms.install_bench_venv()
    else:
        venv = ms.BENCH_VENV if os.path.exists(ms.BENCH_VENV) else TEST_VENV
    kubeconfig, contexts, description = setup(setup_name)
    env = ms.bench_env(venv, KUBECONFIG=kubeconfig)
    first = contexts[0]
    namespace = f"bench-watch-{uuid.uuid4().hex[:6]}"
    client = kubeapi.Client.from_kubeconfig(kubeconfig, first)
    client.call("POST", "/api/v1/namespaces", {"metadata": {"name": namespace}})
    k = ms.KUBECTL
    watch = ["configmap", "-n", namespace, "-w", "--output-watch-events"]
    commands = [
        (f"kubectl py-query configmap -w --context {first}", [k, "py-query", *watch, "--context", first]),
        (
            f"kubectl py-query configmap -w --context {','.join(contexts)}",
            [k, "py-query", *watch, "--context", ",".join(contexts)],
        ),
        (f"kubectl get configmap -w --context {first}", [k, "get", *watch, "--context", first]),
    ]
    load0 = ms.load()
    results = []
    try:
        for label, argv in commands:
            watcher = Watcher(argv, env)
            try:
                watcher.until("ADDED", "kube-root-ca.crt")  # the list is printed: the watch is on
                rounds(client, namespace, watcher, 1)  # unmeasured
                watcher.seen = []
                delays = rounds(client, namespace, watcher, repeat)
                events = watcher.seen
            finally:
                watcher.stop()
            results.append((label, delays, events))
            sys.stderr.write(
                f"  {label}: median {statistics.median(delays) * 1000:.1f} ms, "
                f"max {max(delays) * 1000:.1f} ms (load {ms.load()})\n"
            )
    finally:
        client.request("DELETE", f"/api/v1/namespaces/{namespace}")
        client.close()
    if any(events != results[-1][2] for _, _, events in results):
        raise ms.OutputMismatch(
            "the watchers printed different events: "
            + "; ".join(f"{label}: {events[:6]}" for label, _, events in results)
        )
    return report(results, description, contexts, load0)


def report(results: list, description: str, contexts: list, load0: str) -> str:
    theirs = statistics.median(results[-1][1])
    width = max(len(f"`{label}`") for label, _, _ in results)
    lines = [
        "### py-query -w: from a change to its line",
        "",
        f"| {'command'.ljust(width)} | median | max | min | changes | note |",
        f"|{'-' * (width + 2)}|---:|---:|---:|---:|---|",
    ]
    for label, delays, _ in results:
        median = statistics.median(delays)
        note = "" if label.startswith("kubectl get") else f"{median / theirs:.2f}x kubectl's median"
        lines.append(
            f"| {f'`{label}`'.ljust(width)} | {median * 1000:.1f} ms | {max(delays) * 1000:.1f} ms | "
            f"{min(delays) * 1000:.1f} ms | {len(delays)} | {note} |"
        )
    lines += [
        "",
        f"- cluster: {description}; contexts {', '.join(contexts)}; the changes are in {contexts[0]}",
        "- figure: from the start of the write request (over HTTP, by this script) to the line's arrival on "
        "the watcher's stdout; each watcher ran alone, one change at a time",
        f"- outputs: every watcher printed the same {len(results[0][2])} events in the same order",
        f"- load average before {load0}, after {ms.load()}",
    ]
    text = "\n".join(lines) + "\n\n"
    print(text, flush=True)
    return text


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="rounds of create, patch and delete (3 changes each)")
    parser.add_argument("--no-install", action="store_true", help="do not reinstall venv-bench from the checkout")
    parser.add_argument("--setup", choices=("test", "small"), default="test")
    args = parser.parse_args()
    run(args.repeat, not args.no_install, args.setup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
