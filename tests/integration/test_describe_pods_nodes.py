"""Differential tests: ``kubectl describe`` against kubectl-py for pods, nodes and the generic describer
(custom resources, Events, Leases, CRDs), on the seeded clusters and on special objects made here."""

from __future__ import annotations

import json
import time

import pytest
from describe_diff import assert_same_describe, ours

SPECIAL_PODS = """
apiVersion: v1
kind: Pod
metadata:
  name: special
  labels: {app: special, tier: test}
  annotations:
    short: "v"
    long: "%(long)s"
    multi: |
      line one
      line two
spec:
  nodeSelector: {kubernetes.io/os: linux, disk: any}
  tolerations:
  - operator: Exists
  - {key: a, operator: Equal, value: b, effect: NoSchedule}
  - {key: c, operator: Exists}
  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector: {matchLabels: {app: special}, matchExpressions: [{key: tier, operator: In, values: [test, b]}]}
  readinessGates:
  - conditionType: example.com/gate
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  initContainers:
  - name: init
    image: busybox
    command: ["sh", "-c", "echo hi\\necho there"]
  - name: sidecar
    image: busybox
    restartPolicy: Always
    resources: {requests: {cpu: 50m, memory: 10Mi}}
  containers:
  - name: main
    image: nginx
    args: ["--flag", "two\\nlines"]
    ports:
    - {containerPort: 80, name: http}
    - {containerPort: 53, protocol: UDP, hostPort: 5353}
    resources:
      requests: {cpu: "0.25", memory: 100M, ephemeral-storage: 1Gi}
      limits: {cpu: "1", memory: 1Gi}
    securityContext:
      seccompProfile: {type: Localhost, localhostProfile: prof.json}
    livenessProbe:
      httpGet: {path: /healthz, port: 8080}
      initialDelaySeconds: 3
    readinessProbe:
      exec: {command: [cat, /tmp/ready]}
    startupProbe:
      tcpSocket: {port: http}
    env:
    - {name: PLAIN, value: "x"}
    - {name: MULTI, value: "a\\nb"}
    - {name: EMPTY}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: LBL, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    - {name: CPU_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
    - {name: MEM_REQ, valueFrom: {resourceFieldRef: {resource: requests.memory, divisor: 1Mi}}}
    - {name: EPH, valueFrom: {resourceFieldRef: {resource: limits.ephemeral-storage}}}
    - {name: CM, valueFrom: {configMapKeyRef: {name: cfg, key: k, optional: true}}}
    - {name: SEC, valueFrom: {secretKeyRef: {name: s, key: p}}}
    envFrom:
    - {configMapRef: {name: cfg}, prefix: CFG_}
    - {secretRef: {name: s, optional: true}}
    volumeMounts:
    - {name: data, mountPath: /data, subPath: sub}
    - {name: cache, mountPath: /cache, readOnly: true}
  - name: grpc
    image: grpc
    livenessProbe:
      grpc: {port: 9000}
  volumes:
  - {name: data, emptyDir: {sizeLimit: 500Mi, medium: Memory}}
  - {name: cache, emptyDir: {}}
  - {name: host, hostPath: {path: /var/log, type: Directory}}
  - {name: host2, hostPath: {path: /tmp}}
  - name: dapi
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: cpu, resourceFieldRef: {containerName: main, resource: requests.cpu}}
  - {name: csi, csi: {driver: example.csi, volumeAttributes: {a: b, c: d}}}
  - name: eph
    ephemeral:
      volumeClaimTemplate:
        metadata: {labels: {x: "one", z: "w"}, annotations: {note: hi}}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
          storageClassName: standard
  - {name: cm, configMap: {name: cfg, optional: true}}
  - {name: sec, secret: {secretName: s}}
  - {name: nfs, nfs: {server: nfs.example, path: /exports}}
  - {name: img, image: {reference: "busybox:1", pullPolicy: IfNotPresent}}
  - {name: pvc, persistentVolumeClaim: {claimName: data, readOnly: true}}
---
apiVersion: v1
kind: Pod
metadata:
  name: guaranteed
spec:
  containers:
  - name: c
    image: busybox
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}
""" % {"long": "a" * 170}


def _names(kubectl, kind, namespace=None, context=None):
    args = ["get", kind, "-o", "jsonpath={range .items[*]}{.metadata.name} {end}"]
    if namespace:
        args += ["-n", namespace]
    return kubectl(args, context=context, check=True).stdout.split()


def _all_same(kubectl, cluster, kind, names, namespace=None, context=None, **kw):
    failures = []
    for name in names:
        try:
            assert_same_describe(kubectl, kind, name, namespace, context, **kw)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("context,namespace", [("kpy-a", "demo"), ("kpy-a", "shop"), ("kpy-b", "beta")])
def test_every_seeded_pod(cluster, kubectl, context, namespace):
    names = _names(kubectl, "pods", namespace, context)
    if not names:
        pytest.skip(f"no pods in {namespace}")
    _all_same(kubectl, cluster, "pod", names, namespace, context)


@pytest.mark.parametrize("context", ["kpy-a", "kpy-b"])
def test_every_node(cluster, kubectl, context):
    _all_same(kubectl, cluster, "node", _names(kubectl, "nodes", context=context), context=context)


def test_special_pods(cluster, kubectl, namespace):
    kubectl(["apply", "-n", namespace, "-f", "-"], input=SPECIAL_PODS, check=True)
    _all_same(kubectl, cluster, "pod", ["special", "guaranteed"], namespace)
    docs = assert_same_describe(kubectl, "pod", "special", namespace)
    doc = docs[0]
    main = doc["containers"][0]
    env = {e["name"]: e for e in main["env"]}
    assert env["PLAIN"] == {"name": "PLAIN", "value": "x"}
    assert "value" not in env["SEC"] and env["SEC"]["valueFrom"]["secretKeyRef"]["key"] == "p"
    assert env["CPU_LIMIT"]["valueFrom"]["resolved"] == "1000"
    assert main["requests"]["cpu"] == {"value": "250m", "base": 0.25}
    assert main["requests"]["memory"]["base"] == 100_000_000
    assert doc["qosClass"] == "Burstable"


def test_node_rows_follow_resized_pods(cluster, kubectl, namespace):
    """A pod whose status reports other resources than its spec (an in-place resize): kubectl's pod rows
    show the largest of spec, allocated and actual; its totals the spec. On a node of its own (no kwok
    annotation, so nothing rewrites the status we set), next to a pod whose status agrees with its spec.
    The node is tainted so that the seeded DaemonSet does not count it (other tests check its numbers)."""
    node = namespace  # unique, and a valid node name
    kubectl(
        ["apply", "-f", "-"],
        check=True,
        input=json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": node},
                "spec": {"taints": [{"key": "kpy.io/test-only", "effect": "NoSchedule"}]},
            }
        ),
    )
    try:
        kubectl(
            [
                "patch",
                "node",
                node,
                "--subresource=status",
                "--type=merge",
                "-p",
                json.dumps(
                    {
                        "status": {
                            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "10"},
                            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "10"},
                        }
                    }
                ),
            ],
            check=True,
        )
        for name in ("resized", "steady"):
            kubectl(
                ["apply", "-n", namespace, "-f", "-"],
                check=True,
                input=json.dumps(
                    {
                        "apiVersion": "v1",
                        "kind": "Pod",
                        "metadata": {"name": name},
                        "spec": {
                            "nodeName": node,
                            "containers": [
                                {
                                    "name": "c",
                                    "image": "busybox",
                                    "resources": {
                                        "requests": {"cpu": "100m", "memory": "64Mi"},
                                        "limits": {"cpu": "200m"},
                                    },
                                }
                            ],
                        },
                    }
                ),
            )
        status = {
            "name": "c",
            "image": "busybox",
            "imageID": "",
            "ready": False,
            "restartCount": 0,
            "state": {"waiting": {"reason": "ContainerCreating"}},
        }
        resized = dict(
            status,
            allocatedResources={"cpu": "150m", "memory": "64Mi"},
            resources={"requests": {"cpu": "300m", "memory": "64Mi"}, "limits": {"cpu": "500m"}},
        )
        steady = dict(
            status,
            allocatedResources={"cpu": "100m", "memory": "64Mi"},
            resources={"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "200m"}},
        )
        for name, container in (("resized", resized), ("steady", steady)):
            kubectl(
                [
                    "patch",
                    "pod",
                    name,
                    "-n",
                    namespace,
                    "--subresource=status",
                    "--type=merge",
                    "-p",
                    json.dumps({"status": {"containerStatuses": [container]}}),
                ],
                check=True,
            )
        docs = assert_same_describe(kubectl, "node", node, None)
        rows = {r["name"]: r for r in docs[0]["nonTerminatedPods"]}
        assert rows["resized"]["cpuRequests"]["value"] == "300m" and rows["resized"]["cpuLimits"]["value"] == "500m"
        assert rows["steady"]["cpuRequests"]["value"] == "100m"
        assert set(rows) == {"resized", "steady"}
        assert docs[0]["allocatedResources"]["cpu"]["requests"]["value"] == "200m"  # the specs' sum
    finally:
        kubectl(["delete", "node", node, "--wait=false"])


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "pods", "namespace": "demo"},
        {"kind": "nodes"},
        {"kind": "nodes", "show_events": True},
        {"kind": "pods", "all_namespaces": True, "label_selector": "app=web"},
        {"kind": "pods", "name": "web", "namespace": "demo"},  # prefix matching
        {"kind": "nodes", "name": "kwok"},  # prefix matching, cluster-scoped
        {"kind": "pods", "names": ["db-0", "nope", "db-1"], "namespace": "demo"},
        {"kind": "pod/db-0", "namespace": "demo"},
    ],
    ids=lambda s: json.dumps(s, sort_keys=True),
)
def test_selection_and_joining(cluster, kubectl, spec):
    spec = dict(spec)
    kind, name = spec.pop("kind"), spec.pop("name", None)
    assert_same_describe(kubectl, kind, name, spec.pop("namespace", None), **spec)


def test_missing_name_errors_like_kubectl(cluster, kubectl):
    assert_same_describe(kubectl, "pods", "zzz-none", "demo", expect_output=False)


@pytest.mark.parametrize("context", ["kpy-a-get-only", "kpy-a-ns-viewer"])
def test_restricted_contexts(cluster, kubectl, context):
    viewer = context == "kpy-a-ns-viewer"  # may only view namespace team-a: both fail with kubectl's error
    docs = assert_same_describe(kubectl, "node", "kwok-node-1", None, context, expect_output=not viewer)
    assert_same_describe(kubectl, "pod", "db-0", "demo", context, expect_output=not viewer)
    if context == "kpy-a-get-only":
        doc = docs[0]
        assert doc["nonTerminatedPods"] is None and doc["allocatedResources"] is None
        assert any(w.startswith("pods:") for w in doc["warnings"])
        assert doc["lease"] is None and "forbidden" in doc["leaseError"]


def test_generic_describer(cluster, kubectl):
    widgets = kubectl(
        [
            "get",
            "widgets.demo.kpy.io",
            "-A",
            "-o",
            "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}",
        ],
        check=True,
    )
    failures = []
    targets = [("widgets.demo.kpy.io", w.split("/")[1], w.split("/")[0]) for w in widgets.stdout.split()]
    targets += [("lease", "kwok-node-1", "kube-node-lease"), ("crd", "widgets.demo.kpy.io", None)]
    event = _names(kubectl, "events", "demo")[:1]
    targets += [("event", n, "demo") for n in event] + [("events.events.k8s.io", n, "demo") for n in event]
    revision = _names(kubectl, "controllerrevisions", "demo")[:1]
    targets += [("controllerrevisions", n, "demo") for n in revision]
    for kind, name, ns in targets:
        try:
            assert_same_describe(kubectl, kind, name, ns)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


def test_node_document_is_data(kubectl):
    _, _, docs = ours(kubectl, "node", "kwok-node-1", None, "kpy-a")
    doc = docs[0]
    cpu = doc["allocatedResources"]["cpu"]
    assert isinstance(cpu["requestsPercent"], int) and isinstance(cpu["requests"]["base"], (int, float))
    assert doc["capacity"]["memory"]["base"] == 16 * 1024**3
    assert doc["allocatable"]["cpu"] == {"value": "3900m", "base": 3.9}
    for row in doc["nonTerminatedPods"]:
        assert isinstance(row["cpuRequestsPercent"], int)
    assert all(
        set(e) >= {"type", "reason", "firstTimestamp", "lastTimestamp", "count", "from", "message"}
        for e in doc["events"]
    )


def test_batch_reads_each_join_once(cluster, monkeypatch):
    """Describing every pod of a namespace lists events once, not once per pod."""
    from kubectl_py import api
    from kubectl_py.describe import describe

    (source,) = api.clusters(contexts=["kpy-a"], kubeconfig_path=cluster.kubeconfig)
    sent = []  # every request the describes send, as (path, query)
    real = source.client.submit

    def counting(path, query=None, accept="application/json"):
        sent.append((path, dict(query or {})))
        return real(path, query, accept)

    monkeypatch.setattr(source.client, "submit", counting)
    start = time.monotonic()
    docs, errors, _ = describe(source, "pods", [], "demo", show_events=True)
    assert len(docs) > 3 and not errors
    events = [(path, query) for path, query in sent if path.endswith("/events")]
    assert [path for path, _ in events] == ["/api/v1/namespaces/demo/events"]
    assert not events[0][1].get("fieldSelector") and not events[0][1].get("labelSelector")
    docs, _, _ = describe(source, "nodes", [], None, show_events=True)
    assert len([path for path, _ in sent if path.endswith("/pods")]) == 2  # the selection's list + one for all nodes
    assert time.monotonic() - start < 60
    source.close()
