"""Workload and HPA documents, offline: built from plain objects through an offline source, they
validate against their schemas, carry data (numbers, quantities, RFC 3339 times), and render the text
kubectl's describe.go would print for the cases the test cluster cannot produce (current HPA metric
values, forbidden pod lists, Indexed Job completions...)."""

from __future__ import annotations

import json
import pathlib
from datetime import datetime, timezone

import pytest

from kubectl_py.describe import describe_objects, render_one, workloads
from kubectl_py.describe.base import Joins, Settings
from kubectl_py.kube.offline import Dump
from kubectl_py.kube.selectors import label_selector_string

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

SCHEMAS = pathlib.Path(workloads.__file__).parent / "schemas"
NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=timezone.utc)
T0 = "2026-11-27T11:00:00Z"
T1 = "2026-11-27T11:30:00Z"


def _registry():
    resources = [
        (p.name, referencing.Resource.from_contents(json.loads(p.read_text()))) for p in SCHEMAS.glob("*.json")
    ]
    return referencing.Registry().with_resources(resources)


def validate(doc: dict) -> None:
    schema = json.loads((SCHEMAS / f"{doc['kind'].lower()}.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, registry=_registry())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors


# -- builders ------------------------------------------------------------------------------------


def meta(name, uid, namespace="demo", labels=None, owner=None, created=T0, **extra):
    out = {
        "name": name,
        "namespace": namespace,
        "uid": uid,
        "creationTimestamp": created,
        "labels": labels or {},
        **extra,
    }
    if owner:
        out["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "uid": owner[2], "controller": True}
        ]
    return out


def template(labels, image="nginx:1.27"):
    return {
        "metadata": {"labels": dict(labels)},
        "spec": {"containers": [{"name": "web", "image": image, "resources": {"requests": {"cpu": "100m"}}}]},
    }


def deployment():
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta("web", "d-1", labels={"app": "web"}, annotations={"a": "b"}),
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}},
            "template": template({"app": "web"}, "nginx:1.27"),
        },
        "status": {
            "replicas": 3,
            "updatedReplicas": 3,
            "availableReplicas": 2,
            "unavailableReplicas": 1,
            "conditions": [
                {
                    "type": "Available",
                    "status": "True",
                    "reason": "MinimumReplicasAvailable",
                    "lastUpdateTime": T0,
                    "lastTransitionTime": T0,
                }
            ],
        },
    }


def replicaset(name, uid, image, replicas, created, owner=("Deployment", "web", "d-1"), status_replicas=None):
    labels = {"app": "web", "pod-template-hash": name.rsplit("-", 1)[-1]}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta(name, uid, labels=labels, owner=owner, created=created),
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": template(labels, image)},
        "status": {"replicas": replicas if status_replicas is None else status_replicas},
    }


def pod(name, phase, owner_uid, labels, kind="ReplicaSet"):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(name, f"p-{name}", labels=labels, owner=(kind, "x", owner_uid)),
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
        "status": {"phase": phase},
    }


def event(name, involved_kind, involved_name, uid, reason="Seen", count=1):
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": "demo"},
        "involvedObject": {"kind": involved_kind, "name": involved_name, "namespace": "demo", "uid": uid},
        "type": "Normal",
        "reason": reason,
        "message": "hello ",
        "count": count,
        "source": {"component": "ctl"},
        "firstTimestamp": T0,
        "lastTimestamp": T1,
    }


def describe(objects, target, show_events=True):
    source = Dump(objects)
    info = source.resolve(
        f"{target['kind'].lower()}.{target['apiVersion'].split('/')[0]}"
        if "/" in target["apiVersion"]
        else target["kind"].lower()
    )
    (doc,) = describe_objects(source, info, [target], Settings(show_events=show_events))
    validate(doc)
    return doc


# -- Deployment ----------------------------------------------------------------------------------


def test_deployment_new_and_old_replicasets():
    dep = deployment()
    objects = [
        dep,
        replicaset("web-bbb", "rs-2", "nginx:1.26", 0, "2026-11-27T11:10:00Z"),
        replicaset("web-aaa", "rs-1", "nginx:1.25", 0, "2026-11-27T11:05:00Z"),
        replicaset("web-ccc", "rs-3", "nginx:1.27", 3, "2026-11-27T11:20:00Z"),
        # same template, but controlled by another Deployment: never listed
        replicaset("web-ddd", "rs-4", "nginx:1.27", 1, T0, owner=("Deployment", "other", "d-2")),
        event("e1", "Deployment", "web", "d-1", "ScalingReplicaSet", count=4),
    ]
    doc = describe(objects, dep)
    assert doc["newReplicaSet"] == {"name": "web-ccc", "replicas": {"created": 3, "desired": 3}}
    assert [rs["name"] for rs in doc["oldReplicaSets"]] == ["web-aaa", "web-bbb"]
    assert doc["replicas"] == {"desired": 3, "updated": 3, "total": 3, "available": 2, "unavailable": 1}
    assert doc["rollingUpdateStrategy"] == {"maxUnavailable": "25%", "maxSurge": 1}
    assert doc["events"][0]["count"] == 4
    text = render_one(doc, NOW)
    assert "RollingUpdateStrategy:  25% max unavailable, 1 max surge\n" in text
    assert (
        "OldReplicaSets:  web-aaa (0/0 replicas created), web-bbb (0/0 replicas created)\n"
        "NewReplicaSet:   web-ccc (3/3 replicas created)\n"
    ) in text
    assert "Normal  ScalingReplicaSet  30m (x4 over 60m)  ctl   hello" in text


def test_a_condition_with_null_fields_reads_them_as_empty():
    """A file may write `reason: null` (Go reads it as ""): the document keeps the schema's strings."""
    dep = deployment()
    dep["status"]["conditions"][0].update(reason=None, message=None)
    doc = describe([dep], dep)  # validates against the schema
    assert (doc["conditions"][0]["reason"], doc["conditions"][0]["message"]) == ("", "")


def test_new_replicaset_is_the_oldest_with_the_same_template():
    dep = deployment()
    same_a = replicaset("web-aaa", "rs-1", "nginx:1.27", 1, "2026-11-27T11:05:00Z")
    same_b = replicaset("web-bbb", "rs-2", "nginx:1.27", 2, "2026-11-27T11:05:00Z")
    new, old = workloads.split_replica_sets(dep, [same_b, same_a])
    assert new["metadata"]["name"] == "web-aaa"  # same time: name breaks the tie
    assert [rs["metadata"]["name"] for rs in old] == ["web-bbb"]


def test_template_equality_ignores_empty_fields_and_hash():
    dep = deployment()
    rs = replicaset("web-aaa", "rs-1", "nginx:1.27", 1, T0)
    rs["spec"]["template"]["metadata"]["annotations"] = {}
    rs["spec"]["template"]["metadata"]["creationTimestamp"] = None
    assert workloads.split_replica_sets(dep, [rs])[0] is rs


def test_deployment_without_replicasets_prints_neither_line():
    other = replicaset("other-aaa", "rs-9", "nginx:1.27", 1, T0, owner=("Deployment", "other", "d-2"))
    doc = describe([deployment(), other], deployment())
    assert doc["oldReplicaSets"] == [] and doc["newReplicaSet"] is None
    text = render_one(doc, NOW)
    assert "OldReplicaSets" not in text and "NewReplicaSet" not in text


def test_deployment_replicasets_not_readable():
    """The Dump holds no ReplicaSets at all: the join fails, the fields are null and a warning says why."""
    doc = describe([deployment(), event("e1", "Deployment", "web", "d-1")], deployment())
    assert doc["oldReplicaSets"] is None and doc["newReplicaSet"] is None
    assert any(w.startswith("replicasets.apps:") for w in doc["warnings"])


def test_show_events_off_leaves_the_section_out():
    doc = describe([deployment()], deployment(), show_events=False)
    assert "events" not in doc
    assert "Events:" not in render_one(doc, NOW)


# -- controllers that count pods -------------------------------------------------------------------


def test_replicaset_pods_status_counts_only_controlled_pods():
    rs = replicaset("web-ccc", "rs-3", "nginx:1.27", 3, T0)
    labels = rs["metadata"]["labels"]
    objects = [
        rs,
        pod("a", "Running", "rs-3", labels),
        pod("b", "Pending", "rs-3", labels),
        pod("c", "Succeeded", "rs-3", labels),
        pod("d", "Failed", "rs-3", labels),
        pod("e", "Unknown", "rs-3", labels),
        pod("f", "Running", "rs-9", labels),
        pod("g", "Running", "rs-3", {"app": "other"}),
    ]
    doc = describe(objects, rs)
    assert doc["podsStatus"] == {"running": 1, "waiting": 1, "succeeded": 1, "failed": 1}
    assert doc["controlledBy"]["kind"] == "Deployment"
    text = render_one(doc, NOW)
    assert "Controlled By:  Deployment/web\n" in text
    assert "Replicas:       3 current / 3 desired\n" in text
    assert "Pods Status:    1 Running / 1 Waiting / 1 Succeeded / 1 Failed\n" in text


def test_replicaset_pods_not_readable():
    rs = replicaset("web-ccc", "rs-3", "nginx:1.27", 3, T0)
    doc = describe([rs], rs)
    assert doc["podsStatus"] is None and "podsStatusError" not in doc  # the input holds no pods: shown as none
    assert "Pods Status:    0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in render_one(doc, NOW)


def test_replicaset_empty_selector_prints_none():
    rs = replicaset("web-ccc", "rs-3", "nginx:1.27", 3, T0)
    rs["spec"]["selector"] = {}
    doc = describe([rs], rs)
    assert doc["selector"] == ""
    assert "Selector:       <none>\n" in render_one(doc, NOW)


def test_statefulset_and_daemonset():
    sts = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta("db", "s-1", labels={"app": "db"}),
        "spec": {
            "replicas": 2,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": template({"app": "db"}),
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data", "labels": {"x": "y"}},
                    "spec": {
                        "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                },
                {"metadata": {"name": "logs"}, "spec": {}},
            ],
        },
        "status": {"replicas": 2},
    }
    ds = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": meta("agent", "ds-1"),
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                **template({"app": "agent"}),
                "spec": {**template({"app": "agent"})["spec"], "nodeSelector": {"b": "2", "a": "1"}},
            },
        },
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberAvailable": 2},
    }
    objects = [
        sts,
        ds,
        pod("db-0", "Running", "s-1", {"app": "db"}, "StatefulSet"),
        pod("agent-x", "Pending", "ds-1", {"app": "agent"}, "DaemonSet"),
    ]
    sdoc = describe(objects, sts)
    assert sdoc["podsStatus"]["running"] == 1
    assert sdoc["volumeClaims"][0]["capacity"] == {"value": "1Gi", "base": 2**30}
    assert sdoc["volumeClaims"][1]["capacity"] is None
    text = render_one(sdoc, NOW)
    assert "Update Strategy:    RollingUpdate\n  Partition:        0\n" in text
    assert "  Access Modes:  [ReadWriteOnce ReadOnlyMany]\n" in text
    assert "  Capacity:      <default>\n" in text
    ddoc = describe(objects, ds)
    assert ddoc["podsStatus"]["waiting"] == 1
    text = render_one(ddoc, NOW)
    assert "Node-Selector:  a=1,b=2\n" in text
    assert "Desired Number of Nodes Scheduled: 3\n" in text
    assert "Number of Nodes Scheduled with Available Pods: 2\n" in text


# -- Job and CronJob ---------------------------------------------------------------------------------


def job(**spec):
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("migrate", "j-1", owner=("CronJob", "nightly", "c-1")),
        "spec": {
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "j-1"}},
            "template": template({"app": "migrate"}),
            **spec,
        },
        "status": {"startTime": T0, "completionTime": "2026-11-27T11:03:02Z", "succeeded": 1, "ready": 0},
    }


def test_job_document_and_text():
    doc = describe([job(completions=5, completionMode="Indexed")], job(completions=5, completionMode="Indexed"))
    assert doc["durationSeconds"] == 182
    assert doc["podsStatuses"] == {"active": 0, "ready": 0, "succeeded": 1, "failed": 0}
    assert doc["controlledBy"] == {"kind": "CronJob", "name": "nightly", "apiVersion": "apps/v1"}
    text = render_one(doc, NOW)
    assert "Duration:           3m2s\n" in text
    assert "Pods Statuses:      0 Active (0 Ready) / 1 Succeeded / 0 Failed\n" in text
    assert "Completed Indexes:  <none>\n" in text


def test_job_without_completions_or_ready():
    j = job()
    del j["status"]["ready"]
    doc = describe([j], j)
    text = render_one(doc, NOW)
    assert "Completions:    <unset>\n" in text
    assert "Pods Statuses:  0 Active / 1 Succeeded / 0 Failed\n" in text
    assert "Completed Indexes" not in text


def test_completed_indexes_are_capped_after_50_characters():
    indexes = ",".join(str(i) for i in range(0, 40, 2))
    assert workloads_text().cap_indexes(indexes) == indexes[: indexes.index(",", 50) + 1] + "..."
    assert workloads_text().cap_indexes("1-3") == "1-3"
    assert workloads_text().cap_indexes("") == "<none>"


def workloads_text():
    from kubectl_py.describe.text import workloads as text

    return text


def test_cronjob():
    cj = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": meta("nightly", "c-1"),
        "spec": {
            "schedule": "0 3 * * *",
            "concurrencyPolicy": "Allow",
            "suspend": False,
            "successfulJobsHistoryLimit": 3,
            "startingDeadlineSeconds": 30,
            "jobTemplate": {"spec": {"parallelism": 2, "template": template({"app": "n"})}},
        },
        "status": {
            "lastScheduleTime": T1,
            "active": [{"kind": "Job", "name": "nightly-1"}, {"kind": "Job", "name": "nightly-2"}],
        },
    }
    doc = describe([cj], cj)
    assert doc["activeJobs"] == ["nightly-1", "nightly-2"]
    assert doc["lastScheduleTime"] == T1
    text = render_one(doc, NOW)
    for line in (
        "Suspend:                       False\n",
        "Time Zone:                     <unset>\n",
        "Successful Job History Limit:  3\n",
        "Failed Job History Limit:      <unset>\n",
        "Starting Deadline Seconds:     30s\n",
        "Selector:                      <unset>\n",
        "Parallelism:                   2\n",
        "Active Jobs:         nightly-1, nightly-2\n",
    ):
        assert line in text, line


# -- selectors -----------------------------------------------------------------------------------------


def test_selector_string_matches_label_selector_as_selector():
    sel = {
        "matchLabels": {"b": "2", "a": "1"},
        "matchExpressions": [
            {"key": "t", "operator": "NotIn", "values": ["z", "y"]},
            {"key": "g", "operator": "DoesNotExist"},
            {"key": "e", "operator": "Exists"},
        ],
    }
    assert label_selector_string(sel) == "a=1,b=2,e,!g,t notin (y,z)"
    assert label_selector_string(None) == ""
    assert label_selector_string({}) == ""
    with pytest.raises(ValueError):
        label_selector_string({"matchExpressions": [{"key": "k", "operator": "Bad"}]})


# -- HorizontalPodAutoscaler ---------------------------------------------------------------------------


def hpa_v2():
    def metric(kind, key, source):
        return {"type": kind, key: source}

    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta("web", "h-1"),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                metric(
                    "Resource", "resource", {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}
                ),
                metric(
                    "Resource",
                    "resource",
                    {"name": "memory", "target": {"type": "AverageValue", "averageValue": "200Mi"}},
                ),
                metric(
                    "ContainerResource",
                    "containerResource",
                    {"name": "cpu", "container": "app", "target": {"type": "Utilization"}},
                ),
                metric(
                    "Pods",
                    "pods",
                    {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}},
                ),
                metric(
                    "Object",
                    "object",
                    {
                        "metric": {"name": "hits"},
                        "describedObject": {"kind": "Ingress", "name": "main"},
                        "target": {"type": "Value", "value": "10k"},
                    },
                ),
                metric(
                    "External",
                    "external",
                    {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "30"}},
                ),
                metric(
                    "External", "external", {"metric": {"name": "depth"}, "target": {"type": "Value", "value": "100"}}
                ),
                {"type": "Fancy"},
            ],
            "behavior": {"scaleDown": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}},
        },
        "status": {
            "currentReplicas": 3,
            "desiredReplicas": 4,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "current": {"averageUtilization": 45, "averageValue": "90m"}},
                },
                {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "150Mi"}}},
                {
                    "type": "ContainerResource",
                    "containerResource": {"name": "cpu", "container": "app", "current": {"averageValue": "10m"}},
                },
                {"type": "Pods", "pods": {"metric": {"name": "qps"}, "current": {"averageValue": "500"}}},
                {"type": "Object", "object": {"metric": {"name": "hits"}, "current": {"value": "9k"}}},
            ],
            "conditions": [
                {
                    "type": "AbleToScale",
                    "status": "True",
                    "reason": "ReadyForNewScale",
                    "message": "recommended size matches current size",
                    "lastTransitionTime": T0,
                }
            ],
        },
    }


def test_hpa_v2_metrics_current_values():
    hpa = hpa_v2()
    doc = describe([hpa], hpa)
    cpu = doc["metrics"][0]
    assert cpu["current"]["averageUtilization"] == 45
    assert cpu["current"]["averageValue"] == {"value": "90m", "base": 0.09}
    assert doc["metrics"][5]["current"] is None  # no status entry at that index
    text = render_one(doc, NOW)
    for line in (
        '  resource cpu on pods  (as a percentage of request):  45% (90m) / 60%\n',
        '  resource memory on pods:  150Mi / 200Mi\n',
        '  resource cpu of container "app" on pods  (as a percentage of request):  <unknown> / <auto>\n',
        '  "qps" on pods:  500 / 1k\n',
        '  "hits" on Ingress/main (target value):  9k / 10k\n',
        '  "queue" (target average value):  <unknown> / 30\n',
        '  "depth" (target value):  <unknown> / 100\n',
        '  <unknown metric type "Fancy">\n',
    ):
        assert line.split(":  ")[0] in text, line
        assert line.split(":  ")[-1].strip() in text, line
    assert (
        "Behavior:\n  Scale Down:\n    Select Policy: Max\n    Policies:\n"
        "      - Type: Pods  Value: 1  Period: 60 seconds\n"
    ) in text
    assert "Deployment pods:" in text and "3 current / 4 desired" in text
    assert "AbleToScale  True    ReadyForNewScale  recommended size matches current size" in text


def test_hpa_v1_when_v2_is_not_served():
    hpa = {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta("web", "h-1"),
        "spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": "web"},
            "maxReplicas": 4,
            "targetCPUUtilizationPercentage": 80,
        },
        "status": {"currentReplicas": 1, "desiredReplicas": 1},
    }
    doc = describe([hpa], hpa)
    assert doc["describedVersion"] == "autoscaling/v1" and "metrics" not in doc
    text = render_one(doc, NOW)
    assert "Target CPU utilization:   80%\n" in text
    assert "Current CPU utilization:  <unknown>%\n" in text
    assert "Min replicas:             <unset>\n" in text


def test_batch_gathers_each_join_once():
    """Several ReplicaSets in one namespace: pods and events are listed once for the whole set."""
    calls = []

    class Counting(Dump):
        def list(self, info, namespace=None, label_selector=None, field_selector=None):
            calls.append((info.resource, namespace, label_selector, field_selector))
            return super().list(info, namespace, label_selector, field_selector)

    sets = [replicaset(f"web-{i}", f"rs-{i}", "nginx", 1, T0) for i in range(20)]
    pods = [pod(f"p{i}", "Running", f"rs-{i}", sets[i]["metadata"]["labels"]) for i in range(20)]
    source = Counting(sets + pods + [event("e", "ReplicaSet", "web-3", "rs-3")])
    joins = Joins(source, Settings(), batch=True)
    gathered = workloads.REPLICASET.gather(sets, joins)
    assert sorted(c[0] for c in calls) == ["events", "pods"]
    assert [len(g["pods"]) for g in gathered] == [1] * 20
    assert [len(g["events"]) for g in gathered] == [0, 0, 0, 1] + [0] * 16
