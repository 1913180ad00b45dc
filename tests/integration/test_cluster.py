"""The test control plane itself: both clusters serve v1.37.2, the kubeconfig contexts behave as documented
in tests/conftest.py, and the seeded objects are alive (see tests/cluster/manifests.py)."""

import json
import os

import pytest


def get_json(kubectl, args, context=None):
    proc = kubectl(list(args) + ["-o", "json"], context=context)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def items_by_name(doc):
    return {i["metadata"]["name"]: i for i in doc["items"]}


def condition(obj, kind):
    return next((c["status"] for c in obj["status"].get("conditions", []) if c["type"] == kind), None)


# -- the control plane ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("context", ["kpy-a", "kpy-b"])
def test_server_and_client_are_v1_37_2(kubectl, context):
    version = get_json(kubectl, ["version"], context)
    assert version["clientVersion"]["gitVersion"] == "v1.37.2"
    assert version["serverVersion"]["gitVersion"] == "v1.37.2"


def test_kubeconfig_contexts(kubectl):
    proc = kubectl(["config", "get-contexts", "-o", "name"])
    assert set(proc.stdout.split()) == {"kpy-a", "kpy-b", "kpy-a-ns-viewer", "kpy-a-get-only", "kpy-down"}
    assert kubectl(["config", "current-context"]).stdout.strip() == "kpy-a"


def test_contexts_reach_different_clusters(kubectl):
    nodes = {ctx: set(items_by_name(get_json(kubectl, ["get", "nodes"], ctx))) for ctx in ("kpy-a", "kpy-b")}
    assert {"kwok-node-1", "node-notready"} <= nodes["kpy-a"]
    assert nodes["kpy-b"] == {"b-node-1", "b-node-2"}
    assert kubectl(["get", "namespace", "beta"], context="kpy-a").returncode != 0


def test_processes_run_and_log(cluster):
    assert cluster.dead() == []
    assert os.access(cluster.kubectl, os.X_OK) and os.path.dirname(cluster.kubectl) == cluster.bin_dir
    logs = cluster.logs()
    assert {"etcd", "kube-apiserver-a", "kube-apiserver-b", "kwok-a", "kwok-b"} <= set(logs)
    assert all(os.path.getsize(path) > 0 for path in logs.values())


# -- users ---------------------------------------------------------------------------------------------------
def test_ns_viewer_sees_only_team_a(kubectl):
    cluster_wide = kubectl(["get", "pods", "--all-namespaces"], context="kpy-a-ns-viewer")
    assert cluster_wide.returncode != 0 and "Forbidden" in cluster_wide.stderr
    other_ns = kubectl(["get", "pods", "-n", "demo"], context="kpy-a-ns-viewer")
    assert other_ns.returncode != 0 and "Forbidden" in other_ns.stderr
    own = kubectl(["get", "pods,configmaps", "-n", "team-a"], context="kpy-a-ns-viewer")
    assert own.returncode == 0, own.stderr


def test_get_only_can_get_but_not_list(kubectl):
    svc = kubectl(["get", "service", "web", "-n", "demo"], context="kpy-a-get-only")
    assert svc.returncode == 0 and "web" in svc.stdout, svc.stderr
    for resource in ("endpointslices", "events", "pods", "replicasets", "services"):
        listing = kubectl(["get", resource, "-n", "demo"], context="kpy-a-get-only")
        assert listing.returncode != 0 and "Forbidden" in listing.stderr, resource


def test_down_context_fails_to_connect(kubectl):
    proc = kubectl(["get", "nodes", "--request-timeout=5s"], context="kpy-down")
    assert proc.returncode != 0
    assert "connection refused" in proc.stderr


# -- seeded content, cluster A ---------------------------------------------------------------------------------
def test_nodes(kubectl):
    nodes = items_by_name(get_json(kubectl, ["get", "nodes"]))
    for name in ("kwok-node-1", "kwok-node-2", "kwok-node-3", "kwok-node-4"):
        assert condition(nodes[name], "Ready") == "True", name
    assert nodes["kwok-node-3"]["spec"].get("unschedulable") is True
    assert {"key": "dedicated", "value": "infra", "effect": "NoSchedule"} in nodes["kwok-node-4"]["spec"]["taints"]
    notready = nodes["node-notready"]
    assert condition(notready, "Ready") == "False"
    assert "node.kubernetes.io/not-ready" in {t["key"] for t in notready["spec"].get("taints", [])}
    addresses = {a["type"]: a["address"] for a in nodes["kwok-node-1"]["status"]["addresses"]}
    assert addresses == {"InternalIP": "10.0.0.11", "ExternalIP": "203.0.113.11", "Hostname": "kwok-node-1"}
    assert nodes["kwok-node-2"]["status"]["addresses"] == [{"type": "InternalIP", "address": "fd00:10::12"}]
    assert nodes["kwok-node-1"]["status"]["allocatable"]["pods"] == "110"
    assert nodes["kwok-node-1"]["metadata"]["labels"]["topology.kubernetes.io/zone"] == "kpy-1a"
    table = kubectl(["get", "nodes"]).stdout
    assert "SchedulingDisabled" in table and "NotReady" in table


def test_rollouts_left_old_and_new_replicasets(kubectl):
    sets = get_json(kubectl, ["get", "replicasets", "-n", "demo", "-l", "app=web"])["items"]
    assert sorted(rs["spec"]["replicas"] for rs in sets) == [0, 0, 3]
    assert len(get_json(kubectl, ["get", "replicasets", "-n", "demo", "-l", "app=api"])["items"]) == 2
    web = get_json(kubectl, ["get", "deployment", "web", "-n", "demo"])
    assert web["status"]["availableReplicas"] == 3
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27.4"


def test_pods_running(kubectl):
    pods = get_json(kubectl, ["get", "pods", "-n", "demo"])["items"]
    phases = {p["metadata"]["name"]: p["status"]["phase"] for p in pods}
    assert phases["pvc-user"] == "Running" and phases["db-0"] == "Running" and phases["db-1"] == "Running"
    job_pods = [p for p in pods if p["metadata"].get("labels", {}).get("app") == "migrate"]
    assert job_pods and all(p["status"]["phase"] == "Succeeded" for p in job_pods)
    others = [p for p in pods if p not in job_pods]
    assert all(p["status"]["phase"] == "Running" and p["status"].get("podIP") for p in others)
    agents = [p["spec"]["nodeName"] for p in others if p["metadata"]["labels"].get("app") == "node-agent"]
    assert sorted(agents) == ["kwok-node-1", "kwok-node-2", "kwok-node-3"]  # not on the tainted/NotReady ones


def test_services_and_endpointslices(kubectl):
    services = items_by_name(get_json(kubectl, ["get", "services", "-n", "demo"]))
    types = {name: s["spec"]["type"] for name, s in services.items()}
    assert types == {
        "web": "ClusterIP",
        "web-nodeport": "NodePort",
        "web-lb": "LoadBalancer",
        "web-local": "NodePort",
        "web-external": "ExternalName",
        "db": "ClusterIP",
        "api": "ClusterIP",
    }
    assert services["db"]["spec"]["clusterIP"] == "None"
    assert services["web-local"]["spec"]["externalTrafficPolicy"] == "Local"
    assert len(services["api"]["spec"]["ports"]) == 3
    slices = get_json(kubectl, ["get", "endpointslices", "-n", "demo", "-l", "kubernetes.io/service-name=web"])
    ready = [e for s in slices["items"] for e in s["endpoints"] if e["conditions"]["ready"]]
    assert len(ready) == 3
    api = get_json(kubectl, ["get", "endpointslices", "-n", "demo", "-l", "kubernetes.io/service-name=api"])
    assert {p["name"] for s in api["items"] for p in s["ports"]} == {"http", "https", "metrics"}


def test_storage_bound(kubectl):
    claims = items_by_name(get_json(kubectl, ["get", "pvc", "-n", "demo"]))
    assert {n: c["status"]["phase"] for n, c in claims.items()} == {
        "data": "Bound",
        "data-db-0": "Bound",
        "data-db-1": "Bound",
    }
    assert claims["data"]["spec"]["volumeName"] == "pv-data"
    volumes = items_by_name(get_json(kubectl, ["get", "pv"]))
    assert volumes["pv-spare"]["status"]["phase"] == "Available"


def test_batch(kubectl):
    job = get_json(kubectl, ["get", "job", "migrate", "-n", "demo"])
    assert condition(job, "Complete") == "True"
    cron = get_json(kubectl, ["get", "cronjob", "report", "-n", "demo"])
    assert cron["spec"]["suspend"] is True


def test_config_policy_and_custom_resources(kubectl):
    secrets = items_by_name(get_json(kubectl, ["get", "secrets", "-n", "demo"]))
    assert secrets["web-tls"]["type"] == "kubernetes.io/tls"
    assert "token" in secrets["build-bot-token"]["data"]
    assert "logo.png" in get_json(kubectl, ["get", "configmap", "binary-config", "-n", "demo"])["binaryData"]
    assert get_json(kubectl, ["get", "hpa", "web", "-n", "demo"])["apiVersion"] == "autoscaling/v2"
    quota = get_json(kubectl, ["get", "resourcequota", "compute", "-n", "shop"])
    assert quota["status"]["used"]["pods"] == "3"
    assert kubectl(["get", "limitrange", "defaults", "-n", "shop"]).returncode == 0
    ingress = get_json(kubectl, ["get", "ingress", "web", "-n", "demo"])
    assert ingress["spec"]["ingressClassName"] == "nginx"
    widgets = get_json(kubectl, ["get", "widgets", "--all-namespaces"])
    assert {w["metadata"]["name"] for w in widgets["items"]} == {"small", "large", "display"}


def test_events_are_attached_to_their_objects(kubectl):
    described = kubectl(["describe", "service", "web-lb", "-n", "demo"]).stdout
    assert "SyncLoadBalancerFailed" in described and "(x4 over" in described


# -- cluster B and the fixtures ------------------------------------------------------------------------------
def test_cluster_b_content(kubectl):
    svc = get_json(kubectl, ["get", "service", "echo", "-n", "beta"], "kpy-b")
    assert svc["spec"]["type"] == "NodePort" and svc["spec"]["ports"][0]["nodePort"] == 30090
    slices = get_json(kubectl, ["get", "endpointslices", "-n", "beta"], "kpy-b")
    assert sum(len(s["endpoints"] or []) for s in slices["items"]) == 2


def test_namespace_fixture_gives_a_working_namespace(kubectl, namespace):
    assert namespace.startswith("t-test-namespace-fixture")
    created = kubectl(["run", "probe", "-n", namespace, "--image=busybox:1.36", "--restart=Never"])
    assert created.returncode == 0, created.stderr
    waited = kubectl(["wait", "pod/probe", "-n", namespace, "--for=condition=Ready", "--timeout=30s"])
    assert waited.returncode == 0, waited.stderr
