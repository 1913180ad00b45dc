"""py-triage's engine: what is wrong in each context, and why, as finding records.

``gather`` reads each context once (one pipelined list per kind), ``findings`` turns objects into records
(pure), ``events`` merges Warning events, ``render`` shapes records into tables. ``run`` fans out over the
contexts: a context that cannot be read is its own error, the others are still reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import findings as checks_of
from .gather import (
    CHECKS,
    CLUSTER_SCOPED,
    CRONJOBS,
    DAEMONSETS,
    DEPLOYMENTS,
    EVENTS,
    JOBS,
    NODES,
    PODS,
    PVCS,
    PVS,
    REPLICASETS,
    SERVICES,
    SLICES,
    STATEFULSETS,
    gather,
)

SCHEMA_DIR = Path(__file__).parent / "schemas"
FINDING_SCHEMA = SCHEMA_DIR / "finding.json"
LIST_SCHEMA = SCHEMA_DIR / "findinglist.json"
ERROR_EXIT = 2  # a context could not be read (1 means: something is wrong)

__all__ = ["CHECKS", "TriageSpec", "TriageResult", "checks_for", "spec_for", "run", "triage_context", "SCHEMA_DIR"]


@dataclass(frozen=True)
class TriageSpec:
    checks: tuple = CHECKS  # gather.CHECKS members, in report order
    namespace: str | None = None  # -n; None: the source's own (kubeconfig or "default"), or every one
    all_namespaces: bool = False
    over: int = checks_of.DEFAULT_OVER  # --over: percent of allocatable CPU or memory requested
    since: float | None = None  # --since, seconds: how far back Warning events are listed
    label_selector: str | None = None  # -l: only objects with these labels are checked (and events about them)


def checks_for(type_names: tuple, all_namespaces: bool) -> tuple:
    """The checks named by TYPE arguments (kubectl's names: ``po``, ``deploy``, ``pvc``, ``ev``, ...), in
    report order; none named: every namespaced check, plus nodes and PVs with ``-A``.

    Raises UsageError for a type py-triage does not check."""
    from ..errors import UsageError
    from ..kube.builtin_resources import builtin_resources
    from ..kube.discovery import Discovery

    if not type_names:
        return tuple(c for c in CHECKS if all_namespaces or c not in CLUSTER_SCOPED)
    builtins = Discovery(resources=builtin_resources())
    wanted = set()
    for name in type_names:
        info = builtins.find(name)
        if info is None or info.qualified not in CHECKS:
            raise UsageError(f'py-triage does not check "{name}": name some of {", ".join(CHECKS)}')
        wanted.add(info.qualified)
    return tuple(c for c in CHECKS if c in wanted)


def spec_for(
    type_names: tuple = (),
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    over: int = checks_of.DEFAULT_OVER,
    since: float | None = None,
) -> TriageSpec:
    """The spec of ``py-triage TYPE,...`` and ``api.triage``; raises UsageError for a type it does not check."""
    return TriageSpec(
        checks=checks_for(tuple(type_names), all_namespaces),
        namespace=namespace,
        all_namespaces=all_namespaces,
        over=over,
        since=since,
        label_selector=label_selector,
    )


@dataclass
class ContextReport:
    findings: list
    warnings: list


def triage_context(source, spec: TriageSpec, now=None) -> ContextReport:
    """Read one context (or offline dump) and return its findings, each tagged with the context."""
    from datetime import datetime, timezone

    from .events import WarningEvents

    now = now or datetime.now(timezone.utc)
    namespace = None if spec.all_namespaces else (spec.namespace or source.namespace)
    reads = gather(source, spec.checks, namespace, spec.label_selector)
    items = reads.items
    picked = _picker(items, spec.label_selector)
    warning_events = None if items.get(EVENTS) is None else WarningEvents(items[EVENTS], now, spec.since)
    out, bad_pods = [], {}
    for pod in reads.pods.unhealthy if reads.pods is not None else ():
        found = checks_of.pod_finding(pod, warning_events)
        if PODS in spec.checks:
            out.append(found)
        owner = checks_of.owner_key(pod)
        if owner is not None:
            bad_pods.setdefault(owner, found)  # a workload's reason may be one of its pods'

    def each(kind, check, *args):
        if kind in spec.checks:
            for obj in picked(kind):
                found = check(obj, *args)
                if found is not None:
                    out.append(found)

    each(DEPLOYMENTS, checks_of.deployment_finding, items.get(REPLICASETS) or [], warning_events, bad_pods)
    each(STATEFULSETS, checks_of.statefulset_finding, warning_events, bad_pods)
    each(DAEMONSETS, checks_of.daemonset_finding, warning_events, bad_pods)
    each(REPLICASETS, checks_of.replicaset_finding, warning_events, bad_pods)
    each(JOBS, checks_of.job_finding, now, warning_events)
    each(CRONJOBS, checks_of.cronjob_finding, items.get(JOBS) or [])
    if items.get(SLICES) is not None:
        slices = _slices_by_service(items[SLICES])
        labels = reads.pods.labels if reads.pods is not None else None
        each(
            SERVICES,
            lambda svc: checks_of.service_finding(
                svc, slices.get(_key(svc), []), None if labels is None else labels.get(_key(svc)[0], [])
            ),
        )
    requests = reads.node_requests
    for node in picked(NODES) if NODES in spec.checks else ():
        out.extend(
            checks_of.node_findings(node, None if requests is None else requests.get(_key(node)[1], {}), spec.over)
        )
    each(PVCS, checks_of.pvc_finding, warning_events)
    each(PVS, checks_of.pv_finding)
    if EVENTS in spec.checks and warning_events is not None:
        records = warning_events.records
        if spec.label_selector:  # only events about the objects -l picked
            about = {(kind, _key(obj)) for kind in _QUALIFIED.values() if kind != PODS for obj in picked(kind)}
            about |= {(PODS, key) for key in (reads.pods.selected if reads.pods is not None else ())}
            records = [
                r
                for r in records
                if (_QUALIFIED.get(r["object"]["kind"]), (r["object"]["namespace"] or "", r["object"]["name"])) in about
            ]
        out.extend(checks_of.event_finding(record) for record in records)
    for found in out:
        found["context"] = source.name
    return ContextReport(out, reads.warnings)


_QUALIFIED = {
    "Pod": PODS,
    "Deployment": DEPLOYMENTS,
    "StatefulSet": STATEFULSETS,
    "DaemonSet": DAEMONSETS,
    "ReplicaSet": REPLICASETS,
    "Job": JOBS,
    "CronJob": CRONJOBS,
    "Service": SERVICES,
    "Node": NODES,
    "PersistentVolumeClaim": PVCS,
    "PersistentVolume": PVS,
}


def _key(obj: dict) -> tuple:
    meta = obj.get("metadata") or {}
    return (meta.get("namespace") or "", meta.get("name") or "")


def _picker(items: dict, selector: str | None):
    """``picked(kind)``: the objects of a kind that are checked (those -l matches). Lists are read whole,
    as joins need every object (a Deployment's ReplicaSets, the pods a Service selects)."""
    from ..kube.selectors import match_labels

    def picked(kind: str) -> list:
        objs = items.get(kind) or []
        if not selector:
            return objs
        return [o for o in objs if match_labels(selector, (o.get("metadata") or {}).get("labels"))]

    return picked


def _slices_by_service(slices: list) -> dict:
    by_service: dict = {}
    for s in slices:
        meta = s.get("metadata") or {}
        name = (meta.get("labels") or {}).get("kubernetes.io/service-name")
        if name:
            by_service.setdefault((meta.get("namespace") or "", name), []).append(s)
    return by_service


@dataclass
class TriageResult:
    """Every context's answer (``results``: kube.fanout.ContextResult of ContextReport) and the findings
    of all of them, in report order."""

    results: list
    findings: list

    def exit_code(self) -> int:
        """0 nothing wrong, 1 something wrong, 2 a context could not be read."""
        if any(not r.ok for r in self.results):
            return ERROR_EXIT
        return 1 if self.findings else 0

    def warnings(self) -> list:
        """(context, line) for every kind a context could not read."""
        return [(r.context, w) for r in self.results if r.ok for w in r.value.warnings]

    def document(self) -> dict:
        """The FindingList (``-o json|yaml|jsonpath=``): the findings and one status record per context."""
        contexts = []
        for r in self.results:
            record = r.status()
            if r.ok:
                record["warnings"] = list(r.value.warnings)
            contexts.append(record)
        return {"apiVersion": "kubectl-py/v1", "kind": "FindingList", "items": self.findings, "contexts": contexts}


def run(sources: list, spec: TriageSpec, parallel: int | None = None, now=None) -> TriageResult:
    """Triage every source concurrently; findings ordered by section (render.SECTIONS), then context, then
    namespace and name (Warning events: newest first across contexts)."""
    from ..kube.fanout import run_per_context
    from .render import report_order

    results = run_per_context(sources, lambda source: triage_context(source, spec, now), parallel)
    found = [f for r in results if r.ok for f in r.value.findings]
    return TriageResult(results, report_order(found, [s.name for s in sources]))
