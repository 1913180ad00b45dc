#!/usr/bin/env python3
"""`kubectl py-query` side by side with `kubectl get` and the floor: 10,000 pods in one context, 10,000 pods over
three clusters, --sort-by and --count.

    python3 benchmarks/bench_query.py [--repeat N] [--no-install]

Targets: one context: <= 0.5x kubectl's time, <= 150 MB, within 1.5x of the floor; three clusters: <= 0.5x the
sum of one kubectl run per context.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

TEMPLATE = '{range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\\n"}{end}'
SORT_KEY = ".metadata.creationTimestamp"
FLOOR = os.path.join(ms.HERE, "floor.py")


def run(repeat: int = 5, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    setups = scale_cluster.ensure(("big", "three"))
    big, three = setups["big"], setups["three"]
    python = os.path.join(ms.BENCH_VENV, "bin", "python")
    k = ms.KUBECTL
    out = []

    # -- (1) one context, 10,000 pods --------------------------------------------------------------------------
    env = ms.bench_env(KUBECONFIG=big.kubeconfig)
    ctx = ["--context", big.contexts[0]]
    ours_cmd = [k, "py-query", "pods", "-A", *ctx, "-o", "jsonpath=" + TEMPLATE]
    theirs_cmd = [k, "get", "pods", "-A", *ctx, "-o", "jsonpath=" + TEMPLATE]
    floor_cmd = [
        python,
        FLOOR,
        "--kubeconfig",
        big.planes[0].kubeconfig,
        "--context",
        big.contexts[0],
        "--path",
        "/api/v1/pods",
        "--fields",
        "metadata.name,spec.nodeName",
    ]
    ours_table, theirs_table = [k, "py-query", "pods", "-A", *ctx], [k, "get", "pods", "-A", *ctx]
    ours_text = ms.output(ours_cmd, env)
    check = ms.agree(ours_text, ms.output(theirs_cmd, env), "same", "py-query vs kubectl get (jsonpath)")
    check_floor = ms.agree(ours_text, ms.output(floor_cmd, env), "sorted", "py-query vs floor")
    check_table = ms.agree(
        ms.output(ours_table, env), ms.output(theirs_table, env), "count", "py-query vs kubectl get (table)"
    )
    load0 = ms.load()
    rows = [
        ms.measure("kubectl py-query pods -A -o jsonpath=T", ours_cmd, repeat, env),
        ms.measure("kubectl get pods -A -o jsonpath=T", theirs_cmd, repeat, env),
        ms.measure("floor: pages + json.loads + 2 fields", floor_cmd, repeat, env),
        ms.measure("kubectl py-query pods -A", ours_table, repeat, env, note="the server's table"),
        ms.measure("kubectl get pods -A", theirs_table, repeat, env, note="the server's table"),
    ]
    r_k, r_f = ms.ratio(rows[0], rows[1]), ms.ratio(rows[0], rows[2])
    rows[0].note = f"{r_k:.2f}x kubectl, {r_f:.2f}x floor"
    rows[3].note += f"; {ms.ratio(rows[3], rows[4]):.2f}x kubectl"
    notes = [
        f"cluster: {big.description} (context {big.contexts[0]}); T = `{TEMPLATE}`",
        f"outputs: ours vs kubectl {check}; ours vs floor {check_floor}; tables {check_table}",
        f"target <= 0.5x kubectl: {r_k:.2f}x {ms.verdict(r_k <= 0.5)}; <= 150 MB: {rows[0].peak_mb:.0f} MB "
        f"{ms.verdict(rows[0].peak_mb <= 150)}; within 1.5x floor: {r_f:.2f}x {ms.verdict(r_f <= 1.5)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-query: 10,000 pods, one context", rows, notes=notes))

    # -- (2) three clusters ------------------------------------------------------------------------------------
    env3 = ms.bench_env(KUBECONFIG=three.kubeconfig)
    ours3 = [k, "py-query", "pods", "-A", "--context", ",".join(three.contexts), "-o", "jsonpath=" + TEMPLATE]
    per_ctx = [[k, "get", "pods", "-A", "--context", c, "-o", "jsonpath=" + TEMPLATE] for c in three.contexts]
    check3 = ms.agree(
        ms.output(ours3, env3),
        "".join(ms.output(c, env3) for c in per_ctx),
        "sorted",
        "py-query three contexts vs kubectl per context",
    )
    load0 = ms.load()
    ours_row = ms.measure(
        f"kubectl py-query pods -A --context {','.join(three.contexts)} -o jsonpath=T", ours3, repeat, env3
    )
    parts = [
        ms.measure(f"kubectl get pods -A --context {c} -o jsonpath=T", cmd, repeat, env3)
        for c, cmd in zip(three.contexts, per_ctx)
    ]
    sum_row = ms.total("kubectl, one run per context: sum", parts)
    r3 = ms.ratio(ours_row, sum_row)
    ours_row.note = f"{r3:.2f}x the kubectl sum"
    notes = [
        f"clusters: {three.description}; KUBECONFIG={three.kubeconfig}",
        f"outputs: {check3} (ours vs the three kubectl outputs concatenated)",
        f"target <= 0.5x the sum of the kubectl runs: {r3:.2f}x {ms.verdict(r3 <= 0.5)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-query: 10,000 pods over three clusters", [ours_row, *parts, sum_row], notes=notes))

    # -- (3) --sort-by and --count -------------------------------------------------------------------------------
    ours_sort = [k, "py-query", "pods", "-A", *ctx, "--sort-by", "{" + SORT_KEY + "}", "-o", "jsonpath=" + TEMPLATE]
    theirs_sort = [k, "get", "pods", "-A", *ctx, f"--sort-by={SORT_KEY}", "-o", "jsonpath=" + TEMPLATE]
    ours_count = [k, "py-query", "pods", "-A", *ctx, "--count"]
    theirs_count = ["sh", "-c", f"{k} get pods -A --context {big.contexts[0]} -o name | wc -l"]
    ours_count3 = [k, "py-query", "pods", "-A", "--context", ",".join(three.contexts), "--count"]
    theirs_count3 = ["sh", "-c", "; ".join(f"{k} get pods -A --context {c} -o name | wc -l" for c in three.contexts)]
    check_sort = ms.agree(ms.output(ours_sort, env), ms.output(theirs_sort, env), "sorted", "--sort-by ours vs kubectl")
    sorted_ok = _is_sorted_by_time(ours_sort, env)
    n_ours = int(ms.output(ours_count, env).splitlines()[-1].split()[-1])
    n_theirs = int(ms.output(theirs_count, env).strip())
    n3_ours = sum(int(line.split()[-1]) for line in ms.output(ours_count3, env3).splitlines()[1:])
    n3_theirs = sum(int(x) for x in ms.output(theirs_count3, env3).split())
    if (n_ours, n3_ours) != (n_theirs, n3_theirs):
        raise ms.OutputMismatch(f"--count: ours {n_ours}, {n3_ours}; kubectl {n_theirs}, {n3_theirs}")
    load0 = ms.load()
    rows = [
        ms.measure(f"kubectl py-query pods -A --sort-by '{{{SORT_KEY}}}' -o jsonpath=T", ours_sort, repeat, env),
        ms.measure(f"kubectl get pods -A --sort-by={SORT_KEY} -o jsonpath=T", theirs_sort, repeat, env),
        ms.measure("kubectl py-query pods -A --count", ours_count, repeat, env),
        ms.measure("kubectl get pods -A -o name | wc -l", theirs_count, repeat, env),
        ms.measure("kubectl py-query pods -A --context <three> --count", ours_count3, repeat, env3),
        ms.measure(
            "kubectl get pods -A -o name | wc -l, once per context",
            theirs_count3,
            repeat,
            env3,
            note="three runs one after the other",
        ),
    ]
    for i in (0, 2, 4):
        rows[i].note = f"{ms.ratio(rows[i], rows[i + 1]):.2f}x kubectl"
    notes = [
        f"one context: {big.description}; three: {three.description}",
        f"outputs: --sort-by {check_sort}, ours in creationTimestamp order: {'yes' if sorted_ok else 'NO'} "
        f"(ties may be ordered differently); --count {n_ours:,} = {n_theirs:,} and {n3_ours:,} = {n3_theirs:,}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-query: --sort-by and --count", rows, notes=notes))
    return "".join(out)


def _is_sorted_by_time(sort_cmd: list, env: dict) -> bool:
    """Our --sort-by output is in creationTimestamp order (the same command printing the timestamps)."""
    stamps = ms.output(
        sort_cmd[:-1] + ['jsonpath={range .items[*]}{.metadata.creationTimestamp}{"\\n"}{end}'], env
    ).splitlines()
    return len(stamps) > 1 and stamps == sorted(stamps)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
