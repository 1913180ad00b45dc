#!/usr/bin/env python3
"""The plugins side by side with kubectl over simulated remote links: both tools reach the benchmark clusters
through the same forwarders of tests/cluster/link.py (delay each way, bandwidth cap per direction), in one run.

    python3 benchmarks/bench_remote.py [--repeat N] [--no-install]

Links: 40 ms round trip at 20 Mbit/s, and 100 ms at 10 Mbit/s; the forwarder delays each direction by half the
round trip (20 ms, 50 ms), and one forwarder (one token bucket per direction, shared by its connections) stands
in front of each API server. Rows: 3,000 ConfigMaps and 10,000 pods listed with a JSONPath template, describe
of a node carrying 1,000 pods, of a Deployment, of a Service and of 20 pods, a tiny get (`ns -o name`), and a
fleet of 20 contexts (19 forwarders in front of the two small clusters, one context at a server that accepts
and never answers) queried at once: `kubectl py-query --all-contexts` against kubectl once per context in
parallel (`xargs -P`). At most 3 measured runs per command (10,000 pods over 10 Mbit/s take ~30 s a run).

Targets: lists and describes <= 1.0x kubectl, 10,000 pods at 20 Mbit/s <= 0.5x, tiny get <= 2.0x, the fleet
with one hung context answers (and names the hung one) within 25 s.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faults  # noqa: E402  (tests/cluster, on the path through scale_cluster)
import kubeapi  # noqa: E402
import link  # noqa: E402
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

MAX_REPEAT = 3
CONFIGMAPS_TEMPLATE = '{range .items[*]}{.metadata.name}{" "}{.data.mode}{"\\n"}{end}'
PODS_TEMPLATE = '{range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\\n"}{end}'
FLEET_SIZE = 20
HUNG_CONTEXT = "fleet-20-hung"
FLEET_CAP_S = 75  # a fleet run still going after this is killed (coreutils timeout) and reported
FLEET_TARGET_S = 25.0
KLOG_LINE = re.compile(r"[EWI]\d{4} ")  # kubectl's log lines (E1204 15:24:03.13 ...), not its messages


@dataclass
class Profile:
    name: str
    one_way_delay_s: float
    bits_per_s: float
    list_target: float = 1.0  # for the 10,000 pods

    @property
    def title(self) -> str:
        return (
            f"{self.one_way_delay_s * 2000:.0f} ms round trip, {self.bits_per_s / 1e6:.0f} Mbit/s "
            f"({self.one_way_delay_s * 1000:.0f} ms each way)"
        )


PROFILES = [Profile("40ms-20mbit", 0.020, 20e6, list_target=0.5), Profile("100ms-10mbit", 0.050, 10e6)]


@dataclass
class Pair:
    """One row pair: our command and kubectl's, how their outputs must agree, the target ratio."""

    what: str
    ours: list
    theirs: list
    agree: str
    target: float


def _server(kubeconfig: str, context: str) -> tuple:
    config = kubeapi.load_kubeconfig(kubeconfig)
    cluster = kubeapi._named(config["contexts"], context, "context")["cluster"]
    url = urllib.parse.urlsplit(kubeapi._named(config["clusters"], cluster, "cluster")["server"])
    return url.hostname, url.port


def _linked_kubeconfig(path: str, entries: list) -> str:
    """Write a kubeconfig whose contexts are (name, source kubeconfig, source context, server address): the
    source context's credentials and CA, its server replaced by the address (a forwarder's). JSON is YAML."""
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [],
        "users": [],
        "contexts": [],
        "current-context": entries[0][0],
    }
    for name, kubeconfig, context, address in entries:
        config = kubeapi.load_kubeconfig(kubeconfig)
        ctx = kubeapi._named(config["contexts"], context, "context")
        cluster = dict(kubeapi._named(config["clusters"], ctx["cluster"], "cluster"), server=f"https://{address}")
        doc["clusters"].append({"name": name, "cluster": cluster})
        doc["users"].append({"name": name, "user": kubeapi._named(config["users"], ctx["user"], "user")})
        doc["contexts"].append({"name": name, "context": {"cluster": name, "user": name}})
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(doc, f, indent=1)
    return path


class Wire:
    """What crossed a set of forwarders during one command: bytes each way and connections opened."""

    def __init__(self, forwarders: list):
        self.forwarders = forwarders

    def _total(self) -> tuple:
        counts = [f.counters() for f in self.forwarders]
        return tuple(sum(c[i] for c in counts) for i in range(3))

    def during(self, run, runs: int = 1) -> tuple:
        """run()'s result, and what crossed the link per run (`runs`: how many runs run() made)."""
        before = self._total()
        result = run()
        up, down, conns = ((after - b) / runs for after, b in zip(self._total(), before))
        return result, f"{down / 1e6:.2f} MB down, {up / 1e3:.0f} kB up, {conns:.0f} conn. a run"


def _spread(result: ms.Result) -> str:
    return f"runs {min(result.times):.2f}-{max(result.times):.2f} s"


def _pairs(small, big, node: str) -> list:
    k, ns = ms.KUBECTL, small.namespace_remote
    on_small, on_big = ["--context", small.contexts[0]], ["--context", big.contexts[0]]
    return [
        Pair(
            "3,000 ConfigMaps, -o jsonpath",
            [k, "py-query", "configmaps", "-n", ns, *on_small, "-o", "jsonpath=" + CONFIGMAPS_TEMPLATE],
            [k, "get", "configmaps", "-n", ns, *on_small, "-o", "jsonpath=" + CONFIGMAPS_TEMPLATE],
            "same",
            1.0,
        ),
        Pair(
            "10,000 pods, -o jsonpath",
            [k, "py-query", "pods", "-A", *on_big, "-o", "jsonpath=" + PODS_TEMPLATE],
            [k, "get", "pods", "-A", *on_big, "-o", "jsonpath=" + PODS_TEMPLATE],
            "same",
            1.0,
        ),
        Pair(
            "describe node (1,000 pods)",
            [k, "py-describe", "node", node, *on_big],
            [k, "describe", "node", node, *on_big],
            "count",
            1.0,
        ),
        Pair(
            "describe deployment",
            [k, "py-describe", "deployment", "web", "-n", ns, *on_small],
            [k, "describe", "deployment", "web", "-n", ns, *on_small],
            "count",
            1.0,
        ),
        Pair(
            "describe service",
            [k, "py-describe", "service", "web", "-n", ns, *on_small],
            [k, "describe", "service", "web", "-n", ns, *on_small],
            "count",
            1.0,
        ),
        Pair(
            "describe pods (20)",
            [k, "py-describe", "pods", "-n", ns, *on_small],
            [k, "describe", "pods", "-n", ns, *on_small],
            "count",
            1.0,
        ),
        Pair(
            "tiny get",
            [k, "py-query", "ns", *on_small, "-o", "name"],
            [k, "get", "ns", *on_small, "-o", "name"],
            "same",
            2.0,
        ),
    ]


def _label(argv: list) -> str:
    words = ["kubectl"] + [w for w in argv[1:] if w not in ("--context",) and not w.startswith("bench")]
    return " ".join("jsonpath=T" if w.startswith("jsonpath=") else w for w in words)


def _run_pairs(profile: Profile, pairs: list, env: dict, wire: Wire, repeat: int) -> tuple:
    rows, notes, verdicts = [], [], []
    for pair in pairs:
        try:  # the first run of each command also fills both tools' discovery caches
            ours_text, theirs_text = ms.output(pair.ours, env), ms.output(pair.theirs, env)
            check = ms.agree(ours_text, theirs_text, pair.agree, f"{pair.what}: ours vs kubectl")
        except ms.OutputMismatch as e:  # no figures for a failing command; the other rows still run
            sys.stderr.write(f"  ! {e}\n")
            notes.append(f"{pair.what}: NOT MEASURED, {str(e)[:300]}")
            verdicts.append(f"{pair.what} {ms.verdict(False)}")
            continue
        ours, ours_wire = wire.during(lambda: ms.measure(_label(pair.ours), pair.ours, repeat, env, warmup=0), repeat)
        theirs, theirs_wire = wire.during(
            lambda: ms.measure(_label(pair.theirs), pair.theirs, repeat, env, warmup=0), repeat
        )
        target = profile.list_target if pair.what.startswith("10,000 pods") else pair.target
        r = ms.ratio(ours, theirs)
        ours.note = (
            f"**{r:.2f}x** kubectl (target <= {target:.1f}x: {ms.verdict(r <= target)}); {_spread(ours)}; {ours_wire}"
        )
        theirs.note = f"{_spread(theirs)}; {theirs_wire}"
        rows += [ours, theirs]
        notes.append(f"{pair.what}: {check}")
        verdicts.append(f"{pair.what} {r:.2f}x {ms.verdict(r <= target)}")
    return rows, notes, verdicts


def _fleet(profile: Profile, small, workdir: str, env: dict, repeat: int) -> tuple:
    """20 contexts, one of them hung: ours with --all-contexts vs kubectl once per context, 20 at a time."""
    servers = [(c, _server(small.planes[0].kubeconfig, c)) for c in small.planes[0].cluster_contexts]
    forwarders = [
        link.LinkForwarder(*servers[i % len(servers)][1], profile.one_way_delay_s, profile.bits_per_s)
        for i in range(FLEET_SIZE - 1)
    ]
    hole = faults.HungServer(lifetime=3600)
    for f in forwarders + [hole]:
        f.start()
    try:
        entries = [
            (f"fleet-{i + 1:02d}", small.planes[0].kubeconfig, servers[i % len(servers)][0], f.address)
            for i, f in enumerate(forwarders)
        ]
        entries.append((HUNG_CONTEXT, small.planes[0].kubeconfig, servers[0][0], f"127.0.0.1:{hole.port}"))
        kubeconfig = _linked_kubeconfig(os.path.join(workdir, "fleet-kubeconfig"), entries)
        fenv = dict(env, KUBECONFIG=kubeconfig)
        contexts = " ".join(e[0] for e in entries)
        cap = ["timeout", "-k", "5", str(FLEET_CAP_S)]
        ours = [*cap, ms.KUBECTL, "py-query", "pods", "-A", "--all-contexts", "-o", "name"]
        theirs = [
            *cap,
            "sh",
            "-c",
            f"printf '%s\\n' {contexts} | xargs -P {FLEET_SIZE} -I CTX {ms.KUBECTL} --context CTX get pods -A -o name",
        ]
        rows, notes = [], []
        first = {}  # the first run of each: output check, discovery caches filled
        for who, argv in (("ours", ours), ("kubectl", theirs)):
            t0 = time.perf_counter()
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=fenv)
            first[who] = (time.perf_counter() - t0, proc)
        (t_ours, p_ours), (t_theirs, p_theirs) = first["ours"], first["kubectl"]
        named = HUNG_CONTEXT in p_ours.stderr
        # kubectl's own error lines (not klog's retries): what a user is told about the hung server
        kubectl_lines = sorted(
            set(line.strip() for line in p_theirs.stderr.splitlines() if line.strip() and not KLOG_LINE.match(line))
        )
        # ours prefixes each name with its context when several are queried (CONTEXT<TAB>pod/NAME)
        ours_names = "".join(line.split("\t", 1)[-1] + "\n" for line in p_ours.stdout.splitlines())
        try:
            check = ms.agree(ours_names, p_theirs.stdout, "sorted", "fleet: ours (context column dropped) vs kubectl")
        except ms.OutputMismatch as e:
            check = f"DIFFER: {e}"
        label_ours = "kubectl py-query pods -A --all-contexts -o name"
        label_theirs = f"xargs -P {FLEET_SIZE}: kubectl --context C get pods -A -o name"
        for label, argv, expect, (seconds, proc) in (
            (label_ours, ours, 1, first["ours"]),
            (label_theirs, theirs, 123, first["kubectl"]),
        ):
            if proc.returncode == 124:  # killed by the cap: one run is enough to say so
                rows.append(
                    ms.Result(label, seconds, 0.0, 1, False, f"no answer within {FLEET_CAP_S} s (killed)", [seconds])
                )
            else:
                row = ms.measure(label, argv, repeat, fenv, warmup=0, expect=expect)
                row.note = _spread(row)
                rows.append(row)
        ok = rows[0].ok and rows[0].seconds <= FLEET_TARGET_S and named
        verdict = f"target answer <= {FLEET_TARGET_S:.0f} s naming {HUNG_CONTEXT}: {ms.verdict(ok)}"
        rows[0].note = f"{verdict}; {rows[0].note}"
        hung_line = next((line for line in p_ours.stderr.splitlines() if HUNG_CONTEXT in line), "(not named)")
        notes += [
            f"fleet: {FLEET_SIZE - 1} forwarders (one link each) alternating over "
            f"{', '.join(c for c, _ in servers)}, plus {HUNG_CONTEXT} at a server that accepts and never "
            f"answers; ours exits 1 (some context failed), xargs 123; runs killed after {FLEET_CAP_S} s",
            f"fleet outputs: {check}; first run ours {t_ours:.1f} s (exit {p_ours.returncode}), kubectl "
            f"{t_theirs:.1f} s (exit {p_theirs.returncode})",
            f"fleet, ours on the hung context: `{hung_line.strip()[:200]}`",
            "fleet, kubectl's errors: "
            + ("; ".join(f"`{line[:160]}`" for line in kubectl_lines[:3]) or "none")
            + (f" ({HUNG_CONTEXT} named)" if HUNG_CONTEXT in p_theirs.stderr else " (no context named)"),
            "fleet peak RSS: ours one process; kubectl's the largest of its 20 parallel processes",
        ]
        return rows, notes, [f"fleet {rows[0].seconds:.1f} s {ms.verdict(ok)}"]
    finally:
        for f in forwarders + [hole]:
            f.stop()


def run(repeat: int = MAX_REPEAT, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    repeat = max(1, min(repeat, MAX_REPEAT))
    setups = scale_cluster.ensure(("small", "big"))
    small, big = setups["small"], setups["big"]
    targets = [(small.planes[0].kubeconfig, small.contexts[0]), (big.planes[0].kubeconfig, big.contexts[0])]
    out = []
    for profile in PROFILES:
        workdir = tempfile.mkdtemp(prefix=f"kpy-remote-{profile.name}-")
        forwarders = [
            link.LinkForwarder(*_server(kc, ctx), profile.one_way_delay_s, profile.bits_per_s) for kc, ctx in targets
        ]
        try:
            for f in forwarders:
                f.start()
            kubeconfig = _linked_kubeconfig(
                os.path.join(workdir, "kubeconfig"),
                [(ctx, kc, ctx, f.address) for (kc, ctx), f in zip(targets, forwarders)],
            )
            # a fresh discovery cache per link for both tools, filled by each command's first (untimed) run
            env = ms.bench_env(
                KUBECONFIG=kubeconfig,
                KUBECACHEDIR=os.path.join(workdir, "kube-cache"),
                KUBECTL_PY_CACHE_DIR=os.path.join(workdir, "kpy-cache"),
            )
            load0 = ms.load()
            sys.stderr.write(f"== link {profile.title} (load {load0})\n")
            rows, notes, verdicts = _run_pairs(profile, _pairs(small, big, big.node), env, Wire(forwarders), repeat)
            fleet_rows, fleet_notes, fleet_verdicts = _fleet(profile, small, workdir, env, repeat)
        finally:
            for f in forwarders:
                f.stop()
            shutil.rmtree(workdir, ignore_errors=True)
        notes = [
            f"link: {profile.title}; one forwarder per API server; bandwidth per direction, shared by the "
            f"connections through that forwarder; both tools through the same forwarders, "
            f"fresh discovery caches (kubectl's KUBECACHEDIR = --cache-dir, ours KUBECTL_PY_CACHE_DIR) "
            f"filled by the untimed output-check run of each command",
            f"clusters: {big.description} (context {big.contexts[0]}, node {big.node}); "
            f"{small.description} (context {small.contexts[0]}, namespace {small.namespace_remote}); "
            f"T = `{PODS_TEMPLATE}` for pods, `{CONFIGMAPS_TEMPLATE}` for ConfigMaps",
            "outputs (ours vs kubectl, checked before timing): " + "; ".join(notes),
            *fleet_notes,
            "targets: " + "; ".join(verdicts + fleet_verdicts),
            f"load average before {load0}, after {ms.load()} (2 cores, shared with other work on the machine; "
            f"the forwarders run in this script's process)",
        ]
        out.append(ms.report(f"Remote link: {profile.title}", rows + fleet_rows, notes=notes))
    return "".join(out)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
