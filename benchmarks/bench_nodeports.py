#!/usr/bin/env python3
"""`kubectl py-nodeports` side by side with kubectl and the floor: start-up, a small cluster, 2,000 services.

    python3 benchmarks/bench_nodeports.py [--repeat N] [--no-install]

Uses the benchmark clusters of scale_cluster.py (started if needed). The real figures come from a non-editable
install in ~/.cache/kubectl-py/venv-bench (reinstalled from the checkout unless --no-install); the editable
install (/work/venv) is shown for comparison on the start-up rows. Targets: `--help` <= 0.15 s, first answer on
a small cluster <= 0.35 s, 2,000 services no slower than `kubectl get services -A -o jsonpath=...`.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

# one line per (service, node port), as the plugin's rows: every scale service has exactly one port
KUBECTL_TEMPLATE = (
    '{range .items[?(@.spec.type=="NodePort")]}{.metadata.namespace}{"\\t"}{.metadata.name}{"\\t"}'
    '{.spec.type}{"\\t"}{.spec.ports[0].port}{"\\t"}{.spec.ports[0].nodePort}{"\\n"}{end}'
)
NODE_PORTS_TEMPLATE = '{range .items[*].spec.ports[?(@.nodePort)]}{.nodePort}{"\\n"}{end}'
FLOOR = os.path.join(ms.HERE, "floor.py")


def _rows5(text: str) -> str:
    """NAMESPACE NAME TYPE PORT NODEPORT of the plugin's table (or the kubectl template's lines), sorted."""
    return "\n".join(sorted("\t".join(line.split()[:5]) for line in text.splitlines() if line.strip())) + "\n"


def run(repeat: int = 5, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    setups = scale_cluster.ensure(("small", "big"))
    small, big = setups["small"], setups["big"]
    env = ms.bench_env()
    env_editable = ms.bench_env(ms.EDITABLE_VENV)
    bench_bin = os.path.join(ms.BENCH_VENV, "bin")
    python = os.path.join(bench_bin, "python")
    out = []

    # -- start-up --------------------------------------------------------------------------------------------
    load0 = ms.load()
    rows = [
        ms.measure(
            "python -c pass", [python, "-c", "pass"], repeat * 2, env, note="the interpreter alone (venv-bench)"
        ),
        ms.measure(
            "kubectl-py_nodeports --help",
            [os.path.join(bench_bin, "kubectl-py_nodeports"), "--help"],
            repeat * 2,
            env,
            note="**real figure** (non-editable install)",
        ),
        ms.measure(
            "kubectl-py_nodeports --help (editable)",
            [os.path.join(ms.EDITABLE_VENV, "bin", "kubectl-py_nodeports"), "--help"],
            repeat * 2,
            env_editable,
            note="editable install of /work/venv: its import finder",
        ),
        ms.measure(
            "kubectl py-nodeports --help",
            [ms.KUBECTL, "py-nodeports", "--help"],
            repeat * 2,
            env,
            note="through kubectl's plugin dispatch",
        ),
        ms.measure(
            "kubectl bench-noop",
            [ms.KUBECTL, "bench-noop"],
            repeat * 2,
            env,
            note="kubectl's plugin dispatch alone (the plugin is /bin/true)",
        ),
    ]
    help_ok = rows[1].seconds <= 0.15
    notes = [
        f"target `--help` <= 0.15 s: {rows[1].seconds:.3f} s, {ms.verdict(help_ok)}",
        f"load average (1/5/15 min) before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-nodeports: start-up", rows, notes=notes))

    # -- first answer on a small cluster ---------------------------------------------------------------------
    kc = {"KUBECONFIG": small.kubeconfig}
    env_s, env_s_editable = dict(env, **kc), dict(env_editable, **kc)
    ctx = ["--context", small.contexts[0]]
    small_cmd = [ms.KUBECTL, "get", "services", "-A", *ctx, "-o", "jsonpath=" + NODE_PORTS_TEMPLATE]
    ours = ms.output([ms.KUBECTL, "py-nodeports", *ctx], env_s)
    small_check = ms.agree(
        "\n".join(sorted(line.split()[4] for line in ours.splitlines()[1:])),
        "\n".join(sorted(ms.output(small_cmd, env_s).splitlines())),
        "same",
        "py-nodeports vs kubectl node ports",
    )
    load0 = ms.load()
    rows = [
        ms.measure(
            "kubectl py-nodeports",
            [ms.KUBECTL, "py-nodeports", *ctx],
            repeat * 2,
            env_s,
            note=f"**real figure**; {len(ours.splitlines()) - 1} rows",
        ),
        ms.measure(
            "kubectl-py_nodeports",
            [os.path.join(bench_bin, "kubectl-py_nodeports"), *ctx],
            repeat * 2,
            env_s,
            note="no kubectl dispatch",
        ),
        ms.measure(
            "kubectl py-nodeports (editable)",
            [ms.KUBECTL, "py-nodeports", *ctx],
            repeat * 2,
            env_s_editable,
            note="editable install",
        ),
        ms.measure(
            "kubectl get services -A -o jsonpath=...",
            small_cmd,
            repeat * 2,
            env_s,
            note="reference: one list, the node ports",
        ),
        ms.measure(
            "floor: services+nodes+endpointslices",
            [
                python,
                FLOOR,
                "--kubeconfig",
                small.planes[0].kubeconfig,
                "--context",
                small.contexts[0],
                "--path",
                "/api/v1/services",
                "--path",
                "/api/v1/nodes",
                "--path",
                "/apis/discovery.k8s.io/v1/endpointslices",
            ],
            repeat * 2,
            env_s,
            note="plain http.client + json.loads, three lists",
        ),
    ]
    first_ok = rows[0].seconds <= 0.35
    notes = [
        f"cluster: {small.description} (context {small.contexts[0]}); NODEPORT column equals kubectl's "
        f"node ports ({small_check})",
        f"target first answer <= 0.35 s: {rows[0].seconds:.3f} s, {ms.verdict(first_ok)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-nodeports: first answer on a small cluster", rows, notes=notes))

    # -- 2,000 services ----------------------------------------------------------------------------------------
    kc = {"KUBECONFIG": big.kubeconfig}
    env_b = dict(env, **kc)
    ctx = ["--context", big.contexts[0]]
    ours_cmd = [ms.KUBECTL, "py-nodeports", "-A", *ctx]
    theirs_cmd = [ms.KUBECTL, "get", "services", "-A", *ctx, "-o", "jsonpath=" + KUBECTL_TEMPLATE]
    floor_cmd = [
        python,
        FLOOR,
        "--kubeconfig",
        big.planes[0].kubeconfig,
        "--context",
        big.contexts[0],
        "--path",
        "/api/v1/services",
        "--path",
        "/api/v1/nodes",
        "--path",
        "/apis/discovery.k8s.io/v1/endpointslices",
    ]
    ours_text = ms.output(ours_cmd + ["--no-headers"], env_b)
    check = ms.agree(
        _rows5(ours_text), _rows5(ms.output(theirs_cmd, env_b)), "same", "py-nodeports -A vs kubectl get services"
    )
    urls_ok = all(len(line.split()) == 7 and line.split()[6].count(":") >= 1 for line in ours_text.splitlines())
    load0 = ms.load()
    rows = [
        ms.measure(
            "kubectl py-nodeports -A", ours_cmd, repeat, env_b, note="services + nodes + EndpointSlices, URLS joined"
        ),
        ms.measure("kubectl get services -A -o jsonpath=...", theirs_cmd, repeat, env_b, note="services only, no URLS"),
        ms.measure(
            "floor: services+nodes+endpointslices",
            floor_cmd,
            repeat,
            env_b,
            note="plain http.client + json.loads, names printed",
        ),
    ]
    rows[0].note += f"; {ms.ratio(rows[0], rows[1]):.2f}x kubectl, {ms.ratio(rows[0], rows[2]):.2f}x floor"
    svc_ok = rows[0].seconds <= rows[1].seconds
    notes = [
        f"cluster: {big.description} (context {big.contexts[0]})",
        f"outputs: NAMESPACE NAME TYPE PORT NODEPORT of every plugin row equal kubectl's lines ({check}); "
        f"every row has URLS: {'yes' if urls_ok else 'NO'}",
        f"target no slower than kubectl: {ms.ratio(rows[0], rows[1]):.2f}x, {ms.verdict(svc_ok)}",
        f"load average before {load0}, after {ms.load()}",
    ]
    out.append(ms.report("py-nodeports: 2,000 NodePort services", rows, notes=notes))
    return "".join(out)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
