"""A fleet of many contexts in one kubeconfig (stdlib only), for the "fleets of a thousand" test and
benchmark: most contexts answer, some are hung, some refuse connections, some trickle.

    with fleet.FleetServers(plane) as servers:
        f = fleet.write_fleet(path, plane, servers, size=1000)
        f.kubeconfig, f.kinds[context], f.base[context], f.of("hung"), f.failing

`plane` is a controlplane.ControlPlane with two clusters. The answering contexts alternate over its clusters
and point straight at their API servers (many contexts per cluster, as in real fleets; each context still opens
its own connection). The failing ones share a handful of stand-ins of tests/cluster/faults.py, so the fleet
costs the process that runs it a few listeners and a thread per connection a stand-in holds, not one per
context:

    hung       faults.HungServer: accepts TCP, never speaks (the TLS handshake never completes)
    refusing   a loopback port bound but not listening: every connection is refused (the port stays ours)
    trickling  faults.HttpFaultProxy answering every request with faults.trickled_headers() (half of them)
               or faults.trickled_body() (the other half), a byte every 0.2 s, forever

Every context has its own cluster and user entries (certificates embedded, as generated fleet kubeconfigs
have them): the failing ones cluster A's CA and admin, so TLS verification stays on everywhere.
"""

import json
import os
import random
import socket
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faults  # noqa: E402
import kubeapi  # noqa: E402

ANSWERING, HUNG, REFUSING, TRICKLING = "answering", "hung", "refusing", "trickling"
FAILING_KINDS = (HUNG, REFUSING, TRICKLING)
FRACTIONS = {HUNG: 0.05, REFUSING: 0.05, TRICKLING: 0.02}  # the rest answer


class FleetServers:
    """The stand-ins every failing context of a fleet points at (a context manager): `.url[name]` for
    "hung", "refusing", "trickled-headers", "trickled-body". They live `lifetime` seconds at most."""

    def __init__(self, plane, lifetime: float = faults.DEFAULT_LIFETIME):
        self.hung = faults.HungServer(lifetime=lifetime)
        self.trickled_headers = faults.fault_proxy_for(
            plane, [faults.Fault(faults.trickled_headers())], lifetime=lifetime
        )
        self.trickled_body = faults.fault_proxy_for(plane, [faults.Fault(faults.trickled_body())], lifetime=lifetime)
        self._refusing: Optional[socket.socket] = None
        self.url: Dict[str, str] = {}

    def __enter__(self):
        tools = (self.hung, self.trickled_headers, self.trickled_body)
        try:
            for tool in tools:
                tool.start()
            self._refusing = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._refusing.bind((faults.LOOPBACK, 0))  # bound, never listening: connections are refused
        except BaseException:
            self.__exit__()
            raise
        self.url = {
            "hung": self.hung.url,
            "trickled-headers": self.trickled_headers.url,
            "trickled-body": self.trickled_body.url,
            "refusing": f"https://{faults.LOOPBACK}:{self._refusing.getsockname()[1]}",
        }
        return self

    def __exit__(self, *exc) -> None:
        if self._refusing is not None:
            self._refusing.close()
            self._refusing = None
        for tool in (self.hung, self.trickled_headers, self.trickled_body):
            if tool.port:
                tool.stop()

    def connections(self) -> Dict[str, int]:
        """Connections each stand-in accepted so far."""
        return {
            "hung": self.hung.connections,
            "trickled-headers": self.trickled_headers.connections,
            "trickled-body": self.trickled_body.connections,
        }


@dataclass
class Fleet:
    kubeconfig: str
    kinds: Dict[str, str] = field(default_factory=dict)  # context -> ANSWERING | HUNG | REFUSING | TRICKLING
    base: Dict[str, str] = field(default_factory=dict)  # answering context -> the real cluster's context

    def of(self, kind: str) -> List[str]:
        return [name for name, k in self.kinds.items() if k == kind]

    @property
    def failing(self) -> List[str]:
        return [name for name, k in self.kinds.items() if k != ANSWERING]


def plan(size: int, fractions: Dict[str, float] = FRACTIONS, seed: int = 1000) -> List[str]:
    """The kind of each of `size` contexts: round(size * fraction) of each failing kind, spread over the
    fleet in a fixed pseudo-random order (not bunched at one end of the kubeconfig)."""
    kinds = [kind for kind in FAILING_KINDS for _ in range(round(size * fractions.get(kind, 0)))]
    if len(kinds) > size:
        raise ValueError(f"fractions {fractions} leave no room in a fleet of {size}")
    kinds += [ANSWERING] * (size - len(kinds))
    random.Random(seed).shuffle(kinds)
    return kinds


def write_fleet(
    path: str, plane, servers: FleetServers, size: int = 1000, fractions: Dict[str, float] = FRACTIONS, seed: int = 1000
) -> Fleet:
    """Write a kubeconfig of `size` contexts to `path` (0600) and say which context is which. Context names
    say their kind: fleet-0001-a (answering, served by cluster A), fleet-0002-hung, fleet-0003-trickling ..."""
    config = kubeapi.load_kubeconfig(plane.kubeconfig)
    real = [c.context for c in plane.clusters]
    entries = {}
    for context in real:
        ctx = kubeapi._named(config["contexts"], context, "context")
        entries[context] = (
            kubeapi._named(config["clusters"], ctx["cluster"], "cluster"),
            kubeapi._named(config["users"], ctx["user"], "user"),
        )
    doc = {"apiVersion": "v1", "kind": "Config", "preferences": {}, "clusters": [], "users": [], "contexts": []}
    fleet = Fleet(path)
    trickled = 0
    for i, kind in enumerate(plan(size, fractions, seed), 1):
        if kind == ANSWERING:
            base = real[i % len(real)]
            name = f"fleet-{i:04d}-{base.rsplit('-', 1)[-1]}"
            cluster, user = entries[base]
            fleet.base[name] = base
        else:
            name = f"fleet-{i:04d}-{kind}"
            cluster, user = entries[real[0]]
            stand_in = kind
            if kind == TRICKLING:
                stand_in = ("trickled-headers", "trickled-body")[trickled % 2]
                trickled += 1
            cluster = dict(cluster, server=servers.url[stand_in])
        fleet.kinds[name] = kind
        doc["clusters"].append({"name": name, "cluster": dict(cluster)})
        doc["users"].append({"name": name, "user": dict(user)})
        doc["contexts"].append({"name": name, "context": {"cluster": name, "user": name}})
    doc["current-context"] = next(iter(fleet.base))
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        if kubeapi.yaml:  # block YAML, as kubeconfigs are written; JSON (which is YAML too) without PyYAML
            kubeapi.yaml.dump(
                doc, f, Dumper=getattr(kubeapi.yaml, "CSafeDumper", kubeapi.yaml.SafeDumper), sort_keys=False
            )
        else:
            json.dump(doc, f, indent=1)
    return fleet
