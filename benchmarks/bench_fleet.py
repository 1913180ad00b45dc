#!/usr/bin/env python3
"""Fleets of a thousand: one kubeconfig of 1,000 contexts over the small setup's two clusters (tests/cluster/
fleet.py: 5% hung, 5% refusing, 2% trickling, the rest answering, each context with its own cluster and user
entries), read at once with default flags, side by side with kubectl once per context, 32 at a time.

    python3 benchmarks/bench_fleet.py [--repeat N] [--no-install]

Rows: `kubectl py-query pods -A --all-contexts -o name` and `--count` (median of at most 3 runs each, after
one checked run), and `kubectl config get-contexts -o name | xargs -P 32 -I{} kubectl --context {} get pods -A
-o name` with kubectl's defaults, run once (killed if still running after FLEET_CAP_S): each kubectl prints
its context's answer as soon as it has it, so the note also says when the whole answer had been printed.

Checks, on the first run of each of ours: every answering context's pods (kubectl's list of its cluster,
line for line), every failing context named exactly once on stderr and nothing printed for it, exit 1; the
most file descriptors the plugin held at once (sampled). Targets: the whole answer within 60 s, peak RSS
<= 400 MB, descriptors <= --parallel (32) + 8.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import controlplane  # noqa: E402  (tests/cluster, on the path through scale_cluster)
import fleet  # noqa: E402
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

SIZE = 1000
MAX_REPEAT = 3
PARALLEL = 32  # ours by default (kubectl_py/kube/fanout.py), kubectl's xargs -P
FD_SLACK = 8  # descriptors beyond one per context being read
TARGET_S = 60.0
TARGET_MB = 400
FLEET_CAP_S = 600  # a run still going then is killed (ours too: then its row says so)
CONTEXT_NAMED = re.compile(r'\(context "([^"]+)"\)$')


class Observed:
    """One run of a command, watched: exit code (None: killed at the cap), wall time, stdout lines, stderr,
    peak RSS and CPU time (wait4: of the processes of the tree that were reaped), the most descriptors seen in
    /proc/PID/fd (the plugin: kubectl execs it in its own process), and when `expected` lines (a Counter)
    had all been printed."""

    def __init__(self, argv: list, env: dict, expected: Counter | None = None):
        self.complete_at = None
        self.max_fds = 0
        start = time.monotonic()
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )  # a group, so that the cap kills the tree
        lines, err, done = [], [], threading.Event()
        needed = Counter(expected or {})
        remaining = [sum(needed.values())]

        def read_out():
            for raw in proc.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                lines.append(line)
                if needed[line] > 0:
                    needed[line] -= 1
                    remaining[0] -= 1
                    if remaining[0] == 0 and expected:
                        self.complete_at = time.monotonic() - start

        def count_fds():
            while not done.is_set():
                try:
                    self.max_fds = max(self.max_fds, len(os.listdir(f"/proc/{proc.pid}/fd")))
                except OSError:
                    pass
                done.wait(0.01)

        workers = [
            threading.Thread(target=read_out),
            threading.Thread(target=lambda: err.append(proc.stderr.read())),
            threading.Thread(target=count_fds),
        ]
        for worker in workers:
            worker.start()
        killer = threading.Timer(FLEET_CAP_S, lambda: os.killpg(proc.pid, signal.SIGKILL))
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
            done.set()
        self.seconds = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        self.killed = code == -signal.SIGKILL
        if self.killed:  # the group's other processes (xargs' kubectls) go too
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.code = None if self.killed else code
        for worker in workers:
            worker.join()
        self.lines, self.err, self.peak_mb = lines, err[0].decode(errors="replace"), usage.ru_maxrss / 1024
        self.cpu = usage.ru_utime + usage.ru_stime  # of the reaped processes of the tree


def _oracle(kubeconfig: str, context: str, env: dict) -> list:
    return sorted(
        ms.output(
            [ms.KUBECTL, "--kubeconfig", kubeconfig, "--context", context, "get", "pods", "-A", "-o", "name"], env
        ).splitlines()
    )


def _failures(run: Observed, of_a_thousand) -> tuple:
    """(whether every stderr line names one failing context and each failing one is named exactly once,
    a note)."""
    named = Counter(m.group(1) for m in map(CONTEXT_NAMED.search, run.err.splitlines()) if m)
    stray = [line for line in run.err.splitlines() if not CONTEXT_NAMED.search(line)]
    wrong = [c for c in named if c not in of_a_thousand.failing]
    ok = named == Counter(of_a_thousand.failing) and not stray
    note = f"{sum(named.values())} failing contexts named ({len(named)} distinct, of {len(of_a_thousand.failing)})"
    if stray or wrong:
        note += f"; {len(stray)} other stderr lines, {len(wrong)} answering contexts named"
    return ok, note


def _check_names(run: Observed, of_a_thousand, oracle: dict) -> tuple:
    printed = defaultdict(list)
    for line in run.lines:
        context, _, name = line.partition("\t")
        printed[context].append(name)
    wrong = [c for c, base in of_a_thousand.base.items() if sorted(printed.get(c, [])) != oracle[base]]
    extra = [c for c in printed if c not in of_a_thousand.base]
    return not wrong and not extra, (
        f"{len(of_a_thousand.base) - len(wrong)} of {len(of_a_thousand.base)} "
        f"answering contexts print exactly kubectl's list of their cluster"
        + (f", {len(extra)} failing contexts print lines" if extra else "")
    )


def _check_counts(run: Observed, of_a_thousand, oracle: dict) -> tuple:
    counted = {}
    for row in run.lines[1:]:
        context, kind, count = row.split()
        counted[context] = (kind, int(count))
    wrong = [c for c, base in of_a_thousand.base.items() if counted.get(c) != ("Pod", len(oracle[base]))]
    extra = [c for c in counted if c not in of_a_thousand.base]
    return not wrong and not extra, (
        f"{len(of_a_thousand.base) - len(wrong)} of {len(of_a_thousand.base)} "
        f"answering contexts count kubectl's number of pods"
        + (f", {len(extra)} failing contexts counted" if extra else "")
    )


def run(repeat: int = MAX_REPEAT, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    repeat = max(1, min(repeat, MAX_REPEAT))
    small = scale_cluster.ensure(("small",))["small"]
    plane = controlplane.ControlPlane.attach(small.planes[0].state_dir)
    workdir = tempfile.mkdtemp(prefix="kpy-fleet-")
    try:
        with fleet.FleetServers(plane, lifetime=4 * 3600) as servers:
            return _bench(plane, servers, workdir, repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _bench(plane, servers, workdir: str, repeat: int) -> str:
    of_a_thousand = fleet.write_fleet(os.path.join(workdir, "kubeconfig"), plane, servers, SIZE)
    env = ms.bench_env(
        KUBECONFIG=of_a_thousand.kubeconfig,
        KUBECACHEDIR=os.path.join(workdir, "kube-cache"),
        KUBECTL_PY_CACHE_DIR=os.path.join(workdir, "kpy-cache"),
    )
    load0 = ms.load()
    sys.stderr.write(f"== fleet of {SIZE} (load {load0})\n")
    oracle = {c.context: _oracle(plane.kubeconfig, c.context, env) for c in plane.clusters}
    expected = Counter(f"{c}\t{name}" for c, base in of_a_thousand.base.items() for name in oracle[base])
    cap = ["timeout", "-k", "5", str(FLEET_CAP_S)]
    commands = [("-o name", ["-o", "name"], _check_names), ("--count", ["--count"], _check_counts)]
    rows, notes, verdicts = [], [], []
    for what, flags, check in commands:
        argv = [ms.KUBECTL, "py-query", "pods", "-A", "--all-contexts", *flags]
        first = Observed(argv, env, expected if what == "-o name" else None)  # also fills the discovery cache
        complete, complete_note = check(first, of_a_thousand, oracle)
        named, named_note = _failures(first, of_a_thousand)
        fds_ok = first.max_fds <= PARALLEL + FD_SLACK
        label = "kubectl " + " ".join(argv[1:])
        if first.killed:
            row = ms.Result(
                label, first.seconds, first.peak_mb, 1, False, f"killed after {FLEET_CAP_S} s", [first.seconds]
            )
        else:
            row = ms.measure(label, [*cap, *argv], repeat, env, warmup=0, expect=1)
        met = [row.ok and max(row.times) <= TARGET_S, row.peak_mb <= TARGET_MB, complete and named, fds_ok]
        row.note = (
            f"target whole answer <= {TARGET_S:.0f} s, <= {TARGET_MB} MB, complete, failures named once, "
            f"descriptors <= {PARALLEL + FD_SLACK}: {ms.verdict(all(met))}; runs "
            f"{min(row.times):.1f}-{max(row.times):.1f} s; at most {first.max_fds} descriptors seen"
        )
        rows.append(row)
        notes.append(f"{what}, first run ({first.seconds:.1f} s, exit {first.code}): {complete_note}; {named_note}")
        verdicts.append(
            f"{what} {row.seconds:.1f} s, {row.peak_mb:.0f} MB, complete {'yes' if complete else 'NO'}, "
            f"named once {'yes' if named else 'NO'}, {first.max_fds} descriptors: {ms.verdict(all(met))}"
        )

    # kubectl once per context, 32 at a time; its discovery cache warm for both clusters first
    for c in plane.clusters:
        ms.output(
            [
                ms.KUBECTL,
                "--context",
                next(n for n, b in of_a_thousand.base.items() if b == c.context),
                "get",
                "pods",
                "-A",
                "-o",
                "name",
            ],
            env,
        )
    theirs = [
        "sh",
        "-c",
        f"{ms.KUBECTL} config get-contexts -o name | xargs -P {PARALLEL} -I{{}} "
        f"{ms.KUBECTL} --context {{}} get pods -A -o name",
    ]
    bare = Counter(name for c, base in of_a_thousand.base.items() for name in oracle[base])
    sys.stderr.write(f"  kubectl via xargs -P {PARALLEL}, capped at {FLEET_CAP_S} s (load {ms.load()})\n")
    kubectl_run = Observed(theirs, env, bare)
    errors = [line for line in kubectl_run.err.splitlines() if line.strip() and not re.match(r"[EWI]\d{4} ", line)]
    label = (
        f"kubectl config get-contexts -o name | xargs -P {PARALLEL} -I{{}} kubectl --context {{}} get pods -A -o name"
    )
    outcome = f"killed after {FLEET_CAP_S} s" if kubectl_run.killed else f"exit {kubectl_run.code}"
    printed = (
        f"whole answer printed after {kubectl_run.complete_at:.1f} s"
        if kubectl_run.complete_at
        else f"whole answer NOT printed ({len(kubectl_run.lines):,} of {sum(bare.values()):,} lines)"
    )
    rows.append(
        ms.Result(
            label,
            kubectl_run.seconds,
            kubectl_run.peak_mb,
            1,
            not kubectl_run.killed,
            f"{outcome}; {printed}",
            [kubectl_run.seconds],
            kubectl_run.cpu,
        )
    )
    counts = {kind: len(of_a_thousand.of(kind)) for kind in (fleet.ANSWERING, *fleet.FAILING_KINDS)}
    notes = [
        f"fleet: {SIZE:,} contexts in one kubeconfig ({os.path.getsize(of_a_thousand.kubeconfig) / 1e6:.1f} MB, "
        f"each context with its own cluster and user entries, certificates embedded): "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
        + f"; the answering ones alternate over {', '.join(oracle)} ({', '.join(f'{len(v)} pods' for v in oracle.values())}); "
        "hung: faults.HungServer (TLS never starts), refusing: a bound port that does not listen, trickling: "
        "faults.HttpFaultProxy trickling headers (half) or a body (half), a byte every 0.2 s",
        *notes,
        f"kubectl: {len(errors):,} error lines ({len(set(errors))} distinct, no context named: kubectl's errors "
        f"name a server address); stdout {len(kubectl_run.lines):,} lines; kubectl has no --count (its figure "
        "stands beside both of ours)",
        f"peak RSS: ours one process (GNU time, kubectl's dispatch and the plugin share it); kubectl's the largest "
        f"of its {SIZE} processes (wait4 of the pipeline)",
        "targets: " + "; ".join(verdicts),
        f"load average before {load0}, after {ms.load()} (2 cores shared with other work; the hung and trickling "
        "stand-ins run in this script's process)",
    ]
    return ms.report(f"py-query over a fleet of {SIZE:,} contexts", rows, notes=notes)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
