#!/usr/bin/env python3
"""`kubectl py-triage -A` on the 10,000-pod cluster: against `py-query pods -A -o name` (one list of the same
pods, nothing else), and through a simulated 40 ms / 20 Mbit/s link against the `kubectl get` commands a person
would run for the same answer (pods, deployments, services, EndpointSlices, nodes, PVCs, events), one after
the other.

    python3 benchmarks/bench_triage.py [--repeat N] [--no-install]

Targets: <= 1.5x `py-query pods -A -o name`, <= 200 MB; through the link no slower than the kubectl gets.
Outputs checked first: the pods py-triage reports not ready are the pods kubectl shows not Ready (and not
Succeeded), and its tainted nodes are the nodes kubectl shows with a NoSchedule or NoExecute taint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_remote  # noqa: E402  (its link helpers)
import link  # noqa: E402  (tests/cluster, on the path through scale_cluster)
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

TARGET_RATIO, TARGET_MB = 1.5, 200
PODS_READY = (
    '{range .items[*]}{.metadata.namespace}/{.metadata.name} {.status.phase} '
    '{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'
)
GETS = ("pods", "deployments", "services", "endpointslices", "nodes", "persistentvolumeclaims", "events")


def _found(argv: list, env: dict) -> str:
    """stdout of py-triage, which exits 1 when it finds something (the benchmark cluster has tainted nodes)."""
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    if proc.returncode != 1:
        raise ms.OutputMismatch(f"{' '.join(argv)[:200]} exited {proc.returncode}: {proc.stderr.strip()[:600]}")
    return proc.stdout


def _check(env: dict, context: str) -> str:
    """py-triage's pods and nodes against kubectl's own JSON."""
    k = ms.KUBECTL
    doc = json.loads(_found([k, "py-triage", "pods,nodes", "-A", "--context", context, "-o", "json"], env))
    ours_pods = sorted(f"{f['namespace']}/{f['name']}" for f in doc["items"] if f["kind"] == "Pod")
    theirs_pods = sorted(
        line.split()[0]
        for line in ms.output(
            [k, "get", "pods", "-A", "--context", context, "-o", "jsonpath=" + PODS_READY], env
        ).splitlines()
        if line.split()[1:] not in (["Running", "True"], ["Succeeded"]) and not line.split()[1] == "Succeeded"
    )
    if ours_pods != theirs_pods:
        raise ms.OutputMismatch(f"pods not ready: ours {ours_pods[:5]}..., kubectl {theirs_pods[:5]}...")
    nodes = json.loads(ms.output([k, "get", "nodes", "--context", context, "-o", "json"], env))["items"]
    theirs_tainted = sorted(
        n["metadata"]["name"]
        for n in nodes
        if any(
            t.get("effect") in ("NoSchedule", "NoExecute") and not t["key"].startswith("node.kubernetes.io/")
            for t in n["spec"].get("taints") or []
        )
    )
    ours_tainted = sorted(f["name"] for f in doc["items"] if f["problem"] == "Tainted")
    if ours_tainted != theirs_tainted:
        raise ms.OutputMismatch(f"tainted nodes: ours {ours_tainted}, kubectl {theirs_tainted}")
    return (
        f"{len(ours_pods)} pods not ready and {len(ours_tainted)} tainted nodes, as kubectl's JSON says "
        f"({len(doc['items'])} findings in all)"
    )


def run(repeat: int = 5, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    big = scale_cluster.ensure(("big",))["big"]
    k, context = ms.KUBECTL, big.contexts[0]
    env = ms.bench_env(KUBECONFIG=big.kubeconfig)
    out = []

    # -- (1) against one list of the same pods --------------------------------------------------------------
    ours = [k, "py-triage", "-A", "--context", context]
    baseline = [k, "py-query", "pods", "-A", "--context", context, "-o", "name"]
    check = _check(env, context)
    load0 = ms.load()
    rows = [
        ms.measure(
            "kubectl py-triage -A",
            ours,
            repeat,
            env,
            expect=1,
            note="every check: pods, workloads, services + EndpointSlices, nodes, storage, events",
        ),
        ms.measure("kubectl py-query pods -A -o name", baseline, repeat, env),
        ms.measure("kubectl py-triage -A -o json", ours + ["-o", "json"], repeat, env, expect=1),
    ]
    r = ms.ratio(rows[0], rows[1])
    rows[0].note += f"; **{r:.2f}x** py-query"
    notes = [
        f"cluster: {big.description} (context {context})",
        f"outputs: {check}",
        f"target <= {TARGET_RATIO}x `py-query pods -A -o name`: {r:.2f}x {ms.verdict(r <= TARGET_RATIO)}; "
        f"<= {TARGET_MB} MB: {rows[0].peak_mb:.0f} MB {ms.verdict(rows[0].peak_mb <= TARGET_MB)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-triage: 10,000 pods, one context", rows, notes=notes))

    # -- (2) through a 40 ms / 20 Mbit/s link, against the kubectl gets ----------------------------------------
    profile = bench_remote.PROFILES[0]
    forwarder = link.LinkForwarder(
        *bench_remote._server(big.kubeconfig, context), profile.one_way_delay_s, profile.bits_per_s
    )
    forwarder.start()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            kubeconfig = bench_remote._linked_kubeconfig(
                os.path.join(workdir, "kubeconfig"), [("linked", big.kubeconfig, context, forwarder.address)]
            )
            lenv = dict(env, KUBECONFIG=kubeconfig)
            ours = [k, "py-triage", "-A", "--context", "linked"]
            gets = "; ".join(f"{k} get {kind} -A --context linked >/dev/null" for kind in GETS)
            theirs = ["sh", "-c", gets]
            wire = bench_remote.Wire([forwarder])
            _found(ours, lenv)  # discovery caches filled
            ms.output(theirs, lenv)
            load0 = ms.load()
            rows = []
            for label, argv, expect in (
                ("kubectl py-triage -A", ours, 1),
                ("kubectl get " + ", ".join(GETS) + " (-A, one after the other)", theirs, 0),
            ):
                result, crossed = wire.during(
                    lambda: ms.measure(
                        label, argv, min(repeat, bench_remote.MAX_REPEAT), lenv, warmup=0, expect=expect
                    ),
                    min(repeat, bench_remote.MAX_REPEAT),
                )
                result.note = crossed
                rows.append(result)
            r = ms.ratio(rows[0], rows[1])
            rows[0].note = f"**{r:.2f}x** the kubectl gets; " + rows[0].note
            notes = [
                f"link: {profile.title}, one forwarder (tests/cluster/link.py) in front of {context}",
                f"target no slower than the kubectl gets: {r:.2f}x {ms.verdict(r <= 1.0)}",
                f"load average before {load0}, after {ms.load()}",
            ]
            out.append(ms.report("py-triage: through a 40 ms / 20 Mbit/s link", rows, notes=notes))
    finally:
        forwarder.stop()
    return "".join(out)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
