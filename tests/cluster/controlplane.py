#!/usr/bin/env python3
"""One or two real Kubernetes control planes on loopback, for tests, benchmarks and demos.

Per cluster: kube-apiserver (TLS, own CA, client-certificate users, RBAC), kube-controller-manager,
kube-scheduler and kwok (fake nodes and pod lifecycles); one etcd serves both clusters under distinct
`--etcd-prefix`es. Binaries come from tests/cluster/build.sh. Everything a run needs lives in one state
directory (default ~/.cache/kubectl-py/run/<name>): state.json (pids, ports, paths), the merged kubeconfig,
PKI, etcd data and one log file per process. `down` from any process stops exactly the recorded pids, in
dependency order, and removes the directory.

    python tests/cluster/controlplane.py up [--clusters 1|2] [--dir DIR | --name NAME]   # prints the kubeconfig
                                            [--context-prefix PREFIX] [--apiserver-flag FLAG ...]
    python tests/cluster/controlplane.py env [--dir DIR]                                 # export KUBECONFIG=...
    python tests/cluster/controlplane.py down [--dir DIR]

From Python: `cp = ControlPlane.start(n_clusters=2)`; then `cp.kubeconfig`, `cp.kubectl`, `cp.bin_dir`,
`cp.logs()`, `cp.stop()`; `ControlPlane.attach(state_dir)` for one started elsewhere.

Kubeconfig contexts (an API for tests): kpy-a, kpy-b (admins), kpy-a-ns-viewer (`view` in namespace team-a
only), kpy-a-get-only (`get` on services, nodes, pods, deployments), kpy-down (a closed port); current: kpy-a.
`--context-prefix P` (`context_prefix=`) names them P-a, P-b, P-a-ns-viewer, ... instead (clusters and users too),
so that the kubeconfigs of several control planes merge without collisions (KUBECONFIG=one:two).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kubeapi  # noqa: E402
import pki  # noqa: E402
import procs  # noqa: E402

K8S_VERSION = "v1.37.2"
HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("KUBECTL_PY_CACHE", os.path.expanduser("~/.cache/kubectl-py"))
RUN_DIR = os.path.join(CACHE, "run")
BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "kwok")
SERVICE_CIDR = "10.96.0.0/16"
POD_CIDR = "10.244.0.0/16"  # kwok's pod IPs; must not overlap SERVICE_CIDR
CLUSTER_NAMES = ("a", "b")
CONTEXT_PREFIX = "kpy"
TIER_ETCD, TIER_APISERVER, TIER_CONTROLLERS, TIER_KWOK = range(4)


class ClusterError(RuntimeError):
    """The control plane could not be built or started; the message says why."""


def default_bin_dir() -> str:
    return os.path.join(CACHE, "bin", K8S_VERSION)


def build() -> str:
    """Run build.sh (a no-op when the binaries are current) and return the bin directory it prints."""
    proc = subprocess.run(
        ["bash", os.path.join(HERE, "build.sh")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if proc.returncode != 0:
        raise ClusterError(f"tests/cluster/build.sh failed (rc {proc.returncode}):\n{_tail(proc.stderr, 30)}")
    return proc.stdout.strip().splitlines()[-1]


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Cluster:
    """One cluster's coordinates. `context` is its admin context in the merged kubeconfig."""

    name: str
    context: str
    server: str
    dir: str
    etcd_prefix: str
    admin_kubeconfig: str  # file-based admin kubeconfig the cluster's own components use


class ControlPlane:
    """A running set of clusters, described by `<state_dir>/state.json`."""

    def __init__(self, state_dir: str, state: Dict):
        self.state_dir = state_dir
        self.state = state

    # -- read-only views ---------------------------------------------------------------------------------
    @property
    def kubeconfig(self) -> str:
        return self.state["kubeconfig"]

    @property
    def bin_dir(self) -> str:
        return self.state["bin_dir"]

    @property
    def kubectl(self) -> str:
        """The built v1.37.2 kubectl: the oracle for tests."""
        return os.path.join(self.bin_dir, "kubectl")

    @property
    def clusters(self) -> List[Cluster]:
        return [Cluster(**c) for c in self.state["clusters"]]

    @property
    def processes(self) -> List[Dict]:
        return self.state["processes"]

    @property
    def env(self) -> Dict[str, str]:
        """Environment for a subprocess that should talk to these clusters (kubectl or a plugin)."""
        return dict(os.environ, KUBECONFIG=self.kubeconfig, KUBECACHEDIR=os.path.join(self.state_dir, "kube-cache"))

    def logs(self) -> Dict[str, str]:
        """Process name (e.g. "kube-apiserver-a") -> its log file."""
        return {p["name"]: p["log"] for p in self.processes}

    def log_tails(self, lines: int = 15, width: int = 300, names: Optional[List[str]] = None) -> str:
        """The last lines of the logs of `names` (default: every process), for a failure report."""
        out = []
        for name, path in self.logs().items():
            if names is not None and name not in names:
                continue
            try:
                with open(path, errors="replace") as f:
                    text = _tail(f.read(), lines)
            except FileNotFoundError:
                text = "(no log)"
            out.append(f"----- {name} ({path}) -----\n" + "\n".join(line[:width] for line in text.splitlines()))
        return "\n".join(out)

    def dead(self) -> List[str]:
        """Names of recorded processes that are no longer running."""
        return [p["name"] for p in self.processes if procs.exited(p)]

    def rss_bytes(self) -> Dict[str, int]:
        return {p["name"]: procs.rss_bytes(p["pid"]) for p in self.processes}

    def client(self, context: str = "kpy-a") -> kubeapi.Client:
        return kubeapi.Client.from_kubeconfig(self.kubeconfig, context)

    # -- lifecycle ---------------------------------------------------------------------------------------
    @classmethod
    def attach(cls, state_dir: str) -> "ControlPlane":
        """The control plane recorded in `state_dir` (started by another process)."""
        path = os.path.join(state_dir, "state.json")
        try:
            with open(path) as f:
                return cls(state_dir, json.load(f))
        except FileNotFoundError:
            raise ClusterError(f"no control plane recorded in {state_dir} ({path} missing)") from None

    @classmethod
    def start(
        cls,
        n_clusters: int = 1,
        state_dir: Optional[str] = None,
        bin_dir: Optional[str] = None,
        die_with_parent: bool = False,
        context_prefix: str = CONTEXT_PREFIX,
        apiserver_flags: Sequence[str] = (),
    ) -> "ControlPlane":
        """Start `n_clusters` (1 or 2) clusters and return once each is serving and its controllers run.

        `die_with_parent` makes the processes die with this Python process (for test sessions); without it
        they outlive it (for the CLI). `apiserver_flags` are added to every kube-apiserver's command line
        (e.g. "--min-request-timeout=5"). On any failure, whatever was started is stopped again and ClusterError
        carries the reason and the logs' tails.
        """
        if n_clusters not in (1, 2):
            raise ValueError("n_clusters must be 1 or 2")
        if not context_prefix or any(ch.isspace() or ch in ":/" for ch in context_prefix):
            raise ValueError(f"invalid context prefix {context_prefix!r}")
        state_dir = os.path.abspath(state_dir or os.path.join(RUN_DIR, "default"))
        bin_dir = bin_dir or default_bin_dir()
        missing = [b for b in BINARIES if not os.access(os.path.join(bin_dir, b), os.X_OK)]
        if missing:
            raise ClusterError(f"missing {', '.join(missing)} in {bin_dir}: run tests/cluster/build.sh")
        _clear_stale(state_dir)
        os.makedirs(os.path.join(state_dir, "logs"))
        t0 = time.monotonic()
        cp = cls(
            state_dir,
            {
                "version": 1,
                "owner_pid": os.getpid(),
                "bin_dir": bin_dir,
                "kubeconfig": os.path.join(state_dir, "kubeconfig"),
                "context_prefix": context_prefix,
                "clusters": [],
                "processes": [],
                "status": "starting",
            },
        )
        try:
            _Starter(cp, die_with_parent, apiserver_flags).run(CLUSTER_NAMES[:n_clusters])
        except BaseException as e:  # KeyboardInterrupt too: never leave half a control plane running
            dead = cp.dead()
            tails = cp.log_tails(lines=20, names=dead or None)  # an early exit is the likely cause
            cp.stop(keep_logs=True)
            if isinstance(e, Exception):
                raise ClusterError(
                    f"control plane failed to start: {e}\n"
                    f"exited early: {', '.join(dead) or 'none'}\nlogs in {state_dir}/logs:\n"
                    f"{tails}"
                ) from e
            raise
        cp.state["startup_seconds"] = round(time.monotonic() - t0, 2)
        cp.state["status"] = "running"
        cp._save()
        return cp

    def stop(self, keep_logs: bool = False) -> List[str]:
        """Stop the recorded processes (reverse dependency order, bounded waits) and remove the state
        directory, or everything in it but the logs and state.json. Returns notes about forced kills."""
        notes = procs.stop_all(self.processes)
        self.state["status"] = "stopped"
        if keep_logs:
            self._save()
            for entry in os.listdir(self.state_dir):
                if entry not in ("logs", "state.json"):
                    _remove(os.path.join(self.state_dir, entry))
        else:
            _remove(self.state_dir)
        return notes

    def _save(self) -> None:
        """Write state.json atomically; called after every process start so `down` always sees every pid."""
        tmp = os.path.join(self.state_dir, "state.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.state, f, indent=2)
        os.replace(tmp, os.path.join(self.state_dir, "state.json"))


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.exists(path):
        os.remove(path)


def _clear_stale(state_dir: str) -> None:
    """Refuse a state dir whose control plane still runs; clean one left by a crashed run."""
    if not os.path.exists(state_dir):
        return
    if os.path.exists(os.path.join(state_dir, "state.json")):
        old = ControlPlane.attach(state_dir)
        if len(old.dead()) < len(old.processes):
            raise ClusterError(
                f"a control plane is already running in {state_dir}: `controlplane.py down --dir {state_dir}` first"
            )
        old.stop()
    _remove(state_dir)


def sweep_orphans(prefix: str) -> None:
    """Stop and remove run dirs named `<prefix>*` whose owner process is gone (a test session killed -9)."""
    if not os.path.isdir(RUN_DIR):
        return
    for entry in os.listdir(RUN_DIR):
        path = os.path.join(RUN_DIR, entry)
        if not entry.startswith(prefix):
            continue
        try:
            cp = ControlPlane.attach(path)
        except (ClusterError, ValueError):
            _remove(path)
            continue
        if not os.path.exists(f"/proc/{cp.state.get('owner_pid')}"):
            cp.stop()


class _Starter:
    """The start-up sequence; fills `cp.state` as it goes."""

    def __init__(self, cp: ControlPlane, die_with_parent: bool, apiserver_flags: Sequence[str] = ()):
        self.cp = cp
        self.apiserver_flags = list(apiserver_flags)
        self.die_with_parent = die_with_parent
        self.bin = cp.bin_dir
        self.dir = cp.state_dir
        self.pki: Dict[str, Dict[str, pki.KeyPair]] = {}

    def spawn(self, binary: str, cluster: Optional[Cluster], tier: int, *args: str) -> None:
        name = f"{binary}-{cluster.name}" if cluster else binary
        record = procs.spawn(
            name,
            [os.path.join(self.bin, binary), *args],
            os.path.join(self.dir, "logs", f"{name}.log"),
            tier,
            self.die_with_parent,
        )
        self.cp.processes.append(record)
        self.cp._save()

    def run(self, names) -> None:
        etcd_url = self.start_etcd()
        clusters = [self.make_cluster(n) for n in names]
        self.cp.state["clusters"] = [asdict(c) for c in clusters]
        for c in clusters:
            self.start_apiserver(c, etcd_url)
        clients = {c.name: self.admin_client(c) for c in clusters}
        for c in clusters:
            kubeapi.wait_for(
                f"kube-apiserver-{c.name} /readyz",
                lambda: self.alive() and clients[c.name].request("GET", "/readyz")[0] == 200,
                60,
            )
        for c in clusters:
            self.start_controllers(c)
        prefix = self.cp.state["context_prefix"]
        write_kubeconfig(self.cp.kubeconfig, clusters, self.pki, prefix)
        self.cp.state["kubeconfig_contexts"] = contexts(clusters, prefix)
        bootstrap_rbac(clients["a"])
        for c in clusters:
            # the controller-manager creates every namespace's `default` ServiceAccount: proof it runs
            kubeapi.wait_for(
                f"ServiceAccount default/default in cluster {c.name}",
                lambda: (
                    self.alive()
                    and clients[c.name].request("GET", "/api/v1/namespaces/default/serviceaccounts/default")[0] == 200
                ),
                60,
            )
        for c in clusters:
            self.start_kwok(c)
        time.sleep(0.3)
        self.alive()

    def alive(self) -> bool:
        dead = self.cp.dead()
        if dead:
            raise ClusterError(f"{', '.join(dead)} exited")
        return True

    def start_etcd(self) -> str:
        client, peer = procs.free_port(), procs.free_port()
        url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
        self.spawn(
            "etcd",
            None,
            TIER_ETCD,
            "--name=kpy",
            f"--data-dir={self.dir}/etcd",
            f"--listen-client-urls={url}",
            f"--advertise-client-urls={url}",
            f"--listen-peer-urls={peer_url}",
            f"--initial-advertise-peer-urls={peer_url}",
            f"--initial-cluster=kpy={peer_url}",
            "--unsafe-no-fsync",  # throw-away data: fsync only slows scale seeding
            "--log-level=warn",
        )
        self.cp.state["etcd"] = {"url": url, "data_dir": f"{self.dir}/etcd"}
        kubeapi.wait_for("etcd /health", lambda: self.alive() and _http_ok(url + "/health"), 30, 0.1)
        return url

    def make_cluster(self, name: str) -> Cluster:
        """PKI and coordinates of cluster `name` (nothing started yet)."""
        cdir = os.path.join(self.dir, name)
        os.makedirs(cdir)
        ca = pki.issue(cdir, "ca", f"kpy-{name}-ca", "ca")
        keys = {
            "ca": ca,
            "serving": pki.issue(
                cdir,
                "apiserver",
                "kube-apiserver",
                "server",
                ca,
                san=[
                    "DNS:localhost",
                    "DNS:kubernetes",
                    "DNS:kubernetes.default",
                    "DNS:kubernetes.default.svc",
                    "DNS:kubernetes.default.svc.cluster.local",
                    "IP:127.0.0.1",
                    "IP:10.96.0.1",
                ],
            ),
            "sa": pki.signing_key(cdir, "sa"),
            "admin": pki.issue(cdir, "admin", "admin", "client", ca, org="system:masters"),
        }
        if name == "a":  # limited users: CN only, no group
            for user in ("ns-viewer", "get-only"):
                keys[user] = pki.issue(cdir, user, user, "client", ca)
        self.pki[name] = keys
        cluster = Cluster(
            name=name,
            context=f"{self.cp.state['context_prefix']}-{name}",
            server=f"https://127.0.0.1:{procs.free_port()}",
            dir=cdir,
            etcd_prefix=f"/kpy-{name}/registry",
            admin_kubeconfig=os.path.join(cdir, "admin.kubeconfig"),
        )
        _write_yaml(
            cluster.admin_kubeconfig,
            kubeconfig_doc(
                [(cluster.context, cluster.context, cluster.server, ca, "admin", keys["admin"])], cluster.context
            ),
        )
        return cluster

    def admin_client(self, c: Cluster) -> kubeapi.Client:
        keys = self.pki[c.name]
        return kubeapi.Client(c.server, keys["ca"].cert, keys["admin"].cert, keys["admin"].key, timeout=10)

    def start_apiserver(self, c: Cluster, etcd_url: str) -> None:
        keys = self.pki[c.name]
        port = c.server.rsplit(":", 1)[1]
        self.spawn(
            "kube-apiserver",
            c,
            TIER_APISERVER,
            f"--etcd-servers={etcd_url}",
            f"--etcd-prefix={c.etcd_prefix}",
            "--bind-address=127.0.0.1",
            f"--secure-port={port}",
            "--advertise-address=127.0.0.1",
            # the default reconciler cannot publish the `kubernetes` Service's endpoints for a
            # loopback advertise address
            "--endpoint-reconciler-type=none",
            f"--tls-cert-file={keys['serving'].cert}",
            f"--tls-private-key-file={keys['serving'].key}",
            f"--client-ca-file={keys['ca'].cert}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={keys['sa'].cert}",
            f"--service-account-signing-key-file={keys['sa'].key}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--service-node-port-range=30000-32767",
            "--authorization-mode=RBAC",
            "--allow-privileged=true",
            "--event-ttl=24h",  # seeded Events must outlive a long-running developer cluster
            *self.apiserver_flags,
        )

    def start_controllers(self, c: Cluster) -> None:
        keys = self.pki[c.name]
        common = [
            f"--kubeconfig={c.admin_kubeconfig}",
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=0",  # no health/metrics endpoint needed; saves two ports per cluster
            "--kube-api-qps=500",
            "--kube-api-burst=1000",
        ]  # default 20/30 makes scale seeding crawl
        self.spawn(
            "kube-controller-manager",
            c,
            TIER_CONTROLLERS,
            *common,
            f"--root-ca-file={keys['ca'].cert}",
            f"--service-account-private-key-file={keys['sa'].key}",
            f"--cluster-signing-cert-file={keys['ca'].cert}",
            f"--cluster-signing-key-file={keys['ca'].key}",
            # A node without kwok never heartbeats; with the default 50 s grace the node lifecycle
            # controller would turn the Ready=False we write into Unknown. A long grace keeps it as
            # written, like a kubelet that keeps reporting NotReady.
            "--node-monitor-grace-period=8760h",
        )
        self.spawn("kube-scheduler", c, TIER_CONTROLLERS, *common)

    def start_kwok(self, c: Cluster) -> None:
        self.spawn(
            "kwok",
            c,
            TIER_KWOK,
            f"--kubeconfig={c.admin_kubeconfig}",
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
            f"--cidr={POD_CIDR}",
            "--node-ip=10.0.0.1",
            "--node-lease-duration-seconds=40",
        )


def _http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as resp:
        return resp.status == 200


# -- kubeconfig ------------------------------------------------------------------------------------------
def contexts(clusters: List[Cluster], prefix: str = CONTEXT_PREFIX) -> List[str]:
    names = [c.context for c in clusters]
    return names[:1] + [f"{prefix}-a-ns-viewer", f"{prefix}-a-get-only", f"{prefix}-down"] + names[1:]


def kubeconfig_doc(entries, current: str) -> Dict:
    """A kubeconfig from entries (context, cluster name, server, CA KeyPair, user name, user KeyPair), with
    every certificate embedded; clusters and users named by several contexts are written once."""
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [],
        "users": [],
        "contexts": [],
        "current-context": current,
    }
    for context, cluster, server, ca, user, keys in entries:
        if cluster not in [c["name"] for c in doc["clusters"]]:
            doc["clusters"].append(
                {"name": cluster, "cluster": {"server": server, "certificate-authority-data": ca.cert_data()}}
            )
        if user not in [u["name"] for u in doc["users"]]:
            doc["users"].append(
                {
                    "name": user,
                    "user": {"client-certificate-data": keys.cert_data(), "client-key-data": keys.key_data()},
                }
            )
        doc["contexts"].append({"name": context, "context": {"cluster": cluster, "user": user}})
    return doc


def write_kubeconfig(
    path: str, clusters: List[Cluster], keys: Dict[str, Dict[str, pki.KeyPair]], prefix: str = CONTEXT_PREFIX
) -> None:
    """The merged kubeconfig of the module docstring; every context, cluster and user name starts with `prefix`."""
    a, ka, p = clusters[0], keys["a"], prefix
    # a server that refuses connections: a loopback port that was free a moment ago and that nobody binds
    down = f"https://127.0.0.1:{procs.free_port()}"
    entries = [
        (a.context, a.context, a.server, ka["ca"], f"{a.context}-admin", ka["admin"]),
        (f"{p}-a-ns-viewer", a.context, a.server, ka["ca"], f"{p}-a-ns-viewer", ka["ns-viewer"]),
        (f"{p}-a-get-only", a.context, a.server, ka["ca"], f"{p}-a-get-only", ka["get-only"]),
        (f"{p}-down", f"{p}-down", down, ka["ca"], f"{a.context}-admin", ka["admin"]),
    ]
    entries += [
        (c.context, c.context, c.server, keys[c.name]["ca"], f"{c.context}-admin", keys[c.name]["admin"])
        for c in clusters[1:]
    ]
    _write_yaml(path, kubeconfig_doc(entries, a.context))


def _write_yaml(path: str, doc: Dict) -> None:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        if kubeapi.yaml:
            kubeapi.yaml.safe_dump(doc, f, sort_keys=False)
        else:
            json.dump(doc, f, indent=2)


# -- RBAC for the limited users ----------------------------------------------------------------------------
def bootstrap_rbac(client: kubeapi.Client) -> None:
    """Namespace team-a; ns-viewer may `view` in team-a only; get-only may only `get` a few kinds."""
    rbac = "/apis/rbac.authorization.k8s.io/v1"
    client.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    client.create(
        f"{rbac}/namespaces/team-a/rolebindings",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "ns-viewer-view", "namespace": "team-a"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "ns-viewer"}],
        },
    )
    client.create(
        f"{rbac}/clusterroles",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "get-only"},
            "rules": [
                {"apiGroups": [""], "resources": ["services", "nodes", "pods"], "verbs": ["get"]},
                {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]},
            ],
        },
    )
    client.create(
        f"{rbac}/clusterrolebindings",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "get-only"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "get-only"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "get-only"}],
        },
    )


# -- CLI ---------------------------------------------------------------------------------------------------
def _state_dir(args) -> str:
    return os.path.abspath(args.dir or os.path.join(RUN_DIR, args.name))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "down", "env"):
        p = sub.add_parser(name)
        p.add_argument("--dir", help="state directory (default ~/.cache/kubectl-py/run/NAME)")
        p.add_argument("--name", default="default", help="run name when --dir is not given")
        if name == "up":
            p.add_argument("--clusters", type=int, choices=(1, 2), default=1)
            p.add_argument("--bin-dir", help="binaries (default: what build.sh builds)")
            p.add_argument(
                "--context-prefix",
                default=CONTEXT_PREFIX,
                help="first part of every kubeconfig name: PREFIX-a, PREFIX-b, PREFIX-a-ns-viewer, ... "
                "(default %(default)s); distinct prefixes let kubeconfigs merge",
            )
            p.add_argument(
                "--apiserver-flag",
                action="append",
                default=[],
                metavar="FLAG",
                help="add FLAG to kube-apiserver's command line, e.g. --apiserver-flag=--min-request-timeout=5 "
                "(repeatable)",
            )
    args = parser.parse_args(argv)
    state_dir = _state_dir(args)
    try:
        if args.command == "up":
            cp = ControlPlane.start(
                args.clusters,
                state_dir,
                args.bin_dir,
                context_prefix=args.context_prefix,
                apiserver_flags=args.apiserver_flag,
            )
            rss = sum(cp.rss_bytes().values()) / 2**20
            print(
                f"started {args.clusters} cluster(s) in {cp.state['startup_seconds']} s, "
                f"RSS {rss:.0f} MiB, contexts {', '.join(cp.state['kubeconfig_contexts'])}; "
                f"state in {state_dir}",
                file=sys.stderr,
            )
            print(cp.kubeconfig)
        elif args.command == "env":
            print(f"export KUBECONFIG={ControlPlane.attach(state_dir).kubeconfig}")
        else:
            for note in ControlPlane.attach(state_dir).stop():
                print(note, file=sys.stderr)
    except ClusterError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
