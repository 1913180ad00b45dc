"""py-triage against the real cluster A: every failure the issue names is seeded in a namespace of its own,
through the real controllers where they fail for real (a ResourceQuota blocking a rollout, a claim of a
missing StorageClass, a pod no node can take, a Service selecting nothing) and through the status
subresource where kwok will not fail (ImagePullBackOff, CrashLoopBackOff, a failed Job). Every finding and
its reason are checked against kubectl's own JSON and describe text (the oracle), and healthy objects never
appear.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid

import jsonschema
import pytest
from referencing import Registry, Resource

from kubectl_py.triage import SCHEMA_DIR
from tests.integration.harness import kubectl_plugin, plugin_env, popen_interruptible
from tests.integration.incident import (
    apply,
    deployment,
    eventually,
    now,
    ok,
    oracle,
    patch_status,
    pod,
    wait_for,
    waiting_status,
)

CLEAR = "\x1b[H\x1b[2J"  # what --watch writes before each report on a terminal
NODE = "node-notready"  # shared with other tests: nothing runs there; cordoned and tainted here, undone after


def _schema_validator():
    schemas = [json.loads(p.read_text()) for p in sorted(SCHEMA_DIR.glob("*.json"))]
    registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in schemas])
    document = next(s for s in schemas if s["$id"] == "findinglist.json")
    return jsonschema.Draft202012Validator(document, registry=registry)


VALIDATOR = _schema_validator()


@pytest.fixture(scope="module")
def incident(cluster, kubectl):
    """A namespace (of its own: seeding takes the controllers a while, so every test here reads the same one)
    holding every failure, plus healthy neighbours; the node and the PV are undone at the end."""
    ns = f"t-triage-{uuid.uuid4().hex[:6]}"
    tag = ns.rsplit("-", 1)[1]
    taint_key = f"kpy.io/triage-{tag}"
    pv_name = f"{ns}-released"
    ok(kubectl(["create", "namespace", ns], context="kpy-a"))
    try:
        wait_for(
            "default ServiceAccount",
            lambda: kubectl(["get", "sa", "default", "-n", ns], context="kpy-a").returncode == 0,
        )
        # healthy neighbours: must never be reported
        apply(
            kubectl,
            ns,
            deployment("healthy", 2),
            pod("healthy-pod"),
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "healthy"},
                "spec": {"selector": {"app": "healthy"}, "ports": [{"port": 80}]},
            },
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": "healthy-job"},
                "spec": {"template": {"spec": dict(pod("x")["spec"], restartPolicy="Never")}},
            },
        )
        # pods kwok runs, then made to fail through the status subresource
        apply(
            kubectl,
            ns,
            pod("pull-fail"),
            pod("crash-loop", {"app": "crashy"}),
            pod("unschedulable", nodeSelector={"kpy.io/nowhere": "true"}),
        )
        wait_for(
            "pods running",
            lambda: all(
                p["status"].get("phase") == "Running"
                for p in oracle(kubectl, "get", "pods", "-n", ns)["items"]
                if p["metadata"]["name"] in ("pull-fail", "crash-loop")
            ),
        )
        patch_status(
            kubectl,
            ns,
            "pod",
            "pull-fail",
            waiting_status(
                "app",
                "Pending",
                {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "registry.invalid/nope:1"'},
            ),
        )
        patch_status(
            kubectl,
            ns,
            "pod",
            "crash-loop",
            waiting_status(
                "app",
                "Running",
                {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container=app"},
                last_exit=3,
                restarts=4,
            ),
        )
        # a rollout the quota blocks: BestEffort pods, one allowed
        apply(
            kubectl,
            ns,
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "best-effort"},
                "spec": {"hard": {"pods": "1"}, "scopes": ["BestEffort"]},
            },
        )
        wait_for(
            "quota counted",
            lambda: (oracle(kubectl, "get", "quota", "best-effort", "-n", ns).get("status") or {}).get("used"),
        )
        apply(kubectl, ns, deployment("quota-blocked", 3, best_effort=True))
        # a StatefulSet whose pod no node takes
        sts_pod = pod("sts-stuck", nodeSelector={"kpy.io/nowhere": "true"})
        apply(
            kubectl,
            ns,
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": {"name": "sts-stuck"},
                "spec": {
                    "replicas": 1,
                    "serviceName": "sts-stuck",
                    "selector": {"matchLabels": {"app": "sts-stuck"}},
                    "template": {"metadata": sts_pod["metadata"], "spec": sts_pod["spec"]},
                },
            },
        )
        # storage and services
        apply(
            kubectl,
            ns,
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "no-class"},
                "spec": {
                    "storageClassName": f"missing-{tag}",
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}},
                },
            },
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "selects-nothing"},
                "spec": {"selector": {"app": "nobody"}, "ports": [{"port": 80}]},
            },
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "not-ready"},
                "spec": {"selector": {"app": "crashy"}, "ports": [{"port": 80}]},
            },
        )
        ok(
            kubectl(
                ["apply", "-f", "-"],
                context="kpy-a",
                input=json.dumps(
                    {
                        "apiVersion": "v1",
                        "kind": "PersistentVolume",
                        "metadata": {"name": pv_name},
                        "spec": {
                            "capacity": {"storage": "1Gi"},
                            "accessModes": ["ReadWriteOnce"],
                            "persistentVolumeReclaimPolicy": "Retain",
                            "storageClassName": f"released-{tag}",
                            "hostPath": {"path": f"/var/kpy/{pv_name}"},
                            "claimRef": {"namespace": ns, "name": "gone", "uid": str(uuid.uuid4())},
                        },
                    }
                ),
            )
        )
        # a failed Job (no controller manages it: its status is ours), and a CronJob whose last Job failed
        failed = {
            "startTime": now(-10),
            "failed": 1,
            "conditions": [
                {
                    "type": kind,
                    "status": "True",
                    "reason": "BackoffLimitExceeded",
                    "message": "Job has reached the specified backoff limit",
                    "lastTransitionTime": now(-9),
                    "lastProbeTime": now(-9),
                }
                for kind in ("FailureTarget", "Failed")
            ],
        }
        job_spec = {
            "managedBy": "kpy.io/triage-test",
            "backoffLimit": 0,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10"}],
                }
            },
        }
        apply(
            kubectl,
            ns,
            {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "failed-job"}, "spec": job_spec},
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": {"name": "nightly"},
                "spec": {"schedule": "0 3 * * *", "suspend": True, "jobTemplate": {"spec": job_spec}},
            },
        )
        cronjob_uid = oracle(kubectl, "get", "cronjob", "nightly", "-n", ns)["metadata"]["uid"]
        apply(
            kubectl,
            ns,
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {
                    "name": "nightly-1",
                    "ownerReferences": [
                        {
                            "apiVersion": "batch/v1",
                            "kind": "CronJob",
                            "name": "nightly",
                            "uid": cronjob_uid,
                            "controller": True,
                        }
                    ],
                },
                "spec": job_spec,
            },
        )
        patch_status(kubectl, ns, "job", "failed-job", failed)
        patch_status(kubectl, ns, "job", "nightly-1", failed)
        # Warning events written with events.k8s.io/v1: one with only eventTime, one series seen 2 h ago
        crash_uid = oracle(kubectl, "get", "pod", "crash-loop", "-n", ns)["metadata"]["uid"]
        regarding = {"apiVersion": "v1", "kind": "Pod", "namespace": ns, "name": "crash-loop", "uid": crash_uid}
        base = {
            "apiVersion": "events.k8s.io/v1",
            "kind": "Event",
            "reportingController": "kpy.io/triage-test",
            "reportingInstance": "triage-test",
            "action": "Probing",
            "type": "Warning",
            "regarding": regarding,
        }
        ok(
            kubectl(
                ["create", "-n", ns, "-f", "-"],
                context="kpy-a",
                input=json.dumps(
                    {
                        "apiVersion": "v1",
                        "kind": "List",
                        "items": [
                            dict(
                                base,
                                metadata={"name": "only-event-time"},
                                eventTime=now(-1, micro=True),
                                reason="OnlyEventTime",
                                note="an event with eventTime only",
                            ),
                            dict(
                                base,
                                metadata={"name": "old-series"},
                                eventTime=now(-180, micro=True),
                                series={"count": 8, "lastObservedTime": now(-120, micro=True)},
                                reason="OldSeries",
                                note="seen eight times, last two hours ago",
                            ),
                        ],
                    }
                ),
            )
        )
        # the node: cordoned and tainted NoExecute (nothing runs on it)
        ok(kubectl(["cordon", NODE], context="kpy-a"))
        ok(kubectl(["taint", "node", NODE, f"{taint_key}=yes:NoExecute"], context="kpy-a"))
        # the controllers' share: wait until kubectl shows every failure
        wait_for(
            "the quota to block the rollout",
            lambda: any(
                c["type"] == "ReplicaFailure" and "exceeded quota" in c.get("message", "")
                for c in oracle(kubectl, "get", "deploy", "quota-blocked", "-n", ns)["status"].get("conditions", [])
            ),
        )
        for name in ("unschedulable", "sts-stuck-0"):
            wait_for(
                f"{name} unschedulable",
                lambda: any(
                    c["type"] == "PodScheduled" and c.get("reason") == "Unschedulable"
                    for c in (
                        kubectl(["get", "pod", name, "-n", ns, "-o", "json"], context="kpy-a").returncode == 0
                        and oracle(kubectl, "get", "pod", name, "-n", ns)["status"].get("conditions")
                        or []
                    )
                ),
            )
        wait_for(
            "the provisioning failure",
            lambda: any(
                e["reason"] == "ProvisioningFailed" for e in oracle(kubectl, "get", "events", "-n", ns)["items"]
            ),
        )
        wait_for(
            "the released volume", lambda: oracle(kubectl, "get", "pv", pv_name)["status"].get("phase") == "Released"
        )
        wait_for(
            "healthy workloads",
            lambda: (
                oracle(kubectl, "get", "deploy", "healthy", "-n", ns)["status"].get("availableReplicas") == 2
                and oracle(kubectl, "get", "job", "healthy-job", "-n", ns)["status"].get("succeeded")
            ),
        )
        wait_for(
            "the healthy Service's endpoint",
            lambda: any(
                e.get("conditions", {}).get("ready")
                for s in oracle(kubectl, "get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=healthy")[
                    "items"
                ]
                for e in s.get("endpoints") or []
            ),
        )
        yield {"ns": ns, "taint": f"{taint_key}=yes:NoExecute", "pv": pv_name, "tag": tag}
    finally:
        kubectl(["uncordon", NODE], context="kpy-a")
        kubectl(["taint", "node", NODE, f"{taint_key}-"], context="kpy-a")
        kubectl(["delete", "pv", pv_name, "--wait=false"], context="kpy-a")
        kubectl(["delete", "namespace", ns, "--wait=false"], context="kpy-a")


def triage(cluster, *args, env=None):
    return kubectl_plugin(cluster, "py-triage", "--context", "kpy-a", *args, env=env)


def findings(run) -> list:
    doc = run.json()
    VALIDATOR.validate(doc)
    return doc["items"]


def one(items, kind, name, problem=None):
    found = [
        f
        for f in items
        if f["kind"] == kind
        and f["name"] == name
        and f["problem"] != "WarningEvent"
        and (problem is None or f["problem"] == problem)
    ]
    assert len(found) == 1, (kind, name, problem, [f for f in items if f["name"] == name])
    return found[0]


def describe(kubectl, *args):
    return ok(kubectl(["describe", *args], context="kpy-a"))


def condition(obj, kind):
    return next(c for c in obj["status"]["conditions"] if c["type"] == kind)


# -- the findings, each against kubectl ----------------------------------------------------------------------


def test_pods_not_ready_with_their_reason(cluster, kubectl, incident):
    eventually(lambda: _pods_not_ready(cluster, kubectl, incident["ns"]))


def _pods_not_ready(cluster, kubectl, ns):
    run = triage(cluster, "-n", ns, "pods", "-o", "json")
    assert run.code == 1, run.err
    items = findings(run)
    for name, reason in (("pull-fail", "ImagePullBackOff"), ("crash-loop", "CrashLoopBackOff")):
        theirs = oracle(kubectl, "get", "pod", name, "-n", ns)
        status = theirs["status"]["containerStatuses"][0]
        mine = one(items, "Pod", name)
        assert status["state"]["waiting"]["reason"] == reason
        assert mine["reason"].startswith(reason) and mine["problem"] == {"Pending": "Pending"}.get(
            theirs["status"]["phase"], "NotReady"
        )
        assert mine["details"]["restarts"] == status["restartCount"]
        assert mine["details"]["ready"] == "0/1"
        assert reason in describe(kubectl, "pod", name, "-n", ns)  # State: Waiting, Reason: ...
        exit_code = (status["lastState"].get("terminated") or {}).get("exitCode")
        if exit_code is not None:
            assert mine["reason"] == f"{reason} (exit code {exit_code})" and mine["details"]["exitCode"] == exit_code
        else:
            assert mine["reason"] == f"{reason}: {status['state']['waiting']['message']}"
    theirs = oracle(kubectl, "get", "pod", "unschedulable", "-n", ns)
    scheduled = condition(theirs, "PodScheduled")
    mine = one(items, "Pod", "unschedulable", "Pending")
    assert mine["reason"] == f"Unschedulable: {' '.join(scheduled['message'].split())}"
    assert mine["since"] == scheduled["lastTransitionTime"]
    assert "didn't match Pod's node affinity/selector" in describe(kubectl, "pod", "unschedulable", "-n", ns)


def test_workloads_below_desired(cluster, kubectl, incident):
    eventually(lambda: _workloads_below_desired(cluster, kubectl, incident["ns"]))


def _workloads_below_desired(cluster, kubectl, ns):
    items = findings(triage(cluster, "-n", ns, "-o", "json"))
    theirs = oracle(kubectl, "get", "deploy", "quota-blocked", "-n", ns)
    failure = condition(theirs, "ReplicaFailure")
    mine = one(items, "Deployment", "quota-blocked", "Unavailable")
    assert mine["reason"] == f"{failure['reason']}: {failure['message']}" and "exceeded quota" in mine["reason"]
    assert mine["details"]["desired"] == theirs["spec"]["replicas"] == 3
    assert mine["details"]["available"] == theirs["status"].get("availableReplicas", 0) < 3
    assert re.search(
        r"^\s+ReplicaFailure\s+True\s+FailedCreate$", describe(kubectl, "deploy", "quota-blocked", "-n", ns), re.M
    )

    sts = oracle(kubectl, "get", "sts", "sts-stuck", "-n", ns)
    mine = one(items, "StatefulSet", "sts-stuck", "NotReady")
    assert mine["details"]["ready"] == sts["status"].get("readyReplicas", 0) == 0
    stuck = condition(oracle(kubectl, "get", "pod", "sts-stuck-0", "-n", ns), "PodScheduled")
    assert mine["reason"] == f"pod sts-stuck-0: Unschedulable: {' '.join(stuck['message'].split())}"

    for name in ("failed-job",):
        job = condition(oracle(kubectl, "get", "job", name, "-n", ns), "Failed")
        mine = one(items, "Job", name, "Failed")
        assert mine["reason"] == f"{job['reason']}: {job['message']}" and mine["since"] == job["lastTransitionTime"]
    mine = one(items, "CronJob", "nightly", "LastScheduleFailed")
    job = condition(oracle(kubectl, "get", "job", "nightly-1", "-n", ns), "Failed")
    assert mine["reason"] == f"job nightly-1: {job['reason']}: {job['message']}"
    # the ReplicaSet of the blocked Deployment is reported through it, not twice
    assert not [f for f in items if f["kind"] == "ReplicaSet" and f["problem"] != "WarningEvent"]


def test_services_storage_and_events(cluster, kubectl, incident):
    ns = incident["ns"]
    items = findings(triage(cluster, "-n", ns, "-o", "json"))
    for name, app in (("selects-nothing", "nobody"), ("not-ready", "crashy")):
        slices = oracle(kubectl, "get", "endpointslices", "-n", ns, "-l", f"kubernetes.io/service-name={name}")
        ready = [e for s in slices["items"] for e in s.get("endpoints") or [] if e["conditions"].get("ready")]
        pods = oracle(kubectl, "get", "pods", "-n", ns, "-l", f"app={app}")["items"]
        mine = one(items, "Service", name, "NoReadyEndpoints")
        assert not ready and mine["details"]["selector"] == f"app={app}"
        assert mine["details"]["matchingPods"] == len(pods)
        if pods:
            assert mine["reason"] == f"1 pod matches the selector app={app}, none ready"
        else:
            assert mine["reason"] == f"no pod matches the selector app={app}"
        assert re.search(rf"^Selector:\s+app={app}$", describe(kubectl, "svc", name, "-n", ns), re.M)

    mine = one(items, "PersistentVolumeClaim", "no-class", "Pending")
    assert oracle(kubectl, "get", "pvc", "no-class", "-n", ns)["status"]["phase"] == "Pending"
    message = f'storageclass.storage.k8s.io "missing-{incident["tag"]}" not found'
    assert mine["reason"] == f"ProvisioningFailed: {message}"
    assert message in describe(kubectl, "pvc", "no-class", "-n", ns)

    eventually(lambda: _warning_events(cluster, kubectl, ns))
    eventually(lambda: _last_seen_as_kubectl_events(cluster, kubectl, ns))


def _warning_events(cluster, kubectl, ns):
    """One record per object and reason, counts and times as the events say, newest first."""
    theirs = [e for e in oracle(kubectl, "get", "events", "-n", ns)["items"] if e["type"] == "Warning"]
    items = findings(triage(cluster, "-n", ns, "events", "-o", "json"))
    events = [f for f in items if f["problem"] == "WarningEvent"]
    assert len(events) == len(items)
    assert {(f["kind"], f["name"], f["details"]["reason"]) for f in events} == {
        (e["involvedObject"]["kind"], e["involvedObject"]["name"], e["reason"]) for e in theirs
    }
    lasts = [f["details"]["lastSeen"] for f in events]
    assert lasts == sorted(lasts, reverse=True), "newest first"
    only = next(e for e in theirs if e["reason"] == "OnlyEventTime")
    assert only["lastTimestamp"] is None and only.get("series") is None
    mine = next(f for f in events if f["details"]["reason"] == "OnlyEventTime")
    assert mine["details"]["lastSeen"] == only["eventTime"][:19] + "Z" and mine["details"]["count"] == 1
    series = next(e for e in theirs if e["reason"] == "OldSeries")
    mine = next(f for f in events if f["details"]["reason"] == "OldSeries")
    assert mine["details"]["count"] == series["series"]["count"] == 8
    assert mine["details"]["lastSeen"] == series["series"]["lastObservedTime"][:19] + "Z"
    failed_create = [e for e in theirs if e["reason"] == "FailedCreate"]
    mine = next(f for f in events if f["details"]["reason"] == "FailedCreate")
    assert mine["details"]["count"] == sum(e.get("count") or 1 for e in failed_create)


def _seconds(age: str):
    """kubectl's short durations (``68s``, ``2m3s``, ``120m``, ``3h``) in seconds; None for other words."""
    parts = re.findall(r"(\d+)([dhms])", age)
    if not parts or "".join(n + u for n, u in parts) != age:
        return None
    return sum(int(n) * {"d": 86400, "h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


def _same_age(mine: str, theirs: str) -> bool:
    """The same cell, or ages read a moment apart: within the printed precision (a unit of the last field)
    plus the few seconds between the two reads."""
    if mine.strip("()x") == theirs.strip("()x"):
        return True
    a, b = _seconds(mine.strip("()")), _seconds(theirs.strip("()"))
    if a is None or b is None:
        return False
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}[theirs.strip("()")[-1]]
    return abs(a - b) <= unit + 5


def _last_seen_as_kubectl_events(cluster, kubectl, ns):
    """The LAST SEEN cell is kubectl events' (``120m (x8 over 3h)``), read a moment apart."""
    listed = ok(kubectl(["events", "-n", ns, "--types=Warning"], context="kpy-a"))
    text = triage(cluster, "-n", ns, "events")
    for reason in ("OldSeries", "OnlyEventTime"):
        theirs = next(line for line in listed.splitlines() if reason in line).split()
        mine = next((line for line in text.lines() if reason in line), "").split()
        width = 4 if theirs[1].startswith("(x") else 1
        assert all(_same_age(a, b) for a, b in zip(mine[1 : 1 + width], theirs[:width])), (mine, theirs)
    assert "(x8" in next(line for line in text.lines() if "OldSeries" in line)


def test_since_bounds_the_events_only(cluster, incident):
    ns = incident["ns"]
    bounded = findings(triage(cluster, "-n", ns, "--since", "1h", "-o", "json"))
    reasons = {f["details"]["reason"] for f in bounded if f["problem"] == "WarningEvent"}
    assert "OnlyEventTime" in reasons and "OldSeries" not in reasons
    everything = findings(triage(cluster, "-n", ns, "-o", "json"))
    assert {f["name"] for f in bounded if f["problem"] != "WarningEvent"} == {
        f["name"] for f in everything if f["problem"] != "WarningEvent"
    }


def test_nodes_and_volumes(cluster, kubectl, incident):
    run = triage(cluster, "nodes,pv", "-o", "json")
    items = findings(run)
    node = oracle(kubectl, "get", "node", NODE)
    assert node["spec"].get("unschedulable") is True
    one(items, "Node", NODE, "Cordoned")
    mine = one(items, "Node", NODE, "Tainted")
    assert mine["reason"] == incident["taint"]
    assert incident["taint"] in describe(kubectl, "node", NODE)
    ready = condition(node, "Ready")
    mine = one(items, "Node", NODE, "NotReady")
    assert mine["reason"] == f"{ready['reason']}: {ready['message']}"
    # every node kubectl shows cordoned or not Ready is reported, and only those
    for theirs in oracle(kubectl, "get", "nodes")["items"]:
        name = theirs["metadata"]["name"]
        problems = {f["problem"] for f in items if f["name"] == name}
        assert ("Cordoned" in problems) == bool(theirs["spec"].get("unschedulable")), name
        assert ("NotReady" in problems) == (condition(theirs, "Ready")["status"] != "True"), name
    pv = oracle(kubectl, "get", "pv", incident["pv"])
    mine = one(items, "PersistentVolume", incident["pv"], "Released")
    claim = pv["spec"]["claimRef"]
    assert mine["details"]["claim"] == f"{claim['namespace']}/{claim['name']}" and pv["status"]["phase"] == "Released"


def test_requests_over_the_threshold(cluster, kubectl):
    """--over 0: every node whose pods request anything; the percentages are kubectl describe node's."""
    eventually(lambda: _requests_over(cluster, kubectl))


def _requests_over(cluster, kubectl):
    items = findings(triage(cluster, "nodes", "--over", "0", "-o", "json"))
    mine = one(items, "Node", "kwok-node-1", "HighRequests")
    text = describe(kubectl, "node", "kwok-node-1")
    cpu = next(line for line in text.splitlines() if line.strip().startswith("cpu ") and "%" in line)
    assert f"({mine['details']['cpu']['requestsPercent']}%)" in cpu.split()[2]
    high = findings(triage(cluster, "nodes", "--over", "100", "-o", "json"))
    assert not [f for f in high if f["problem"] == "HighRequests"]


def test_healthy_objects_never_appear(cluster, kubectl, incident):
    """Only a Warning event the cluster itself recorded may name a healthy object (the apiserver's IP repair loop
    can warn `ClusterIPNotAllocated` about a Service created a moment before): reported as kubectl lists it."""
    ns = incident["ns"]
    items = findings(triage(cluster, "-n", ns, "-o", "json"))
    reported = [f for f in items if f["name"].startswith("healthy")]
    warned = {
        (e["involvedObject"]["kind"], e["involvedObject"]["name"], e["reason"])
        for e in oracle(kubectl, "get", "events", "-n", ns, "--field-selector", "type=Warning")["items"]
    }
    unexplained = [
        (f["kind"], f["name"], f["problem"], f["reason"])
        for f in reported
        if f["problem"] != "WarningEvent" or (f["kind"], f["name"], f["reason"].split(":")[0]) not in warned
    ]
    assert not unexplained, unexplained
    assert not [f for f in items if f["kind"] == "Pod" and f["name"].startswith("quota-blocked")]


def test_text_sections_and_exit_codes(cluster, kubectl, incident):
    ns = incident["ns"]
    run = triage(cluster, "-n", ns)
    assert run.code == 1, run.err
    titles = [line for line in run.lines() if line.endswith(":") and not line.startswith(" ")]
    assert titles == [
        "Pods not ready:",
        "Workloads below desired:",
        "Services without ready endpoints:",
        "Storage problems:",
        "Warning events:",
    ]
    row = next(line for line in run.lines() if line.startswith(f"{ns}   crash-loop"))
    assert row.split()[2:5] == ["0/1", "NotReady", "4"]
    # two contexts: a CONTEXT column; a context that cannot be read: exit 2, named on stderr, the rest printed
    run = kubectl_plugin(cluster, "py-triage", "-n", ns, "--context", "kpy-a,kpy-b,kpy-down")
    assert run.code == 2 and "kpy-down" in run.err
    assert run.lines()[1].split()[:2] == ["CONTEXT", "NAMESPACE"] and run.lines()[2].startswith("kpy-a ")
    # a namespace with nothing wrong
    quiet = triage(cluster, "-n", "kube-node-lease")
    assert quiet.code == 0 and quiet.out == "" and "No problems found." in quiet.err


def test_spreadsheets_and_templates(cluster, incident):
    ns = incident["ns"]
    items = findings(triage(cluster, "-n", ns, "pods,svc", "-o", "json"))
    csv = triage(cluster, "-n", ns, "pods,svc", "-o", "csv")
    assert csv.lines()[0] == "KIND,NAMESPACE,NAME,PROBLEM,REASON,SINCE"
    assert [line.split(",")[:4] for line in csv.lines()[1:]] == [
        [f["kind"], ns, f["name"], f["problem"]] for f in items
    ]
    markdown = triage(cluster, "-n", ns, "pods,svc", "-o", "markdown")
    assert markdown.out.startswith("### Pods not ready\n\n| NAMESPACE | NAME | READY | STATUS | RESTARTS |")
    assert "### Services without ready endpoints" in markdown.out
    template = triage(
        cluster, "-n", ns, "pods,svc", "-o", 'jsonpath={range .items[*]}{.kind}/{.name}:{.problem}{"\\n"}{end}'
    )
    assert template.lines() == [f"{f['kind']}/{f['name']}:{f['problem']}" for f in items]


def test_the_library_finds_what_the_plugin_prints(cluster, incident):
    """api.triage, the call py-triage is a layer over, as a script would use it (its own process)."""
    ns = incident["ns"]
    script = (
        "import json\nfrom kubectl_py import api\n"
        f"result = api.triage(api.clusters(contexts=['kpy-a']), ['pods', 'svc'], namespace={ns!r})\n"
        "print(json.dumps([result.exit_code(), result.document()]))"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=plugin_env(cluster))
    assert proc.returncode == 0, proc.stderr
    code, document = json.loads(proc.stdout)
    VALIDATOR.validate(document)
    items = findings(triage(cluster, "-n", ns, "pods,svc", "-o", "json"))
    assert code == 1 and document["items"] == items, (code, document["items"], items)


def test_offline_dump_gives_the_same_findings(cluster, kubectl, incident, tmp_path):
    eventually(lambda: _offline(cluster, kubectl, incident["ns"], tmp_path / f"dump-{uuid.uuid4().hex[:4]}"))


def _offline(cluster, kubectl, ns, folder):
    ok(kubectl(["cluster-info", "dump", "--namespaces", ns, "--output-directory", str(folder)], context="kpy-a"))
    alone = kubectl_plugin(cluster, "py-triage", "-f", str(folder), "-n", ns)
    assert "warning: the input files hold no statefulsets.apps" in alone.err  # cluster-info dump leaves them out
    # the kinds cluster-info dump leaves out, as kubectl get writes them
    (folder / "more.json").write_text(
        ok(kubectl(["get", "statefulsets,jobs,cronjobs,endpointslices,pvc", "-n", ns, "-o", "json"], context="kpy-a"))
    )
    live = findings(triage(cluster, "-n", ns, "-o", "json"))
    run = kubectl_plugin(cluster, "py-triage", "-f", str(folder), "-n", ns, "-o", "json")
    assert run.code == 1, run.err
    # a kind of which the namespace holds nothing leaves no object in the dump to say so: one warning each
    empty = [
        kind
        for kind in (
            "pods",
            "events",
            "deployments.apps",
            "replicasets.apps",
            "statefulsets.apps",
            "daemonsets.apps",
            "jobs.batch",
            "cronjobs.batch",
            "services",
            "endpointslices.discovery.k8s.io",
            "persistentvolumeclaims",
        )
        if not ok(kubectl(["get", kind, "-n", ns, "-o", "name"], context="kpy-a")).strip()
    ]
    assert run.json()["contexts"][0]["warnings"] == [f"the input files hold no {kind}" for kind in empty]
    offline = findings(run)

    def key(f):  # an event's message names the latest pod the ReplicaSet failed to create: compare its reason
        reason = (
            f["reason"].split(":")[0]
            if f["problem"] == "WarningEvent" or (f["details"] or {}).get("event")
            else f["reason"]
        )
        return (f["kind"], f["namespace"], f["name"], f["problem"], reason)

    assert sorted(map(key, offline)) == sorted(map(key, live))
    assert {f["context"] for f in offline} == {""}


def test_forbidden_kinds_are_one_warning_each(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-triage", "pods,nodes,pv", "-n", "team-a", "--context", "kpy-a-ns-viewer")
    assert run.code in (0, 1), run.err
    warnings = [line for line in run.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2, run.err
    assert 'cannot list resource "nodes"' in warnings[0] and 'cannot list resource "persistentvolumes"' in warnings[1]
    expected = [
        p["metadata"]["name"]
        for p in oracle(kubectl, "get", "pods", "-n", "team-a")["items"]
        if not (
            p["status"].get("phase") == "Succeeded"
            or any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions") or [])
        )
    ]
    doc = kubectl_plugin(
        cluster, "py-triage", "pods,nodes,pv", "-n", "team-a", "--context", "kpy-a-ns-viewer", "-o", "json"
    ).json()
    VALIDATOR.validate(doc)
    assert sorted(f["name"] for f in doc["items"]) == sorted(expected)
    assert len(doc["contexts"][0]["warnings"]) == 2
    # nothing readable at all: the context fails
    run = kubectl_plugin(cluster, "py-triage", "--context", "kpy-a-get-only", "-n", "team-a")
    assert run.code == 2 and "Forbidden" in run.err


def test_label_selector_picks_objects(cluster, incident):
    ns = incident["ns"]
    items = findings(triage(cluster, "-n", ns, "-l", "app=crashy", "-o", "json"))
    assert {(f["kind"], f["name"]) for f in items} == {("Pod", "crash-loop")}
    assert {f["problem"] for f in items} == {"NotReady", "WarningEvent"}


def test_watch_redraws_until_interrupted(cluster, incident):
    proc = popen_interruptible(
        [cluster.kubectl, "py-triage", "--context", "kpy-a", "-n", incident["ns"], "pods", "-w"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=plugin_env(cluster),
    )
    try:
        reports, deadline = 0, time.monotonic() + 60
        while reports < 2 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            reports += line.startswith("Pods not ready:")
        assert reports == 2
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def test_watch_redraws_in_place_on_a_terminal(cluster, incident):
    from tests.integration.terminal_screen import TerminalScreen

    term = TerminalScreen.spawn(
        [cluster.kubectl, "py-triage", "--context", "kpy-a", "-n", incident["ns"], "pods", "-w"],
        plugin_env(cluster),
        rows=30,
        columns=400,
    )
    try:
        term.wait_for(lambda: term.output().count(CLEAR) >= 2 and "crash-loop" in term.text(), "a second report")
        assert term.row(0).startswith("Every 2s: kubectl py-triage")
        assert term.text().count("Pods not ready:") == 1  # the second report replaced the first
        term.send("\x03")
        assert term.wait_exit() == 130
    finally:
        term.close()


def test_bad_input_is_one_line_and_exit_2(cluster):
    for args, message in (
        (["widgets"], 'py-triage does not check "widgets"'),
        (["--since", "soon"], 'invalid argument "soon" for "--since" flag'),
        (["--over", "-1"], "--over must be 0 or greater"),
        (["-o", "wide"], "unable to match a printer"),
    ):
        run = triage(cluster, *args)
        assert run.code == 2 and len(run.err.splitlines()) == 1 and message in run.err, (args, run.err)
