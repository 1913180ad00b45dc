#!/usr/bin/env python3
"""`kubectl py-describe` (text and -o json) side by side with `kubectl describe` on the 10,000-pod cluster: one
node carrying 1,000 pods, and the 2,000 pods of one namespace.

    python3 benchmarks/bench_describe.py [--repeat N] [--no-install]

Targets: one object within 1.2x of kubectl; many objects <= 0.6x kubectl's time and no more memory.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

FLOOR = os.path.join(ms.HERE, "floor.py")


def _documents(text: str) -> int:
    doc = json.loads(text)
    return len(doc["items"]) if doc.get("kind") == "List" else 1


def run(repeat: int = 5, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    big = scale_cluster.ensure(("big",))["big"]
    env = ms.bench_env(KUBECONFIG=big.kubeconfig)
    k, ctx = ms.KUBECTL, ["--context", big.contexts[0]]
    out = []

    # -- one node with 1,000 pods ------------------------------------------------------------------------------
    node = ["node", big.node]
    ours, ours_json, theirs = (
        [k, "py-describe", *node, *ctx],
        [k, "py-describe", *node, *ctx, "-o", "json"],
        [k, "describe", *node, *ctx],
    )
    check = ms.agree(ms.output(ours, env), ms.output(theirs, env), "count", "describe node: ours vs kubectl")
    pods_on_node = len(json.loads(ms.output(ours_json, env)).get("nonTerminatedPods") or [])
    load0 = ms.load()
    # the floor: Python reading what kubectl reads (the node, its pods, its events), parsing it, no describe
    pods = f"/api/v1/pods?fieldSelector=spec.nodeName={big.node},status.phase!=Succeeded,status.phase!=Failed"
    events = f"/api/v1/events?fieldSelector=involvedObject.kind=Node,involvedObject.name={big.node}"
    floor = [
        os.path.join(ms.BENCH_VENV, "bin", "python"),
        FLOOR,
        "--kubeconfig",
        big.planes[0].kubeconfig,
        "--context",
        big.contexts[0],
        "--path",
        f"/api/v1/nodes/{big.node}",
        "--path",
        pods,
        "--path",
        events,
    ]
    rows = [
        ms.measure(f"kubectl py-describe node {big.node}", ours, repeat, env),
        ms.measure(f"kubectl py-describe node {big.node} -o json", ours_json, repeat, env),
        ms.measure(f"kubectl describe node {big.node}", theirs, repeat, env),
        ms.measure(
            f"kubectl-py_describe node {big.node} (no kubectl dispatch)",
            ["kubectl-py_describe", *ours[2:]],
            repeat,
            env,
        ),
        ms.measure("floor: node + its pods + its events, json.loads only", floor, repeat, env),
    ]
    r, rj = ms.ratio(rows[0], rows[2]), ms.ratio(rows[1], rows[2])
    rows[0].note, rows[1].note = f"{r:.2f}x kubectl", f"{rj:.2f}x kubectl"
    rows[3].note = f"{ms.ratio(rows[3], rows[2]):.2f}x kubectl"
    rows[4].note = f"{ms.ratio(rows[4], rows[2]):.2f}x kubectl"
    notes = [
        f"cluster: {big.description}; the node carries {pods_on_node:,} pods (nonTerminatedPods of the document)",
        f"outputs: text {check}",
        f"target within 1.2x kubectl: text {r:.2f}x {ms.verdict(r <= 1.2)}, json {rj:.2f}x {ms.verdict(rj <= 1.2)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-describe: one node carrying 1,000 pods", rows, notes=notes))

    # -- 2,000 pods ----------------------------------------------------------------------------------------------
    sel = ["pods", "-n", big.namespace_2k]
    ours, ours_json, theirs = (
        [k, "py-describe", *sel, *ctx],
        [k, "py-describe", *sel, *ctx, "-o", "json"],
        [k, "describe", *sel, *ctx],
    )
    check = ms.agree(ms.output(ours, env), ms.output(theirs, env), "count", "describe pods: ours vs kubectl")
    documents = _documents(ms.output(ours_json, env))
    load0 = ms.load()
    slow_repeat = max(1, min(repeat, 3))
    rows = [
        ms.measure(f"kubectl py-describe pods -n {big.namespace_2k}", ours, slow_repeat, env),
        ms.measure(f"kubectl py-describe pods -n {big.namespace_2k} -o json", ours_json, slow_repeat, env),
        ms.measure(f"kubectl describe pods -n {big.namespace_2k}", theirs, slow_repeat, env),
    ]
    r, rj = ms.ratio(rows[0], rows[2]), ms.ratio(rows[1], rows[2])
    rows[0].note, rows[1].note = f"{r:.2f}x kubectl", f"{rj:.2f}x kubectl"
    mem = rows[2].peak_mb
    notes = [
        f"namespace {big.namespace_2k}: {documents:,} pods ({documents:,} documents in -o json)",
        f"outputs: text {check}",
        f"target <= 0.6x kubectl's time: text {r:.2f}x {ms.verdict(r <= 0.6)}, json {rj:.2f}x "
        f"{ms.verdict(rj <= 0.6)}; no more memory than kubectl ({mem:.0f} MB): text {rows[0].peak_mb:.0f} MB "
        f"{ms.verdict(rows[0].peak_mb <= mem)}, json {rows[1].peak_mb:.0f} MB {ms.verdict(rows[1].peak_mb <= mem)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report(f"py-describe: {documents:,} pods of one namespace", rows, notes=notes))
    return "".join(out)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
