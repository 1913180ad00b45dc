"""What is wrong, as finding records: pure functions from objects (plain dicts, as the API sends them) to
``{context, kind, namespace, name, problem, reason, since, details}`` (``kubectl_py/triage/schemas``).

``problem`` is a short word to filter on (``NotReady``, ``Unavailable``, ``Cordoned``, ...), ``reason`` the
line a person would otherwise dig out of describe (a container's waiting state, a condition's message, the
newest Warning event), ``since`` when the problem was first seen: the condition's last transition, the
first sighting of the event, when the container ended (RFC 3339, null when the objects do not say).
"""

from __future__ import annotations

from ..kube.selectors import label_selector_string

WARNING_EVENT = "WarningEvent"  # the problem of the Warning events section's records
# waiting reasons that are a normal step, not a cause: a Warning event says more
_TRANSITIONS = {"ContainerCreating", "PodInitializing"}
# taints the node lifecycle controller sets for a condition (or a cordon) reported by its own finding
_CONDITION_TAINTS = {
    f"node.kubernetes.io/{name}"
    for name in (
        "not-ready",
        "unreachable",
        "unschedulable",
        "memory-pressure",
        "disk-pressure",
        "pid-pressure",
        "network-unavailable",
    )
}
NODE_PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
DEFAULT_OVER = 90  # --over: percent of allocatable requested


def finding(kind: str, obj: dict, problem: str, reason: str, since, details: dict) -> dict:
    meta = obj.get("metadata") or {}
    return {
        "context": "",
        "kind": kind,
        "namespace": meta.get("namespace") or None,
        "name": meta.get("name") or "",
        "problem": problem,
        "reason": _one_line(reason),
        "since": since or None,
        "details": details,
    }


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _condition(obj: dict, kind: str) -> dict | None:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if isinstance(c, dict) and c.get("type") == kind:
            return c
    return None


def _said(condition: dict | None) -> str:
    """``Reason: message`` of a condition (or of an event record)."""
    if not condition:
        return ""
    reason, message = condition.get("reason") or "", (condition.get("message") or "").strip()
    return f"{reason}: {message}" if reason and message else reason or message


def _event_reason(record: dict | None) -> str:
    return _said(record)


def _controller_uid(obj: dict) -> str | None:
    for ref in _meta(obj).get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller"):
            return ref.get("uid")
    return None


def _controller(obj: dict) -> dict | None:
    for ref in _meta(obj).get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller"):
            return ref
    return None


def _newest(events, kind: str, obj: dict):
    if events is None:
        return None
    meta = _meta(obj)
    return events.newest(kind, meta.get("namespace") or "", meta.get("name") or "", meta.get("uid"))


def _int(value, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


# -- pods ------------------------------------------------------------------------------------------


def ready_condition(status: dict) -> bool:
    """The pod status's Ready condition is True."""
    for c in status.get("conditions") or ():
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def pod_is_healthy(pod: dict) -> bool:
    """Succeeded, or Running and Ready."""
    status = pod.get("status") or {}
    phase = status.get("phase")
    return phase == "Succeeded" or (phase == "Running" and ready_condition(status))


def ready_and_restarts(pod: dict) -> tuple:
    """kubectl get pods' READY (``1/2``: containers plus sidecars) and RESTARTS (every container's)."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    sidecars = {c.get("name") for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(sidecars)
    ready = restarts = 0
    for cs in status.get("initContainerStatuses") or []:
        restarts += _int(cs.get("restartCount"))
        if cs.get("name") in sidecars and cs.get("ready") and cs.get("started"):
            ready += 1
    for cs in status.get("containerStatuses") or []:
        restarts += _int(cs.get("restartCount"))
        if cs.get("ready"):
            ready += 1
    return f"{ready}/{total}", restarts


def _exit_code(state: dict | None):
    code = ((state or {}).get("terminated") or {}).get("exitCode")
    return code if isinstance(code, int) else None


def _container_causes(status: dict) -> tuple:
    """(waiting causes, transition steps, terminated causes) as (container, state, reason, exit code)."""
    waiting, steps, terminated = [], [], []
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        state = cs.get("state") or {}
        if state.get("waiting") and state["waiting"].get("reason"):
            w = state["waiting"]
            code = _exit_code(cs.get("lastState"))
            text = w["reason"] + (
                f" (exit code {code})"
                if code is not None
                else f": {w['message'].strip()}"
                if (w.get("message") or "").strip()
                else ""
            )
            (steps if w["reason"] in _TRANSITIONS else waiting).append((cs, w, text, code))
        elif state.get("terminated"):
            t = state["terminated"]
            code = _exit_code(state)
            if code or t.get("reason") not in (None, "", "Completed"):
                terminated.append((cs, t, f"{t.get('reason') or 'Error'} (exit code {code})", code))
    return waiting, steps, terminated


def pod_finding(pod: dict, events=None) -> dict | None:
    """A pod that is not Ready (and not Succeeded), with the first cause found of: the pod's own reason
    (Evicted), a container waiting (CrashLoopBackOff with the last exit code, ImagePullBackOff), a container
    that ended in error, the unschedulable condition, the newest Warning event, the Ready condition."""
    if pod_is_healthy(pod):
        return None
    status = pod.get("status") or {}
    phase = status.get("phase") or "Unknown"
    ready_text, restarts = ready_and_restarts(pod)
    ready = _condition(pod, "Ready")
    fallback_since = (ready or {}).get("lastTransitionTime") if (ready or {}).get("status") != "True" else None
    fallback_since = fallback_since or _meta(pod).get("creationTimestamp")
    details = {
        "phase": phase,
        "ready": ready_text,
        "restarts": restarts,
        "node": (pod.get("spec") or {}).get("nodeName") or None,
        "container": None,
        "exitCode": None,
        "message": None,
        "event": None,
    }
    event = _newest(events, "Pod", pod)
    waiting, steps, terminated = _container_causes(status)
    scheduled = _condition(pod, "PodScheduled")
    reason, since = "", fallback_since
    if status.get("reason"):
        reason, details["message"] = _said(status), (status.get("message") or "").strip() or None
    elif waiting or terminated:
        cs, state, reason, code = (waiting or terminated)[0]
        details.update(container=cs.get("name"), exitCode=code, message=(state.get("message") or "").strip() or None)
        if not waiting:
            since = state.get("finishedAt") or since
    elif scheduled and scheduled.get("status") == "False":
        reason, since = _said(scheduled) or "Unschedulable", scheduled.get("lastTransitionTime") or since
    elif event is not None:
        reason, since = _event_reason(event), event["firstSeen"] or since
    elif steps:
        cs, state, reason, _ = steps[0]
        details["container"] = cs.get("name")
    else:
        reason = _said(ready) or phase
    if event is not None:
        details["event"] = event
    if _meta(pod).get("deletionTimestamp"):
        reason = f"Terminating; {reason}" if reason else "Terminating"
    return finding("Pod", pod, "NotReady" if phase == "Running" else phase, reason, since, details)


def owner_key(obj: dict) -> tuple | None:
    """(namespace, controller kind, controller name) of an object, for the workload reason of its pods."""
    ref = _controller(obj)
    if ref is None:
        return None
    return (_meta(obj).get("namespace") or "", ref.get("kind") or "", ref.get("name") or "")


# -- workloads -------------------------------------------------------------------------------------


def _workload(kind: str, obj: dict, problem: str, counted: str, desired: int, counts: dict, reasons: list) -> dict:
    """The first reason found among ``reasons`` ((text, since, extra details) or None), else the counts."""
    details = {"desired": desired, **counts, "condition": None, "event": None, "pod": None}
    for found in reasons:
        if found and found[0]:
            text, since, extra = found
            details.update(extra)
            return finding(kind, obj, problem, text, since, details)
    return finding(kind, obj, problem, f"{counts[counted]} of {desired} {counted}", None, details)


def _condition_reason(obj: dict, kind: str, status: str):
    c = _condition(obj, kind)
    if c is None or c.get("status") != status:
        return None
    record = {"type": kind, "status": status, "reason": c.get("reason") or "", "message": c.get("message") or ""}
    return _said(c), c.get("lastTransitionTime") or c.get("lastUpdateTime"), {"condition": record}


def _event_found(record):
    if record is None:
        return None
    return _event_reason(record), record["firstSeen"], {"event": record}


def _pod_found(pod_finding_: dict | None):
    if pod_finding_ is None:
        return None
    text = f"pod {pod_finding_['name']}: {pod_finding_['reason']}"
    return text, pod_finding_["since"], {"pod": pod_finding_["name"]}


def _newest_of(records: list):
    records = [r for r in records if r is not None]
    return max(records, key=lambda r: r["lastSeen"] or "") if records else None


def deployment_finding(deploy: dict, replicasets: list, events=None, bad_pods: dict | None = None) -> dict | None:
    """Fewer available replicas than desired (an absent count is 0): the ReplicaFailure or Progressing
    condition, the newest Warning event of the Deployment or its ReplicaSets (``FailedCreate: ... exceeded
    quota``), one of its pods' reason, or the Available condition."""
    spec, status = deploy.get("spec") or {}, deploy.get("status") or {}
    desired = _int(spec.get("replicas"), 1)
    counts = {
        "available": _int(status.get("availableReplicas")),
        "ready": _int(status.get("readyReplicas")),
        "updated": _int(status.get("updatedReplicas")),
    }
    if counts["available"] >= desired:
        return None
    uid = _meta(deploy).get("uid")
    owned = [rs for rs in replicasets if uid and _controller_uid(rs) == uid]
    event = _newest_of([_newest(events, "Deployment", deploy)] + [_newest(events, "ReplicaSet", rs) for rs in owned])
    pod = None
    for rs in owned:
        pod = pod or (bad_pods or {}).get((_meta(rs).get("namespace") or "", "ReplicaSet", _meta(rs).get("name")))
    return _workload(
        "Deployment",
        deploy,
        "Unavailable",
        "available",
        desired,
        counts,
        [
            _condition_reason(deploy, "ReplicaFailure", "True"),
            _condition_reason(deploy, "Progressing", "False"),
            _event_found(event),
            _pod_found(pod),
            _condition_reason(deploy, "Available", "False"),
        ],
    )


def replicaset_finding(rs: dict, events=None, bad_pods: dict | None = None) -> dict | None:
    """A ReplicaSet no Deployment controls, below its desired count (those of a Deployment are reported
    through it)."""
    if _controller(rs) is not None:
        return None
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    desired = _int(spec.get("replicas"), 1)
    counts = {"available": _int(status.get("availableReplicas")), "ready": _int(status.get("readyReplicas"))}
    if counts["available"] >= desired:
        return None
    return _workload(
        "ReplicaSet",
        rs,
        "Unavailable",
        "available",
        desired,
        counts,
        [
            _condition_reason(rs, "ReplicaFailure", "True"),
            _event_found(_newest(events, "ReplicaSet", rs)),
            _pod_found(_pod_of(bad_pods, rs, "ReplicaSet")),
        ],
    )


def _pod_of(bad_pods: dict | None, owner: dict, kind: str):
    return (bad_pods or {}).get((_meta(owner).get("namespace") or "", kind, _meta(owner).get("name")))


def statefulset_finding(sts: dict, events=None, bad_pods: dict | None = None) -> dict | None:
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    desired = _int(spec.get("replicas"), 1)
    counts = {
        "ready": _int(status.get("readyReplicas")),
        "available": _int(status.get("availableReplicas")),
        "current": _int(status.get("currentReplicas")),
    }
    if counts["ready"] >= desired:
        return None
    return _workload(
        "StatefulSet",
        sts,
        "NotReady",
        "ready",
        desired,
        counts,
        [_event_found(_newest(events, "StatefulSet", sts)), _pod_found(_pod_of(bad_pods, sts, "StatefulSet"))],
    )


def daemonset_finding(ds: dict, events=None, bad_pods: dict | None = None) -> dict | None:
    status = ds.get("status") or {}
    desired = _int(status.get("desiredNumberScheduled"))
    counts = {
        "available": _int(status.get("numberAvailable")),
        "ready": _int(status.get("numberReady")),
        "scheduled": _int(status.get("currentNumberScheduled")),
    }
    if counts["available"] >= desired:
        return None
    return _workload(
        "DaemonSet",
        ds,
        "Unavailable",
        "available",
        desired,
        counts,
        [_event_found(_newest(events, "DaemonSet", ds)), _pod_found(_pod_of(bad_pods, ds, "DaemonSet"))],
    )


def _job_counts(job: dict) -> dict:
    spec, status = job.get("spec") or {}, job.get("status") or {}
    return {
        "active": _int(status.get("active")),
        "succeeded": _int(status.get("succeeded")),
        "failed": _int(status.get("failed")),
        "completions": spec.get("completions"),
        "backoffLimit": spec.get("backoffLimit"),
    }


def job_failed(job: dict) -> dict | None:
    """The Failed (or, while it is being failed, FailureTarget) condition that is True."""
    for kind in ("Failed", "FailureTarget"):
        c = _condition(job, kind)
        if c is not None and c.get("status") == "True":
            return c
    return None


def _job_finished(job: dict) -> bool:
    return any(
        (_condition(job, kind) or {}).get("status") == "True" for kind in ("Complete", "Failed", "FailureTarget")
    )


def job_finding(job: dict, now, events=None) -> dict | None:
    """Failed (BackoffLimitExceeded, DeadlineExceeded, ...), or still running past activeDeadlineSeconds."""
    from ..describe.text.common import since as seconds_since

    failed = job_failed(job)
    details = {**_job_counts(job), "condition": None, "event": None}
    if failed is not None:
        details["condition"] = {
            "type": failed.get("type") or "",
            "status": "True",
            "reason": failed.get("reason") or "",
            "message": failed.get("message") or "",
        }
        return finding("Job", job, "Failed", _said(failed) or "Failed", failed.get("lastTransitionTime"), details)
    deadline = (job.get("spec") or {}).get("activeDeadlineSeconds")
    started = (job.get("status") or {}).get("startTime")
    if isinstance(deadline, int) and started and not _job_finished(job):
        elapsed = seconds_since(started, now)
        if elapsed is not None and elapsed > deadline:
            event = _newest(events, "Job", job)
            details["event"] = event
            reason = f"active for {int(elapsed)}s, past its activeDeadlineSeconds ({deadline}s)"
            return finding("Job", job, "DeadlineExceeded", reason, started, details)
    return None


def cronjob_finding(cronjob: dict, jobs: list) -> dict | None:
    """The newest Job the CronJob created failed."""
    uid = _meta(cronjob).get("uid")
    owned = [j for j in jobs if uid and _controller_uid(j) == uid]
    if not owned:
        return None
    last = max(owned, key=lambda j: (_meta(j).get("creationTimestamp") or "", _meta(j).get("name") or ""))
    failed = job_failed(last)
    if failed is None:
        return None
    status = cronjob.get("status") or {}
    details = {
        "job": _meta(last).get("name") or "",
        "schedule": (cronjob.get("spec") or {}).get("schedule"),
        "lastScheduleTime": status.get("lastScheduleTime"),
        "lastSuccessfulTime": status.get("lastSuccessfulTime"),
    }
    reason = f"job {details['job']}: {_said(failed) or 'Failed'}"
    return finding("CronJob", cronjob, "LastScheduleFailed", reason, failed.get("lastTransitionTime"), details)


# -- services --------------------------------------------------------------------------------------


def selector_text(selector: dict) -> str:
    return label_selector_string({"matchLabels": selector})


def ready_endpoints(slices: list) -> int:
    """Endpoints of the slices whose ``ready`` condition is not false (unset means ready)."""
    return sum(
        1 for s in slices for e in s.get("endpoints") or [] if ((e.get("conditions") or {}).get("ready") is not False)
    )


def service_finding(svc: dict, slices: list, pods: list | None) -> dict | None:
    """A Service with a selector and no ready endpoint in its EndpointSlices. ``pods``: (labels, ready) of
    the namespace's pods that are not terminated (None when they could not be read)."""
    spec = svc.get("spec") or {}
    selector = spec.get("selector")
    if not selector or not isinstance(selector, dict) or spec.get("type") == "ExternalName":
        return None
    if ready_endpoints(slices):
        return None
    text = selector_text(selector)
    details = {
        "selector": text,
        "type": spec.get("type") or "ClusterIP",
        "endpointSlices": len(slices),
        "matchingPods": None,
        "readyPods": None,
    }
    if pods is None:
        reason = f"no ready endpoint for the selector {text}"
    else:
        matching = [ready for labels, ready in pods if all(labels.get(k) == v for k, v in selector.items())]
        details["matchingPods"], details["readyPods"] = len(matching), sum(matching)
        if not matching:
            reason = f"no pod matches the selector {text}"
        elif not any(matching):
            reason = f"{_pods(len(matching))} the selector {text}, none ready"
        else:
            reason = f"{_pods(len(matching))} the selector {text} ({sum(matching)} ready), no ready endpoint"
    return finding("Service", svc, "NoReadyEndpoints", reason, None, details)


def _pods(n: int) -> str:
    return "1 pod matches" if n == 1 else f"{n} pods match"


# -- nodes -----------------------------------------------------------------------------------------


def taint_text(taint: dict) -> str:
    """As kubectl describe prints a taint: ``key=value:Effect``."""
    value = taint.get("value")
    return f"{taint.get('key') or ''}{'=' + value if value else ''}:{taint.get('effect') or ''}"


def node_findings(node: dict, requests: dict | None = None, over: int = DEFAULT_OVER) -> list:
    """Not Ready; cordoned; tainted NoSchedule/NoExecute (other than the taints that stand for a condition
    or the cordon); under memory, disk or PID pressure; requesting more than ``over`` percent of its
    allocatable CPU or memory (``requests``: the summed requests of its pods, resource -> describe Q)."""
    out = []
    spec = node.get("spec") or {}
    ready = _condition(node, "Ready")
    if ready is None or ready.get("status") != "True":
        out.append(
            finding(
                "Node",
                node,
                "NotReady",
                _said(ready) or "the node reports no Ready condition",
                (ready or {}).get("lastTransitionTime"),
                {"condition": _condition_record(ready)},
            )
        )
    taints = [t for t in spec.get("taints") or [] if isinstance(t, dict)]
    if spec.get("unschedulable"):
        added = [t.get("timeAdded") for t in taints if t.get("key") == "node.kubernetes.io/unschedulable"]
        out.append(
            finding(
                "Node",
                node,
                "Cordoned",
                "SchedulingDisabled: the node is cordoned",
                next((a for a in added if a), None),
                {},
            )
        )
    tainted = [
        t for t in taints if t.get("effect") in ("NoSchedule", "NoExecute") and t.get("key") not in _CONDITION_TAINTS
    ]
    if tainted:
        times = sorted(t["timeAdded"] for t in tainted if t.get("timeAdded"))
        out.append(
            finding(
                "Node",
                node,
                "Tainted",
                ", ".join(taint_text(t) for t in tainted),
                times[0] if times else None,
                {"taints": [dict(t) for t in tainted]},
            )
        )
    for kind in NODE_PRESSURES:
        c = _condition(node, kind)
        if c is not None and c.get("status") == "True":
            out.append(
                finding(
                    "Node",
                    node,
                    kind,
                    _said(c) or kind,
                    c.get("lastTransitionTime"),
                    {"condition": _condition_record(c)},
                )
            )
    if requests is not None:
        high = _high_requests(node, requests, over)
        if high:
            reason = ", ".join(
                f"{name} requests {r['requestsPercent']}% of allocatable ({r['requests']['value']} "
                f"of {r['allocatable']['value']})"
                for name, r in high.items()
            )
            out.append(finding("Node", node, "HighRequests", reason, None, {"over": over, **high}))
    return out


def _condition_record(c: dict | None) -> dict | None:
    if c is None:
        return None
    return {
        "type": c.get("type") or "",
        "status": c.get("status") or "",
        "reason": c.get("reason") or "",
        "message": c.get("message") or "",
    }


def _high_requests(node: dict, requests: dict, over: int) -> dict:
    """CPU and memory whose requests are above ``over`` percent, computed as kubectl describe node's
    Allocated resources (describe/nodes.py)."""
    from .. import quantity
    from ..describe.nodes import allocated_resources

    allocated = allocated_resources(node, requests, {})
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    high = {}
    for name in ("cpu", "memory"):
        pair = allocated[name]
        if pair["requestsPercent"] > over:
            high[name] = {
                "requests": pair["requests"],
                "requestsPercent": pair["requestsPercent"],
                "allocatable": quantity.record(allocatable.get(name) or "0"),
            }
    return high


# -- storage ---------------------------------------------------------------------------------------


def pvc_finding(pvc: dict, events=None) -> dict | None:
    """Pending or Lost, with the newest Warning event (``ProvisioningFailed: storageclass ... not found``)."""
    spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
    phase = status.get("phase")
    if phase not in ("Pending", "Lost"):
        return None
    event = _newest(events, "PersistentVolumeClaim", pvc)
    details = {
        "phase": phase,
        "storageClass": spec.get("storageClassName"),
        "volumeName": spec.get("volumeName") or None,
        "requested": ((spec.get("resources") or {}).get("requests") or {}).get("storage"),
        "event": event,
    }
    if event is not None:
        reason, since = _event_reason(event), event["firstSeen"]
    elif phase == "Lost":
        reason, since = f"its volume {spec.get('volumeName') or ''} no longer exists", None
    else:
        reason, since = "waiting for a volume to be bound", _meta(pvc).get("creationTimestamp")
    return finding("PersistentVolumeClaim", pvc, phase, reason, since, details)


def pv_finding(pv: dict) -> dict | None:
    """Failed (reclaim failed) or Released (its claim was deleted; the volume is not reused)."""
    spec, status = pv.get("spec") or {}, pv.get("status") or {}
    phase = status.get("phase")
    if phase not in ("Failed", "Released"):
        return None
    claim = spec.get("claimRef") or {}
    claim_text = f"{claim.get('namespace') or ''}/{claim.get('name') or ''}" if claim else None
    policy = spec.get("persistentVolumeReclaimPolicy")
    details = {
        "phase": phase,
        "claim": claim_text,
        "reclaimPolicy": policy,
        "storageClass": spec.get("storageClassName") or None,
    }
    if status.get("message") or status.get("reason"):
        reason = _said(status)
    elif phase == "Released":
        reason = f"its claim {claim_text} was deleted; reclaim policy {policy}"
    else:
        reason = "the volume could not be reclaimed"
    return finding("PersistentVolume", pv, phase, reason, status.get("lastPhaseTransitionTime"), details)


# -- events ----------------------------------------------------------------------------------------


def event_finding(record: dict) -> dict:
    """A merged Warning event record (events.WarningEvents.records) as a finding about its object."""
    obj = record["object"]
    target = {"metadata": {"namespace": obj["namespace"], "name": obj["name"]}}
    details = {
        "type": "Warning",
        **{k: record[k] for k in ("reason", "message", "count", "firstSeen", "lastSeen", "source")},
        "uid": obj["uid"],
    }
    return finding(obj["kind"], target, WARNING_EVENT, _event_reason(record), record["firstSeen"], details)
