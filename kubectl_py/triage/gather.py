"""What py-triage reads in one context: one list per kind, every first request sent at once so that the
lists share round trips on the context's connection (``list_pages`` sends it; an offline Dump answers
from files), then read in turn. Pods are reduced page by page to what the checks need, so memory holds
the unhealthy pods, label sets and per-node request sums, not 10,000 pods.

A kind that cannot be read (403 Forbidden, a type the server lacks, absent from offline files) is one
warning and ``None``; the other checks go on. When no kind at all could be read the context fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Forbidden, NotFound, NotInDump, UnknownResource
from . import findings

PODS, DEPLOYMENTS, STATEFULSETS, DAEMONSETS = "pods", "deployments.apps", "statefulsets.apps", "daemonsets.apps"
REPLICASETS, JOBS, CRONJOBS, SERVICES = "replicasets.apps", "jobs.batch", "cronjobs.batch", "services"
SLICES, NODES, PVCS, PVS, EVENTS = (
    "endpointslices.discovery.k8s.io",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "events",
)
NODE_PODS = "pods (every namespace, for node requests)"  # a second read of pods, when the first is one namespace
CLUSTER_SCOPED = (NODES, PVS)

# what each check reads besides its own kind
NEEDS = {
    PODS: (PODS, EVENTS),
    DEPLOYMENTS: (DEPLOYMENTS, REPLICASETS, EVENTS, PODS),
    STATEFULSETS: (STATEFULSETS, EVENTS, PODS),
    DAEMONSETS: (DAEMONSETS, EVENTS, PODS),
    REPLICASETS: (REPLICASETS, EVENTS, PODS),
    JOBS: (JOBS, EVENTS),
    CRONJOBS: (CRONJOBS, JOBS),
    SERVICES: (SERVICES, SLICES, PODS),
    NODES: (NODES, NODE_PODS),
    PVCS: (PVCS, EVENTS),
    PVS: (PVS,),
    EVENTS: (EVENTS,),
}
CHECKS = tuple(NEEDS)  # in report order
_NOT_TERMINATED = "status.phase!=Succeeded,status.phase!=Failed"
_ERRORS_OF_ONE_KIND = (Forbidden, NotInDump, UnknownResource, NotFound)


@dataclass
class PodDigest:
    """Pods reduced as their pages arrive: the unhealthy ones whole, each namespace's (labels, ready) for
    Service selectors, and each node's summed requests (describe's ``pod_requests``: spec, as kubectl).
    With ``selector`` (-l), only matching pods count as unhealthy, and ``selected`` keeps their (namespace,
    name); the labels and sums still take every pod."""

    unhealthy: list = field(default_factory=list)
    labels: dict | None = None  # namespace -> [(labels, ready)] of pods that are not terminated
    node_requests: dict | None = None  # node name -> {resource: describe.nodes.Q}
    selector: str | None = None
    selected: set = field(default_factory=set)
    reports: bool = True  # False: a read for the nodes' sums only (every namespace), no pod is kept
    _cache: dict = field(default_factory=dict)  # resource spec -> pod_requests

    def add(self, pods: list) -> None:
        from ..kube.selectors import match_labels

        labels, requests, selector, unhealthy = self.labels, self.node_requests, self.selector, self.unhealthy
        joins = labels is not None or requests is not None
        for pod in pods:
            status = pod.get("status") or {}
            phase = status.get("phase")
            ready = phase == "Running" and findings.ready_condition(status)
            chosen = True
            if selector:
                meta = pod.get("metadata") or {}
                chosen = match_labels(selector, meta.get("labels"))
                if chosen:
                    self.selected.add((meta.get("namespace") or "", meta.get("name") or ""))
            if chosen and self.reports and not ready and phase != "Succeeded":
                unhealthy.append(pod)
            if not joins or phase in ("Succeeded", "Failed"):
                continue
            if labels is not None:
                meta = pod.get("metadata") or {}
                labels.setdefault(meta.get("namespace") or "", []).append((meta.get("labels") or {}, ready))
            node = requests is not None and (pod.get("spec") or {}).get("nodeName")
            if node:
                totals = requests.setdefault(node, {})
                for name, q in self._requests(pod).items():
                    if name in totals:
                        totals[name].add(q)
                    else:
                        totals[name] = q.copy()

    def _requests(self, pod: dict) -> dict:
        """describe's ``pod_requests`` (from the spec alone), computed once per distinct resource spec: the
        pods of one workload share theirs, and parsing quantities is most of the per-pod cost."""
        from ..describe.nodes import pod_requests

        spec = pod.get("spec") or {}
        key = (
            tuple(str(c.get("resources")) for c in spec.get("containers") or ()),
            tuple((str(c.get("resources")), c.get("restartPolicy")) for c in spec.get("initContainers") or ()),
            str(spec.get("overhead")),
            str(spec.get("resources")),
        )
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = pod_requests(pod)
        return found


@dataclass
class Reads:
    """One context's answers: ``items`` per kind (None: not read), the pods' digest, warnings."""

    items: dict
    pods: PodDigest | None
    node_requests: dict | None
    warnings: list


def reads_for(checks: tuple) -> list:
    """The kinds the checks need, in the order they are sent."""
    out = []
    for check in checks:
        for kind in NEEDS[check]:
            if kind not in out:
                out.append(kind)
    return out


def gather(source, checks: tuple, namespace: str | None, selector: str | None = None) -> Reads:
    """Read every kind ``checks`` need; ``namespace`` None: every namespace. Cluster-scoped kinds are
    read whole. Lists are never narrowed by ``selector`` (joins need every object); it picks the pods
    the digest reports."""
    kinds = reads_for(checks)
    if NODE_PODS in kinds and namespace is None and PODS in kinds:
        kinds.remove(NODE_PODS)  # the pods read for the pods check serve the nodes' sums too
    warnings, pending, first_error = [], {}, None
    for kind in kinds:
        qualified = PODS if kind == NODE_PODS else kind
        try:
            info = source.resolve(qualified)
        except _ERRORS_OF_ONE_KIND as exc:
            first_error = first_error or exc
            warnings.append(_unread(kind, exc))
            continue
        scope = None if kind in CLUSTER_SCOPED or kind == NODE_PODS else namespace
        fields = "type=Warning" if kind == EVENTS else _NOT_TERMINATED if kind == NODE_PODS else None
        pending[kind] = source.list_pages(info, scope, None, fields)  # the first request is sent now
    items, digest, node_digest = {}, None, None
    for kind, pages in pending.items():
        try:
            if kind == PODS:
                digest = PodDigest(
                    labels={} if SERVICES in checks else None,
                    node_requests={} if NODES in checks and NODE_PODS not in pending else None,
                    selector=selector,
                )
                for page in pages:
                    digest.add(page)
            elif kind == NODE_PODS:
                node_digest = PodDigest(node_requests={}, reports=False)
                for page in pages:
                    node_digest.add(page)
            else:
                items[kind] = [item for page in pages for item in page]
        except _ERRORS_OF_ONE_KIND as exc:
            first_error = first_error or exc
            if kind != NODE_PODS or NODES in items:  # no nodes, no sums to miss
                warnings.append(_unread(kind, exc))
            if kind == PODS:
                digest = None
            elif kind == NODE_PODS:
                node_digest = None
    if not items and digest is None and node_digest is None:
        if first_error is not None:
            raise first_error
    requests = (node_digest or digest).node_requests if (node_digest or digest) else None
    return Reads(items, digest, requests, warnings)


def _unread(kind: str, exc: Exception) -> str:
    """One warning line: ``nodes: Error from server (Forbidden): ...``, ``the input files hold no jobs.batch``."""
    if isinstance(exc, NotInDump):
        return str(exc)
    message = exc.user_message().removeprefix("error: ")
    if kind == NODE_PODS:  # -n cannot help here: a node's requests need every namespace's pods
        return f"nodes' requests not checked (--over): pods: {message.split('; try -n NAMESPACE')[0]}"
    return f"{kind}: {message}"
