"""py-nodeports against the real clusters, with kubectl's view of the same objects as the expectation."""

import ipaddress
import json

import pytest

from tests.integration.harness import kubectl_plugin, oracle_json

# these tests compare whole lists (-A) read by two tools a moment apart
pytestmark = pytest.mark.usefixtures("settled")


def ready_schedulable_nodes(kubectl, context):
    nodes = oracle_json(kubectl, "get", "nodes", context=context)["items"]
    usable = {}
    for node in nodes:
        conditions = {c["type"]: c["status"] for c in node["status"].get("conditions", [])}
        if conditions.get("Ready") == "True" and not node["spec"].get("unschedulable"):
            usable[node["metadata"]["name"]] = node["status"].get("addresses", [])
    return usable


def expected_address(addresses):
    for wanted in ("ExternalIP", "InternalIP"):
        found = [a["address"] for a in addresses if a["type"] == wanted]
        if found:
            return found
    return []


def fmt(address, port):
    return f"[{address}]:{port}" if ipaddress.ip_address(address).version == 6 else f"{address}:{port}"


def expected_records(kubectl, context, namespace=None):
    """(namespace, name, port, nodePort) -> sorted URLs, worked out from kubectl get output."""
    scope = ["-n", namespace] if namespace else ["-A"]
    services = oracle_json(kubectl, "get", "services", *scope, context=context)["items"]
    slices = oracle_json(kubectl, "get", "endpointslices", *scope, context=context)["items"]
    nodes = ready_schedulable_nodes(kubectl, context)
    expected = {}
    for svc in services:
        if svc["spec"]["type"] not in ("NodePort", "LoadBalancer"):
            continue
        meta = svc["metadata"]
        hosts = set(nodes)
        if svc["spec"].get("externalTrafficPolicy") == "Local":
            hosts = {
                e.get("nodeName")
                for s in slices
                if s["metadata"].get("labels", {}).get("kubernetes.io/service-name") == meta["name"]
                and s["metadata"]["namespace"] == meta["namespace"]
                for e in s.get("endpoints") or []
                if e.get("conditions", {}).get("ready") is not False
            }
        for port in svc["spec"]["ports"]:
            if port.get("nodePort"):
                urls = sorted(fmt(a, port["nodePort"]) for n in hosts & set(nodes) for a in expected_address(nodes[n]))
                expected[(meta["namespace"], meta["name"], port["port"], port["nodePort"])] = urls
    return expected


def as_map(items):
    return {(r["namespace"], r["name"], r["port"], r["nodePort"]): sorted(r["urls"]) for r in items}


def test_json_matches_kubectl_view(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-nodeports", "-o", "json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["kind"] == "NodePortList"
    expected = expected_records(kubectl, None)
    assert expected, "the seeded cluster has node port services"
    assert as_map(doc["items"]) == expected
    assert any(url.startswith("[") for urls in expected.values() for url in urls), "an IPv6 node is seeded"
    assert [c["status"] for c in doc["contexts"]] == ["ok"]


def test_table_has_one_row_per_node_port(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-nodeports")
    assert run.code == 0, run.err
    header, *rows = run.lines()
    assert header.split() == ["NAMESPACE", "NAME", "TYPE", "PORT", "NODEPORT", "PROTOCOL", "URLS"]
    expected = expected_records(kubectl, None)
    got = {
        (r.split()[0], r.split()[1], int(r.split()[3]), int(r.split()[4])): sorted(r.split()[6].split(","))
        for r in rows
    }
    assert got == {k: v or ["<none>"] for k, v in expected.items()}


def test_wide_adds_columns_and_ready_counts(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-nodeports", "-o", "wide")
    assert run.code == 0, run.err
    assert run.lines()[0].split()[-4:] == ["TARGET-PORT", "SELECTOR", "EXTERNAL-TRAFFIC-POLICY", "READY-ENDPOINTS"]
    slices = oracle_json(kubectl, "get", "endpointslices", "-A")["items"]
    for row in run.lines()[1:]:
        cells = row.split()
        ready = {
            a
            for s in slices
            if s["metadata"]["namespace"] == cells[0]
            and s["metadata"].get("labels", {}).get("kubernetes.io/service-name") == cells[1]
            for e in s.get("endpoints") or []
            if e.get("conditions", {}).get("ready") is not False
            for a in e["addresses"]
        }
        assert int(cells[-1]) == len(ready)


def test_several_contexts_and_failures(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-nodeports", "--context", "kpy-a,kpy-b", "--context", "kpy-down", "-o", "json")
    assert run.code == 1
    doc = run.json()
    by_context = {}
    for item in doc["items"]:
        by_context.setdefault(item["context"], []).append(item)
    assert as_map(by_context["kpy-a"]) == expected_records(kubectl, "kpy-a")
    assert as_map(by_context["kpy-b"]) == expected_records(kubectl, "kpy-b")
    statuses = {c["context"]: c["status"] for c in doc["contexts"]}
    assert statuses == {"kpy-a": "ok", "kpy-b": "ok", "kpy-down": "unreachable"}
    assert 'was refused' in run.err and '(context "kpy-down")' in run.err


def test_table_with_contexts_has_context_column(cluster):
    run = kubectl_plugin(cluster, "py-nodeports", "--context", "kpy-a", "--context", "kpy-b")
    assert run.code == 0, run.err
    assert run.lines()[0].split()[0] == "CONTEXT"
    assert {line.split()[0] for line in run.lines()[1:]} == {"kpy-a", "kpy-b"}


def test_forbidden_user_is_named_and_exit_1(cluster):
    run = kubectl_plugin(cluster, "py-nodeports", "--context", "kpy-a-ns-viewer")
    assert run.code == 1
    assert "Forbidden" in run.err and "try -n NAMESPACE" in run.err
    assert run.out == ""


def test_namespace_limited_user_gets_records_without_urls(cluster, kubectl):
    """ns-viewer may list services in team-a but not nodes: rows come back, URLS unknown, with a warning."""
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "np-viewer", "namespace": "team-a"},
        "spec": {"type": "NodePort", "selector": {"app": "none"}, "ports": [{"port": 80}]},
    }
    kubectl(["apply", "-f", "-"], input=json.dumps(service), check=True)
    try:
        run = kubectl_plugin(cluster, "py-nodeports", "--context", "kpy-a-ns-viewer", "-n", "team-a", "-o", "json")
        assert run.code == 0, run.err
        services = oracle_json(kubectl, "get", "services", "-n", "team-a", context="kpy-a")["items"]
        node_ports = [
            (s["metadata"]["name"], p["nodePort"]) for s in services for p in s["spec"]["ports"] if p.get("nodePort")
        ]
        assert node_ports
        assert sorted((r["name"], r["nodePort"]) for r in run.json()["items"]) == sorted(node_ports)
        assert all(r["urls"] is None for r in run.json()["items"])
        assert "cannot read nodes" in run.err
    finally:
        kubectl(["delete", "service", "np-viewer", "-n", "team-a", "--wait=false"])


def test_selector_and_jsonpath(cluster, kubectl):
    labelled = oracle_json(kubectl, "get", "services", "-A", "-l", "app in (web-lb,web-local)")["items"]
    expected = sorted(
        f'{s["metadata"]["name"]}:{p["nodePort"]}'
        for s in labelled
        for p in s["spec"]["ports"]
        if p.get("nodePort") and s["spec"]["type"] in ("NodePort", "LoadBalancer")
    )
    run = kubectl_plugin(
        cluster,
        "py-nodeports",
        "-l",
        "app in (web-lb,web-local)",
        "-o",
        'jsonpath={range .items[*]}{.name}:{.nodePort}{"\\n"}{end}',
    )
    assert run.code == 0, run.err
    assert sorted(run.lines()) == expected and expected


def test_address_type_and_all_nodes(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-nodeports", "--address-type", "InternalIP", "--all-nodes", "-o", "json")
    assert run.code == 0, run.err
    nodes = oracle_json(kubectl, "get", "nodes")["items"]
    internal = {a["address"] for n in nodes for a in n["status"]["addresses"] if a["type"] == "InternalIP"}
    urls = {
        u.rsplit(":", 1)[0].strip("[]")
        for r in run.json()["items"]
        if r["externalTrafficPolicy"] == "Cluster"
        for u in r["urls"]
    }
    assert urls == internal


def test_offline_snapshot_gives_the_same_records(cluster, kubectl, tmp_path):
    dump = tmp_path / "dump.json"
    proc = kubectl(["get", "services,nodes,endpointslices", "-A", "-o", "json"])
    assert proc.returncode == 0, proc.stderr
    dump.write_text(proc.stdout)
    live = kubectl_plugin(cluster, "py-nodeports", "-o", "json").json()["items"]
    offline = kubectl_plugin(cluster, "py-nodeports", "-f", str(dump), "-o", "json")
    assert offline.code == 0, offline.err
    strip = [{k: v for k, v in r.items() if k != "context"} for r in live]
    assert [{k: v for k, v in r.items() if k != "context"} for r in offline.json()["items"]] == strip


@pytest.mark.parametrize(
    "args,message",
    [
        (["--context", "nope"], 'error: context "nope" does not exist'),
        (["-o", "xml"], 'unable to match a printer suitable for the output format "xml"'),
        (["-o", "jsonpath={.items[0"], "error parsing jsonpath"),
        (["-l", "app in web"], "unable to parse requirement"),
        (["--kubeconfig", "/nonexistent"], "no such file"),
        (["--request-timeout", "soon"], "invalid duration"),
        (["--no-such-flag"], "No such option"),
    ],
)
def test_errors_are_one_line_exit_1(cluster, args, message):
    run = kubectl_plugin(cluster, "py-nodeports", *args)
    assert run.code == 1
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert "Traceback" not in run.err
