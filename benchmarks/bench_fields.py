#!/usr/bin/env python3
"""`kubectl py-query pods -A --fields` (every path present in 10,000 pods, with counts, types and an example) side
by side with `kubectl get pods -A -o json`, which a user would read to find the paths, and `py-query -o json`.

    python3 benchmarks/bench_fields.py [--repeat N] [--no-install]

Target (issue 17): --fields on 10,000 pods within 2 s. The output check: the paths --fields lists are the leaf
paths of kubectl's JSON (list positions as [*]), computed here from kubectl's output by a few lines of Python.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

TERMINATORS = set(" \t\r\n.,[]$@{}")


def _segment(key: str) -> str:
    return "." + "".join("\\" + ch if ch in TERMINATORS else ch for ch in key)


def _leaves(value, path: str, out: set) -> None:
    if isinstance(value, dict) and value:
        for key, child in value.items():
            _leaves(child, path + _segment(key), out)
    elif isinstance(value, list) and value:
        for child in value:
            _leaves(child, path + "[*]", out)
    else:
        out.add(path)


def kubectl_paths(json_text: str) -> str:
    """`KIND PATH` lines: the leaf paths of every item of kubectl's List."""
    lines = set()
    for item in json.loads(json_text)["items"]:
        paths = set()
        _leaves(item, "", paths)
        lines.update(f"{item['kind']} {path}" for path in paths)
    return "\n".join(sorted(lines)) + "\n"


def our_paths(csv_text: str) -> str:
    rows = list(csv.reader(io.StringIO(csv_text)))[1:]
    return "\n".join(sorted(f"{kind} {path}" for kind, path, *_ in rows if path != ".context")) + "\n"


def run(repeat: int = 5, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    big = scale_cluster.ensure(("big",))["big"]
    env = ms.bench_env(KUBECONFIG=big.kubeconfig)
    k, ctx = ms.KUBECTL, ["--context", big.contexts[0]]
    ours = [k, "py-query", "pods", "-A", *ctx, "--fields"]
    theirs = [k, "get", "pods", "-A", *ctx, "-o", "json"]
    ours_json = [k, "py-query", "pods", "-A", *ctx, "-o", "json"]
    check = ms.agree(
        our_paths(ms.output(ours + ["-o", "csv"], env)),
        kubectl_paths(ms.output(theirs, env)),
        "same",
        "py-query --fields vs the leaf paths of kubectl get -o json",
    )
    load0 = ms.load()
    rows = [
        ms.measure("kubectl py-query pods -A --fields", ours, repeat, env),
        ms.measure("kubectl get pods -A -o json", theirs, repeat, env, note="the JSON a user would explore"),
        ms.measure("kubectl py-query pods -A -o json", ours_json, repeat, env, note="the same load, printed"),
    ]
    versus_kubectl, versus_query = ms.ratio(rows[0], rows[1]), ms.ratio(rows[0], rows[2])
    rows[0].note = f"{versus_kubectl:.2f}x kubectl -o json, {versus_query:.2f}x py-query -o json"
    notes = [
        f"cluster: {big.description} (context {big.contexts[0]})",
        f"outputs: {check} (KIND PATH of --fields -o csv, `.context` aside, vs kubectl's JSON's leaf paths)",
        f"target <= 2 s: {rows[0].seconds:.2f} s {ms.verdict(rows[0].seconds <= 2.0)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    return ms.report("py-query --fields: every path of 10,000 pods", rows, notes=notes)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
