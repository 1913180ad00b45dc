#!/usr/bin/env python3
"""Run every benchmark and write the combined tables to stdout and to benchmarks/RESULTS.md.

    python3 benchmarks/run_all.py [--repeat N] [--only nodeports,query,describe,remote,diff,groupby,fleet] [--no-install]

Starts (or reuses) the benchmark clusters (scale_cluster.py), reinstalls the checkout non-editable into
~/.cache/kubectl-py/venv-bench, then runs bench_nodeports.py, bench_query.py, bench_describe.py,
bench_remote.py (over simulated remote links; at most 3 runs per command), bench_diff.py, bench_groupby.py and bench_fleet.py (1,000 contexts). An output check that fails (ours and
kubectl disagree) stops the run, or in bench_remote that row: no figures for a failing command.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_describe  # noqa: E402
import bench_diff  # noqa: E402
import bench_fleet  # noqa: E402
import bench_groupby  # noqa: E402
import bench_nodeports  # noqa: E402
import bench_query  # noqa: E402
import bench_remote  # noqa: E402
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

BENCHES = {
    "nodeports": bench_nodeports,
    "query": bench_query,
    "describe": bench_describe,
    "remote": bench_remote,
    "diff": bench_diff,
    "groupby": bench_groupby,
    "fleet": bench_fleet,
}
RESULTS = os.path.join(ms.HERE, "RESULTS.md")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="measured runs per command (median reported)")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma list of: " + ", ".join(BENCHES))
    parser.add_argument("--no-install", action="store_true", help="do not reinstall venv-bench from the checkout")
    parser.add_argument("--output", default=RESULTS, help="markdown file to write (default benchmarks/RESULTS.md)")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n]
    unknown = set(names) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    scale_cluster.ensure()  # every setup up and seeded before the clock starts
    if not args.no_install:
        ms.install_bench_venv()
    header = (
        "# Benchmarks: kubectl-py side by side with kubectl\n\n"
        f"Measured {ms.machine()}.\n\n"
        "Each command ran once unmeasured (bytecode and discovery caches warm), then N times: median wall time, "
        "its median CPU time (user+sys), and the largest peak RSS of the process (GNU time; for `kubectl py-...` "
        "the larger of kubectl's dispatch and the plugin, which share the process). The plugins are a non-editable install (`pip install .` into "
        "`~/.cache/kubectl-py/venv-bench`, bytecode compiled), run through kubectl's plugin dispatch unless a "
        "row says otherwise; the clusters are the project's test control plane (real kube-apiserver v1.37.2 on "
        "loopback, kwok nodes), started by `benchmarks/scale_cluster.py`; the `remote` tables reach them through "
        "simulated links (`tests/cluster/link.py`). Before each table the outputs of ours "
        "and kubectl's commands were compared (noted under each table). Re-run: `python3 benchmarks/run_all.py`.\n\n"
    )
    sections = []
    for name in names:
        print(f"== {name} (load {ms.load()})", file=sys.stderr, flush=True)
        sections.append(f"## {name}\n\n" + BENCHES[name].run(args.repeat, install=False))
    text = header + "".join(sections) + f"Load average at the end: {ms.load()}.\n"
    with open(args.output, "w") as f:
        f.write(text)
    print(f"written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
