#!/usr/bin/env python3
"""Fill a test cluster with realistic objects, let the controllers and kwok bring them to life, and wait until
everything has settled (rollouts done, pods Running, EndpointSlices filled, PVCs Bound, the Job complete).

    python tests/cluster/seed.py --kubeconfig K --context kpy-a                  # profile a: demo + shop
    python tests/cluster/seed.py --kubeconfig K --context kpy-b --profile b      # profile b: beta
    python tests/cluster/seed.py --kubeconfig K --context kpy-a --scale [--pods 10000 --services 2000
                                 --nodes 10 --namespace scale]

Objects are applied with the built kubectl (`apply -f -` of a generated List); waits and status writes go
through the API directly. A ConfigMap kube-public/kpy-seed-<profile> records a finished seed, so seeding an
already seeded cluster is a no-op (use --force to apply again). See manifests.py for the content.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import controlplane  # noqa: E402
import kubeapi  # noqa: E402
import manifests as m  # noqa: E402
import pki  # noqa: E402

SETTLE_TIMEOUT = 180.0


class Kubectl:
    """The built kubectl bound to one kubeconfig context."""

    def __init__(self, binary: str, kubeconfig: str, context: str, cache_dir: str):
        self.base = [binary, "--kubeconfig", kubeconfig, "--context", context, "--cache-dir", cache_dir]

    def run(self, *args: str, input: Optional[str] = None) -> str:
        proc = subprocess.run(
            self.base + list(args), input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        if proc.returncode != 0:
            raise RuntimeError(f"kubectl {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def apply(self, objects: List[Dict]) -> None:
        self.run("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))


def _now(delta_minutes: int = 0, micro: bool = False) -> str:
    """An API timestamp (RFC 3339; with microseconds for MicroTime fields such as a Lease's renewTime)."""
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=delta_minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


# -- checks: each returns what is still pending (empty = settled) ------------------------------------------
Check = Callable[[], List[str]]


def wait_settled(what: str, checks: List[Check], timeout: float = SETTLE_TIMEOUT) -> None:
    pending: List[str] = []

    def done() -> bool:
        nonlocal pending
        pending = [p for check in checks for p in check()]
        return not pending

    try:
        kubeapi.wait_for(what, done, timeout, interval=0.5)
    except TimeoutError as e:
        raise TimeoutError(f"{e}; still pending: {'; '.join(pending[:20])}") from None


def _condition(obj: Dict, kind: str) -> Optional[str]:
    for c in obj.get("status", {}).get("conditions") or []:
        if c["type"] == kind:
            return c["status"]
    return None


def nodes_ready(client: kubeapi.Client, ready: List[str], not_ready: List[str] = ()) -> Check:
    def check() -> List[str]:
        got = {n["metadata"]["name"]: _condition(n, "Ready") for n in client.list_items("/api/v1/nodes")}
        return [f"node {n} not Ready" for n in ready if got.get(n) != "True"] + [
            f"node {n} not Ready=False" for n in not_ready if got.get(n) != "False"
        ]

    return check


def workloads_done(client: kubeapi.Client, ns: str) -> Check:
    """Deployments, StatefulSets and DaemonSets fully rolled out (no old pods left), Jobs complete."""

    def check() -> List[str]:
        out = []
        for d in client.list_items(f"/apis/apps/v1/namespaces/{ns}/deployments"):
            s, want = d.get("status", {}), d["spec"]["replicas"]
            if (
                s.get("observedGeneration", 0) < d["metadata"]["generation"]
                or s.get("replicas") != want
                or s.get("updatedReplicas") != want
                or s.get("availableReplicas") != want
            ):
                out.append(f"deployment {ns}/{d['metadata']['name']} rolling out")
        for st in client.list_items(f"/apis/apps/v1/namespaces/{ns}/statefulsets"):
            s = st.get("status", {})
            if s.get("readyReplicas") != st["spec"]["replicas"] or s.get("currentRevision") != s.get("updateRevision"):
                out.append(f"statefulset {ns}/{st['metadata']['name']} not ready")
        for ds in client.list_items(f"/apis/apps/v1/namespaces/{ns}/daemonsets"):
            s = ds.get("status", {})
            want = s.get("desiredNumberScheduled", 0)
            if not want or s.get("numberReady") != want or s.get("updatedNumberScheduled") != want:
                out.append(f"daemonset {ns}/{ds['metadata']['name']} not ready")
        for job in client.list_items(f"/apis/batch/v1/namespaces/{ns}/jobs"):
            if _condition(job, "Complete") != "True":
                out.append(f"job {ns}/{job['metadata']['name']} not complete")
        for pod in client.list_items(f"/api/v1/namespaces/{ns}/pods"):
            if not pod["metadata"].get("ownerReferences") and _condition(pod, "Ready") != "True":
                out.append(f"pod {ns}/{pod['metadata']['name']} not ready")
        return out

    return check


def _matches(selector: Dict, labels: Dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def endpoints_filled(client: kubeapi.Client, ns: str) -> Check:
    """Every Service with a selector has EndpointSlices listing exactly its ready pods' IPs."""

    def check() -> List[str]:
        pods = [
            p
            for p in client.list_items(f"/api/v1/namespaces/{ns}/pods")
            if _condition(p, "Ready") == "True" and p["status"].get("podIP")
        ]
        slices = list(client.list_items(f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices"))
        out = []
        for svc in client.list_items(f"/api/v1/namespaces/{ns}/services"):
            selector, name = svc["spec"].get("selector"), svc["metadata"]["name"]
            if not selector:
                continue
            want = {p["status"]["podIP"] for p in pods if _matches(selector, p["metadata"].get("labels", {}))}
            got = {
                a
                for s in slices
                if s["metadata"].get("labels", {}).get("kubernetes.io/service-name") == name
                for e in s.get("endpoints") or []
                if e.get("conditions", {}).get("ready")
                for a in e["addresses"]
            }
            if not want or got != want:
                out.append(f"endpointslices of {ns}/{name}: {len(got)} ready of {len(want)} pods")
        return out

    return check


def pvcs_bound(client: kubeapi.Client, ns: str) -> Check:
    def check() -> List[str]:
        return [
            f"pvc {ns}/{p['metadata']['name']} {p.get('status', {}).get('phase')}"
            for p in client.list_items(f"/api/v1/namespaces/{ns}/persistentvolumeclaims")
            if p.get("status", {}).get("phase") != "Bound"
        ]

    return check


def quotas_counted(client: kubeapi.Client, ns: str) -> Check:
    """The quota controller has counted the namespace's pods (it lags behind pod creation)."""

    def check() -> List[str]:
        pods = sum(
            1
            for p in client.list_items(f"/api/v1/namespaces/{ns}/pods")
            if p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
        )
        return [
            f"resourcequota {ns}/{q['metadata']['name']} counts {used} pods of {pods}"
            for q in client.list_items(f"/api/v1/namespaces/{ns}/resourcequotas")
            for used in [q.get("status", {}).get("used", {}).get("pods")]
            if "pods" in q["spec"].get("hard", {}) and used != str(pods)
        ]

    return check


def token_filled(client: kubeapi.Client, ns: str, name: str) -> Check:
    def check() -> List[str]:
        status, secret = client.request("GET", f"/api/v1/namespaces/{ns}/secrets/{name}")
        return [] if status == 200 and "token" in (secret.get("data") or {}) else [f"secret {ns}/{name} has no token"]

    return check


def default_service_accounts(client: kubeapi.Client, namespaces: List[str]) -> Check:
    """Pods cannot be created in a namespace before the controller-manager made its `default` ServiceAccount."""

    def check() -> List[str]:
        return [
            f"no default ServiceAccount in {ns}"
            for ns in namespaces
            if client.request("GET", f"/api/v1/namespaces/{ns}/serviceaccounts/default")[0] != 200
        ]

    return check


# -- profiles ----------------------------------------------------------------------------------------------
def seed_a(kubectl: Kubectl, client: kubeapi.Client, workdir: str) -> None:
    diff_demo = m.diff_demo("a")
    kubectl.apply(m.cluster_scoped() + [o for o in diff_demo if o["kind"] == "Namespace"])
    client.call(
        "PATCH",
        f"/api/v1/nodes/{m.NOT_READY_NODE}/status",
        {
            "status": {
                "conditions": [
                    dict(c, lastHeartbeatTime=_now(), lastTransitionTime=_now()) for c in m.NOT_READY_CONDITIONS
                ]
            }
        },
        content_type="application/merge-patch+json",
    )
    kubectl.apply([m.node_lease(m.NOT_READY_NODE, _now(micro=True))])
    crd = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.demo.kpy.io"
    kubeapi.wait_for("CRD widgets established", lambda: _condition(client.get(crd), "Established") == "True", 30)
    wait_settled("default ServiceAccounts", [default_service_accounts(client, ["demo", "shop", "diff-demo"])], 60)

    tls = pki.issue(workdir, "web-tls", "web.demo.example.com", "server", san=["DNS:web.demo.example.com"])
    with open(tls.cert, "rb") as c, open(tls.key, "rb") as k:
        config = m.demo_config(c.read(), k.read())
    kubectl.apply(
        config + m.demo_services() + m.demo_workloads() + m.shop() + [o for o in diff_demo if o["kind"] != "Namespace"]
    )

    # rollouts: each revision must be rolled out before the next, or the controller may skip a ReplicaSet
    for revision in (2, 3):
        wait_settled(f"rollout before revision {revision}", [workloads_done(client, "demo")])
        kubectl.apply([m.web_deployment(revision)] + ([m.api_deployment(revision)] if revision == 2 else []))

    events = m.events(_now(), _now(delta_minutes=5))
    for ev in events:
        ref = ev["involvedObject"]
        group = "api/v1" if ref["apiVersion"] == "v1" else "apis/" + ref["apiVersion"]
        ns = f"namespaces/{ref['namespace']}/" if ref["namespace"] else ""
        ref["uid"] = client.get(f"/{group}/{ns}{ref['kind'].lower()}s/{ref['name']}")["metadata"]["uid"]
    kubectl.apply(events)

    wait_settled(
        "cluster A settled",
        [
            nodes_ready(
                client,
                [n["metadata"]["name"] for n in m.demo_nodes() if n["metadata"]["annotations"]],
                [m.NOT_READY_NODE],
            ),
            workloads_done(client, "demo"),
            workloads_done(client, "shop"),
            workloads_done(client, "diff-demo"),
            endpoints_filled(client, "demo"),
            endpoints_filled(client, "shop"),
            pvcs_bound(client, "demo"),
            quotas_counted(client, "shop"),
            token_filled(client, "demo", "build-bot-token"),
        ],
    )


def seed_b(kubectl: Kubectl, client: kubeapi.Client, workdir: str) -> None:
    objects = m.profile_b() + m.diff_demo("b")
    kubectl.apply([o for o in objects if o["kind"] in ("Node", "Namespace")])
    wait_settled("default ServiceAccount", [default_service_accounts(client, ["beta", "diff-demo"])], 60)
    kubectl.apply([o for o in objects if o["kind"] not in ("Node", "Namespace")])
    wait_settled(
        "cluster B settled",
        [
            nodes_ready(client, [o["metadata"]["name"] for o in objects if o["kind"] == "Node"]),
            workloads_done(client, "beta"),
            workloads_done(client, "diff-demo"),
            endpoints_filled(client, "beta"),
        ],
    )


PROFILES = {"a": seed_a, "b": seed_b}


def _marker_path(profile: str) -> str:
    return f"/api/v1/namespaces/kube-public/configmaps/kpy-seed-{profile}"


def seed(
    kubeconfig: str, context: str, profile: str = "a", kubectl: Optional[str] = None, force: bool = False
) -> Optional[float]:
    """Seed `context` with `profile`; return the seconds it took, or None if it was already seeded."""
    client = kubeapi.Client.from_kubeconfig(kubeconfig, context)
    status, marker = client.request("GET", _marker_path(profile))
    if not force and status == 200 and marker.get("data", {}).get("revision") == m.SEED_REVISION:
        return None
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kpy-seed-") as workdir:
        kc = Kubectl(
            kubectl or os.path.join(controlplane.default_bin_dir(), "kubectl"),
            kubeconfig,
            context,
            os.path.join(workdir, "kube-cache"),
        )
        PROFILES[profile](kc, client, workdir)
        seconds = round(time.monotonic() - t0, 1)
        kc.apply(
            [
                m.obj(
                    "v1",
                    "ConfigMap",
                    m.meta(f"kpy-seed-{profile}", "kube-public"),
                    data={"revision": m.SEED_REVISION, "seconds": str(seconds)},
                )
            ]
        )
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--context", required=True)
    parser.add_argument("--kubectl", help="kubectl binary (default: the one build.sh builds)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="a")
    parser.add_argument("--force", action="store_true", help="apply even if the cluster is already seeded")
    parser.add_argument("--scale", action="store_true", help="create many pods and services (benchmarks)")
    parser.add_argument("--pods", type=int, default=10000)
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--namespace", default="scale")
    args = parser.parse_args(argv)
    if args.scale:
        import seed_scale

        seed_scale.seed_scale(
            kubeapi.Client.from_kubeconfig(args.kubeconfig, args.context),
            args.namespace,
            args.pods,
            args.services,
            args.nodes,
        )
        return 0
    seconds = seed(args.kubeconfig, args.context, args.profile, args.kubectl, args.force)
    print(
        f"profile {args.profile}: " + ("already seeded" if seconds is None else f"seeded in {seconds} s"),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
