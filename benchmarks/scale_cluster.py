#!/usr/bin/env python3
"""The benchmark clusters: started once, reused by every benchmark run, stopped with --down.

    python3 benchmarks/scale_cluster.py                  # start (or reuse) and seed all three setups; print them
    python3 benchmarks/scale_cluster.py --only big       # just one setup (small | big | three)
    python3 benchmarks/scale_cluster.py --down           # stop them all and remove their state

Setups, each a tests/cluster/controlplane.py control plane in its own state dir under ~/.cache/kubectl-py/run/:

- small  (bench-small): two clusters seeded like the test clusters (seed.py profiles a and b; contexts
         bench-small-a, bench-small-b): start-up figures, the remote fleet. bench-small-a also holds namespace
         `remote` for bench_remote.py: 3,000 ConfigMaps and a Deployment + Service `web` with 20 pods.
- big    (bench): one cluster with 10,000 pods and 2,000 services (seed.py --scale, in two namespaces:
         `scale` 8,000 pods / 1,600 services and `scale-2k` 2,000 pods / 400 services) on 10 nodes of 1,000
         pods each; every service is then made a NodePort (every 4th with externalTrafficPolicy Local).
- three  (bench3-1, bench3-2, bench3-3): three clusters (three API servers) with 3,334 + 3,333 + 3,333 pods;
         merged with KUBECONFIG=one:two:three (contexts bench3-1-a, bench3-2-a, bench3-3-a).

A setup is reused when every process in its state dirs still runs and its layout marker (ConfigMap
kube-public/kpy-bench-layout) matches; a half-dead one is stopped and started again. Memory: big ~2 GiB,
three ~2.5 GiB together, small ~1 GiB.

The benchmark scripts call `ensure()` and get `Setup`s back.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "cluster"))
import controlplane  # noqa: E402
import kubeapi  # noqa: E402

LAYOUT_MARKER = "/api/v1/namespaces/kube-public/configmaps/kpy-bench-layout"
LAYOUT_REVISION = "1"


@dataclass
class Seed:
    """One seeding step in cluster `cluster` of its plane: seed.py's `profile`; or, with `configmaps` or
    `replicas`, the remote-benchmark namespace (_seed_remote); else one seed.py --scale run."""

    namespace: str = "scale"
    pods: int = 0
    services: int = 0
    nodes: int = 10
    profile: str = ""
    cluster: str = "a"
    configmaps: int = 0
    replicas: int = 0


@dataclass
class Plane:
    """One control plane (one state dir, one cluster) of a setup."""

    name: str  # state dir name under RUN_DIR; also the context prefix
    seeds: List[Seed]
    nodeport_namespaces: List[str] = field(default_factory=list)  # services made NodePort after seeding
    clusters: int = 1  # API servers in this control plane (contexts <name>-a, <name>-b)

    @property
    def state_dir(self) -> str:
        return os.path.join(controlplane.RUN_DIR, self.name)

    @property
    def context(self) -> str:
        return f"{self.name}-a"

    @property
    def kubeconfig(self) -> str:
        return os.path.join(self.state_dir, "kubeconfig")

    @property
    def cluster_contexts(self) -> List[str]:
        """The admin context of each cluster of the plane."""
        return [f"{self.name}-{c}" for c in controlplane.CLUSTER_NAMES[: self.clusters]]


@dataclass
class Setup:
    name: str
    description: str
    planes: List[Plane]
    node: str = ""  # a node carrying ~1,000 pods (big)
    namespace_2k: str = ""  # a namespace with 2,000 pods (big)
    namespace_remote: str = ""  # 3,000 ConfigMaps and Deployment/Service `web` with 20 pods (small)

    @property
    def kubeconfig(self) -> str:
        """KUBECONFIG value: every plane's file, merged by kubectl and the plugins."""
        return os.pathsep.join(p.kubeconfig for p in self.planes)

    @property
    def contexts(self) -> List[str]:
        return [p.context for p in self.planes]

    @property
    def pods(self) -> int:
        return sum(s.pods for p in self.planes for s in p.seeds)


SETUPS: Dict[str, Setup] = {
    "small": Setup(
        "small",
        "two clusters seeded like the test clusters (profiles a and b); in the first, "
        "namespace remote: 3,000 ConfigMaps, Deployment and Service web with 20 pods",
        [
            Plane(
                "bench-small",
                [Seed(profile="a"), Seed(profile="b", cluster="b"), Seed("remote", configmaps=3000, replicas=20)],
                clusters=2,
            )
        ],
        namespace_remote="remote",
    ),
    "big": Setup(
        "big",
        "one cluster: 10,000 pods on 10 nodes, 2,000 NodePort services",
        [
            Plane(
                "bench",
                [Seed("scale", 8000, 1600, 10), Seed("scale-2k", 2000, 400, 10)],
                nodeport_namespaces=["scale", "scale-2k"],
            )
        ],
        node="scale-node-00",
        namespace_2k="scale-2k",
    ),
    "three": Setup(
        "three",
        "three clusters: 3,334 + 3,333 + 3,333 pods (4 nodes, 667 services each)",
        [Plane(f"bench3-{i}", [Seed("scale", pods, 667, 4)]) for i, pods in ((1, 3334), (2, 3333), (3, 3333))],
    ),
}


def _layout(plane: Plane) -> str:
    return json.dumps(
        {
            "revision": LAYOUT_REVISION,
            "seeds": [s.__dict__ for s in plane.seeds],
            "nodeport": plane.nodeport_namespaces,
            "clusters": plane.clusters,
        },
        sort_keys=True,
    )


def _alive(plane: Plane) -> bool:
    try:
        cp = controlplane.ControlPlane.attach(plane.state_dir)
    except (controlplane.ClusterError, ValueError):
        return False
    if cp.state.get("status") != "running" or cp.dead():
        return False
    try:
        return cp.client(plane.context).request("GET", "/readyz")[0] == 200
    except (OSError, KeyError):
        return False


def _seeded(client: kubeapi.Client, plane: Plane) -> bool:
    status, marker = client.request("GET", LAYOUT_MARKER)
    return status == 200 and marker.get("data", {}).get("layout") == _layout(plane)


def _make_nodeports(client: kubeapi.Client, namespace: str) -> int:
    """Turn the namespace's ClusterIP services into NodePorts (every 4th with externalTrafficPolicy Local, so the
    plugin's EndpointSlice join is exercised); returns how many were patched. Idempotent."""
    todo = [
        s["metadata"]["name"]
        for s in client.list_items(f"/api/v1/namespaces/{namespace}/services")
        if s["spec"]["type"] == "ClusterIP"
    ]

    def patch(name: str) -> None:
        spec = {"type": "NodePort"}
        if int(name.rsplit("-", 1)[1]) % 4 == 0:
            spec["externalTrafficPolicy"] = "Local"
        client.call(
            "PATCH",
            f"/api/v1/namespaces/{namespace}/services/{name}",
            {"spec": spec},
            content_type="application/merge-patch+json",
        )

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(patch, todo))
    return len(todo)


def _log(message: str) -> None:
    print(f"[scale_cluster] {message}", file=sys.stderr, flush=True)


def _seed_scale(client: kubeapi.Client, s: Seed, attempts: int = 3) -> None:
    """seed_scale.seed_scale, tried again when its progress poll trips over an empty metadata-only list
    (`"items": null` before the first pod runs makes seed_scale._count raise TypeError); a re-run is cheap:
    existing objects count as created."""
    import seed_scale

    for attempt in range(1, attempts + 1):
        try:
            seed_scale.seed_scale(client, s.namespace, s.pods, s.services, s.nodes)
            return
        except TypeError as e:
            if attempt == attempts:
                raise
            _log(f"seed_scale failed ({e}), again")
            time.sleep(5)


def _configmap(namespace: str, i: int) -> dict:
    """~1 KB of typical application configuration."""
    import manifests as m

    properties = "\n".join(f"app.setting.{k:02d}=value-{i}-{k}" for k in range(30))
    return m.obj(
        "v1",
        "ConfigMap",
        m.meta(f"app-config-{i:05d}", namespace, {"app": f"app-{i % 50:02d}"}),
        data={
            "mode": "staging" if i % 3 == 0 else "production",
            "LOG_LEVEL": "info",
            "application.properties": properties,
        },
    )


def _seed_remote(client: kubeapi.Client, s: Seed) -> None:
    """Namespace `s.namespace` with `s.configmaps` ConfigMaps and a Deployment + Service `web` of `s.replicas`
    pods; returns once the pods are ready and the Service's endpoints filled. Idempotent."""
    import manifests as m
    import seed as seeder
    import seed_scale

    ns = s.namespace
    client.create("/api/v1/namespaces", m.namespace(ns))
    seeder.wait_settled(f"default ServiceAccount in {ns}", [seeder.default_service_accounts(client, [ns])], 60)
    seed_scale._create_all(
        client, f"/api/v1/namespaces/{ns}/configmaps", [_configmap(ns, i) for i in range(s.configmaps)]
    )
    template = m.pod_template(
        {"app": "web"},
        [m.container("web", "nginx:1.27.4", ports=[("http", 8080)], res=m.resources("10m", "32Mi", "50m", "64Mi"))],
    )
    client.create(f"/apis/apps/v1/namespaces/{ns}/deployments", m.deployment(ns, "web", s.replicas, template))
    client.create(f"/api/v1/namespaces/{ns}/services", m.service(ns, "web", {"app": "web"}, [m.port(80, "http")]))
    seeder.wait_settled(
        f"{ns}: web rolled out", [seeder.workloads_done(client, ns), seeder.endpoints_filled(client, ns)], 300
    )


def ensure_plane(plane: Plane) -> None:
    if not _alive(plane):
        if os.path.exists(plane.state_dir):
            _log(f"{plane.name}: not (fully) running, restarting")
            try:
                controlplane.ControlPlane.attach(plane.state_dir).stop()
            except (controlplane.ClusterError, ValueError):
                controlplane._remove(plane.state_dir)
        _log(f"{plane.name}: starting")
        controlplane.ControlPlane.start(plane.clusters, plane.state_dir, context_prefix=plane.name)
    client = kubeapi.Client.from_kubeconfig(plane.kubeconfig, plane.context)
    if _seeded(client, plane):
        return
    import seed as seeder

    t0 = time.monotonic()
    for s in plane.seeds:
        _log(f"{plane.name}: seeding {s}")
        context = f"{plane.name}-{s.cluster}"
        if s.profile:
            seeder.seed(plane.kubeconfig, context, s.profile)
        elif s.configmaps or s.replicas:
            _seed_remote(kubeapi.Client.from_kubeconfig(plane.kubeconfig, context), s)
        else:
            _seed_scale(kubeapi.Client.from_kubeconfig(plane.kubeconfig, context), s)
    for ns in plane.nodeport_namespaces:
        _log(f"{plane.name}: {_make_nodeports(client, ns)} services in {ns} made NodePort")
    marker = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kpy-bench-layout", "namespace": "kube-public"},
        "data": {"layout": _layout(plane), "seconds": f"{time.monotonic() - t0:.0f}"},
    }
    if client.request("GET", LAYOUT_MARKER)[0] == 200:
        client.call("PUT", LAYOUT_MARKER, marker)
    else:
        client.call("POST", LAYOUT_MARKER.rsplit("/", 1)[0], marker)
    _log(f"{plane.name}: seeded in {time.monotonic() - t0:.0f} s")


def ensure(names=("small", "big", "three")) -> Dict[str, Setup]:
    """Start or reuse the named setups (seeded) and return them."""
    for name in names:
        for plane in SETUPS[name].planes:
            ensure_plane(plane)
    return {name: SETUPS[name] for name in names}


def down() -> None:
    for setup in SETUPS.values():
        for plane in setup.planes:
            if os.path.exists(plane.state_dir):
                try:
                    notes = controlplane.ControlPlane.attach(plane.state_dir).stop()
                except (controlplane.ClusterError, ValueError):
                    controlplane._remove(plane.state_dir)
                    notes = []
                _log(f"{plane.name}: stopped" + (f" ({'; '.join(notes)})" if notes else ""))


def describe(setups: Dict[str, Setup]) -> str:
    lines = []
    for s in setups.values():
        lines.append(
            f"{s.name}: {s.description}\n  export KUBECONFIG={s.kubeconfig}\n  contexts: {','.join(s.contexts)}"
        )
        if s.node:
            lines.append(f"  node with ~1,000 pods: {s.node}; namespace with 2,000 pods: {s.namespace_2k}")
        if s.namespace_remote:
            lines.append(
                f"  contexts of each cluster: {','.join(c for p in s.planes for c in p.cluster_contexts)}; "
                f"namespace with 3,000 ConfigMaps and Deployment/Service web: {s.namespace_remote}"
            )
    lines.append(f"stop: python3 {os.path.relpath(__file__)} --down")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(SETUPS), help="setup(s) to start (default: all)")
    parser.add_argument("--down", action="store_true", help="stop every benchmark cluster")
    args = parser.parse_args(argv)
    if args.down:
        down()
        return 0
    try:
        setups = ensure(args.only or tuple(SETUPS))
    except (controlplane.ClusterError, TimeoutError, kubeapi.ApiError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(describe(setups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
