"""py-triage's pure rules (kubectl_py/triage/findings.py, events.py) on hand-made objects: which objects are
wrong, and which reason is given, in the order the rules say. The same rules meet the real controllers in
tests/integration/test_triage.py."""

from datetime import datetime, timedelta, timezone

import pytest

from kubectl_py.describe.nodes import node_resources, pod_requests
from kubectl_py.triage import events as ev
from kubectl_py.triage import findings as f

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


def ago(minutes: float, micro: bool = False) -> str:
    when = NOW - timedelta(minutes=minutes)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def meta(name, ns="demo", uid=None, owner=None, labels=None, **extra):
    m = {
        "name": name,
        "namespace": ns,
        "uid": uid or f"uid-{name}",
        "creationTimestamp": ago(60),
        "labels": labels or {},
        **extra,
    }
    if owner:
        m["ownerReferences"] = [
            {
                "kind": owner[0],
                "name": owner[1],
                "uid": owner[2] if len(owner) > 2 else f"uid-{owner[1]}",
                "controller": True,
            }
        ]
    return m


def pod(name, phase="Running", ready=True, statuses=(), conditions=(), **extra):
    conds = [{"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ago(5)}] + list(conditions)
    return {
        "kind": "Pod",
        "metadata": meta(name, **extra),
        "spec": {"nodeName": "n1", "containers": [{"name": "app"}]},
        "status": {"phase": phase, "conditions": conds, "containerStatuses": list(statuses)},
    }


def waiting(reason, message="", last_exit=None, restarts=0):
    status = {"name": "app", "ready": False, "restartCount": restarts, "state": {"waiting": {"reason": reason}}}
    if message:
        status["state"]["waiting"]["message"] = message
    if last_exit is not None:
        status["lastState"] = {"terminated": {"exitCode": last_exit, "reason": "Error"}}
    return status


def event(kind, name, reason, message="m", type_="Warning", ns="demo", uid=None, **times):
    return {
        "type": type_,
        "reason": reason,
        "message": message,
        "metadata": {"namespace": ns},
        "involvedObject": {"kind": kind, "name": name, "namespace": ns, "uid": uid or f"uid-{name}"},
        **times,
    }


def warnings(*events, since=None):
    return ev.WarningEvents(list(events), NOW, since)


# -- events: kubectl events' times and intervals ------------------------------------------------------------


@pytest.mark.parametrize(
    "first, last, expected",
    [
        (20, 12, "12m (x3 over 20m)"),
        (15, 11, "11m (x3 over 15m)"),
        (20, 1, "60s (x3 over 20m)"),
    ],
)
def test_interval_is_kubectl_events(first, last, expected):
    """The cases of kubectl's own event_printer_test.go: a series of 3, eventTime and lastObservedTime."""
    raw = event(
        "Deployment",
        "bar",
        "ScalingReplicaSet",
        eventTime=ago(first, micro=True),
        series={"count": 3, "lastObservedTime": ago(last, micro=True)},
    )
    (record,) = warnings(raw).records
    assert ev.interval(record, NOW) == expected


@pytest.mark.parametrize(
    "times, last",
    [
        ({"lastTimestamp": ago(3), "firstTimestamp": ago(9)}, ago(3)),
        ({"eventTime": ago(4, micro=True), "series": {"count": 2, "lastObservedTime": ago(2, micro=True)}}, ago(2)),
        ({"eventTime": ago(7, micro=True)}, ago(7)),
        ({"lastTimestamp": ago(8), "series": {"count": 2, "lastObservedTime": ago(1, micro=True)}}, ago(1)),
    ],
)
def test_last_seen(times, last):
    assert ev.last_seen(event("Pod", "p", "R", **times)) == datetime.fromisoformat(last.replace("Z", "+00:00"))


def test_one_record_per_object_and_reason():
    records = warnings(
        event("Pod", "p", "BackOff", "old", count=3, firstTimestamp=ago(30), lastTimestamp=ago(20)),
        event("Pod", "p", "BackOff", "new", count=2, firstTimestamp=ago(10), lastTimestamp=ago(1)),
        event("Pod", "p", "BackOff", "other pod of that name", uid="uid-older", lastTimestamp=ago(2)),
        event("Pod", "p", "Scheduled", type_="Normal", lastTimestamp=ago(0)),
        event("Pod", "q", "FailedMount", eventTime=ago(5, micro=True)),
    ).records
    assert [(r["object"]["name"], r["object"]["uid"], r["message"]) for r in records] == [
        ("p", "uid-p", "new"),
        ("p", "uid-older", "other pod of that name"),
        ("q", "uid-q", "m"),
    ]
    merged = records[0]
    assert (merged["count"], merged["firstSeen"], merged["lastSeen"]) == (5, ago(30), ago(1))
    assert ev.interval(merged, NOW) == "60s (x5 over 30m)"


def test_since_bounds_the_list_not_the_lookup():
    found = warnings(
        event("Pod", "p", "Old", lastTimestamp=ago(120)), event("Pod", "p", "New", lastTimestamp=ago(5)), since=3600
    )
    assert [r["reason"] for r in found.records] == ["New"]
    assert found.newest("Pod", "demo", "p", "uid-p")["reason"] == "New"
    assert found.newest("Pod", "demo", "p", "uid-someone-else") is None


# -- pods ---------------------------------------------------------------------------------------------------


def test_healthy_pods_are_not_findings():
    assert f.pod_finding(pod("ok")) is None
    assert f.pod_finding(pod("done", phase="Succeeded", ready=False)) is None


def test_crash_loop_names_the_last_exit_code():
    found = f.pod_finding(pod("c", ready=False, statuses=[waiting("CrashLoopBackOff", "back-off 40s", 137, 6)]))
    assert (found["problem"], found["reason"]) == ("NotReady", "CrashLoopBackOff (exit code 137)")
    assert found["details"] == {
        "phase": "Running",
        "ready": "0/1",
        "restarts": 6,
        "node": "n1",
        "container": "app",
        "exitCode": 137,
        "message": "back-off 40s",
        "event": None,
    }


def test_image_pull_says_the_kubelets_message():
    found = f.pod_finding(
        pod("i", phase="Pending", ready=False, statuses=[waiting("ImagePullBackOff", 'Back-off pulling image "x:1"')])
    )
    assert (found["problem"], found["reason"]) == ("Pending", 'ImagePullBackOff: Back-off pulling image "x:1"')
    assert found["since"] == ago(5)  # the Ready condition's last transition


def test_unschedulable_gives_the_schedulers_message():
    scheduled = {
        "type": "PodScheduled",
        "status": "False",
        "reason": "Unschedulable",
        "message": "0/3 nodes are available: 3 Insufficient cpu.",
        "lastTransitionTime": ago(2),
    }
    found = f.pod_finding(pod("u", phase="Pending", ready=False, conditions=[scheduled]))
    assert found["reason"] == "Unschedulable: 0/3 nodes are available: 3 Insufficient cpu."
    assert found["since"] == ago(2)


def test_a_warning_event_beats_a_normal_step():
    creating = pod("m", phase="Pending", ready=False, statuses=[waiting("ContainerCreating")])
    assert f.pod_finding(creating)["reason"] == "ContainerCreating"
    mount = warnings(
        event("Pod", "m", "FailedMount", 'secret "s" not found', firstTimestamp=ago(9), lastTimestamp=ago(1), count=4)
    )
    found = f.pod_finding(creating, mount)
    assert found["reason"] == 'FailedMount: secret "s" not found' and found["since"] == ago(9)
    assert found["details"]["event"]["count"] == 4


def test_the_pods_own_reason_first_and_the_ready_condition_last():
    evicted = pod("e", phase="Failed", ready=False)
    evicted["status"].update(reason="Evicted", message="The node was low on resource: memory. ")
    assert f.pod_finding(evicted)["reason"] == "Evicted: The node was low on resource: memory."
    unready = pod("r", ready=False)
    unready["status"]["conditions"][0].update(
        reason="ContainersNotReady", message="containers with unready status: [app]"
    )
    assert f.pod_finding(unready)["reason"] == "ContainersNotReady: containers with unready status: [app]"


def test_ready_counts_sidecars_and_restarts_every_container():
    p = pod("s", statuses=[{"name": "app", "ready": True, "restartCount": 2}])
    p["spec"]["initContainers"] = [{"name": "proxy", "restartPolicy": "Always"}, {"name": "init"}]
    p["status"]["initContainerStatuses"] = [
        {"name": "proxy", "ready": True, "started": True, "restartCount": 1},
        {"name": "init", "restartCount": 3},
    ]
    assert f.ready_and_restarts(p) == ("2/2", 6)


# -- workloads ----------------------------------------------------------------------------------------------


def deploy(name="web", replicas=3, status=None, conditions=()):
    return {
        "kind": "Deployment",
        "metadata": meta(name),
        "spec": {"replicas": replicas},
        "status": dict(status or {}, conditions=list(conditions)),
    }


def test_an_absent_count_is_zero():
    assert f.deployment_finding(deploy(status={"availableReplicas": 3}), []) is None
    found = f.deployment_finding(deploy(status={}), [])
    assert found["details"]["available"] == 0 and found["reason"] == "0 of 3 available"


def test_deployment_reason_order():
    failure = {
        "type": "ReplicaFailure",
        "status": "True",
        "reason": "FailedCreate",
        "message": 'pods "web-1" is forbidden: exceeded quota: q',
        "lastTransitionTime": ago(3),
    }
    available = {
        "type": "Available",
        "status": "False",
        "reason": "MinimumReplicasUnavailable",
        "message": "Deployment does not have minimum availability.",
    }
    rs = {"kind": "ReplicaSet", "metadata": meta("web-abc", owner=("Deployment", "web"))}
    quota = warnings(
        event("ReplicaSet", "web-abc", "FailedCreate", "Error creating: exceeded quota", lastTimestamp=ago(1))
    )
    assert (
        f.deployment_finding(deploy(conditions=[failure, available]), [rs], quota)["reason"]
        == 'FailedCreate: pods "web-1" is forbidden: exceeded quota: q'
    )
    found = f.deployment_finding(deploy(conditions=[available]), [rs], quota)
    assert found["reason"] == "FailedCreate: Error creating: exceeded quota"
    bad = {
        ("demo", "ReplicaSet", "web-abc"): {
            "name": "web-abc-x1",
            "reason": "CrashLoopBackOff (exit code 1)",
            "since": None,
        }
    }
    assert (
        f.deployment_finding(deploy(conditions=[available]), [rs], None, bad)["reason"]
        == "pod web-abc-x1: CrashLoopBackOff (exit code 1)"
    )
    assert (
        f.deployment_finding(deploy(conditions=[available]), [rs])["reason"]
        == "MinimumReplicasUnavailable: Deployment does not have minimum availability."
    )


def test_replicasets_of_a_deployment_are_reported_through_it():
    owned = {"kind": "ReplicaSet", "metadata": meta("web-abc", owner=("Deployment", "web")), "spec": {"replicas": 2}}
    alone = {
        "kind": "ReplicaSet",
        "metadata": meta("solo"),
        "spec": {"replicas": 2},
        "status": {"availableReplicas": 1},
    }
    assert f.replicaset_finding(owned) is None
    assert f.replicaset_finding(alone)["reason"] == "1 of 2 available"


def test_statefulsets_count_ready_and_daemonsets_available():
    sts = {
        "kind": "StatefulSet",
        "metadata": meta("db"),
        "spec": {"replicas": 2},
        "status": {"readyReplicas": 1, "availableReplicas": 2},
    }
    assert f.statefulset_finding(sts)["reason"] == "1 of 2 ready"
    ds = {"kind": "DaemonSet", "metadata": meta("agent"), "status": {"desiredNumberScheduled": 4, "numberReady": 4}}
    assert f.daemonset_finding(ds)["reason"] == "0 of 4 available"
    ds["status"]["numberAvailable"] = 4
    assert f.daemonset_finding(ds) is None


def job(name, conditions=(), owner=None, created=30, **spec):
    m = meta(name, owner=owner)
    m["creationTimestamp"] = ago(created)
    return {
        "kind": "Job",
        "metadata": m,
        "spec": spec,
        "status": {"conditions": list(conditions), "startTime": ago(created)},
    }


FAILED = {
    "type": "Failed",
    "status": "True",
    "reason": "BackoffLimitExceeded",
    "message": "Job has reached the specified backoff limit",
    "lastTransitionTime": ago(4),
}


def test_jobs_failed_or_past_their_deadline():
    found = f.job_finding(job("j", [FAILED]), NOW)
    assert (found["problem"], found["reason"], found["since"]) == (
        "Failed",
        "BackoffLimitExceeded: Job has reached the specified backoff limit",
        ago(4),
    )
    late = f.job_finding(job("slow", activeDeadlineSeconds=600, created=30), NOW)
    assert late["problem"] == "DeadlineExceeded" and "past its activeDeadlineSeconds (600s)" in late["reason"]
    assert f.job_finding(job("fine", activeDeadlineSeconds=3600, created=30), NOW) is None
    complete = {"type": "Complete", "status": "True"}
    assert f.job_finding(job("done", [complete], activeDeadlineSeconds=60, created=30), NOW) is None


def test_cronjob_whose_newest_job_failed():
    cron = {"kind": "CronJob", "metadata": meta("nightly"), "spec": {"schedule": "0 3 * * *"}, "status": {}}
    older = job("nightly-1", [FAILED], owner=("CronJob", "nightly"), created=60)
    newer = job("nightly-2", [{"type": "Complete", "status": "True"}], owner=("CronJob", "nightly"), created=10)
    assert f.cronjob_finding(cron, [older, newer]) is None
    found = f.cronjob_finding(cron, [older])
    assert found["reason"] == "job nightly-1: BackoffLimitExceeded: Job has reached the specified backoff limit"


# -- services -----------------------------------------------------------------------------------------------


def svc(selector, type_="ClusterIP"):
    return {"kind": "Service", "metadata": meta("api"), "spec": {"selector": selector, "type": type_}}


def endpoint_slice(*ready):
    return {"endpoints": [{"addresses": ["10.0.0.1"], "conditions": {} if r is None else {"ready": r}} for r in ready]}


def test_services_without_a_ready_endpoint():
    assert f.service_finding(svc(None), [], []) is None
    assert f.service_finding(svc({"app": "x"}, "ExternalName"), [], []) is None
    assert f.service_finding(svc({"app": "x"}), [endpoint_slice(None)], []) is None  # unset ready means ready
    pods = [({"app": "api", "tier": "web"}, False), ({"app": "other"}, True)]
    found = f.service_finding(svc({"app": "api"}), [endpoint_slice(False)], pods)
    assert found["reason"] == "1 pod matches the selector app=api, none ready"
    assert found["details"] == {
        "selector": "app=api",
        "type": "ClusterIP",
        "endpointSlices": 1,
        "matchingPods": 1,
        "readyPods": 0,
    }
    assert (
        f.service_finding(svc({"app": "api", "tier": "db"}), [], pods)["reason"]
        == "no pod matches the selector app=api,tier=db"
    )
    assert f.service_finding(svc({"app": "api"}), [], None)["details"]["matchingPods"] is None


# -- nodes --------------------------------------------------------------------------------------------------


def node(name="n1", ready="True", unschedulable=False, taints=(), pressure=(), allocatable=None):
    conditions = [
        {
            "type": "Ready",
            "status": ready,
            "reason": "KubeletReady" if ready == "True" else "KubeletNotReady",
            "message": "runtime down" if ready != "True" else "ok",
            "lastTransitionTime": ago(8),
        }
    ]
    conditions += [{"type": p, "status": "True", "reason": f"Kubelet Has {p}", "message": "low"} for p in pressure]
    return {
        "kind": "Node",
        "metadata": {"name": name},
        "spec": {"unschedulable": unschedulable, "taints": list(taints)},
        "status": {"conditions": conditions, "allocatable": allocatable or {"cpu": "2", "memory": "4Gi"}},
    }


def test_node_problems_each_once():
    bad = node(
        ready="False",
        unschedulable=True,
        pressure=["DiskPressure"],
        taints=[
            {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"},
            {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": ago(6)},
            {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
            {"key": "drain", "effect": "NoExecute"},
            {"key": "soft", "effect": "PreferNoSchedule"},
        ],
    )
    found = {x["problem"]: x for x in f.node_findings(bad)}
    assert sorted(found) == ["Cordoned", "DiskPressure", "NotReady", "Tainted"]
    assert found["NotReady"]["reason"] == "KubeletNotReady: runtime down"
    assert found["Tainted"]["reason"] == "dedicated=gpu:NoSchedule, drain:NoExecute"
    assert found["Cordoned"]["since"] == ago(6)
    assert f.node_findings(node()) == []


def test_requests_over_the_threshold_as_describe_node_computes_them():
    n = node(allocatable={"cpu": "2", "memory": "4Gi"})
    pods = [
        {
            "metadata": {"name": f"p{i}"},
            "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "450m", "memory": "100Mi"}}}]},
        }
        for i in range(4)
    ]
    totals = {}
    for p in pods:
        for name, q in pod_requests(p).items():
            totals.setdefault(name, q.copy()) if name not in totals else totals[name].add(q)
    _, allocated = node_resources(n, pods)  # describe node's Allocated resources (checked against kubectl there)
    cpu_percent = allocated["cpu"]["requestsPercent"]
    (found,) = f.node_findings(n, totals, over=cpu_percent - 1)
    assert found["problem"] == "HighRequests" and found["details"]["cpu"]["requestsPercent"] == cpu_percent
    assert (
        "memory" not in found["details"]
        and found["reason"]
        == f"cpu requests {cpu_percent}% of allocatable ({allocated['cpu']['requests']['value']} of 2)"
    )
    assert f.node_findings(n, totals, over=cpu_percent) == []


# -- storage and events -------------------------------------------------------------------------------------


def test_claims_and_volumes():
    pvc = {
        "kind": "PersistentVolumeClaim",
        "metadata": meta("data"),
        "spec": {"storageClassName": "gone"},
        "status": {"phase": "Pending"},
    }
    missing = warnings(
        event(
            "PersistentVolumeClaim",
            "data",
            "ProvisioningFailed",
            'storageclass.storage.k8s.io "gone" not found',
            lastTimestamp=ago(1),
            firstTimestamp=ago(9),
        )
    )
    assert f.pvc_finding(pvc, missing)["reason"] == 'ProvisioningFailed: storageclass.storage.k8s.io "gone" not found'
    assert f.pvc_finding(dict(pvc, status={"phase": "Bound"}), missing) is None
    pv = {
        "kind": "PersistentVolume",
        "metadata": {"name": "pv1"},
        "spec": {"claimRef": {"namespace": "demo", "name": "old"}, "persistentVolumeReclaimPolicy": "Retain"},
        "status": {"phase": "Released"},
    }
    found = f.pv_finding(pv)
    assert found["namespace"] is None and found["reason"] == "its claim demo/old was deleted; reclaim policy Retain"
    assert (
        f.pv_finding(dict(pv, status={"phase": "Failed", "message": "recycler failed"}))["reason"] == "recycler failed"
    )
    assert f.pv_finding(dict(pv, status={"phase": "Bound"})) is None


def test_event_findings_name_the_object():
    (record,) = warnings(event("Node", "n1", "Rebooted", "rebooted", ns="", lastTimestamp=ago(1))).records
    found = f.event_finding(record)
    assert (found["kind"], found["namespace"], found["name"], found["problem"], found["reason"]) == (
        "Node",
        None,
        "n1",
        f.WARNING_EVENT,
        "Rebooted: rebooted",
    )
