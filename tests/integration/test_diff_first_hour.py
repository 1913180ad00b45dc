"""py-diff as a new user first tries it (issue 19): snapshots and manifests beside live clusters, columns in the
selection's order, one row per missing list entry, markers that say why a side holds no value, owners and
generated names of pods, objects missing on one side, and a user who may only get. Drift is made here, in
a fresh namespace of the same name in both clusters; every expected value is read back with kubectl."""

import json
import re
import time
import zlib

import pytest
from harness import kubectl_plugin

pytestmark = pytest.mark.integration

CONTEXTS = ("kpy-a", "kpy-b")
MARKERS = ("<absent>", "<unset>", "<unreadable>", "<missing>")


def ok(proc):
    assert proc.returncode == 0, proc.stderr
    return proc


def diff(cluster, *args):
    return kubectl_plugin(cluster, "py-diff", *args)


def apply(kubectl, namespace, context, *objects):
    ok(
        kubectl(
            ["apply", "-n", namespace, "-f", "-"],
            context=context,
            input=json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objects)}),
        )
    )


def get(kubectl, context, *args):
    return json.loads(ok(kubectl(["get", *args, "-o", "json"], context=context)).stdout)


def cart(context, label):
    """A Deployment whose pod template drifts: kpy-b has no LOG_LEVEL and another team label."""
    env = [{"name": "MODE", "value": "prod"}] + (
        [{"name": "LOG_LEVEL", "value": "debug"}] if context == "kpy-a" else []
    )
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "cart",
            "labels": {"first-hour": label, "team": "shop" if context == "kpy-a" else "checkout"},
        },
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "cart"}},
            "template": {
                "metadata": {"labels": {"app": "cart"}},
                "spec": {"containers": [{"name": "cart", "image": "registry.example/cart:1", "env": env}]},
            },
        },
    }


@pytest.fixture
def pair(namespace, kubectl):
    """The test's namespace in both clusters (the fixture made it in kpy-a)."""
    ok(kubectl(["create", "namespace", namespace], context="kpy-b"))
    try:
        yield namespace
    finally:
        kubectl(["delete", "namespace", namespace, "--wait=false"], context="kpy-b")


def block(out: str, title_start: str) -> tuple:
    """(title, header cells, {path: cells}) of the text block of the object whose title starts so."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title_start))
    header, rows = None, {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        cells = line.split()
        if header is None:
            header = cells
        else:
            rows[cells[0]] = cells[1:]
    return lines[start], header, rows


# -- snapshots -------------------------------------------------------------------------------------------------


def test_a_snapshot_of_set_and_allocated_node_ports_is_no_drift(cluster, kubectl, namespace, tmp_path):
    """kubectl get -o json and cluster-info dump write no managedFields: a snapshot cannot tell who set a
    node port, so its values are compared with what the live side knows was set, never shown as absent."""
    pinned = 30000 + zlib.crc32(namespace.encode()) % 2700
    apply(
        kubectl,
        namespace,
        "kpy-a",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "edge"},
            "spec": {
                "type": "NodePort",
                "selector": {"app": "cart"},
                "ports": [{"name": "http", "port": 80, "nodePort": pinned}, {"name": "admin", "port": 81}],
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "public"},
            "spec": {
                "type": "LoadBalancer",
                "externalTrafficPolicy": "Local",
                "selector": {"app": "cart"},
                "ports": [{"name": "https", "port": 443}],
            },
        },
    )
    snapshot = tmp_path / "snap.json"
    snapshot.write_text(ok(kubectl(["get", "svc", "-n", namespace, "-o", "json"], context="kpy-a")).stdout)
    held = json.loads(snapshot.read_text())
    assert len(held["items"]) == 2 and not any("managedFields" in s["metadata"] for s in held["items"])
    edge = next(s for s in held["items"] if s["metadata"]["name"] == "edge")
    assert [p["nodePort"] for p in edge["spec"]["ports"]][0] == pinned
    folder = tmp_path / "dump"
    ok(kubectl(["cluster-info", "dump", "--namespaces", namespace, "--output-directory", str(folder)], context="kpy-a"))
    for side in (str(snapshot), str(folder)):
        run = diff(cluster, "svc", "-n", namespace, "--context", "kpy-a", "-f", side)
        assert (run.code, run.out.strip()) == (0, "2 objects compared: 2 same, 0 different, 0 missing somewhere"), (
            run.out + run.err
        )
    # the snapshot edited: the node port the user set is compared, each side showing what it holds
    edge["spec"]["ports"][0]["nodePort"] = pinned + 1
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(held))
    run = diff(cluster, "svc", "-n", namespace, "--context", "kpy-a", "-f", str(edited))
    assert run.code == 1, run.err
    title, header, rows = block(run.out, f"Service {namespace}/edge")
    live = get(kubectl, "kpy-a", "svc", "edge", "-n", namespace)["spec"]["ports"][0]["nodePort"]
    assert header == ["PATH", "kpy-a", str(edited)]
    assert rows == {".spec.ports[name=http].nodePort": [str(live), str(pinned + 1)]}
    assert not any(marker in run.out for marker in MARKERS + ("<none>",))


# -- columns -----------------------------------------------------------------------------------------------------


def test_columns_follow_the_selection_in_every_format(cluster, kubectl, pair, tmp_path):
    label = pair
    for context in CONTEXTS:
        apply(kubectl, pair, context, cart(context, label))
    manifest = tmp_path / "cart.yaml"
    manifest.write_text(
        json.dumps(dict(cart("kpy-a", label), metadata={"name": "cart", "labels": {"first-hour": label}}))
    )
    team = {c: get(kubectl, c, "deploy", "cart", "-n", pair)["metadata"]["labels"]["team"] for c in CONTEXTS}
    selections = (
        (["--context", "kpy-b,kpy-a", "-A", "-l", f"first-hour={label}"], ["kpy-b", "kpy-a"]),
        (["--context", "kpy-b,kpy-a", "-n", pair, "-f", str(manifest)], ["kpy-b", "kpy-a", str(manifest)]),
    )
    for args, sides in selections:
        text = diff(cluster, "deploy", *args)
        assert text.code == 1, text.err
        _, header, rows = block(text.out, f"Deployment {pair}/cart")
        assert header == ["PATH"] + sides
        expected_team = [team.get(side, "<unset>") for side in sides]  # the manifest sets no team
        assert rows[".metadata.labels.team"] == expected_team
        for fmt, separator in (("tsv", "\t"), ("csv", ","), ("markdown", "|")):
            run = diff(cluster, "deploy", *args, "-o", fmt)
            assert run.code == 1, run.err
            lines = [line for line in run.lines() if not set(line) <= set("|-: ")]
            cells = [[c.strip() for c in line.strip("|").split(separator)] for line in lines]
            assert cells[0] == ["KIND", "NAMESPACE", "NAME", "STATUS", "PATH"] + sides, fmt
            team_row = next(row for row in cells if row[4] == ".metadata.labels.team")
            assert team_row[5:] == expected_team, fmt


# -- rows and markers ---------------------------------------------------------------------------------------


def test_a_removed_env_var_is_one_row_and_markers_say_why(cluster, kubectl, pair, tmp_path):
    for context in CONTEXTS:
        apply(kubectl, pair, context, cart(context, pair))
    live = {c: get(kubectl, c, "deploy", "cart", "-n", pair) for c in CONTEXTS}
    env = {
        c: {e["name"]: e for e in live[c]["spec"]["template"]["spec"]["containers"][0].get("env", [])} for c in CONTEXTS
    }
    assert "LOG_LEVEL" in env["kpy-a"] and "LOG_LEVEL" not in env["kpy-b"]
    path = ".spec.template.spec.containers[name=cart].env[name=LOG_LEVEL]"
    run = diff(cluster, "deploy", "cart", "-n", pair, "--context", "kpy-a,kpy-b")
    assert run.code == 1, run.err
    _, _, rows = block(run.out, f"Deployment {pair}/cart")
    entry = {k: v for k, v in env["kpy-a"]["LOG_LEVEL"].items() if k != "name"}
    assert rows[path] == [json.dumps(entry, separators=(",", ":")), "<absent>"]
    assert not any(p.startswith(path + ".") for p in rows)  # one row, not .name and .value
    doc = diff(cluster, "deploy", "cart", "-n", pair, "--context", "kpy-a,kpy-b", "-o", "json").json()
    row = next(d for d in doc["items"][0]["differences"] if d["path"] == path)
    assert row == {"path": path, "values": {"kpy-a": entry, "kpy-b": None}, "notHeld": {"kpy-b": "absent"}}
    # a manifest that does not set a field the clusters disagree on: "unset" there, distinct from absent
    manifest = tmp_path / "cart.json"
    manifest.write_text(
        json.dumps(
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "cart"}, "spec": {"replicas": 1}}
        )
    )
    run = diff(cluster, "deploy", "cart", "-n", pair, "--context", "kpy-a,kpy-b", "-f", str(manifest))
    _, header, rows = block(run.out, f"Deployment {pair}/cart")
    assert header == ["PATH", "kpy-a", "kpy-b", str(manifest)]
    teams = [live[c]["metadata"]["labels"]["team"] for c in CONTEXTS]
    assert rows[".metadata.labels.team"] == teams + ["<unset>"]
    assert rows[path] == [json.dumps(entry, separators=(",", ":")), "<absent>", "<unset>"]


def test_an_object_missing_on_one_side_shows_its_fields(cluster, kubectl, pair):
    apply(
        kubectl,
        pair,
        "kpy-a",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "only-a"},
            "data": {"level": "info", "region": "eu"},
        },
    )
    data = get(kubectl, "kpy-a", "cm", "only-a", "-n", pair)["data"]
    assert (
        ok(kubectl(["get", "cm", "only-a", "-n", pair, "--ignore-not-found", "-o", "name"], context="kpy-b")).stdout
        == ""
    )
    run = diff(cluster, "cm", "only-a", "-n", pair, "--context", "kpy-a,kpy-b")
    assert run.code == 1, run.err
    title, header, rows = block(run.out, f"ConfigMap {pair}/only-a")
    assert title == f"ConfigMap {pair}/only-a: missing in kpy-b"
    assert rows == {f".data.{key}": [value, "<missing>"] for key, value in data.items()}
    item = diff(cluster, "cm", "only-a", "-n", pair, "--context", "kpy-a,kpy-b", "-o", "json").json()["items"][0]
    assert item["status"] == "missing" and item["missingIn"] == ["kpy-b"]
    assert {d["path"]: (d["values"], d["notHeld"]) for d in item["differences"]} == {
        f".data.{key}": ({"kpy-a": value, "kpy-b": None}, {"kpy-b": "missing"}) for key, value in data.items()
    }


# -- manifests limit what is compared --------------------------------------------------------------------------


def test_a_one_object_manifest_compares_that_object_only_unless_all(cluster, kubectl, pair, tmp_path):
    label = pair
    other = dict(cart("kpy-a", label), metadata={"name": "other", "labels": {"first-hour": label}})
    apply(kubectl, pair, "kpy-a", cart("kpy-a", label), other)
    manifest = tmp_path / "cart.yaml"
    manifest.write_text(json.dumps(cart("kpy-a", label)))
    listed = ok(
        kubectl(["get", "deploy", "-A", "-l", f"first-hour={label}", "-o", "name"], context="kpy-a")
    ).stdout.split()
    assert sorted(listed) == ["deployment.apps/cart", "deployment.apps/other"]
    args = [
        "deploy",
        "-A",
        "-l",
        f"first-hour={label}",
        "-n",
        pair,
        "--context",
        "kpy-a",
        "-f",
        str(manifest),
        "-o",
        "json",
    ]
    only = diff(cluster, *args)
    assert only.code == 0, only.out + only.err
    assert [(i["name"], i["status"]) for i in only.json()["items"]] == [("cart", "same")]
    every = diff(cluster, *args, "--all")
    assert every.code == 1, every.err
    found = {i["name"]: (i["status"], i["missingIn"]) for i in every.json()["items"]}
    assert found == {"cart": ("same", []), "other": ("missing", [str(manifest)])}


# -- pods and ReplicaSets -----------------------------------------------------------------------------------------


def wait_for_pod(kubectl, context, namespace, name):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        got = kubectl(["get", "pod", name, "-n", namespace, "-o", "json"], context=context)
        if got.returncode == 0 and json.loads(got.stdout)["spec"].get("nodeName"):
            return json.loads(got.stdout)
        time.sleep(0.5)
    pytest.fail(f"pod {namespace}/{name} was not scheduled in {context}")


def test_pods_and_replicasets_match_owners_by_name_and_leave_generated_names_out(cluster, kubectl, pair):
    workloads = [
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {
                "serviceName": "db",
                "replicas": 1,
                "selector": {"matchLabels": {"app": "db"}},
                "template": {
                    "metadata": {"labels": {"app": "db"}},
                    "spec": {"containers": [{"name": "db", "image": "registry.example/db:1"}]},
                },
            },
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "registry.example/web:1"}]},
                },
            },
        },
    ]
    for context in CONTEXTS:
        apply(kubectl, pair, context, *workloads)
    pods = {c: wait_for_pod(kubectl, c, pair, "db-0") for c in CONTEXTS}
    # what each cluster generated differently (the oracle's reading)
    owners = {c: [o["uid"] for o in pods[c]["metadata"]["ownerReferences"]] for c in CONTEXTS}
    tokens = {
        c: [v["name"] for v in pods[c]["spec"]["volumes"] if v["name"].startswith("kube-api-access-")] for c in CONTEXTS
    }
    assert owners["kpy-a"] != owners["kpy-b"] and tokens["kpy-a"] != tokens["kpy-b"] and all(tokens.values())
    run = diff(cluster, "pods", "db-0", "-n", pair, "--context", "kpy-a,kpy-b")
    assert (run.code, run.out.strip()) == (0, "1 object compared: 1 same, 0 different, 0 missing somewhere"), run.out
    rs = {c: get(kubectl, c, "rs", "-n", pair, "-l", "app=web")["items"] for c in CONTEXTS}
    assert [r["metadata"]["name"] for r in rs["kpy-a"]] == [r["metadata"]["name"] for r in rs["kpy-b"]]
    assert (
        rs["kpy-a"][0]["metadata"]["ownerReferences"][0]["uid"]
        != rs["kpy-b"][0]["metadata"]["ownerReferences"][0]["uid"]
    )
    run = diff(cluster, "rs", "-n", pair, "--context", "kpy-a,kpy-b", "-o", "json")
    assert run.code == 0, run.out + run.err
    assert [i["status"] for i in run.json()["items"]] == ["same"]
    # --include-generated compares them: the token volumes and mounts, the node, as kubectl shows them
    run = diff(cluster, "pods", "db-0", "-n", pair, "--context", "kpy-a,kpy-b", "--include-generated", "-o", "json")
    assert run.code == 1, run.err
    found = {d["path"]: d["values"] for d in run.json()["items"][0]["differences"]}
    for context, other in (("kpy-a", "kpy-b"), ("kpy-b", "kpy-a")):
        volume = found[f".spec.volumes[name={tokens[context][0]}]"]
        assert volume[other] is None and volume[context]["projected"]
    mount = ".spec.containers[name=db].volumeMounts[mountPath=/var/run/secrets/kubernetes.io/serviceaccount].name"
    assert found[mount] == {c: tokens[c][0] for c in CONTEXTS}
    nodes = {c: pods[c]["spec"]["nodeName"] for c in CONTEXTS}
    assert found.get(".spec.nodeName") == (nodes if nodes["kpy-a"] != nodes["kpy-b"] else None)
    assert not any(p.startswith(".metadata.ownerReferences") for p in found)


# -- a user who may only get ----------------------------------------------------------------------------------


def test_a_get_only_user_sees_unreadable_not_drift(cluster, kubectl, pair):
    for context in CONTEXTS:
        apply(kubectl, pair, context, cart(context, pair))
    can = kubectl(["auth", "can-i", "list", "replicasets.apps", "-n", pair], context="kpy-a-get-only")
    assert can.stdout.strip() == "no"
    run = diff(cluster, "deploy", "cart", "-n", pair, "--context", "kpy-a-get-only,kpy-a", "--describe")
    assert run.code == 2, run.out + run.err  # not 1: nothing differs; not 0: not everything could be read
    assert run.lines()[0] == f"Deployment {pair}/cart (<unreadable> in kpy-a-get-only: .newReplicaSet, .oldReplicaSets)"
    assert run.lines()[-1] == "1 object compared: 1 same, 0 different, 0 missing somewhere, 1 partly unreadable"
    assert "<none>" not in run.out and ".newReplicaSet.name" not in run.out
    reasons = [line for line in run.err.splitlines() if line.startswith("warning: not compared (<unreadable>)")]
    assert len(reasons) == 1 and "forbidden" in reasons[0] and reasons[0].endswith('(context "kpy-a-get-only")')
    # beside two clusters that can read it and differ: the marker, and the values kubectl reads
    run = diff(cluster, "deploy", "cart", "-n", pair, "--context", "kpy-a-get-only,kpy-a,kpy-b", "--describe")
    assert run.code == 2, run.err
    _, header, rows = block(run.out, f"Deployment {pair}/cart")
    assert header == ["PATH", "kpy-a-get-only", "kpy-a", "kpy-b"]
    names = {}
    for context in CONTEXTS:
        owned = [
            r
            for r in get(kubectl, context, "rs", "-n", pair, "-l", "app=cart")["items"]
            if (r["spec"].get("replicas") or 0) > 0
        ]
        assert len(owned) == 1
        names[context] = owned[0]["metadata"]["name"]
    assert names["kpy-a"] != names["kpy-b"]  # the pod templates differ, and so do their hashes
    assert rows[".newReplicaSet.name"] == ["<unreadable>", names["kpy-a"], names["kpy-b"]]


# -- --field-selector ----------------------------------------------------------------------------------------------

LEVELS = {"alpha": ("info", "debug"), "bravo": ("info", "info"), "charlie": ("warn", None)}  # (kpy-a, kpy-b)


def levels(kubectl, pair):
    """alpha differs, bravo is the same, charlie is only in kpy-a."""
    for index, context in enumerate(CONTEXTS):
        objects = [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"level": values[index]}}
            for name, values in LEVELS.items()
            if values[index]
        ]
        apply(kubectl, pair, context, *objects)


def expected(kubectl, scope, selector, sides) -> list:
    """(name, status, missingIn) per object, in py-diff's order, from what kubectl lists in ``scope`` (-n NS
    or -A) with the same field selector; ``sides``: side name -> the context kubectl reads for it."""
    listed = {
        side: {
            c["metadata"]["name"]: c.get("data")
            for c in get(kubectl, context, "cm", *scope, "--field-selector", selector)["items"]
        }
        for side, context in sides.items()
    }
    out = []
    for name in sorted(set().union(*listed.values())):
        missing = [side for side in sides if name not in listed[side]]
        held = [found[name] for found in listed.values() if name in found]
        status = "missing" if missing else ("same" if all(h == held[0] for h in held) else "different")
        out.append((name, status, missing))
    return out


def compared(run) -> list:
    return [(i["name"], i["status"], i["missingIn"]) for i in run.json()["items"]]


def test_a_field_selector_limits_the_comparison_as_kubectl_lists(cluster, kubectl, pair):
    levels(kubectl, pair)
    sides = {c: c for c in CONTEXTS}
    every = diff(cluster, "cm", "-n", pair, "--context", "kpy-a,kpy-b", "-o", "json")
    assert {i["name"] for i in every.json()["items"]} >= set(LEVELS), every.err
    selectors = (
        "metadata.name=alpha",
        "metadata.name==bravo",
        "metadata.name!=alpha,metadata.name!=kube-root-ca.crt",
        f"metadata.namespace={pair},metadata.name=charlie",
    )
    for selector in selectors:
        want = expected(kubectl, ["-n", pair], selector, sides)
        assert 0 < len(want) < len(every.json()["items"]), selector
        run = diff(cluster, "cm", "-n", pair, "--context", "kpy-a,kpy-b", "--field-selector", selector, "-o", "json")
        assert (compared(run), run.err) == (want, ""), selector
        assert run.code == (0 if all(status == "same" for _, status, _ in want) else 1), selector
    # -A with the namespace in the selector, as kubectl get -A --field-selector; the text's values are kubectl's
    selector = f"metadata.namespace={pair},metadata.name!=kube-root-ca.crt"
    want = expected(kubectl, ["-A"], selector, sides)
    run = diff(cluster, "cm", "-A", "--context", "kpy-a,kpy-b", f"--field-selector={selector}", "-o", "json")
    assert (compared(run), run.code) == (want, 1), run.err
    assert {i["namespace"] for i in run.json()["items"]} == {pair}
    run = diff(cluster, "cm", "-A", "--context", "kpy-a,kpy-b", f"--field-selector={selector}")
    counts = [sum(1 for w in want if w[1] == status) for status in ("same", "different", "missing")]
    assert run.lines()[-1] == (
        f"{len(want)} objects compared: {counts[0]} same, {counts[1]} different, {counts[2]} missing somewhere"
    )
    _, header, rows = block(run.out, f"ConfigMap {pair}/alpha")
    data = [get(kubectl, c, "cm", "alpha", "-n", pair)["data"]["level"] for c in CONTEXTS]
    assert (header, rows) == (["PATH", *CONTEXTS], {".data.level": data})


def test_a_field_selector_kubectl_refuses_is_one_line_per_context(cluster, kubectl, pair):
    refused = kubectl(["get", "deploy", "-n", pair, "--field-selector", "spec.nosuch=1"], context="kpy-a")
    assert refused.returncode != 0 and "spec.nosuch" in refused.stderr
    run = diff(cluster, "deploy", "-n", pair, "--context", "kpy-a,kpy-b", "--field-selector", "spec.nosuch=1")
    assert run.code == 2, run.out + run.err
    lines = run.err.splitlines()
    assert [re.search(r'\(context "([^"]+)"\)$', line).group(1) for line in lines] == list(CONTEXTS), run.err
    for line in lines:
        reason = line.rpartition(" (context ")[0].partition("Error from server (BadRequest): ")[2]
        assert reason and reason in refused.stderr, line
    assert "Traceback" not in run.out + run.err
    # names with a selector: kubectl's words, py-diff's error status
    refused = kubectl(["get", "deploy", "cart", "-n", pair, "--field-selector", "metadata.name=cart"], context="kpy-a")
    run = diff(
        cluster, "deploy", "cart", "-n", pair, "--context", "kpy-a,kpy-b", "--field-selector", "metadata.name=cart"
    )
    assert (run.code, run.out, run.err) == (2, "", refused.stderr)


def test_a_field_selector_filters_files_as_a_context(cluster, kubectl, pair, tmp_path):
    levels(kubectl, pair)
    snapshots = {}
    for context in CONTEXTS:  # server dumps: each speaks for every ConfigMap of the namespace
        snapshots[context] = tmp_path / f"{context}.json"
        snapshots[context].write_text(ok(kubectl(["get", "cm", "-n", pair, "-o", "json"], context=context)).stdout)
    a, b = (str(snapshots[c]) for c in CONTEXTS)
    selections = (
        (["--context", "kpy-a", "-f", b], {"kpy-a": "kpy-a", b: "kpy-b"}),
        (["-f", a, "-f", b], {a: "kpy-a", b: "kpy-b"}),
    )
    for args, sides in selections:
        for selector in ("metadata.name=alpha", "metadata.name!=alpha,metadata.name!=kube-root-ca.crt"):
            run = diff(cluster, "cm", "-n", pair, *args, "--field-selector", selector, "-o", "json")
            assert (compared(run), run.err) == (expected(kubectl, ["-n", pair], selector, sides), ""), (args, selector)
    # a selector the files cannot be filtered by: one line per file, naming it
    run = diff(cluster, "cm", "-n", pair, "-f", a, "-f", b, "--field-selector", "nosuch")
    assert run.code == 2, run.out + run.err
    assert run.err.splitlines() == [f"error: invalid field selector: 'nosuch' (context \"{f}\")" for f in (a, b)]
