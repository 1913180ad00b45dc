"""Differential tests: ``kubectl describe`` against kubectl-py for the workload kinds (Deployment,
ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) and HorizontalPodAutoscaler.

The seeded objects of namespaces ``demo`` and ``shop`` are compared as they are; the less common fields
(matchExpressions selectors, Recreate strategy, partitions, claim retention, Indexed Jobs, every HPA
metric type and scaling behavior, an autoscaling/v1 HPA) come from objects made in a fresh namespace.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from describe_diff import assert_same_describe

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "kubectl_py" / "describe" / "schemas"

SEEDED = [
    ("deployment", "demo", "web"),
    ("deployment", "demo", "api"),
    ("deployment", "demo", "ingest"),
    ("deployment", "shop", "frontend"),
    ("deployment", "shop", "cart"),
    ("statefulset", "demo", "db"),
    ("daemonset", "demo", "node-agent"),
    ("job", "demo", "migrate"),
    ("cronjob", "demo", "report"),
    ("hpa", "demo", "web"),
    ("hpa", "shop", "frontend"),
]


def _validate(docs: list) -> None:
    """Every document validates against its kind's schema (when the schema tooling is there)."""
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((path.name, referencing.Resource.from_contents(schema)))
    registry = referencing.Registry().with_resources(resources)
    for doc in docs:
        name = doc["kind"].lower() + ".json"
        schema = json.loads((SCHEMAS / name).read_text())
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, f"{doc['kind']} {doc['name']}: " + "; ".join(
            f"{list(e.path)}: {e.message}" for e in errors[:5]
        )


@pytest.mark.parametrize("kind,namespace,name", SEEDED, ids=[f"{k}-{ns}-{n}" for k, ns, n in SEEDED])
def test_seeded_object(kubectl, kind, namespace, name):
    docs = assert_same_describe(kubectl, kind, name, namespace, "kpy-a")
    assert len(docs) == 1
    _validate(docs)


def test_seeded_replicasets(kubectl):
    """Every ReplicaSet of the seeded rollouts (current and scaled-to-zero ones), one by one."""
    for namespace in ("demo", "shop"):
        out = kubectl(["get", "rs", "-n", namespace, "-o", "name"], context="kpy-a", check=True).stdout
        names = [line.split("/", 1)[1] for line in out.split()]
        assert names
        for name in names:
            _validate(assert_same_describe(kubectl, "rs", name, namespace, "kpy-a"))


def test_deployment_documents(kubectl):
    """web rolled out three revisions: one new ReplicaSet, two old ones scaled to 0, oldest first."""
    (doc,) = assert_same_describe(kubectl, "deployment", "web", "demo", "kpy-a")
    assert doc["replicas"] == {"desired": 3, "updated": 3, "total": 3, "available": 3, "unavailable": 0}
    assert doc["newReplicaSet"]["replicas"] == {"created": 3, "desired": 3}
    assert [rs["replicas"]["desired"] for rs in doc["oldReplicaSets"]] == [0, 0]
    assert any(e["reason"] == "ScalingReplicaSet" for e in doc["events"])


def test_pods_status_counts(kubectl):
    (doc,) = assert_same_describe(kubectl, "daemonset", "node-agent", "demo", "kpy-a")
    status = doc["podsStatus"]
    assert set(status) == {"running", "waiting", "succeeded", "failed"}
    assert status["running"] == doc["desiredNumberScheduled"]


@pytest.mark.parametrize(
    "kind", ["deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "hpa"]
)
def test_whole_namespace(kubectl, kind):
    """Several objects at once (joins read once for the set; events off by default, as in kubectl)."""
    _validate(assert_same_describe(kubectl, kind, None, "demo", "kpy-a"))


def test_show_events_false(kubectl):
    docs = assert_same_describe(kubectl, "deployment", "web", "demo", "kpy-a", show_events=False)
    assert "events" not in docs[0]


def test_forbidden_replicasets(kubectl):
    """kpy-a-get-only may get deployments but not list replicasets or events: kubectl leaves the
    ReplicaSet lines out and shows no events; the document says why."""
    (doc,) = assert_same_describe(kubectl, "deployment", "web", "demo", "kpy-a-get-only")
    assert doc["oldReplicaSets"] is None and doc["newReplicaSet"] is None
    assert any(w.startswith("replicasets.apps:") for w in doc["warnings"])
    assert any(w.startswith("events:") for w in doc["warnings"])
    _validate([doc])


EDGE_OBJECTS = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: recreate
  labels: {app: recreate, tier: x}
  annotations: {note: hello}
spec:
  replicas: 2
  minReadySeconds: 5
  strategy: {type: Recreate}
  selector:
    matchLabels: {app: recreate}
    matchExpressions:
    - {key: tier, operator: In, values: [x, a]}
    - {key: legacy, operator: DoesNotExist}
    - {key: track, operator: Exists}
  template:
    metadata:
      labels: {app: recreate, tier: x, track: stable}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      containers: [{name: c, image: busybox:1.36, command: [sleep, infinity]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: rolling}
spec:
  replicas: 1
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}
  selector: {matchLabels: {app: rolling}}
  template:
    metadata: {labels: {app: rolling}}
    spec:
      containers: [{name: c, image: busybox:1.36}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: orphan, labels: {app: orphan}}
spec:
  replicas: 2
  selector: {matchLabels: {app: orphan}}
  template:
    metadata: {labels: {app: orphan}}
    spec:
      containers: [{name: c, image: busybox:1.36}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: store}
spec:
  serviceName: store
  podManagementPolicy: Parallel
  replicas: 2
  selector: {matchLabels: {app: store}}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: 1, maxUnavailable: 1}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}
  template:
    metadata: {labels: {app: store}}
    spec:
      containers: [{name: c, image: busybox:1.36}]
  volumeClaimTemplates:
  - metadata:
      name: data
      labels: {b: "2", a: "1"}
      annotations: {volume.beta.kubernetes.io/storage-class: beta-class, z: "y"}
    spec:
      accessModes: [ReadWriteOnce, ReadOnlyMany]
      storageClassName: sts-disk
      resources: {requests: {storage: 512Mi}}
  - metadata: {name: scratch}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ondelete}
spec:
  replicas: 0
  selector: {matchLabels: {app: ondelete}}
  updateStrategy: {type: OnDelete}
  template:
    metadata: {labels: {app: ondelete}}
    spec:
      containers: [{name: c, image: busybox:1.36}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: picky}
spec:
  selector: {matchLabels: {app: picky}}
  template:
    metadata: {labels: {app: picky}}
    spec:
      nodeSelector: {disk: ssd, zone: a}
      containers: [{name: c, image: busybox:1.36}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: indexed}
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 2
  suspend: true
  ttlSecondsAfterFinished: 600
  activeDeadlineSeconds: 3600
  backoffLimitPerIndex: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, labels: {team: ops}}
spec:
  schedule: "*/30 1 * * *"
  timeZone: Etc/UTC
  concurrencyPolicy: Forbid
  suspend: true
  startingDeadlineSeconds: 120
  successfulJobsHistoryLimit: 1
  failedJobsHistoryLimit: 5
  jobTemplate:
    spec:
      parallelism: 2
      completions: 4
      activeDeadlineSeconds: 60
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox:1.36}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: many}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: rolling}
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  - type: ContainerResource
    containerResource: {name: memory, container: c, target: {type: AverageValue, averageValue: 100Mi}}
  - type: ContainerResource
    containerResource: {name: cpu, container: c, target: {type: Utilization, averageUtilization: 50}}
  - type: Pods
    pods: {metric: {name: packets-per-second}, target: {type: AverageValue, averageValue: 1k}}
  - type: Object
    object:
      metric: {name: requests-per-second}
      describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}
      target: {type: Value, value: 10k}
  - type: Object
    object:
      metric: {name: hits}
      describedObject: {apiVersion: v1, kind: Service, name: svc}
      target: {type: AverageValue, averageValue: 500m}
  - type: External
    external:
      metric: {name: queue_messages_ready, selector: {matchLabels: {queue: worker_tasks}}}
      target: {type: AverageValue, averageValue: "30"}
  - type: External
    external:
      metric: {name: queue_depth}
      target: {type: Value, value: "100"}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
      - {type: Percent, value: 100, periodSeconds: 15}
    scaleUp:
      stabilizationWindowSeconds: 0
      selectPolicy: Min
      policies:
      - {type: Percent, value: 100, periodSeconds: 15}
      - {type: Pods, value: 4, periodSeconds: 15}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: v1style}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: recreate}
  minReplicas: 1
  maxReplicas: 3
  targetCPUUtilizationPercentage: 80
"""

EDGE = [
    ("deployment", "recreate"),
    ("deployment", "rolling"),
    ("replicaset", "orphan"),
    ("statefulset", "store"),
    ("statefulset", "ondelete"),
    ("daemonset", "picky"),
    ("job", "indexed"),
    ("cronjob", "nightly"),
    ("hpa", "many"),
    ("hpa", "v1style"),
]


def test_less_common_fields(kubectl, namespace):
    kubectl(["apply", "-n", namespace, "-f", "-"], context="kpy-a", input=EDGE_OBJECTS, check=True)
    docs = []
    for kind, name in EDGE:
        # loose: the events table's widths depend on ages that change between the two reads
        docs.extend(assert_same_describe(kubectl, kind, name, namespace, "kpy-a", loose=True))
    _validate(docs)
    by_name = {d["name"]: d for d in docs}
    assert by_name["recreate"]["selector"] == "app=recreate,!legacy,tier in (a,x),track"
    assert by_name["recreate"]["rollingUpdateStrategy"] is None
    assert by_name["store"]["updateStrategy"] == {"type": "RollingUpdate", "partition": 1, "maxUnavailable": 1}
    assert by_name["store"]["volumeClaims"][0]["storageClass"] == "beta-class"
    assert by_name["store"]["volumeClaims"][0]["capacity"] == {"value": "512Mi", "base": 512 * 2**20}
    assert by_name["indexed"]["completedIndexes"] == ""
    assert by_name["nightly"]["jobTemplate"]["completions"] == 4
    metrics = by_name["many"]["metrics"]
    assert [m["type"] for m in metrics] == [
        "Resource",
        "ContainerResource",
        "ContainerResource",
        "Pods",
        "Object",
        "Object",
        "External",
        "External",
    ]
    assert metrics[3]["target"]["averageValue"] == {"value": "1k", "base": 1000}
    assert by_name["many"]["behavior"]["scaleUp"]["selectPolicy"] == "Min"
