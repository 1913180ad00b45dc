"""Offline input (-f): the same answers from files as from the live cluster."""

import json

from tests.integration.harness import kubectl_plugin


def test_query_from_a_dump_equals_live(cluster, kubectl, tmp_path):
    dump = tmp_path / "pods.yaml"
    dump.write_text(kubectl(["get", "pods", "-n", "demo", "-o", "yaml"]).stdout)
    template = 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{"\\n"}{end}'
    offline = kubectl_plugin(cluster, "py-query", "pods", "-n", "demo", "-f", str(dump), "-o", template)
    assert offline.code == 0, offline.err
    assert offline.out == kubectl(["get", "pods", "-n", "demo", "-o", template]).stdout


def test_cluster_info_dump_folder(cluster, kubectl, tmp_path):
    folder = tmp_path / "dump"
    proc = kubectl(["cluster-info", "dump", "--namespaces", "demo,shop", "--output-directory", str(folder)])
    assert proc.returncode == 0, proc.stderr
    live = kubectl_plugin(cluster, "py-nodeports", "-o", "json").json()["items"]
    offline = kubectl_plugin(cluster, "py-nodeports", "-f", str(folder), "-o", "json")
    assert offline.code == 0, offline.err
    # cluster-info dump holds services and nodes but no EndpointSlices: ready counts are unknown
    assert "cannot read EndpointSlices" in offline.err
    key = lambda r: (r["namespace"], r["name"], r["nodePort"])  # noqa: E731
    live_local = {key(r) for r in live if r["externalTrafficPolicy"] == "Cluster"}
    assert {key(r): r["urls"] for r in offline.json()["items"] if key(r) in live_local} == {
        key(r): r["urls"] for r in live if key(r) in live_local
    }


def test_describe_from_a_dump_computes_joins(cluster, kubectl, tmp_path):
    dump = tmp_path / "all.json"
    dump.write_text(kubectl(["get", "nodes,pods,events", "-A", "-o", "json"]).stdout)
    live = kubectl_plugin(cluster, "py-describe", "node", "kwok-node-1", "-o", "json").json()
    offline = kubectl_plugin(cluster, "py-describe", "node", "kwok-node-1", "-f", str(dump), "-o", "json")
    assert offline.code == 0, offline.err
    doc = offline.json()
    assert doc["allocatedResources"] == live["allocatedResources"]
    assert [p["name"] for p in doc["nonTerminatedPods"]] == [p["name"] for p in live["nonTerminatedPods"]]


def test_describe_from_a_dump_without_the_joins_warns(cluster, kubectl, tmp_path):
    dump = tmp_path / "svc.json"
    dump.write_text(kubectl(["get", "svc", "web-nodeport", "-n", "demo", "-o", "json"]).stdout)
    run = kubectl_plugin(cluster, "py-describe", "svc", "web-nodeport", "-n", "demo", "-f", str(dump), "-o", "json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["endpoints"] is None
    assert any("endpointslices" in w.lower() for w in doc["warnings"])
    assert doc["name"] == json.loads(dump.read_text())["metadata"]["name"]
