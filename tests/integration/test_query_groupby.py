"""py-query --group-by with --count/--sum/--avg/--min/--max against the real clusters.

Expected figures are computed here from `kubectl get -o json` (and `kubectl describe`) per context, with a
small quantity reader of the test's own (fractions, not the plugin's parser)."""

from __future__ import annotations

import json
import re
import time
import uuid
from fractions import Fraction

import pytest

from tests.integration.harness import kubectl_plugin, oracle_json

CPU = "{.spec.containers[*].resources.requests.cpu}"
MEMORY = "{.spec.containers[*].resources.requests.memory}"
CONTEXTS = ("kpy-a", "kpy-b")
_SUFFIX = {
    "m": Fraction(1, 1000),
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


def base(text) -> Fraction:
    """A quantity as an exact number of base units (cores, bytes)."""
    number, suffix = re.fullmatch(r"([0-9.]+)([a-zA-Z]*)", str(text)).groups()
    return Fraction(number) * _SUFFIX[suffix]


def pod(name, node, *requests, labels=None, annotations=None):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {}, "annotations": annotations or {}},
        "spec": {
            "nodeName": node,
            "containers": [
                {"name": f"c{i}", "image": "registry.k8s.io/pause:3.10", "resources": {"requests": r}}
                for i, r in enumerate(requests)
            ],
        },
    }


PODS = {
    "kpy-a": [
        pod(
            "p1", "kwok-node-1", {"cpu": "250m", "memory": "128Mi"}, {"cpu": "1", "memory": "1Gi"}, labels={"team": "x"}
        ),
        pod("p2", "kwok-node-1", {"cpu": "0.5", "memory": "1G"}, labels={"team": "y"}),
        pod("p3", "kwok-node-2", {}),
        pod("p4", "kwok-node-2", {"cpu": "2", "memory": "3Gi"}, labels={"team": "x"}, annotations={"note": "hello"}),
    ],
    "kpy-b": [
        pod("q1", "b-node-1", {"cpu": "100m", "memory": "64Mi"}, labels={"team": "x"}),
        pod("q2", "b-node-2", {"cpu": "1500m", "memory": "1.5Gi"}),
    ],
}


@pytest.fixture(scope="module")
def fleet_namespace(cluster, kubectl):
    """One namespace of the same name in both clusters, holding PODS."""
    name = f"t-groupby-{uuid.uuid4().hex[:6]}"
    for context, pods in PODS.items():
        assert kubectl(["create", "namespace", name], context=context).returncode == 0
        document = json.dumps({"apiVersion": "v1", "kind": "List", "items": pods})
        deadline = time.monotonic() + 30
        while True:  # pods wait for the namespace's default ServiceAccount
            created = kubectl(["create", "-n", name, "-f", "-"], context=context, input=document)
            if created.returncode == 0:
                break
            assert time.monotonic() < deadline, created.stderr
            kubectl(["delete", "pods", "--all", "-n", name, "--wait=false"], context=context)
            time.sleep(0.5)
    yield name
    for context in PODS:
        kubectl(["delete", "namespace", name, "--wait=false"], context=context)


def oracle_pods(kubectl, namespace, context):
    return oracle_json(kubectl, "get", "pods", "-n", namespace, context=context)["items"]


def requests_of(item, resource):
    return [
        c["resources"]["requests"][resource]
        for c in item["spec"]["containers"]
        if resource in (c.get("resources") or {}).get("requests", {})
    ]


def query(cluster, *args):
    run = kubectl_plugin(cluster, "py-query", *args)
    assert run.code == 0, run.err
    return run


def test_sums_per_context_and_node_with_mixed_units(cluster, kubectl, fleet_namespace):
    args = [
        "pods",
        "-n",
        fleet_namespace,
        "--context",
        ",".join(CONTEXTS),
        "--group-by",
        "context,{.spec.nodeName}",
        "--count",
        "--sum",
        CPU,
        "--sum",
        MEMORY,
    ]
    expected = {}
    for context in CONTEXTS:
        for item in oracle_pods(kubectl, fleet_namespace, context):
            entry = expected.setdefault((context, item["spec"]["nodeName"]), [0, [], []])
            entry[0] += 1
            entry[1] += [base(q) for q in requests_of(item, "cpu")]
            entry[2] += [base(q) for q in requests_of(item, "memory")]
    document = query(cluster, *args, "-o", "json").json()
    assert document["kind"] == "GroupList" and document["groupBy"] == ["context", "{.spec.nodeName}"]
    assert [c["status"] for c in document["contexts"]] == ["ok", "ok"]
    got = {}
    for item in document["items"]:
        sums = [a["value"] for a in item["aggregates"]]
        got[tuple(item["group"])] = [item["count"]] + [None if s is None else Fraction(str(s["base"])) for s in sums]
    assert got == {
        key: [n, sum(cpu) if cpu else None, sum(mem) if mem else None] for key, (n, cpu, mem) in expected.items()
    }
    # the table prints kubectl's quantities: 250m + 1 + 500m on kwok-node-1 is 1750m; 128Mi + 1Gi + 1G bytes
    # is no multiple of 1024, so the plain number
    table = [line.split() for line in query(cluster, *args).lines()]
    # a template's column is titled by its last path segment (a name given titles it: test_first_hour.py)
    assert table[0] == ["CONTEXT", "NODENAME", "COUNT", f"SUM({CPU[1:-1]})", f"SUM({MEMORY[1:-1]})"]
    rows = {(r[0], r[1]): r[2:] for r in table[1:]}
    assert rows[("kpy-a", "kwok-node-1")] == ["2", "1750m", str(128 * 2**20 + 2**30 + 10**9)]
    assert rows[("kpy-b", "b-node-2")] == ["1", "1500m", "1536Mi"]
    assert rows[("kpy-a", "kwok-node-2")] == ["2", "2", "3Gi"]
    for (context, node), (count, cpu, memory) in rows.items():
        n, cpus, memories = expected[(context, node)]
        assert int(count) == n and base(cpu) == sum(cpus) and base(memory) == sum(memories)


def test_missing_values_group_under_none(cluster, kubectl, fleet_namespace):
    run = query(
        cluster,
        "pods",
        "-n",
        fleet_namespace,
        "--context",
        ",".join(CONTEXTS),
        "--group-by",
        "namespace,{.metadata.labels.team}",
        "--sum",
        "{.metadata.annotations.size}",
    )
    expected = {}
    for context in CONTEXTS:
        for item in oracle_pods(kubectl, fleet_namespace, context):
            team = item["metadata"].get("labels", {}).get("team", "<none>")
            expected[team] = expected.get(team, 0) + 1
    rows = [line.split() for line in run.lines()[1:]]
    # no pod has the annotation: every sum is <none>, not 0; groups merge across contexts, <none> last
    assert rows == [[fleet_namespace, team, "<none>"] for team in sorted(expected, key=lambda t: (t == "<none>", t))]
    # said on stderr, so a column of <none> is not taken for an answer; the label key found something: no word
    assert run.err == 'warning: --sum "{.metadata.annotations.size}" found no value in any item\n'
    # a bare word that is no keyword reads as a field (as --sort-by's): one that no pod has is named
    by_word = query(
        cluster, "pods", "-n", fleet_namespace, "--context", ",".join(CONTEXTS), "--group-by", "node", "--count"
    )
    assert [line.split() for line in by_word.lines()] == [["NODE", "COUNT"], ["<none>", str(sum(expected.values()))]]
    assert by_word.err == 'warning: --group-by "{.node}" found nothing in any item: every one is in the <none> group\n'
    counted = query(
        cluster,
        "pods",
        "-n",
        fleet_namespace,
        "--context",
        ",".join(CONTEXTS),
        "--group-by",
        "{.metadata.labels.team}",
        "-o",
        "json",
    ).json()
    assert {(i["group"][0] or "<none>"): i["count"] for i in counted["items"]} == expected


def test_a_value_that_is_not_a_quantity_names_the_item(cluster, kubectl, fleet_namespace):
    run = kubectl_plugin(
        cluster,
        "py-query",
        "pods",
        "-n",
        fleet_namespace,
        "--context",
        ",".join(CONTEXTS),
        "--group-by",
        "context",
        "--sum",
        "{.metadata.annotations.note}",
    )
    assert run.code == 1
    assert run.err == (
        f'error: pod {fleet_namespace}/p4: cannot sum {{.metadata.annotations.note}}: "hello" is '
        'neither a number nor a quantity (context "kpy-a")\n'
    )
    # the context that answered is still printed; the failed one is not, not even as a partial sum
    assert [line.split() for line in run.lines()] == [
        ["CONTEXT", "SUM(.metadata.annotations.note)"],
        ["kpy-b", "<none>"],
    ]


def test_avg_min_max(cluster, kubectl, fleet_namespace):
    run = query(
        cluster,
        "pods",
        "-n",
        fleet_namespace,
        "--context",
        ",".join(CONTEXTS),
        "--group-by",
        "context",
        "--avg",
        CPU,
        "--min",
        CPU,
        "--max",
        MEMORY,
        "--count",
        "-o",
        "yaml",
    )
    import yaml

    items = {i["context"]: i for i in yaml.safe_load(run.out)["items"]}
    for context in CONTEXTS:
        pods = oracle_pods(kubectl, fleet_namespace, context)
        cpus = [base(q) for p in pods for q in requests_of(p, "cpu")]
        memories = [base(q) for p in pods for q in requests_of(p, "memory")]
        avg, low, high = (Fraction(str(a["value"]["base"])) for a in items[context]["aggregates"])
        assert items[context]["count"] == len(pods)
        assert abs(avg - sum(cpus) / len(cpus)) <= Fraction(1, 10**9)  # nano units, rounded up
        assert low == min(cpus) and high == max(memories)


def _allocated_cpu_per_context(kubectl, context) -> Fraction:
    """Sum over nodes of the CPU requests `kubectl describe nodes` prints under Allocated resources."""
    text = kubectl(["describe", "nodes"], context=context).stdout
    values = re.findall(r"^Allocated resources:\n(?:.*\n)*?\s+cpu\s+(\S+)\s", text, re.M)
    assert values, text[:2000]
    return sum((base(v) for v in values), Fraction(0))


def test_describe_sums_allocated_resources_per_context(cluster, kubectl, fleet_namespace):
    # other tests create pods meanwhile: compare one reading of each tool taken close together, a few times
    for _attempt in range(5):
        expected = {c: _allocated_cpu_per_context(kubectl, c) for c in CONTEXTS}
        run = query(
            cluster,
            "nodes",
            "--context",
            ",".join(CONTEXTS),
            "--describe",
            "--group-by",
            "context",
            "--sum",
            "{.allocatedResources.cpu.requests}",
            "-o",
            "json",
        )
        got = {i["context"]: Fraction(str(i["aggregates"][0]["value"]["base"])) for i in run.json()["items"]}
        if got == expected:
            break
    assert got == expected
    table = query(
        cluster,
        "nodes",
        "--context",
        ",".join(CONTEXTS),
        "--describe",
        "--group-by",
        "context",
        "--sum",
        "{.allocatedResources.cpu.requests}",
    )
    assert table.lines()[0].split() == ["CONTEXT", "SUM(.allocatedResources.cpu.requests)"]


def test_offline_is_the_same(cluster, kubectl, fleet_namespace, tmp_path):
    pods = kubectl(["get", "pods", "-n", fleet_namespace, "-o", "json"], context="kpy-a")
    nodes = kubectl(["get", "nodes", "-o", "json"], context="kpy-a")
    (tmp_path / "pods.json").write_text(pods.stdout)
    (tmp_path / "nodes.json").write_text(nodes.stdout)
    items = json.loads(pods.stdout)["items"]
    expected = {}
    for item in items:
        cpu = requests_of(item, "cpu")
        if cpu:
            node = item["spec"]["nodeName"]
            expected[node] = expected.get(node, 0) + sum(base(q) for q in cpu)
    run = query(
        cluster,
        "pods",
        "-n",
        fleet_namespace,
        "-f",
        str(tmp_path / "pods.json"),
        "--group-by",
        "{.spec.nodeName}",
        "--sum",
        CPU,
        "-o",
        "json",
    )
    assert {i["group"][0]: Fraction(str(i["aggregates"][0]["value"]["base"])) for i in run.json()["items"]} == expected
    # offline --describe: a node's allocated CPU is the requests of the pods the files hold on it
    described = query(
        cluster,
        "nodes",
        "-f",
        str(tmp_path),
        "--describe",
        "--group-by",
        "{.name}",
        "--sum",
        "{.allocatedResources.cpu.requests}",
        "-o",
        "json",
    )
    got = {i["group"][0]: Fraction(str(i["aggregates"][0]["value"]["base"])) for i in described.json()["items"]}
    assert {node: got[node] for node in expected} == expected
    assert all(value == 0 for node, value in got.items() if node not in expected)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--group-by", "{.spec.nodeName"], "error: error parsing jsonpath {.spec.nodeName, unclosed action\n"),
        (["--group-by", "context,,kind"], 'error: invalid --group-by "context,,kind": an empty key\n'),
        (
            ["--group-by", "kind", "-o", "name"],
            "error: -o name cannot print groups: use the table, csv, tsv, markdown, "
            "json, yaml, jsonpath= or jsonpath-ng=\n",
        ),
    ],
)
def test_bad_input_is_one_line(cluster, kubectl, args, message):
    run = kubectl_plugin(cluster, "py-query", "pods", "-n", "demo", *args)
    assert (run.code, run.err, run.out) == (1, message, "")
    if message.startswith("error: error parsing jsonpath"):  # kubectl's own wording for the same template
        theirs = kubectl(["get", "pods", "-n", "demo", "-o", "jsonpath=" + args[1]])
        assert theirs.stderr.strip() == message.strip()
