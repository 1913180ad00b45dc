"""Workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController.

Joins (kubectl ``pkg/describe/describe.go``):
- Deployment: the ReplicaSets it controls (``GetAllReplicaSetsInChunks``), split into the new one and
  the old ones; events.
- ReplicaSet, StatefulSet, DaemonSet, ReplicationController: the pods they control, counted by phase
  (``getPodStatusForController``); events. kubectl fails a ReplicationController's whole describe when its
  pods cannot be listed; here ``podsStatus`` is null and a warning says why.
- Job, CronJob: events only.
"""

from __future__ import annotations

from ..kube.selectors import label_selector_string
from ..quantity import record as quantity
from . import podspec
from .base import Describer, text_renderer
from .sections import condition_records, gather_with_events, metadata_fields, with_events

POD_TEMPLATE_HASH = "pod-template-hash"


# -- shared pieces ---------------------------------------------------------------------------------


def _selector_or_error(selector: dict | None) -> tuple:
    try:
        return label_selector_string(selector), None
    except ValueError as exc:
        return None, str(exc)


def controller_of(obj: dict) -> dict | None:
    """The ownerReference with ``controller: true`` (``metav1.GetControllerOf``)."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def _controlled_by(obj: dict) -> dict | None:
    ref = controller_of(obj)
    if ref is None:
        return None
    return {"kind": ref.get("kind", ""), "name": ref.get("name", ""), "apiVersion": ref.get("apiVersion", "")}


def _is_controlled_by(child: dict, owner: dict) -> bool:
    ref = controller_of(child)
    return ref is not None and ref.get("uid") == (owner.get("metadata") or {}).get("uid")


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


# -- pods counted for a controller (spec 5.1) --------------------------------------------------------


def gather_controller_pods(objects: list, joins) -> list:
    """For each controller: the pods it controls (a list), or the error text when they could not be listed."""
    out = []
    for obj in objects:
        if (obj.get("spec") or {}).get("selector") is None:  # selects nothing (a stand-in has no spec)
            out.append({"pods": []})
            continue
        selector, error = _selector_or_error((obj.get("spec") or {}).get("selector"))
        if error is not None:
            out.append({"podsError": error})
            continue
        pods = joins.list("pods", _meta(obj).get("namespace"), label_selector=selector or None, what="pods")
        if pods is None:
            out.append({"podsError": joins.error("pods")})
            continue
        out.append({"pods": [p for p in pods if _is_controlled_by(p, obj)]})
    return out


def pods_status(pods: list | None) -> dict | None:
    if pods is None:
        return None
    counts = {"running": 0, "waiting": 0, "succeeded": 0, "failed": 0}
    phases = {"Running": "running", "Pending": "waiting", "Succeeded": "succeeded", "Failed": "failed"}
    for pod in pods:
        key = phases.get((pod.get("status") or {}).get("phase"))
        if key:
            counts[key] += 1
    return counts


def pods_fields(gathered: dict) -> dict:
    status = pods_status(gathered.get("pods"))
    out = {"podsStatus": status}
    error = gathered.get("podsError", "unknown error")
    if status is None and error is not None:  # None: the input files hold no pods, shown as none
        out["podsStatusError"] = error
    return out


# -- Deployment ------------------------------------------------------------------------------------


def _gather_deployments(objects: list, joins) -> list:
    extra = []
    for obj in objects:
        if (obj.get("spec") or {}).get("selector") is None:  # selects nothing (a stand-in has no spec)
            extra.append({"replicaSets": []})
            continue
        selector, error = _selector_or_error((obj.get("spec") or {}).get("selector"))
        if error is not None:
            extra.append({"replicaSets": None})
            continue
        items = joins.list(
            "replicasets.apps", _meta(obj).get("namespace"), label_selector=selector or None, what="replicasets.apps"
        )
        owned = None if items is None else [rs for rs in items if _is_controlled_by(rs, obj)]
        extra.append({"replicaSets": owned})
    return gather_with_events(objects, joins, "Deployment", extra)


def _prune(value):
    """Drop empty maps, lists and nulls, as Go's semantic equality treats nil and empty alike."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _prune(v)
            if v is None or v == {} or v == []:
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _template_without_hash(template: dict | None) -> dict:
    template = _prune(template or {})
    labels = (template.get("metadata") or {}).get("labels")
    if labels and POD_TEMPLATE_HASH in labels:
        labels = {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH}
        metadata = dict(template["metadata"], labels=labels)
        template = _prune(dict(template, metadata=metadata))
    return template


def split_replica_sets(deployment: dict, owned: list) -> tuple:
    """(new, old): kubectl's ``findNewReplicaSet`` / ``findOldReplicaSets`` (all old ones, oldest first)."""
    ordered = sorted(owned, key=lambda rs: (_meta(rs).get("creationTimestamp") or "", _meta(rs).get("name", "")))
    wanted = _template_without_hash((deployment.get("spec") or {}).get("template"))
    new = None
    for rs in ordered:
        if _template_without_hash((rs.get("spec") or {}).get("template")) == wanted:
            new = rs
            break
    old = [rs for rs in ordered if new is None or _meta(rs).get("uid") != _meta(new).get("uid")]
    return new, old


def _rs_summary(rs: dict) -> dict:
    return {
        "name": _meta(rs).get("name", ""),
        "replicas": {
            "created": (rs.get("status") or {}).get("replicas", 0),
            "desired": (rs.get("spec") or {}).get("replicas", 1),
        },
    }


def build_deployment(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    strategy = spec.get("strategy") or {}
    rolling = strategy.get("rollingUpdate")
    doc = {
        "creationTimestamp": _meta(obj).get("creationTimestamp"),
        **metadata_fields(obj),
        "selector": _selector_or_error(spec.get("selector"))[0],
        "replicas": {
            "desired": spec.get("replicas", 1),
            "updated": status.get("updatedReplicas", 0),
            "total": status.get("replicas", 0),
            "available": status.get("availableReplicas", 0),
            "unavailable": status.get("unavailableReplicas", 0),
        },
        "strategyType": strategy.get("type", ""),
        "minReadySeconds": spec.get("minReadySeconds", 0),
        "rollingUpdateStrategy": None
        if rolling is None
        else {
            "maxUnavailable": rolling.get("maxUnavailable"),
            "maxSurge": rolling.get("maxSurge"),
        },
        "podTemplate": podspec.build_template(spec.get("template")),
        "conditions": condition_records((obj.get("status") or {}).get("conditions"), "lastUpdateTime"),
    }
    owned = gathered.get("replicaSets")
    if owned is None:
        doc["oldReplicaSets"] = None
        doc["newReplicaSet"] = None
    else:
        new, old = split_replica_sets(obj, owned)
        doc["oldReplicaSets"] = [_rs_summary(rs) for rs in old]
        doc["newReplicaSet"] = None if new is None else _rs_summary(new)
    return with_events(doc, gathered)


# -- ReplicaSet ------------------------------------------------------------------------------------


def _gather_replicasets(objects: list, joins) -> list:
    return gather_with_events(objects, joins, "ReplicaSet", gather_controller_pods(objects, joins))


def build_replicaset(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    doc = {
        "selector": _selector_or_error(spec.get("selector"))[0],
        **metadata_fields(obj),
        "controlledBy": _controlled_by(obj),
        "replicas": {"current": status.get("replicas", 0), "desired": spec.get("replicas", 1)},
        **pods_fields(gathered),
        "podTemplate": podspec.build_template(spec.get("template")),
        "conditions": condition_records((obj.get("status") or {}).get("conditions"), "lastUpdateTime"),
    }
    return with_events(doc, gathered)


# -- StatefulSet -----------------------------------------------------------------------------------


def _gather_statefulsets(objects: list, joins) -> list:
    return gather_with_events(objects, joins, "StatefulSet", gather_controller_pods(objects, joins))


def _storage_class(pvc: dict) -> str:
    beta = (_meta(pvc).get("annotations") or {}).get("volume.beta.kubernetes.io/storage-class")
    if beta is not None:
        return beta
    return (pvc.get("spec") or {}).get("storageClassName") or ""


def _volume_claim(pvc: dict) -> dict:
    spec = pvc.get("spec") or {}
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    return {
        "name": _meta(pvc).get("name", ""),
        "storageClass": _storage_class(pvc),
        **metadata_fields(pvc),
        "capacity": None if storage is None else quantity(storage),
        "accessModes": list(spec.get("accessModes") or []),
    }


def build_statefulset(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    strategy = spec.get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate") or {}
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    doc = {
        "creationTimestamp": _meta(obj).get("creationTimestamp"),
        "selector": _selector_or_error(spec.get("selector"))[0],
        **metadata_fields(obj),
        "serviceName": spec.get("serviceName") or None,
        "podManagementPolicy": spec.get("podManagementPolicy") or None,
        "replicas": {"desired": spec.get("replicas", 1), "total": status.get("replicas", 0)},
        "updateStrategy": {
            "type": strategy.get("type", ""),
            "partition": rolling.get("partition"),
            "maxUnavailable": rolling.get("maxUnavailable"),
        },
        "persistentVolumeClaimRetentionPolicy": None
        if retention is None
        else {
            "whenDeleted": retention.get("whenDeleted", ""),
            "whenScaled": retention.get("whenScaled", ""),
        },
        **pods_fields(gathered),
        "podTemplate": podspec.build_template(spec.get("template")),
        "volumeClaims": [_volume_claim(pvc) for pvc in spec.get("volumeClaimTemplates") or []],
    }
    return with_events(doc, gathered)


# -- DaemonSet -------------------------------------------------------------------------------------


def _gather_daemonsets(objects: list, joins) -> list:
    return gather_with_events(objects, joins, "DaemonSet", gather_controller_pods(objects, joins))


def build_daemonset(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    template_spec = (spec.get("template") or {}).get("spec") or {}
    doc = {
        "selector": _selector_or_error(spec.get("selector"))[0],
        "nodeSelector": template_spec.get("nodeSelector") or {},
        **metadata_fields(obj),
        "desiredNumberScheduled": status.get("desiredNumberScheduled", 0),
        "currentNumberScheduled": status.get("currentNumberScheduled", 0),
        "updatedNumberScheduled": status.get("updatedNumberScheduled", 0),
        "numberAvailable": status.get("numberAvailable", 0),
        "numberMisscheduled": status.get("numberMisscheduled", 0),
        **pods_fields(gathered),
        "podTemplate": podspec.build_template(spec.get("template")),
    }
    return with_events(doc, gathered)


# -- Job -------------------------------------------------------------------------------------------


def _gather_jobs(objects: list, joins) -> list:
    return gather_with_events(objects, joins, "Job")


def _seconds_between(start: str | None, end: str | None) -> float | None:
    from datetime import datetime

    if not start or not end:
        return None
    fmt = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (fmt(end) - fmt(start)).total_seconds()


def build_job(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    selector, selector_error = _selector_or_error(spec.get("selector"))
    doc = {
        "selector": selector,
        **metadata_fields(obj),
        "controlledBy": _controlled_by(obj),
        "parallelism": spec.get("parallelism"),
        "completions": spec.get("completions"),
        "completionMode": spec.get("completionMode"),
        "suspend": spec.get("suspend"),
        "backoffLimit": spec.get("backoffLimit"),
        "ttlSecondsAfterFinished": spec.get("ttlSecondsAfterFinished"),
        "startTime": status.get("startTime"),
        "completedAt": status.get("completionTime"),
        "durationSeconds": _seconds_between(status.get("startTime"), status.get("completionTime")),
        "activeDeadlineSeconds": spec.get("activeDeadlineSeconds"),
        "podsStatuses": {
            "active": status.get("active", 0),
            "ready": status.get("ready"),
            "succeeded": status.get("succeeded", 0),
            "failed": status.get("failed", 0),
        },
        "completedIndexes": status.get("completedIndexes", "") if spec.get("completionMode") == "Indexed" else None,
        "podTemplate": podspec.build_template(spec.get("template")),
    }
    if selector_error is not None:
        doc["selectorError"] = selector_error
    return with_events(doc, gathered)


# -- CronJob ---------------------------------------------------------------------------------------


def _gather_cronjobs(objects: list, joins) -> list:
    return gather_with_events(objects, joins, "CronJob")


def _job_template(template: dict | None) -> dict:
    spec = (template or {}).get("spec") or {}
    raw_selector = spec.get("selector")
    selector, selector_error = (None, None) if raw_selector is None else _selector_or_error(raw_selector)
    out = {
        "selector": selector,
        "parallelism": spec.get("parallelism"),
        "completions": spec.get("completions"),
        "activeDeadlineSeconds": spec.get("activeDeadlineSeconds"),
        "podTemplate": podspec.build_template(spec.get("template")),
    }
    if selector_error is not None:
        out["selectorError"] = selector_error
    return out


def build_cronjob(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    doc = {
        **metadata_fields(obj),
        "schedule": spec.get("schedule", ""),
        "concurrencyPolicy": spec.get("concurrencyPolicy", ""),
        "suspend": spec.get("suspend"),
        "timeZone": spec.get("timeZone"),
        "successfulJobHistoryLimit": spec.get("successfulJobsHistoryLimit"),
        "failedJobHistoryLimit": spec.get("failedJobsHistoryLimit"),
        "startingDeadlineSeconds": spec.get("startingDeadlineSeconds"),
        "jobTemplate": _job_template(spec.get("jobTemplate")),
        "lastScheduleTime": status.get("lastScheduleTime"),
        "activeJobs": [ref.get("name", "") for ref in status.get("active") or []],
    }
    return with_events(doc, gathered)


# -- the describers --------------------------------------------------------------------------------

DEPLOYMENT = Describer(_gather_deployments, build_deployment, text_renderer("workloads", "render_deployment"))
REPLICASET = Describer(_gather_replicasets, build_replicaset, text_renderer("workloads", "render_replicaset"))
STATEFULSET = Describer(_gather_statefulsets, build_statefulset, text_renderer("workloads", "render_statefulset"))
DAEMONSET = Describer(_gather_daemonsets, build_daemonset, text_renderer("workloads", "render_daemonset"))
JOB = Describer(_gather_jobs, build_job, text_renderer("workloads", "render_job"))
CRONJOB = Describer(_gather_cronjobs, build_cronjob, text_renderer("workloads", "render_cronjob"))


# -- ReplicationController -------------------------------------------------------------------------


def _as_label_selector(rc: dict) -> dict:
    """The RC with its map selector as a LabelSelector, so the ReplicaSet pod counting applies."""
    spec = dict(rc.get("spec") or {})
    spec["selector"] = {"matchLabels": dict(spec.get("selector") or {})}
    return dict(rc, spec=spec)


def gather_replicationcontrollers(objects: list, joins) -> list:
    pods = gather_controller_pods([_as_label_selector(o) for o in objects], joins)
    return gather_with_events(objects, joins, "ReplicationController", pods)


def build_replicationcontroller(obj: dict, gathered: dict) -> dict:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    doc = {
        # labels.FormatLabels of the map: sorted k=v, "" when empty
        "selector": label_selector_string({"matchLabels": spec.get("selector") or {}}),
        **metadata_fields(obj),
        "replicas": {"current": status.get("replicas", 0), "desired": spec.get("replicas", 1)},
        **pods_fields(gathered),
        "podTemplate": podspec.build_template(spec.get("template")),
        "conditions": condition_records(status.get("conditions")),
    }
    return with_events(doc, gathered)


REPLICATIONCONTROLLER = Describer(
    gather_replicationcontrollers, build_replicationcontroller, text_renderer("workloads", "render_replicaset")
)
