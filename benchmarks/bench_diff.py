#!/usr/bin/env python3
"""`kubectl py-diff` side by side with what users do today: `kubectl get -o json` once per context, then `diff`
of the files. All Deployments and ConfigMaps of one namespace in three contexts, 2,000 objects each (1,000 of
each kind), with drift made here: every 100th Deployment runs another image in the second context, every 200th
ConfigMap is missing from the third.

    python3 benchmarks/bench_diff.py [--repeat N] [--no-install] [--setup three|test]

--setup three (default): the three API servers of scale_cluster.py's "three" setup. --setup test: the test
control plane's kpy-a and kpy-b (KUBECTL_PY_CLUSTER_DIR, else the folder named in /tmp/kpy-cp.ready) and a third
one-cluster control plane started with `tests/cluster/controlplane.py up --clusters 1 --context-prefix kpy3
--dir /tmp/kpy3` (KUBECTL_PY_THIRD_DIR overrides the folder); with --no-install the test venv's plugins are
measured (~/.cache/kubectl-py/venv-test, editable).

The objects live in the namespace bench-diff of each context, created first and deleted at the end.
Target: at most the time of the kubectl path (three `kubectl get -o json` runs one after the other plus two
`diff` runs), which tells nothing by itself: its output is every resourceVersion, uid and timestamp.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as ms  # noqa: E402

NAMESPACE = "bench-diff"
PER_KIND = 1000
IMAGE_EVERY, MISSING_EVERY = 100, 200
TEST_VENV = os.path.join(ms.CACHE, "venv-test")


def objects(index: int) -> list:
    """The namespace's 2,000 objects in the index-th context (0, 1, 2), drift included."""
    out = []
    for i in range(PER_KIND):
        image = "registry.example/shop/app:1.0"
        if index == 1 and i % IMAGE_EVERY == 0:
            image = "registry.example/shop/app:1.1"
        labels = {"app": f"app-{i}", "bench": "diff"}
        out.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": f"app-{i:04d}", "labels": labels},
                "spec": {
                    "replicas": 0,
                    "selector": {"matchLabels": labels},  # no pods: only the objects count
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "containers": [
                                {
                                    "name": "app",
                                    "image": image,
                                    "env": [{"name": "INDEX", "value": str(i)}, {"name": "MODE", "value": "prod"}],
                                    "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
                                    "ports": [{"containerPort": 8080, "name": "http"}],
                                }
                            ]
                        },
                    },
                },
            }
        )
        if index == 2 and i % MISSING_EVERY == 0:
            continue
        out.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"config-{i:04d}", "labels": {"bench": "diff"}},
                "data": {"settings.yaml": f"index: {i}\nlevel: info\n" + "x" * 400},
            }
        )
    return out


def expected_drift(contexts: list) -> set:
    drift = {
        ("Deployment", f"app-{i:04d}", ".spec.template.spec.containers[name=app].image")
        for i in range(0, PER_KIND, IMAGE_EVERY)
    }
    drift |= {("ConfigMap", f"config-{i:04d}", "missing in " + contexts[2]) for i in range(0, PER_KIND, MISSING_EVERY)}
    return drift


def found_drift(doc: dict) -> set:
    out = set()
    for item in doc["items"]:
        if item["kind"] == "ConfigMap" and item["name"] == "kube-root-ca.crt":
            continue  # each cluster's own CA: a real difference, not made here
        for difference in item["differences"]:
            out.add((item["kind"], item["name"], difference["path"]))
        for context in item["missingIn"]:
            out.add((item["kind"], item["name"], "missing in " + context))
    return out


def kubectl(env, context, *args, input=None):
    proc = subprocess.run(
        [ms.KUBECTL, "--context", context, *args],
        env=env,
        input=input,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)} (context {context}): {proc.stderr.strip()[:400]}")
    return proc.stdout


def seed(env, contexts) -> None:
    for index, context in enumerate(contexts):
        subprocess.run(
            [ms.KUBECTL, "--context", context, "delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        kubectl(env, context, "create", "namespace", NAMESPACE)
        kubectl(
            env,
            context,
            "create",
            "-n",
            NAMESPACE,
            "-f",
            "-",
            input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects(index)}),
        )


def clean(env, contexts) -> None:
    for context in contexts:
        subprocess.run(
            [ms.KUBECTL, "--context", context, "delete", "namespace", NAMESPACE, "--wait=false"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def setup(name: str):
    """(kubeconfig, contexts, description)."""
    if name == "three":
        import scale_cluster

        three = scale_cluster.ensure(("three",))["three"]
        return three.kubeconfig, list(three.contexts), three.description
    shared = os.environ.get("KUBECTL_PY_CLUSTER_DIR") or open("/tmp/kpy-cp.ready").read().strip()
    third = os.environ.get("KUBECTL_PY_THIRD_DIR", "/tmp/kpy3")
    kubeconfig = os.pathsep.join([os.path.join(shared, "kubeconfig"), os.path.join(third, "kubeconfig")])
    return kubeconfig, ["kpy-a", "kpy-b", "kpy3-a"], "the test control plane (kpy-a, kpy-b) and kpy3-a"


def run(repeat: int = 5, install: bool = True, setup_name: str = "three") -> str:
    venv = ms.install_bench_venv() if install else TEST_VENV
    kubeconfig, contexts, description = setup(setup_name)
    env = ms.bench_env(venv, KUBECONFIG=kubeconfig)
    k = ms.KUBECTL
    seed(env, contexts)
    try:
        folder = tempfile.mkdtemp(prefix="bench-diff-")
        ours = [k, "py-diff", "deploy,cm", "-n", NAMESPACE, "--context", ",".join(contexts), "-o", "json"]
        ours_text = [k, "py-diff", "deploy,cm", "-n", NAMESPACE, "--context", ",".join(contexts)]
        files = [os.path.join(folder, f"{c}.json") for c in contexts]
        gets = "; ".join(
            f"{k} get deploy,cm -n {NAMESPACE} --context {c} -o json > {f}" for c, f in zip(contexts, files)
        )
        diffs = "; ".join(f"diff {files[0]} {f} > /dev/null" for f in files[1:])
        theirs = ["sh", "-c", f"{gets}; {diffs}; true"]
        # check: ours finds exactly the drift made above (and exits 1 for it)
        proc = subprocess.run(ours, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 1:
            raise ms.OutputMismatch(f"py-diff exited {proc.returncode}: {proc.stderr[:400]}")
        found, expected = found_drift(json.loads(proc.stdout)), expected_drift(contexts)
        if found != expected:
            raise ms.OutputMismatch(
                f"py-diff found {len(found)} differences, the benchmark made {len(expected)}: "
                f"e.g. {sorted(found ^ expected)[:3]}"
            )
        subprocess.run(theirs, env=env, check=True)
        lines = sum(1 for f in files for _ in open(f))
        load0 = ms.load()
        rows = [
            ms.measure("kubectl py-diff deploy,cm --context <three> -o json", ours, repeat, env, expect=1),
            ms.measure("kubectl py-diff deploy,cm --context <three>", ours_text, repeat, env, expect=1),
            ms.measure(
                "kubectl get deploy,cm -o json > file, per context; diff file1 file2; diff file1 file3",
                theirs,
                repeat,
                env,
            ),
        ]
        for row in rows[:2]:
            row.note = f"{ms.ratio(row, rows[2]):.2f}x the kubectl path"
        r = ms.ratio(rows[0], rows[2])
        notes = [
            f"clusters: {description}; namespace {NAMESPACE}: {PER_KIND:,} Deployments (replicas 0) and "
            f"{PER_KIND:,} ConfigMaps (~0.5 KB) per context",
            f"outputs: py-diff found exactly the {len(expected)} differences made (images every "
            f"{IMAGE_EVERY}th Deployment, ConfigMaps missing every {MISSING_EVERY}th); the kubectl path wrote "
            f"{lines:,} lines of JSON, whose diffs show every uid, resourceVersion and timestamp too",
            f"plugins: {'non-editable install' if install else 'editable test venv'} ({venv})",
            f"target <= the kubectl path: {r:.2f}x {ms.verdict(r <= 1.0)}",
            f"load average before {load0}, after {ms.load()}",
        ]
        return ms.report("py-diff: Deployments and ConfigMaps of three contexts, 2,000 objects each", rows, notes=notes)
    finally:
        clean(env, contexts)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-install", action="store_true", help="do not reinstall venv-bench from the checkout")
    parser.add_argument("--setup", choices=("three", "test"), default="three")
    args = parser.parse_args()
    run(args.repeat, not args.no_install, args.setup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
