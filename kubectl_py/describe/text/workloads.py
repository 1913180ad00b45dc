"""kubectl's text for the workload documents (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
CronJob): ``describeDeployment``, ``describeReplicaSet``, ... in kubectl ``pkg/describe/describe.go``.
ReplicationController documents are printed by :func:`render_replicaset`: kubectl prints both kinds alike."""

from __future__ import annotations

from . import podspec
from .common import human_duration, rfc1123z, write_annotations, write_doc_events, write_labels


def _meta_lines(w, doc: dict) -> None:
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))


def _int_or_string(value) -> str:
    return "<nil>" if value is None else str(value)


def _selector(doc: dict, empty: str = "") -> str:
    if doc.get("selector") is None:
        return "<error>" if doc.get("selectorError") is None else f"Failed to get selector: {doc['selectorError']}"
    return doc["selector"] or empty


def _controlled_by(w, doc: dict) -> None:
    ref = doc.get("controlledBy")
    if ref:
        w.line(0, f"Controlled By:\t{ref['kind']}/{ref['name']}")


def _pods_status(w, doc: dict) -> None:
    status = doc.get("podsStatus")
    if status is None and "podsStatusError" in doc:
        w.line(0, f"Pods Status:\terror in fetching pods: {doc['podsStatusError']}")
        return
    status = status or {"running": 0, "waiting": 0, "succeeded": 0, "failed": 0}  # none in the input
    w.line(
        0,
        "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed".format(
            **status
        ),
    )


def _conditions(w, doc: dict) -> None:
    conditions = doc.get("conditions") or []
    if not conditions:
        return
    w.line(0, "Conditions:")
    w.line(1, "Type\tStatus\tReason")
    w.line(1, "----\t------\t------")
    for c in conditions:
        w.line(1, f"{c['type']} \t{c['status']}\t{c['reason']}")


def _rs_list(items: list) -> str:
    text = ", ".join(
        f"{rs['name']} ({rs['replicas']['created']}/{rs['replicas']['desired']} replicas created)" for rs in items
    )
    return text or "<none>"


def render_deployment(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc['name']}")
    w.line(0, f"Namespace:\t{doc['namespace']}")
    w.line(0, f"CreationTimestamp:\t{rfc1123z(doc.get('creationTimestamp'))}")
    _meta_lines(w, doc)
    w.line(0, f"Selector:\t{_selector(doc)}")
    r = doc["replicas"]
    w.line(
        0,
        f"Replicas:\t{r['desired']} desired | {r['updated']} updated | {r['total']} total | "
        f"{r['available']} available | {r['unavailable']} unavailable",
    )
    w.line(0, f"StrategyType:\t{doc.get('strategyType', '')}")
    w.line(0, f"MinReadySeconds:\t{doc.get('minReadySeconds', 0)}")
    rolling = doc.get("rollingUpdateStrategy")
    if rolling is not None:
        w.line(
            0,
            f"RollingUpdateStrategy:\t{_int_or_string(rolling.get('maxUnavailable'))} max unavailable, "
            f"{_int_or_string(rolling.get('maxSurge'))} max surge",
        )
    podspec.render_template(w, doc.get("podTemplate"))
    _conditions(w, doc)
    old, new = doc.get("oldReplicaSets") or [], doc.get("newReplicaSet")
    if old or new:
        w.line(0, f"OldReplicaSets:\t{_rs_list(old)}")
        w.line(0, f"NewReplicaSet:\t{_rs_list([new] if new else [])}")
    write_doc_events(w, doc, now)


def render_replicaset(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc['name']}")
    w.line(0, f"Namespace:\t{doc['namespace']}")
    w.line(0, f"Selector:\t{_selector(doc, '<none>')}")
    _meta_lines(w, doc)
    _controlled_by(w, doc)
    r = doc["replicas"]
    w.line(0, f"Replicas:\t{r['current']} current / {r['desired']} desired")
    _pods_status(w, doc)
    podspec.render_template(w, doc.get("podTemplate"))
    _conditions(w, doc)
    write_doc_events(w, doc, now)


def render_statefulset(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc['name']}")
    w.line(0, f"Namespace:\t{doc['namespace']}")
    w.line(0, f"CreationTimestamp:\t{rfc1123z(doc.get('creationTimestamp'))}")
    w.line(0, f"Selector:\t{_selector(doc)}")
    _meta_lines(w, doc)
    if doc.get("serviceName"):
        w.line(0, f"Service Name:\t{doc['serviceName']}")
    if doc.get("podManagementPolicy"):
        w.line(0, f"Pod Management Policy:\t{doc['podManagementPolicy']}")
    r = doc["replicas"]
    w.line(0, f"Replicas:\t{r['desired']} desired | {r['total']} total")
    strategy = doc.get("updateStrategy") or {}
    w.line(0, f"Update Strategy:\t{strategy.get('type', '')}")
    if strategy.get("partition") is not None:
        w.line(1, f"Partition:\t{strategy['partition']}")
        if strategy.get("maxUnavailable") is not None:
            w.line(1, f"MaxUnavailable:\t{strategy['maxUnavailable']}")
    retention = doc.get("persistentVolumeClaimRetentionPolicy")
    if retention is not None:
        w.line(0, "Persistent Volume Claim Retention Policy:")
        w.line(1, f"WhenDeleted:\t{retention['whenDeleted']}")
        w.line(1, f"WhenScaled:\t{retention['whenScaled']}")
    _pods_status(w, doc)
    podspec.render_template(w, doc.get("podTemplate"))
    _volume_claims(w, doc.get("volumeClaims") or [])
    write_doc_events(w, doc, now)


def _volume_claims(w, claims: list) -> None:
    if not claims:
        w.line(0, "Volume Claims:\t<none>")
        return
    w.line(0, "Volume Claims:")
    for claim in claims:
        w.line(1, f"Name:\t{claim['name']}")
        w.line(1, f"StorageClass:\t{claim['storageClass']}")
        write_labels(w, 1, "Labels", claim.get("labels"))
        write_labels(w, 1, "Annotations", claim.get("annotations"))
        capacity = claim.get("capacity")
        w.line(1, f"Capacity:\t{capacity['value'] if capacity else '<default>'}")
        w.line(1, f"Access Modes:\t[{' '.join(claim.get('accessModes') or [])}]")


def render_daemonset(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc['name']}")
    w.line(0, f"Namespace:\t{doc['namespace']}")
    w.line(0, f"Selector:\t{_selector(doc)}")
    node_selector = doc.get("nodeSelector") or {}
    w.line(0, "Node-Selector:\t" + (",".join(f"{k}={v}" for k, v in sorted(node_selector.items())) or "<none>"))
    _meta_lines(w, doc)
    w.line(0, f"Desired Number of Nodes Scheduled: {doc['desiredNumberScheduled']}")
    w.line(0, f"Current Number of Nodes Scheduled: {doc['currentNumberScheduled']}")
    w.line(0, f"Number of Nodes Scheduled with Up-to-date Pods: {doc['updatedNumberScheduled']}")
    w.line(0, f"Number of Nodes Scheduled with Available Pods: {doc['numberAvailable']}")
    w.line(0, f"Number of Nodes Misscheduled: {doc['numberMisscheduled']}")
    _pods_status(w, doc)
    podspec.render_template(w, doc.get("podTemplate"))
    write_doc_events(w, doc, now)


def cap_indexes(indexes: str, soft_limit: int = 50) -> str:
    """kubectl's ``capIndexesListOrNone``: cut at the first comma at or after ``soft_limit``."""
    if not indexes:
        return "<none>"
    cut = indexes.find(",", soft_limit)
    if cut < 0:
        return indexes
    return indexes[: cut + 1] + "..."


def render_job(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc['name']}")
    w.line(0, f"Namespace:\t{doc['namespace']}")
    w.line(0, f"Selector:\t{_selector(doc)}")
    _meta_lines(w, doc)
    _controlled_by(w, doc)
    if doc.get("parallelism") is not None:
        w.line(0, f"Parallelism:\t{doc['parallelism']}")
    completions = doc.get("completions")
    w.line(0, f"Completions:\t{'<unset>' if completions is None else completions}")
    if doc.get("completionMode") is not None:
        w.line(0, f"Completion Mode:\t{doc['completionMode']}")
    if doc.get("suspend") is not None:
        w.line(0, f"Suspend:\t{'true' if doc['suspend'] else 'false'}")
    if doc.get("backoffLimit") is not None:
        w.line(0, f"Backoff Limit:\t{doc['backoffLimit']}")
    if doc.get("ttlSecondsAfterFinished") is not None:
        w.line(0, f"TTL Seconds After Finished:\t{doc['ttlSecondsAfterFinished']}")
    if doc.get("startTime"):
        w.line(0, f"Start Time:\t{rfc1123z(doc['startTime'])}")
    if doc.get("completedAt"):
        w.line(0, f"Completed At:\t{rfc1123z(doc['completedAt'])}")
    if doc.get("durationSeconds") is not None:
        w.line(0, f"Duration:\t{human_duration(doc['durationSeconds'])}")
    if doc.get("activeDeadlineSeconds") is not None:
        w.line(0, f"Active Deadline Seconds:\t{doc['activeDeadlineSeconds']}s")
    s = doc["podsStatuses"]
    ready = "" if s.get("ready") is None else f" ({s['ready']} Ready)"
    w.line(0, f"Pods Statuses:\t{s['active']} Active{ready} / {s['succeeded']} Succeeded / {s['failed']} Failed")
    if doc.get("completionMode") == "Indexed":
        w.line(0, f"Completed Indexes:\t{cap_indexes(doc.get('completedIndexes') or '')}")
    podspec.render_template(w, doc.get("podTemplate"))
    write_doc_events(w, doc, now)


def _unset(value, suffix: str = "") -> str:
    return "<unset>" if value is None else f"{value}{suffix}"


def render_cronjob(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc['name']}")
    w.line(0, f"Namespace:\t{doc['namespace']}")
    _meta_lines(w, doc)
    w.line(0, f"Schedule:\t{doc.get('schedule', '')}")
    w.line(0, f"Concurrency Policy:\t{doc.get('concurrencyPolicy', '')}")
    suspend = doc.get("suspend")
    w.line(0, f"Suspend:\t{'<unset>' if suspend is None else ('True' if suspend else 'False')}")
    w.line(0, f"Time Zone:\t{_unset(doc.get('timeZone'))}")
    w.line(0, f"Successful Job History Limit:\t{_unset(doc.get('successfulJobHistoryLimit'))}")
    w.line(0, f"Failed Job History Limit:\t{_unset(doc.get('failedJobHistoryLimit'))}")
    w.line(0, f"Starting Deadline Seconds:\t{_unset(doc.get('startingDeadlineSeconds'), 's')}")
    template = doc.get("jobTemplate") or {}
    if template.get("selectorError") is not None:
        w.line(0, f"Selector:\tFailed to get selector: {template['selectorError']}")
    else:
        w.line(0, f"Selector:\t{_unset(template.get('selector'))}")
    w.line(0, f"Parallelism:\t{_unset(template.get('parallelism'))}")
    w.line(0, f"Completions:\t{_unset(template.get('completions'))}")
    if template.get("activeDeadlineSeconds") is not None:
        w.line(0, f"Active Deadline Seconds:\t{template['activeDeadlineSeconds']}s")
    podspec.render_template(w, template.get("podTemplate"))
    last = doc.get("lastScheduleTime")
    w.line(0, f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}")
    w.line(0, f"Active Jobs:\t{', '.join(doc.get('activeJobs') or []) or '<none>'}")
    write_doc_events(w, doc, now)
