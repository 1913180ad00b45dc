#!/usr/bin/env python3
"""`kubectl py-query --group-by context,{.spec.nodeName} --sum CPU` over three contexts, side by side with what
users do today: `kubectl get pods -A -o json` once per context, piped to a Python sum.

    python3 benchmarks/bench_groupby.py [--repeat N] [--no-install]

The three contexts are the big benchmark cluster (10,000 pods on 10 nodes) under three context names, so each
tool reads 30,000 pods. Targets: <= 0.5x the time of the kubectl runs one after the other, <= 150 MB.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

CPU = "{.spec.containers[*].resources.requests.cpu}"
CONTEXTS = ("groupby-1", "groupby-2", "groupby-3")

# what a user pipes `kubectl get -o json` into: per node, the CPU requests of every container, in millicores
USER_SUM = r"""
import json, sys
from collections import defaultdict
from decimal import Decimal
SUFFIX = {"m": Decimal("0.001"), "k": Decimal(1000), "M": Decimal(10**6), "G": Decimal(10**9)}
def cores(q):
    return Decimal(q[:-1]) * SUFFIX[q[-1]] if q[-1] in SUFFIX else Decimal(q)
total, pods = defaultdict(Decimal), defaultdict(int)
for pod in json.load(sys.stdin)["items"]:
    node = pod["spec"].get("nodeName", "<none>")
    pods[node] += 1
    for c in pod["spec"]["containers"]:
        cpu = c.get("resources", {}).get("requests", {}).get("cpu")
        if cpu:
            total[node] += cores(cpu)
for node in sorted(total):
    print(sys.argv[1], node, int(total[node] * 1000))
"""


def three_names_kubeconfig(big) -> str:
    """The big cluster's kubeconfig plus three contexts naming its cluster and admin user."""
    import yaml

    with open(big.kubeconfig) as fh:
        config = yaml.safe_load(fh)
    admin = next(c for c in config["contexts"] if c["name"] == big.contexts[0])
    config["contexts"] = [{"name": name, "context": dict(admin["context"])} for name in CONTEXTS]
    config["current-context"] = CONTEXTS[0]
    path = os.path.join(ms.CACHE, "bench-groupby-kubeconfig")
    with open(path, "w") as fh:
        yaml.safe_dump(config, fh)
    return path


def _millicores(csv_text: str) -> str:
    """Our csv (context, node, sum) as the user script's lines: context node millicores."""
    import csv
    import io
    from decimal import Decimal

    lines = []
    for context, node, cpu in list(csv.reader(io.StringIO(csv_text)))[1:]:
        amount = Decimal(cpu[:-1]) / 1000 if cpu.endswith("m") else Decimal(cpu)
        lines.append(f"{context} {node} {int(amount * 1000)}")
    return "\n".join(lines) + "\n"


def run(repeat: int = 5, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    big = scale_cluster.ensure(("big",))["big"]
    env = ms.bench_env(ms.BENCH_VENV, KUBECONFIG=three_names_kubeconfig(big))
    k = ms.KUBECTL
    python = os.path.join(ms.BENCH_VENV, "bin", "python")
    group = ["--group-by", "context,{.spec.nodeName}", "--sum", CPU]
    ours = [k, "py-query", "pods", "-A", "--context", ",".join(CONTEXTS), *group]
    pipe = " | ".join
    per_context = [pipe([f"{k} get pods -A --context {c} -o json", f"{python} -c '{USER_SUM}' {c}"]) for c in CONTEXTS]
    theirs = ["sh", "-c", "; ".join(per_context)]
    theirs_parallel = ["sh", "-c", " & ".join(f"( {p} )" for p in per_context) + " & wait"]
    check = ms.agree(
        _millicores(ms.output(ours + ["-o", "csv"], env)),
        ms.output(theirs, env),
        "sorted",
        "py-query --group-by vs kubectl get -o json | python sum",
    )
    load0 = ms.load()
    rows = [
        ms.measure(
            "kubectl py-query pods -A --context <three> --group-by context,{.spec.nodeName} --sum CPU",
            ours,
            repeat,
            env,
        ),
        ms.measure(
            "kubectl get pods -A -o json | python sum, once per context",
            theirs,
            repeat,
            env,
            note="three pipelines one after the other",
        ),
        ms.measure(
            "the same three pipelines at once",
            theirs_parallel,
            repeat,
            env,
            note="GNU time sees the shell: peak is the largest single process",
        ),
    ]
    r = ms.ratio(rows[0], rows[1])
    rows[0].note = f"{r:.2f}x the pipelines in turn, {ms.ratio(rows[0], rows[2]):.2f}x at once"
    notes = [
        f"cluster: {big.description}, as three contexts ({', '.join(CONTEXTS)}): 30,000 pods read; CPU = `{CPU}`",
        f"outputs: {check} (context, node, millicores)",
        f"target <= 0.5x: {r:.2f}x {ms.verdict(r <= 0.5)}; <= 150 MB: {rows[0].peak_mb:.0f} MB "
        f"{ms.verdict(rows[0].peak_mb <= 150)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    return ms.report("py-query --group-by: CPU requests per context and node, 3 x 10,000 pods", rows, notes=notes)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
