"""py-query against the real clusters; kubectl (per context) is the oracle."""

import re

import pytest

from tests.integration.harness import kubectl_plugin, oracle_json

# these tests compare whole lists (-A) read by two tools a moment apart
pytestmark = pytest.mark.usefixtures("settled")

PAIRS = '{range .items[*]}{.metadata.namespace}{"/"}{.metadata.name}{"\\n"}{end}'


def kubectl_lines(kubectl, args, context=None):
    proc = kubectl(args, context=context)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize(
    "template",
    [
        PAIRS,
        "{.items[*].metadata.name}",
        '{range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}',
        '{.items[?(@.status.phase=="Running")].metadata.name}',
        "{.kind} {.items[0].kind}",
    ],
)
def test_jsonpath_is_kubectls_on_one_context(cluster, kubectl, template):
    expected = kubectl(["get", "pods", "-n", "demo", "-o", f"jsonpath={template}"])
    assert expected.returncode == 0, expected.stderr
    run = kubectl_plugin(cluster, "py-query", "pods", "-n", "demo", "-o", f"jsonpath={template}")
    assert run.code == 0, run.err
    assert run.out == expected.stdout


def test_several_contexts_are_one_list(cluster, kubectl):
    run = kubectl_plugin(
        cluster,
        "py-query",
        "pods",
        "-A",
        "--context",
        "kpy-a,kpy-b",
        "-o",
        'jsonpath={range .items[*]}{.context} {.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
    )
    assert run.code == 0, run.err
    expected = [
        f"{ctx} {line}"
        for ctx in ("kpy-a", "kpy-b")
        for line in kubectl_lines(kubectl, ["get", "pods", "-A", "-o", f"jsonpath={PAIRS}"], context=ctx)
    ]
    assert run.lines() == expected


def test_json_list_with_status_records(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-query", "svc", "-A", "--context", "kpy-a,kpy-b,kpy-down", "-o", "json")
    assert run.code == 1
    doc = run.json()
    assert doc["kind"] == "List"
    seeded = {"default", "demo", "shop", "beta", "team-a"}  # other tests add namespaces meanwhile
    for ctx in ("kpy-a", "kpy-b"):
        mine = [i for i in doc["items"] if i["context"] == ctx and i["metadata"]["namespace"] in seeded]
        theirs = [
            i
            for i in oracle_json(kubectl, "get", "svc", "-A", context=ctx)["items"]
            if i["metadata"]["namespace"] in seeded
        ]
        assert [{k: v for k, v in i.items() if k != "context"} for i in mine] == theirs
    status = {c["context"]: c for c in doc["contexts"]}
    assert status["kpy-a"]["status"] == "ok" and status["kpy-b"]["status"] == "ok"
    assert status["kpy-down"]["status"] == "unreachable" and "refused" in status["kpy-down"]["message"]
    assert all(isinstance(c["elapsedMs"], int) for c in doc["contexts"])
    assert run.err.count("\n") == 1 and "kpy-down" in run.err


def test_forbidden_cluster_wide_names_the_flag(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-query", "pods", "-A", "--context", "kpy-a-ns-viewer", "-o", "json")
    assert run.code == 1
    record = run.json()["contexts"][0]
    assert record["status"] == "forbidden" and "-n NAMESPACE" in record["message"]
    ok = kubectl_plugin(cluster, "py-query", "pods", "-n", "team-a", "--context", "kpy-a-ns-viewer", "-o", "name")
    assert ok.code == 0, ok.err
    assert ok.lines() == kubectl_lines(kubectl, ["get", "pods", "-n", "team-a", "-o", "name"], context="kpy-a")


def test_timeout_is_a_status(cluster):
    # a context whose server never answers in time: a listening socket that is never accepted
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(0)
        port = silent.getsockname()[1]
        run = kubectl_plugin(
            cluster,
            "py-query",
            "pods",
            "--server",
            f"https://127.0.0.1:{port}",
            "--insecure-skip-tls-verify",
            "--request-timeout",
            "1s",
            "-o",
            "json",
        )
    assert run.code == 1
    assert "timeout" in run.err.lower() or "Timeout" in run.err


def test_names_kinds_and_categories(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-query", "pods,svc,deploy", "-n", "demo", "-o", "name")
    assert run.code == 0, run.err
    expected = kubectl_lines(kubectl, ["get", "pods,svc,deploy", "-n", "demo", "-o", "name"])
    assert run.lines() == expected
    run = kubectl_plugin(cluster, "py-query", "all", "-n", "demo", "-o", "name")
    assert sorted(run.lines()) == sorted(kubectl_lines(kubectl, ["get", "all", "-n", "demo", "-o", "name"]))


def test_named_objects_and_not_found(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-query", "deploy", "web", "nope", "-n", "demo", "-o", "name")
    assert run.code == 1
    assert run.lines() == ["deployment.apps/web"]
    expected = kubectl(["get", "deploy", "nope", "-n", "demo"]).stderr.strip()
    assert run.err.strip() == expected


def test_table_is_kubectls_table(cluster, kubectl):
    def normalise(text):  # ages tick between the two runs
        return [re.sub(r"\b\d+[smhd](\d+[smh])?\b", "AGE", line) for line in text.splitlines()]

    for args in (["pods", "-n", "demo"], ["svc", "-A"], ["deploy,svc", "-n", "demo"], ["nodes", "-o", "wide"]):
        expected = kubectl(["get", *args])
        run = kubectl_plugin(cluster, "py-query", *args)
        assert run.code == 0, run.err
        assert normalise(run.out) == normalise(expected.stdout), args


def test_count_matches_kubectl_per_context(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-query", "pods,svc", "-A", "--context", "kpy-a,kpy-b", "--count", "-o", "json")
    assert run.code == 0, run.err
    counts = {(r["context"], r["kind"]): r["count"] for r in run.json()["items"]}
    for ctx in ("kpy-a", "kpy-b"):
        for kind, name in (("Pod", "pods"), ("Service", "svc")):
            assert counts[(ctx, kind)] == len(kubectl_lines(kubectl, ["get", name, "-A", "-o", "name"], context=ctx))
    by_ns = kubectl_plugin(cluster, "py-query", "pods", "-A", "--count", "--by", "namespace", "-o", "json")
    expected = {}
    for line in kubectl_lines(kubectl, ["get", "pods", "-A", "-o", "jsonpath=" + PAIRS]):
        expected[line.split("/")[0]] = expected.get(line.split("/")[0], 0) + 1
    assert {r["namespace"]: r["count"] for r in by_ns.json()["items"]} == expected


def test_sort_by_is_global_across_contexts(cluster):
    run = kubectl_plugin(
        cluster,
        "py-query",
        "pods",
        "-A",
        "--context",
        "kpy-a,kpy-b",
        "--sort-by",
        "{.metadata.name}",
        "-o",
        'jsonpath={range .items[*]}{.metadata.name} {.context}{"\\n"}{end}',
    )
    assert run.code == 0, run.err
    names = [line.split()[0] for line in run.lines()]
    assert names == sorted(names)
    assert {line.split()[1] for line in run.lines()} == {"kpy-a", "kpy-b"}
    table = kubectl_plugin(
        cluster,
        "py-query",
        "pods",
        "-A",
        "--context",
        "kpy-a,kpy-b",
        "--sort-by",
        ".metadata.creationTimestamp",
        "-o",
        "json",
    )
    stamps = [i["metadata"]["creationTimestamp"] for i in table.json()["items"]]
    assert stamps == sorted(stamps)


def test_custom_columns_like_kubectl(cluster, kubectl):
    spec = "NAME:.metadata.name,NODE:.spec.nodeName,IPS:.status.podIPs[*].ip"
    run = kubectl_plugin(cluster, "py-query", "pods", "-n", "demo", "-o", f"custom-columns={spec}")
    assert run.code == 0, run.err
    assert run.out == kubectl(["get", "pods", "-n", "demo", "-o", f"custom-columns={spec}"]).stdout


def test_type_missing_in_one_context_is_reported_not_fatal(cluster, kubectl):
    crds = oracle_json(kubectl, "get", "crd", context="kpy-a")["items"]
    assert crds, "the seed creates a CRD in cluster A"
    plural = crds[0]["spec"]["names"]["plural"]
    run = kubectl_plugin(cluster, "py-query", plural, "-A", "--context", "kpy-a,kpy-b", "-o", "name")
    assert run.code == 0, run.err
    assert f'doesn\'t have a resource type "{plural}" (context "kpy-b")' in run.err
    expected = kubectl_lines(kubectl, ["get", plural, "-A", "-o", "name"], context="kpy-a")
    assert [line.split("\t")[1] for line in run.lines()] == expected


def test_jsonpath_ng_extension(cluster, kubectl):
    run = kubectl_plugin(
        cluster,
        "py-query",
        "pods",
        "-n",
        "demo",
        "-o",
        "jsonpath-ng=$.items[?(@.metadata.name =~ '^web-')].metadata.name",
    )
    assert run.code == 0, run.err
    expected = [
        n
        for n in kubectl_lines(kubectl, ["get", "pods", "-n", "demo", "-o", "jsonpath=" + PAIRS])
        if n.split("/")[1].startswith("web-")
    ]
    assert sorted(run.lines()) == sorted(n.split("/")[1] for n in expected)


def test_describe_documents_in_templates(cluster):
    run = kubectl_plugin(
        cluster,
        "py-query",
        "nodes",
        "--describe",
        "-o",
        'jsonpath={range .items[*]}{.name}{"\\t"}{.allocatedResources.cpu.requestsPercent}{"\\n"}{end}',
    )
    assert run.code == 0, run.err
    described = kubectl_plugin(cluster, "py-describe", "nodes", "-o", "json")
    assert described.code == 0, described.err
    expected = [
        f'{d["name"]}\t{d["allocatedResources"]["cpu"]["requestsPercent"]}'
        for d in described.json()["items"]
        if d.get("allocatedResources")
    ]
    assert [line for line in run.lines() if line.split("\t")[1]] == expected


def test_small_pages_follow_continue_tokens(cluster, kubectl):
    run = kubectl_plugin(cluster, "py-query", "pods", "-A", "--chunk-size", "2", "-o", "name")
    assert run.code == 0, run.err
    assert run.lines() == kubectl_lines(kubectl, ["get", "pods", "-A", "-o", "name"])
    assert len(run.lines()) > 2
