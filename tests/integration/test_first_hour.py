"""Issue 19, the first hour: what a new user (and an on-call engineer) tries works, and says why when it does not.
Against the two test clusters, with kubectl (the built v1.37.2) as the oracle wherever kubectl says the same thing:
--help examples that run, --version, hints that fit, one behaviour across plugins, and the incident findings.
The pure parts: tests/unit/test_first_hour_hints.py and tests/unit/test_first_hour_tables.py."""

import csv
import io
import json
import os
import random
import re
import subprocess
import time
import uuid
from collections import Counter

import pytest
import yaml

from tests.integration.harness import kubectl_plugin, oracle_json, plugin_env

CONTEXTS = ("kpy-a", "kpy-b")
PLUGINS = ("py-query", "py-describe", "py-nodeports", "py-diff")


def plugin(cluster, *args, env=None):
    return kubectl_plugin(cluster, *args, env=env)


def ok(run):
    assert run.code == 0, f"{run.args}\n{run.err}"
    return run


def current_context(kubectl) -> str:
    return kubectl(["config", "current-context"], check=True).stdout.strip()


def pod(name, node=None, labels=None):
    spec = {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]}
    if node:
        spec["nodeName"] = node
    else:  # never scheduled: no .spec.nodeName
        spec["nodeSelector"] = {"kpy.example/none": "nowhere"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}}, "spec": spec}


def create(kubectl, context, namespace, objects, deadline=30):
    end = time.monotonic() + deadline
    while kubectl(["get", "serviceaccount", "default", "-n", namespace], context=context).returncode != 0:
        assert time.monotonic() < end, "pods wait for the namespace's default ServiceAccount"
        time.sleep(0.2)
    document = json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})
    created = kubectl(["create", "-n", namespace, "-f", "-"], context=context, input=document)
    assert created.returncode == 0, created.stderr


def multi_port_service(kubectl, context, namespace, name="multi"):
    """A NodePort Service whose ports are not in node port order (the first port has the highest node port)."""
    for _ in range(20):
        high, middle, low = random.sample(range(30000, 32768), 3)
        high, middle, low = sorted((high, middle, low), reverse=True)
        svc = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name},
            "spec": {
                "type": "NodePort",
                "selector": {"app": name},
                "ports": [
                    {"name": "metrics", "port": 9102, "targetPort": 9102, "nodePort": high},
                    {"name": "http", "port": 80, "targetPort": 8080, "nodePort": low},
                    {"name": "https", "port": 443, "targetPort": 8443, "nodePort": middle},
                ],
            },
        }
        created = kubectl(["create", "-n", namespace, "-f", "-"], context=context, input=json.dumps(svc))
        if created.returncode == 0:
            return
        assert "provided port is already allocated" in created.stderr, created.stderr
    pytest.fail("no three free node ports in 20 tries")


@pytest.fixture(scope="module")
def fleet(cluster, kubectl):
    """One namespace of the same name in both clusters: scheduled and unscheduled pods, a Deployment
    ``search-api`` in cluster A only, and a multi-port NodePort Service in both."""
    name = f"t-first-hour-{uuid.uuid4().hex[:6]}"
    nodes = {
        c: [n["metadata"]["name"] for n in oracle_json(kubectl, "get", "nodes", context=c)["items"]] for c in CONTEXTS
    }
    for context in CONTEXTS:
        assert kubectl(["create", "namespace", name], context=context).returncode == 0
        node = sorted(nodes[context])[0]
        create(
            kubectl,
            context,
            name,
            [pod("placed-1", node, {"tier": "web"}), pod("placed-2", node), pod("waiting", None, {"tier": "web"})],
        )
        multi_port_service(kubectl, context, name)
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "search-api"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "search"}},
            "template": {
                "metadata": {"labels": {"app": "search"}},
                "spec": {"containers": [{"name": "s", "image": "registry.k8s.io/pause:3.10"}]},
            },
        },
    }
    create(kubectl, "kpy-a", name, [deployment])
    yield name
    for context in CONTEXTS:
        kubectl(["delete", "namespace", name, "--wait=false"], context=context)


# -- 2. help that teaches -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_kubeconfig(cluster, tmp_path_factory):
    """The test clusters under the names the --help examples use: prod-eu (cluster A), prod-us (cluster B)."""
    with open(cluster.kubeconfig) as fh:
        config = yaml.safe_load(fh)
    contexts = {c["name"]: c["context"] for c in config["contexts"]}
    config["contexts"] = [
        {"name": "prod-eu", "context": contexts["kpy-a"]},
        {"name": "prod-us", "context": contexts["kpy-b"]},
    ]
    config["current-context"] = "prod-eu"
    path = tmp_path_factory.mktemp("examples") / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def help_examples(text: str) -> list:
    """The (comment, command) pairs after ``Examples:`` at the end of a --help."""
    head, marker, tail = text.partition("\n  Examples:\n")
    assert marker, "no Examples section"
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    return list(zip(lines[0::2], lines[1::2]))


@pytest.mark.parametrize("name", PLUGINS)
def test_help_ends_with_examples_that_run(cluster, example_kubeconfig, tmp_path, name):
    helped = ok(plugin(cluster, name, "--help"))
    examples = help_examples(helped.out)
    assert 4 <= len(examples) <= 8
    assert helped.out.rstrip().endswith(examples[-1][1]), "the examples end the help"
    env = plugin_env(cluster, KUBECONFIG=str(example_kubeconfig))
    for comment, command in examples:
        assert comment.startswith("# ") and command.startswith("kubectl ") and "kubectl py-" in command
        proc = subprocess.run(
            ["bash", "-c", command.replace("kubectl ", f"{cluster.kubectl} ")],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        # py-diff exits 1 for "differences found", as kubectl diff
        assert proc.returncode in ((0, 1) if "py-diff" in command else (0,)), f"{command}\n{proc.stderr}"
        assert "error" not in proc.stderr.lower(), f"{command}\n{proc.stderr}"
        assert proc.stdout.strip(), command


@pytest.mark.parametrize("name", PLUGINS)
def test_version(cluster, name):
    import platform
    import sys
    from importlib import metadata

    import kubectl_py

    run = ok(plugin(cluster, name, "--version"))
    editable = json.loads(metadata.distribution("kubectl-py").read_text("direct_url.json") or "{}")
    expected_install = "pip install --editable" if editable.get("dir_info", {}).get("editable") else "pip install"
    lines = run.out.splitlines()
    assert lines[0] == f"kubectl {name} {kubectl_py.__version__}"
    assert lines[1].startswith(f"Python {platform.python_version()} ") and sys.executable in lines[1]
    assert lines[2].startswith(f"installed from: {expected_install}")
    assert run.err == ""
    # anywhere on the line, as --help, and before any argument is checked
    assert ok(plugin(cluster, name, "--context", "nope", "--version")).out == run.out


def test_a_sibling_plugins_option_says_where_it_lives_and_that_command_works(cluster, kubectl):
    run = plugin(cluster, "py-describe", "nodes", "--sum", "{.allocatedResources.cpu.requests}")
    assert run.code == 1 and run.out == ""
    assert run.err == (
        "error: No such option: --sum; --sum is a py-query option: "
        "kubectl py-query TYPE --describe --group-by ... --sum ...\n"
    )
    # the command it points to answers the question, with kubectl's own numbers
    answered = ok(
        plugin(
            cluster,
            "py-query",
            "nodes",
            "--describe",
            "--group-by",
            "context",
            "--sum",
            "{.allocatedResources.cpu.requests}",
            "-o",
            "json",
        )
    )
    assert answered.json()["items"][0]["context"] == current_context(kubectl)
    misspelt = plugin(cluster, "py-query", "pods", "--sortby", ".metadata.name")
    assert (misspelt.code, misspelt.err) == (1, "error: No such option: --sortby; did you mean --sort-by?\n")


def test_did_you_mean_a_context_and_a_type(cluster, kubectl):
    ours = plugin(cluster, "py-query", "pods", "--context", "kpy-bb")
    assert (ours.code, ours.err) == (1, 'error: context "kpy-bb" does not exist; did you mean "kpy-b" or "kpy-a"?\n')
    assert kubectl(["get", "ns", "--context", "kpy-b"]).returncode == 0, "the suggestion is a context kubectl uses"

    theirs = kubectl(["get", "deploymnet"]).stderr.strip()
    ours = plugin(cluster, "py-query", "deploymnet")
    assert ours.code == 1 and ours.err.strip() == f'{theirs}; did you mean "deployment"?'
    assert kubectl(["get", "deployment", "-A"]).returncode == 0, "the suggestion is a type kubectl knows"
    described = plugin(cluster, "py-describe", "deploymnet")
    assert described.code == 1 and described.err.startswith(ours.err.strip())


# -- 3. one behaviour across plugins ------------------------------------------------------------------------------
def test_context_is_set_in_every_plugins_templates(cluster, kubectl, fleet, tmp_path):
    context = current_context(kubectl)
    template = "jsonpath={range .items[*]}{.context}{\"\\n\"}{end}"
    assert set(ok(plugin(cluster, "py-query", "pods", "-n", fleet, "-o", template)).lines()) == {context}
    assert set(ok(plugin(cluster, "py-nodeports", "-n", fleet, "-o", template)).lines()) == {context}
    assert set(ok(plugin(cluster, "py-describe", "pods", "-n", fleet, "-o", template)).lines()) == {context}
    for name in ("py-describe", "py-query"):
        one = ok(plugin(cluster, name, "svc", "multi", "-n", fleet, "-o", "jsonpath={.context}"))
        assert one.out == context, f"{name}: one object from one context prints as itself, with its context"
    snapshot = tmp_path / "pods.json"
    snapshot.write_text(kubectl(["get", "pods", "-n", fleet, "-o", "json"], check=True).stdout)
    offline = ok(plugin(cluster, "py-describe", "pods", "-n", fleet, "-f", str(snapshot), "-o", "json")).json()
    assert [item["context"] for item in offline["items"]] == ["", "", ""]


def test_a_users_context_column_is_not_doubled(cluster, fleet):
    for name, args in (("py-query", ["pods", "-n", fleet]), ("py-nodeports", ["-n", fleet])):
        field = ".metadata.name" if name == "py-query" else ".name"
        run = ok(
            plugin(
                cluster,
                name,
                *args,
                "--context",
                ",".join(CONTEXTS),
                "-o",
                f"custom-columns=CONTEXT:.context,NAME:{field}",
            )
        )
        assert run.lines()[0].split() == ["CONTEXT", "NAME"]
        assert {line.split()[0] for line in run.lines()[1:]} == set(CONTEXTS)
        added = ok(plugin(cluster, name, *args, "--context", ",".join(CONTEXTS), "-o", f"custom-columns=NAME:{field}"))
        assert added.lines()[0].split() == ["CONTEXT", "NAME"], "without one of the user's, CONTEXT is added"


def _key_orders(document, path="") -> list:
    """Every mapping's keys in printed order."""
    out = []
    if isinstance(document, dict):
        out.append((path, list(document)))
        for key, value in document.items():
            out += _key_orders(value, f"{path}.{key}")
    elif isinstance(document, list):
        for i, value in enumerate(document):
            out += _key_orders(value, f"{path}[{i}]")
    return out


def test_json_and_yaml_keys_are_sorted_as_kubectl_prints_them(cluster, kubectl, fleet):
    theirs = json.loads(kubectl(["get", "svc", "multi", "-n", fleet, "-o", "json"], check=True).stdout)
    assert all(keys == sorted(keys) for _, keys in _key_orders(theirs)), "kubectl's own rule"
    for args in (
        ["py-describe", "svc", "multi", "-n", fleet],
        ["py-query", "svc", "multi", "-n", fleet],
        ["py-nodeports", "-n", fleet],
    ):
        for fmt, load in (("json", json.loads), ("yaml", yaml.safe_load)):
            document = load(ok(plugin(cluster, *args, "-o", fmt)).out)  # dicts keep the printed order
            unsorted = [(path, keys) for path, keys in _key_orders(document) if keys != sorted(keys)]
            assert not unsorted, (args, fmt, unsorted[:3])
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md")).read()
    assert "`-o json|yaml` print keys sorted" in readme and "Identity first" not in readme


def test_group_by_columns_are_named_as_given_or_by_their_last_segment(cluster, kubectl, fleet):
    pods = {c: oracle_json(kubectl, "get", "pods", "-n", fleet, context=c)["items"] for c in CONTEXTS}
    expected = Counter((c, p["spec"].get("nodeName") or "<none>") for c in CONTEXTS for p in pods[c])
    run = ok(
        plugin(
            cluster,
            "py-query",
            "pods",
            "-n",
            fleet,
            "--context",
            ",".join(CONTEXTS),
            "--group-by",
            "context,node={.spec.nodeName}",
            "-o",
            "csv",
        )
    )
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[0] == ["CONTEXT", "node", "COUNT"]
    assert {(c, n): int(count) for c, n, count in rows[1:]} == expected
    bare = ok(plugin(cluster, "py-query", "pods", "-n", fleet, "--group-by", "{.metadata.labels.tier}", "-o", "csv"))
    assert bare.lines()[0] == "TIER,COUNT"


def test_count_by_a_comma_list(cluster, kubectl, fleet):
    run = ok(
        plugin(
            cluster,
            "py-query",
            "pods,svc",
            "-n",
            fleet,
            "--context",
            ",".join(CONTEXTS),
            "--count",
            "--by",
            "context,kind,namespace",
            "-o",
            "json",
        )
    )
    got = {(r["context"], r["kind"], r["namespace"]): r["count"] for r in run.json()["items"]}
    expected = Counter()
    for context in CONTEXTS:
        for item in oracle_json(kubectl, "get", "pods,svc", "-n", fleet, context=context)["items"]:
            expected[(context, item["kind"], item["metadata"]["namespace"])] += 1
    assert got == expected
    table = ok(
        plugin(
            cluster,
            "py-query",
            "pods",
            "-n",
            fleet,
            "--context",
            ",".join(CONTEXTS),
            "--count",
            "--by",
            "context,namespace",
        )
    )
    assert table.lines()[0].split() == ["CONTEXT", "NAMESPACE", "COUNT"]


def _kubectl_table(text: str) -> list:
    """kubectl's plain table as rows of cells (columns three or more spaces apart, as tabwriter pads them)."""
    lines = text.splitlines()
    starts = [m.start() for m in re.finditer(r"\S+(?: \S+)*", lines[0])]
    return [[line[a:b].strip() for a, b in zip(starts, starts[1:] + [None])] for line in lines]


@pytest.mark.parametrize("style", ["csv", "tsv", "markdown"])
def test_spreadsheets_of_the_wide_table_and_of_custom_columns(cluster, kubectl, fleet, style):
    def cells(text):
        if style == "markdown":
            lines = text.splitlines()
            return [[c.strip() for c in line.strip("|").split(" | ")] for i, line in enumerate(lines) if i != 1]
        return list(csv.reader(io.StringIO(text), delimiter="," if style == "csv" else "\t"))

    spec = "NAME:.metadata.name,NODE:.spec.nodeName,TIER:.metadata.labels.tier"
    theirs = _kubectl_table(kubectl(["get", "pods", "-n", fleet, "-o", f"custom-columns={spec}"], check=True).stdout)
    ours = cells(ok(plugin(cluster, "py-query", "pods", "-n", fleet, "-o", f"{style}=custom-columns={spec}")).out)
    assert ours == theirs
    wide = _kubectl_table(kubectl(["get", "pods", "-n", fleet, "-o", "wide"], check=True).stdout)
    ours = cells(ok(plugin(cluster, "py-query", "pods", "-n", fleet, "-o", f"{style}=wide")).out)
    assert ours[0] == wide[0], "the wide table's columns"
    keep = [wide[0].index(h) for h in ("NAME", "NODE", "NOMINATED NODE", "READINESS GATES")]
    assert [[row[i] for i in keep] for row in ours] == [[row[i] for i in keep] for row in wide]
    nodeports = cells(ok(plugin(cluster, "py-nodeports", "-n", fleet, "-o", f"{style}=wide")).out)
    assert nodeports[0][-4:] == ["TARGET-PORT", "SELECTOR", "EXTERNAL-TRAFFIC-POLICY", "READY-ENDPOINTS"]


def test_a_second_output_flag_replaces_the_first_as_in_kubectl(cluster, kubectl, fleet):
    assert (
        ok(plugin(cluster, "py-query", "pods", "-n", fleet, "-o", "json", "-o", "name")).out
        == kubectl(["get", "pods", "-n", fleet, "-o", "json", "-o", "name"], check=True).stdout
    )
    spec = "custom-columns=NAME:.metadata.name"
    assert (
        ok(plugin(cluster, "py-query", "pods", "-n", fleet, "-o", "markdown", "-o", spec)).out
        == kubectl(["get", "pods", "-n", fleet, "-o", "yaml", "-o", spec], check=True).stdout
    )


def test_nodeports_keeps_a_services_ports_in_its_order(cluster, kubectl, fleet):
    for context in CONTEXTS:
        ports = oracle_json(kubectl, "get", "svc", "multi", "-n", fleet, context=context)["spec"]["ports"]
        assert [p["nodePort"] for p in ports] != sorted(p["nodePort"] for p in ports), "the test's premise"
        run = ok(plugin(cluster, "py-nodeports", "-n", fleet, "--context", context, "-o", "json"))
        assert [(r["port"], r["nodePort"]) for r in run.json()["items"]] == [(p["port"], p["nodePort"]) for p in ports]


# -- 5. errors and hints that fit ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "output",
    [
        ["-o", "name"],
        ["-o", "json"],
        ["-o", "jsonpath={.items[*].metadata.name}"],
        ["-o", 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'],
        ["-o", "custom-columns=NAME:.metadata.name"],
    ],
)
def test_sort_by_a_missing_field_fails_as_kubectl(cluster, kubectl, fleet, output):
    theirs = kubectl(["get", "pods", "-n", fleet, "--sort-by", "{.metadata.nme}", *output])
    ours = plugin(cluster, "py-query", "pods", "-n", fleet, "--sort-by", "{.metadata.nme}", *output)
    assert theirs.returncode == 1 and "couldn't find any field" in theirs.stderr
    assert (ours.code, ours.out, ours.err) == (theirs.returncode, theirs.stdout, theirs.stderr)


def test_sort_by_a_missing_field_fails_in_the_table_too(cluster, kubectl, fleet):
    """kubectl's table of one type says "No resources found" and exits 0 (its error is lost; with two types, or
    any -o, it is said): we say the error there too, a deliberate difference (README)."""
    theirs = kubectl(["get", "pods", "-n", fleet, "--sort-by", "{.metadata.nme}"])
    assert (theirs.returncode, theirs.stderr) == (0, f"No resources found in {fleet} namespace.\n")
    said = kubectl(["get", "pods,svc", "-n", fleet, "--sort-by", "{.metadata.nme}"])
    assert said.returncode == 1 and "couldn't find any field" in said.stderr
    for types in ("pods", "pods,svc"):
        ours = plugin(cluster, "py-query", types, "-n", fleet, "--sort-by", "{.metadata.nme}")
        assert (ours.code, ours.out, ours.err) == (1, "", said.stderr)


def test_sort_by_puts_items_without_the_field_where_kubectl_does(cluster, kubectl, fleet):
    theirs = kubectl(
        ["get", "pods", "-n", fleet, "--sort-by", ".spec.nodeName", "-o", "custom-columns=NODE:.spec.nodeName"],
        check=True,
    ).stdout
    ours = ok(
        plugin(
            cluster,
            "py-query",
            "pods",
            "-n",
            fleet,
            "--sort-by",
            ".spec.nodeName",
            "-o",
            "custom-columns=NODE:.spec.nodeName",
        )
    ).out
    assert ours == theirs and theirs.splitlines()[1] == "<none>"
    # one type has the field, the other not: kubectl refuses per table, and sorts the one List of names
    for args in ([], ["-o", "name"]):
        theirs = kubectl(["get", "pods,svc", "-n", fleet, "--sort-by", ".spec.nodeName", *args])
        ours = plugin(cluster, "py-query", "pods,svc", "-n", fleet, "--sort-by", ".spec.nodeName", *args)
        assert (ours.code, ours.err) == (theirs.returncode, theirs.stderr), args
        assert ours.out == theirs.stdout or sorted(ours.out.splitlines()) == sorted(theirs.stdout.splitlines())


def test_describe_hints_only_where_they_help(cluster, kubectl):
    node = oracle_json(kubectl, "get", "nodes")["items"][0]["metadata"]["name"]
    run = ok(plugin(cluster, "py-describe", "node", node, "--context", "kpy-a-get-only"))
    assert "warning: pods: " in run.err and "forbidden" in run.err, "what could not be read is still said"
    assert "try -n" not in run.err, "a node's pods and events do not depend on -n"
    listed = plugin(cluster, "py-query", "pods", "-A", "--context", "kpy-a-get-only")
    assert listed.code == 1 and "try -n NAMESPACE" in listed.err, "a list the user asked for still gets the hint"


def test_offline_messages_speak_of_files(cluster, kubectl, tmp_path):
    dump = tmp_path / "nodes.json"
    nodes = oracle_json(kubectl, "get", "nodes")
    leases = oracle_json(kubectl, "get", "leases", "-n", "kube-node-lease")
    held = leases["items"][:1]  # the files hold one node's lease only
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": nodes["items"] + held}))
    run = ok(plugin(cluster, "py-describe", "nodes", "-f", str(dump)))
    assert "server" not in run.err.lower(), run.err
    assert "warning: the input files hold no pods; shown as none" in run.err
    missing = [
        n["metadata"]["name"]
        for n in nodes["items"]
        if n["metadata"]["name"] not in {lease["metadata"]["name"] for lease in held}
    ]
    for name in missing:
        assert f'leases.coordination.k8s.io "{name}" not found in the input files' in run.err
    named = plugin(cluster, "py-describe", "node", "no-such-node", "-f", str(dump))
    assert (named.code, named.err) == (1, 'error: nodes "no-such-node" not found in the input files\n')
    unknown = plugin(cluster, "py-query", "widgets", "-f", str(dump))
    assert unknown.code == 1 and "server" not in unknown.err and 'unknown resource type "widgets"' in unknown.err


def test_parse_errors_name_the_file_line_and_column_where_kubectl_does(cluster, kubectl, tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"apiVersion": "v1", "kind": "List", "items": [\n {"kind": "Pod",, }]}\n')
    offset = int(re.search(r"offset (\d+)", kubectl(["get", "-f", str(bad_json)]).stderr).group(1))
    text = bad_json.read_text()[: offset - 1]  # Go counts the bytes read, the bad one included
    line, column = text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1
    run = plugin(cluster, "py-query", "pods", "-f", str(bad_json))
    assert run.code == 1 and run.err.startswith(f"error: error parsing {bad_json}: line {line}, column {column}: ")

    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: 1\n")
    kubectl_line = re.search(r"yaml: line (\d+):", kubectl(["get", "-f", str(bad_yaml)]).stderr).group(1)
    run = plugin(cluster, "py-query", "pods", "-f", str(bad_yaml))
    assert run.code == 1 and f"error parsing {bad_yaml}: line {kubectl_line}, column " in run.err

    config = tmp_path / "config"
    config.write_text("apiVersion: v1\nkind: Config\ncontexts:\n- name: x\n  context: {cluster: c\n")
    assert kubectl(["get", "pods", "--kubeconfig", str(config)]).returncode == 1
    run = plugin(cluster, "py-query", "pods", "--kubeconfig", str(config))
    assert run.code == 1 and re.match(
        rf'error: error loading config file "{re.escape(str(config))}": '
        r"line \d+, column \d+: ",
        run.err,
    ), run.err


# -- 6. the incident findings -------------------------------------------------------------------------------------
def test_describe_and_nodeports_take_a_field_selector(cluster, kubectl, fleet):
    selector = "status.phase!=Running"
    expected = sorted(
        n.split("/")[1]
        for n in kubectl(
            ["get", "pods", "-n", fleet, "--field-selector", selector, "-o", "name"], check=True
        ).stdout.split()
    )
    assert expected, "the test's premise: an unscheduled pod"
    run = ok(plugin(cluster, "py-describe", "pods", "-n", fleet, "--field-selector", selector, "-o", "json"))
    documents = run.json()
    documents = documents["items"] if documents.get("kind") == "List" else [documents]
    assert sorted(d["name"] for d in documents) == expected
    services = ok(
        plugin(cluster, "py-nodeports", "-A", "--field-selector", f"metadata.namespace={fleet}", "-o", "json")
    )
    assert {(r["namespace"], r["name"]) for r in services.json()["items"]} == {(fleet, "multi")}


def test_not_found_names_the_context_when_several_are_asked(cluster, kubectl, fleet):
    theirs = kubectl(["describe", "deploy", "no-such-deploy", "-n", fleet]).stderr.strip()
    run = plugin(cluster, "py-describe", "deploy", "no-such-deploy", "-n", fleet, "--context", ",".join(CONTEXTS))
    assert run.code == 1
    assert run.err.splitlines() == [f'{theirs} (context "{c}")' for c in CONTEXTS]
    # a prefix found in one context only: described there, NotFound named in the other
    prefix = plugin(cluster, "py-describe", "deploy", "search", "-n", fleet, "--context", ",".join(CONTEXTS))
    assert prefix.code == 1 and "Name:" in prefix.out and "search-api" in prefix.out
    assert prefix.err.strip().endswith('"search" not found (context "kpy-b")'), prefix.err
    queried = plugin(cluster, "py-query", "deploy", "search-api", "-n", fleet, "--context", ",".join(CONTEXTS))
    assert queried.code == 1 and queried.err.strip().endswith('"search-api" not found (context "kpy-b")')


def test_nodeports_says_why_urls_are_empty(cluster, kubectl, fleet, tmp_path):
    """Every node cordoned (in a snapshot: the shared clusters stay as they are)."""
    snapshot = oracle_json(kubectl, "get", "svc,nodes", "-A", context="kpy-b")
    nodes = [o for o in snapshot["items"] if o["kind"] == "Node"]
    for node in nodes:
        node["spec"]["unschedulable"] = True
    not_ready = sum(1 for n in nodes if {c["type"]: c["status"] for c in n["status"]["conditions"]}["Ready"] != "True")
    path = tmp_path / "cordoned.json"
    path.write_text(json.dumps(snapshot))
    reason = f"{len(nodes)} nodes, {len(nodes)} cordoned" + (f", {not_ready} NotReady" if not_ready else "")
    run = ok(plugin(cluster, "py-nodeports", "-n", fleet, "-f", str(path)))
    assert [line.split(None, 6)[6] for line in run.lines()[1:]] == [f"<none: {reason}; --all-nodes includes them>"] * 3
    assert {
        r["noUrlsReason"]
        for r in ok(plugin(cluster, "py-nodeports", "-n", fleet, "-f", str(path), "-o", "json")).json()["items"]
    } == {f"{reason}; --all-nodes includes them"}
    everywhere = ok(plugin(cluster, "py-nodeports", "-n", fleet, "-f", str(path), "--all-nodes", "-o", "json"))
    assert all(r["urls"] and r["noUrlsReason"] is None for r in everywhere.json()["items"])


def test_jsonpath_ng_sorts_over_nulls(cluster, kubectl, fleet, tmp_path):
    pods = oracle_json(kubectl, "get", "pods", "-n", fleet)
    pods["items"][0]["spec"]["nodeName"] = None  # a null beside strings (and "waiting" has none at all)
    path = tmp_path / "pods.json"
    path.write_text(json.dumps(pods))
    run = ok(
        plugin(
            cluster,
            "py-query",
            "pods",
            "-n",
            fleet,
            "-f",
            str(path),
            "-o",
            "jsonpath-ng=$.items[/spec.nodeName][*].metadata.name",
        )
    )
    by_name = {p["metadata"]["name"]: p["spec"].get("nodeName") for p in pods["items"]}
    order = [by_name[name] for name in run.lines()]
    assert sorted(run.lines()) == sorted(by_name)
    assert order == sorted(order, key=lambda v: (v is not None, v or "")), "missing and null first, then by name"


def test_warnings_never_land_inside_an_output_line(cluster, kubectl):
    crd = oracle_json(kubectl, "get", "crd", context="kpy-a")["items"][0]["spec"]["names"]["plural"]  # A's only
    argv = [cluster.kubectl, "py-query", f"pods,{crd}", "-A", "--context", ",".join(CONTEXTS), "-o", "yaml"]
    env = plugin_env(cluster)
    apart = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    merged = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=120)
    assert apart.returncode == merged.returncode == 0, apart.stderr
    assert len(apart.stdout) > 64 * 1024, "more than a pipe's buffer, so that stdout is written in pieces"
    warnings = apart.stderr.splitlines()
    assert warnings and all(w.startswith("warning: ") for w in warnings)
    lines = merged.stdout.splitlines()
    assert lines[-len(warnings) :] == warnings, "the warnings come after the output, whole"
    assert not any("warning:" in line for line in lines[: -len(warnings)])
    document = yaml.safe_load("\n".join(lines[: -len(warnings)]))  # the output itself is whole
    assert document["kind"] == "List" and len(document["items"]) > 10
