"""Strings from servers and files reach the terminal escaped, as kubectl escapes them (kubectl_py/terminal.py).

Objects whose annotations, data and printer columns carry terminal control sequences (an OSC title and a
clear-screen, colours, carriage returns) are made on the real server with the oracle kubectl; kubectl's own
custom columns, tables and describe text of them are the expected text. What kubectl has no oracle for
(py-nodeports and py-diff text, error lines) must hold no raw ESC or CR, and show them as kubectl would
(``^[``, ``\\r``). json, yaml and jsonpath stay exact, as kubectl's do.
"""

import csv
import io
import json
import subprocess
import uuid

import pytest
import yaml

from tests.cluster import faults, manifests
from tests.integration.harness import Run, kubectl_plugin, plugin_env

TITLE = "\x1b]0;pwned\x07\x1b[2J"  # retitle the terminal, then clear it
COLOR = "\x1b[31mred\x1b[0m"
OVERWRITE = "ok\r\x1b[2Kforged"  # back to the line's start, erase it, write something else
NOTE = TITLE + "after"


def kubectl_escaped(text: str) -> str:
    """cli-runtime EscapeTerminal: ESC as ^[ and CR as the two characters \\r."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def assert_no_control(*texts: str) -> None:
    for text in texts:
        assert "\x1b" not in text and "\r" not in text, repr(text)


def created(kubectl, objects: list, context: str = "kpy-a") -> None:
    proc = kubectl(
        ["create", "-f", "-"], context=context, input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})
    )
    assert proc.returncode == 0, proc.stderr


def exact(cluster, *args, env=None) -> Run:
    """kubectl (a plugin through its dispatch, or kubectl itself), its output as written: without the
    newline translation of text mode, which would turn a CR into a line feed."""
    argv = [cluster.kubectl, *args]
    proc = subprocess.run(argv, capture_output=True, timeout=120, env=env or plugin_env(cluster))
    return Run(argv, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def plugin(cluster, *args, env=None) -> Run:
    run = exact(cluster, *args, env=env)
    assert_no_control(run.out, run.err)
    return run


@pytest.fixture
def hostile(kubectl, namespace):
    """A ConfigMap whose annotations and data carry control sequences."""
    created(
        kubectl,
        [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "hostile", "namespace": namespace, "annotations": {"note": NOTE, "color": COLOR}},
                "data": {"overwrite": OVERWRITE, "plain": "x"},
            }
        ],
    )
    return namespace


COLUMNS = (
    "NAME:.metadata.name,NOTE:.metadata.annotations.note,COLOR:.metadata.annotations.color,OVERWRITE:.data.overwrite"
)


def test_custom_columns_are_kubectls(cluster, hostile):
    theirs = exact(cluster, "get", "configmap", "hostile", "-n", hostile, "-o", f"custom-columns={COLUMNS}")
    assert theirs.code == 0, theirs.err
    ours = plugin(cluster, "py-query", "configmap", "hostile", "-n", hostile, "-o", f"custom-columns={COLUMNS}")
    assert (ours.code, ours.out) == (0, theirs.out), ours.err
    assert kubectl_escaped(NOTE) in ours.out and kubectl_escaped(OVERWRITE) in ours.out


def test_describe_text_is_kubectls(cluster, hostile):
    theirs = exact(cluster, "describe", "configmap", "hostile", "-n", hostile)
    assert theirs.code == 0, theirs.err
    ours = plugin(cluster, "py-describe", "configmap", "hostile", "-n", hostile)
    assert (ours.code, ours.out) == (0, theirs.out), ours.err


def test_structured_output_stays_exact(cluster, hostile):
    for fmt, parse in (("json", json.loads), ("yaml", yaml.safe_load)):
        run = kubectl_plugin(cluster, "py-query", "configmap", "hostile", "-n", hostile, "-o", fmt)
        assert run.code == 0, run.err
        obj = parse(run.out)
        assert obj["metadata"]["annotations"] == {"note": NOTE, "color": COLOR}
        assert obj["data"]["overwrite"] == OVERWRITE
    template = "jsonpath={.metadata.annotations.note}{.data.overwrite}"
    theirs = exact(cluster, "get", "configmap", "hostile", "-n", hostile, "-o", template)
    ours = exact(cluster, "py-query", "configmap", "hostile", "-n", hostile, "-o", template)
    assert ours.out == theirs.out == NOTE + OVERWRITE  # kubectl prints jsonpath raw: so do we


@pytest.fixture
def notes(kubectl, namespace):
    """A custom type whose server-rendered table shows hostile strings in its printer columns."""
    group = f"t{uuid.uuid4().hex[:10]}.kpy.io"
    crd = manifests.crd(
        group,
        "notes",
        "Note",
        {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
        additionalPrinterColumns=[
            {"name": "Text", "type": "string", "jsonPath": ".spec.text"},
            {"name": "Other", "type": "string", "jsonPath": ".spec.other"},
        ],
    )
    created(kubectl, [crd])
    try:
        waited = kubectl(["wait", "--for=condition=Established", f"crd/notes.{group}", "--timeout=60s"])
        assert waited.returncode == 0, waited.stderr
        created(
            kubectl,
            [
                {
                    "apiVersion": f"{group}/v1",
                    "kind": "Note",
                    "metadata": {"name": "title", "namespace": namespace},
                    "spec": {"text": NOTE, "other": "line one\nline two"},
                },
                {
                    "apiVersion": f"{group}/v1",
                    "kind": "Note",
                    "metadata": {"name": "overwrite", "namespace": namespace},
                    "spec": {"text": OVERWRITE, "other": COLOR},
                },
            ],
        )
        yield f"notes.{group}", namespace
    finally:
        kubectl(["delete", "crd", f"notes.{group}", "--wait=false"])


def test_server_rendered_tables_are_kubectls(cluster, notes):
    """kubectl get cuts a cell at its first line break (CR included) and escapes ESC; so does py-query."""
    resource, namespace = notes
    for extra in ([], ["-o", "wide"]):
        theirs = exact(cluster, "get", resource, "-n", namespace, *extra)
        assert theirs.code == 0, theirs.err
        ours = plugin(cluster, "py-query", resource, "-n", namespace, *extra)
        assert (ours.code, ours.out) == (0, theirs.out), ours.err
    for style in ("csv", "tsv", "markdown"):
        run = plugin(cluster, "py-query", resource, "-n", namespace, "-o", style)
        assert run.code == 0 and kubectl_escaped(NOTE) in run.out, run.err


def nodeports_dump(path) -> str:
    """A snapshot file whose names and node addresses carry control sequences: files are untrusted too."""
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "node-1"},
        "status": {
            "addresses": [{"type": "ExternalIP", "address": "203.0.113.7" + TITLE}],
            "conditions": [{"type": "Ready", "status": "True"}],
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web" + COLOR, "namespace": "shop\rforged", "uid": "u1", "resourceVersion": "1"},
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "ports": [{"port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"}],
        },
    }
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [node, service]}))
    return str(path)


def test_nodeports_text_is_escaped(cluster, tmp_path):
    dump = nodeports_dump(tmp_path / "dump.json")
    table = plugin(cluster, "py-nodeports", "-f", dump)
    assert table.code == 0, table.err
    # kubectl's table rule: ESC shown as ^[, a cell cut at its line break (the CR)
    assert "web" + kubectl_escaped(COLOR) in table.out and "shop...   " in table.out
    assert "203.0.113.7" + kubectl_escaped(TITLE) in table.out
    for args in (["-o", "wide"], ["-o", "markdown"], ["-o", "custom-columns=NAME:.name,NS:.namespace,URLS:.urls"]):
        run = plugin(cluster, "py-nodeports", "-f", dump, *args)
        assert run.code == 0 and "web" + kubectl_escaped(COLOR) in run.out, (args, run.err)
    rows = list(csv.reader(io.StringIO(plugin(cluster, "py-nodeports", "-f", dump, "-o", "csv").out)))
    assert rows[1][:2] == [kubectl_escaped("shop\rforged"), "web" + kubectl_escaped(COLOR)]
    (record,) = json.loads(kubectl_plugin(cluster, "py-nodeports", "-f", dump, "-o", "json").out)["items"]
    assert (record["namespace"], record["name"]) == ("shop\rforged", "web" + COLOR)  # json stays exact


def test_diff_text_is_escaped(cluster, kubectl, hostile, tmp_path):
    """The live ConfigMap against a dump of it with other hostile values, and an object only the dump has
    whose name (files are untrusted) carries a clear-screen."""
    listed = kubectl(["get", "configmap", "hostile", "-n", hostile, "-o", "json"])
    assert listed.returncode == 0, listed.stderr
    obj = json.loads(listed.stdout)
    obj["metadata"]["annotations"]["note"] = "before" + TITLE
    obj["data"]["overwrite"] = "fine\rforged" + COLOR
    extra = json.loads(json.dumps(obj))
    extra["metadata"]["name"] = "only-here" + TITLE
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [obj, extra]}))
    args = ["py-diff", "configmaps", "-n", hostile, "--context", "kpy-a", "-f", str(dump)]
    for output in ([], ["-o", "wide"], ["-o", "csv"], ["-o", "markdown"]):
        run = plugin(cluster, *args, *output)
        assert run.code == 1, run.err
        assert kubectl_escaped(NOTE) in run.out and kubectl_escaped("before" + TITLE) in run.out, run.out
        assert kubectl_escaped("only-here" + TITLE) in run.out
    document = json.loads(kubectl_plugin(cluster, *args, "-o", "json").out)
    (item,) = [i for i in document["items"] if i["name"] == "hostile"]
    values = {d["path"]: d["values"] for d in item["differences"]}
    assert values[".metadata.annotations.note"] == {"kpy-a": NOTE, str(dump): "before" + TITLE}
    assert values[".data.overwrite"] == {"kpy-a": OVERWRITE, str(dump): "fine\rforged" + COLOR}


HOSTILE_BODY = "denied" + TITLE + "\nsecond line\r" + COLOR


@pytest.fixture
def hostile_server(cluster, tmp_path):
    """A proxy to kpy-a that answers lists of ConfigMaps with a Status whose message holds control sequences
    and line breaks, lists of Secrets with such an HTML page, and lists of nodes with a hostile 403."""
    rules = (
        faults.Fault(faults.status_reply(403, "Forbidden", HOSTILE_BODY), lambda r: r.path.endswith("/configmaps")),
        faults.Fault(
            faults.Reply(403, f"<html>\n<h1>{HOSTILE_BODY}</h1>\n</html>\n".encode(), {"Content-Type": "text/html"}),
            lambda r: r.path.endswith("/secrets"),
        ),
        faults.Fault(faults.status_reply(403, "Forbidden", HOSTILE_BODY), lambda r: r.path == "/api/v1/nodes"),
    )
    with faults.fault_proxy_for(cluster, rules) as proxy:
        kubeconfig = faults.kubeconfig_with(cluster.kubeconfig, str(tmp_path / "kubeconfig"), {"hostile": proxy.url})
        yield plugin_env(cluster, KUBECONFIG=kubeconfig, KUBECTL_PY_CACHE_DIR=str(tmp_path / "kpy-cache"))


@pytest.mark.parametrize("contexts", ["hostile", "kpy-a,hostile"])
@pytest.mark.parametrize("resource", ["configmaps", "secrets"])
def test_server_error_bodies_are_one_escaped_line(cluster, hostile_server, contexts, resource):
    run = plugin(cluster, "py-query", resource, "-n", "default", "--context", contexts, env=hostile_server)
    assert run.code == 1
    (line,) = [line for line in run.err.splitlines() if "denied" in line]
    assert line.startswith("Error from server (Forbidden): ") and "second line" in line, run.err
    assert "denied" + kubectl_escaped(TITLE) in line
    assert run.err.count("\n") == len(run.err.splitlines())  # no line break other than the lines' ends


def test_warnings_are_escaped(cluster, hostile_server):
    run = plugin(cluster, "py-nodeports", "-A", "--context", "hostile", env=hostile_server)
    (warning,) = [line for line in run.err.splitlines() if line.startswith("warning: cannot read nodes")]
    assert "denied" + kubectl_escaped(TITLE) in warning and "second line" in warning


FORMULAS = ["=1+2", "+SUM(A1:A9)", "-2+3", "@cmd", "=HYPERLINK(\"http://example.com\")"]


def test_spreadsheet_cells_that_look_like_formulas_stay_data(cluster, kubectl, namespace):
    """The README's choice: csv and tsv keep such cells as they are (formula injection is the spreadsheet's
    concern), as data."""
    created(
        kubectl,
        [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"f{i}", "namespace": namespace, "annotations": {"f": formula}},
            }
            for i, formula in enumerate(FORMULAS)
        ],
    )
    for style, delimiter in (("csv", ","), ("tsv", "\t")):
        run = plugin(
            cluster,
            "py-query",
            "configmaps",
            "-n",
            namespace,
            "--group-by",
            "{.metadata.annotations.f}",
            "--count",
            "-o",
            style,
        )
        assert run.code == 0, run.err
        rows = list(csv.reader(io.StringIO(run.out), delimiter=delimiter))
        assert sorted(row[0] for row in rows[1:] if row[0] != "<none>") == sorted(FORMULAS)
