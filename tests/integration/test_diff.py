"""kubectl py-diff against the two real clusters: drift made here, in a namespace of the same name in both,
and the differences the plugin finds checked against what this test changed (never against its output)."""

import base64
import json
import zlib

import pytest
from harness import kubectl_plugin

pytestmark = pytest.mark.integration

SECRETS = {"kpy-a": "hunter22", "kpy-b": "hunter23"}  # same size, different values


def deployment(context):
    """The 'same' Deployment, with deliberate drift in kpy-b; B also lists containers and env reversed."""
    a = context == "kpy-a"
    cart = {
        "name": "cart",
        "image": "registry.example/shop/cart:" + ("1.0" if a else "1.1"),
        "env": [{"name": "MODE", "value": "prod"}, {"name": "FEATURE", "value": "off" if a else "on"}],
        "resources": {"limits": {"cpu": "500m" if a else "1", "memory": "128Mi"}},
        "ports": [{"containerPort": 8080, "name": "http"}, {"containerPort": 9090, "name": "metrics"}],
    }
    sidecar = {"name": "proxy", "image": "envoyproxy/envoy:v1.30.0"}
    containers = [cart, sidecar]
    if not a:
        cart["env"].reverse()
        cart["ports"].reverse()
        containers.reverse()
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "cart", "labels": {"app": "cart", "team": "shop" if a else "checkout"}},
        "spec": {
            "replicas": 2 if a else 3,
            "selector": {"matchLabels": {"app": "cart"}},
            "template": {"metadata": {"labels": {"app": "cart"}}, "spec": {"containers": containers}},
        },
    }


# what kpy-a and kpy-b hold of the Deployment differently: path -> (kpy-a, kpy-b)
CART_DRIFT = {
    ".metadata.labels.team": ("shop", "checkout"),
    ".spec.replicas": (2, 3),
    ".spec.template.spec.containers[name=cart].image": (
        "registry.example/shop/cart:1.0",
        "registry.example/shop/cart:1.1",
    ),
    ".spec.template.spec.containers[name=cart].env[name=FEATURE].value": ("off", "on"),
    ".spec.template.spec.containers[name=cart].resources.limits.cpu": ("500m", "1"),
}


def manifests(context):
    objects = [
        deployment(context),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"level": "info"}},
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "creds"},
            "stringData": {"user": "shop", "password": SECRETS[context]},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "api"},  # clusterIP: server noise
            "spec": {"selector": {"app": "cart"}, "ports": [{"port": 80, "targetPort": 8080}]},
        },
    ]
    if context == "kpy-a":
        objects.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "only-a"}, "data": {"x": "1"}})
    return {"apiVersion": "v1", "kind": "List", "items": objects}


@pytest.fixture
def drift(namespace, kubectl):
    """The namespace (created in kpy-a by the fixture, here in kpy-b too) seeded in both clusters."""
    created = kubectl(["create", "namespace", namespace], context="kpy-b")
    assert created.returncode == 0, created.stderr
    try:
        for context in ("kpy-a", "kpy-b"):
            applied = kubectl(
                ["apply", "-n", namespace, "-f", "-"], context=context, input=json.dumps(manifests(context))
            )
            assert applied.returncode == 0, applied.stderr
        yield namespace
    finally:
        kubectl(["delete", "namespace", namespace, "--wait=false"], context="kpy-b")


def diff(cluster, *args):
    return kubectl_plugin(cluster, "py-diff", *args)


def by_name(doc):
    return {(item["kind"], item["name"]): item for item in doc["items"]}


def paths(item):
    return {d["path"]: d["values"] for d in item["differences"]}


def test_drift_between_two_clusters(cluster, kubectl, drift):
    run = diff(cluster, "deploy,cm,secret,svc", "-n", drift, "--context", "kpy-a,kpy-b", "-o", "json")
    assert run.code == 1, run.err
    doc = run.json()
    assert doc["kind"] == "DiffList"
    assert [c["status"] for c in doc["contexts"]] == ["ok", "ok"]
    items = by_name(doc)
    cart = items[("Deployment", "cart")]
    assert cart["status"] == "different" and cart["namespace"] == drift and cart["missingIn"] == []
    # exactly the drift made above: reordered containers, env and ports, and server noise, are no difference
    assert paths(cart) == {p: {"kpy-a": a, "kpy-b": b} for p, (a, b) in CART_DRIFT.items()}
    assert items[("ConfigMap", "settings")]["status"] == "same"
    assert items[("Service", "api")]["status"] == "same"  # different clusterIPs, uids, resourceVersions
    only_a = items[("ConfigMap", "only-a")]
    assert only_a["status"] == "missing" and only_a["missingIn"] == ["kpy-b"]
    creds = items[("Secret", "creds")]
    assert creds["status"] == "different"
    size = len(SECRETS["kpy-a"])
    assert paths(creds) == {".data.password": {"kpy-a": f"<hidden: {size} bytes>", "kpy-b": f"<hidden: {size} bytes>"}}
    # each cluster publishes its own CA (as the oracle reads it): server noise, not drift
    cas = {
        c: kubectl(["get", "cm", "kube-root-ca.crt", "-n", drift, "-o", "jsonpath={.data.ca\\.crt}"], context=c).stdout
        for c in ("kpy-a", "kpy-b")
    }
    assert cas["kpy-a"] != cas["kpy-b"] and all(cas.values())
    assert items[("ConfigMap", "kube-root-ca.crt")]["status"] == "same"
    assert len(items) == 6
    assert doc["summary"] == {"same": 3, "different": 2, "missing": 1, "partlyUnreadable": 0}


def test_allocated_node_ports_and_job_uids_are_noise_set_node_ports_are_not(cluster, kubectl, drift):
    """NodePort Services: a port the server allocated differs in every cluster and is no difference; a
    nodePort written in the manifest (recorded in managedFields) is compared. Jobs: their uid labels."""
    chosen = {"kpy-a": 30000 + zlib.crc32(drift.encode()) % 2000}
    chosen["kpy-b"] = chosen["kpy-a"] + 1
    for context in ("kpy-a", "kpy-b"):
        objects = [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "edge"},
                "spec": {
                    "type": "NodePort",
                    "selector": {"app": "cart"},
                    "ports": [{"name": "http", "port": 80}, {"name": "admin", "port": 81, "nodePort": chosen[context]}],
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
                    "ports": [{"port": 443}],
                },
            },
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": "migrate"},
                "spec": {
                    "template": {
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [{"name": "m", "image": "registry.example/shop/migrate:1"}],
                        }
                    }
                },
            },
        ]
        applied = kubectl(
            ["apply", "-n", drift, "-f", "-"],
            context=context,
            input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}),
        )
        assert applied.returncode == 0, applied.stderr
    # the oracle: what each cluster holds differently, read with kubectl
    held = {
        c: {
            name: json.loads(kubectl(["get", kind, name, "-n", drift, "-o", "json"], context=c).stdout)
            for kind, name in (("svc", "edge"), ("svc", "public"), ("job", "migrate"))
        }
        for c in ("kpy-a", "kpy-b")
    }
    allocated = {c: held[c]["edge"]["spec"]["ports"][0]["nodePort"] for c in held}
    health = {c: held[c]["public"]["spec"]["healthCheckNodePort"] for c in held}
    uids = {
        c: held[c]["migrate"]["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"] for c in held
    }
    assert allocated["kpy-a"] != allocated["kpy-b"] or health["kpy-a"] != health["kpy-b"]
    assert uids["kpy-a"] != uids["kpy-b"]
    run = diff(cluster, "svc,job", "-n", drift, "--context", "kpy-a,kpy-b", "-o", "json")
    items = by_name(run.json())
    assert paths(items[("Service", "edge")]) == {".spec.ports[name=admin].nodePort": chosen}
    assert items[("Service", "public")]["status"] == "same"
    assert items[("Job", "migrate")]["status"] == "same"
    assert run.code == 1, run.err


def test_same_objects_exit_0(cluster, drift):
    run = diff(cluster, "cm", "settings", "-n", drift, "--context", "kpy-a,kpy-b")
    assert (run.code, run.err) == (0, "")
    assert run.out.strip() == "1 object compared: 1 same, 0 different, 0 missing somewhere"


def test_text_table_names_paths_and_missing(cluster, drift):
    run = diff(cluster, "deploy,cm", "-n", drift, "--context", "kpy-a,kpy-b")
    assert run.code == 1, run.err
    lines = run.lines()
    assert f"Deployment {drift}/cart" in lines
    assert f"ConfigMap {drift}/only-a: missing in kpy-b" in lines
    header = lines[lines.index(f"Deployment {drift}/cart") + 1]
    assert header.split() == ["PATH", "kpy-a", "kpy-b"]
    for path, (a, b) in CART_DRIFT.items():
        assert [line.split() for line in lines if line.startswith(path + " ")] == [[path, str(a), str(b)]]


def test_secret_values_never_printed(cluster, drift):
    secret_texts = [
        v for value in list(SECRETS.values()) + ["shop"] for v in (value, base64.b64encode(value.encode()).decode())
    ]
    for output in ("", "wide", "json", "yaml", "csv", "jsonpath={..values}"):
        args = ["secret", "-n", drift, "--context", "kpy-a,kpy-b"] + (["-o", output] if output else [])
        run = diff(cluster, *args)
        assert run.code == 1, (output, run.err)
        for text in secret_texts:
            assert text not in run.out + run.err, (output, text)


def test_named_object_matched_by_key_and_jsonpath(cluster, drift):
    run = diff(
        cluster,
        "deploy",
        "cart",
        "-n",
        drift,
        "--context",
        "kpy-b,kpy-a",
        "-o",
        "jsonpath={range .items[0].differences[*]}{.path}{'\\n'}{end}",
    )
    assert run.code == 1, run.err
    assert sorted(run.lines()) == sorted(CART_DRIFT)


def test_ignore_paths(cluster, drift):
    run = diff(
        cluster,
        "deploy",
        "-n",
        drift,
        "--context",
        "kpy-a,kpy-b",
        "-o",
        "json",
        "--ignore",
        ".spec.template.spec.containers[*].image",
        "--ignore",
        "metadata.labels",
    )
    assert run.code == 1, run.err
    left = {p for p in CART_DRIFT if "image" not in p and "labels" not in p}
    assert set(paths(run.json()["items"][0])) == left
    bad = diff(cluster, "deploy", "-n", drift, "--context", "kpy-a,kpy-b", "--ignore", ".spec[")
    assert bad.code == 2 and bad.err.startswith("error: invalid --ignore path") and len(bad.err.splitlines()) == 1


def test_a_context_that_is_down(cluster, drift):
    run = diff(cluster, "deploy", "-n", drift, "--context", "kpy-a,kpy-b,kpy-down", "-o", "json")
    assert run.code == 2
    doc = run.json()
    assert [(c["context"], c["status"]) for c in doc["contexts"]] == [
        ("kpy-a", "ok"),
        ("kpy-b", "ok"),
        ("kpy-down", "unreachable"),
    ]
    assert paths(doc["items"][0]) == {p: {"kpy-a": a, "kpy-b": b} for p, (a, b) in CART_DRIFT.items()}
    assert 'context "kpy-down"' in run.err and "Traceback" not in run.err


def dump(kubectl, context, namespace, path, edit=None):
    """What users keep: the oracle's `kubectl get -o json` of the namespace."""
    got = kubectl(["get", "deploy,cm,secret", "-n", namespace, "-o", "json"], context=context)
    assert got.returncode == 0, got.stderr
    doc = json.loads(got.stdout)
    if edit:
        edit(doc)
    path.write_text(json.dumps(doc))
    return str(path)


def test_live_context_against_its_own_dump_is_the_same(cluster, kubectl, drift, tmp_path):
    snapshot = dump(kubectl, "kpy-a", drift, tmp_path / "a.json")
    run = diff(cluster, "deploy,cm,secret", "-n", drift, "--context", "kpy-a", "-f", snapshot, "-o", "json")
    assert run.code == 0, run.out + run.err
    assert {c["context"] for c in run.json()["contexts"]} == {"kpy-a", snapshot}


def test_three_sides_two_clusters_and_an_edited_dump(cluster, kubectl, drift, tmp_path):
    def new_image(doc):
        cart = next(i for i in doc["items"] if i["kind"] == "Deployment")
        for container in cart["spec"]["template"]["spec"]["containers"]:
            if container["name"] == "cart":
                container["image"] = "registry.example/shop/cart:1.2"

    snapshot = dump(kubectl, "kpy-a", drift, tmp_path / "planned.json", new_image)
    run = diff(cluster, "deploy", "-n", drift, "--context", "kpy-a,kpy-b", "-f", snapshot, "-o", "json")
    assert run.code == 1, run.err
    found = paths(run.json()["items"][0])
    expected = {p: {"kpy-a": a, "kpy-b": b, snapshot: a} for p, (a, b) in CART_DRIFT.items()}
    expected[".spec.template.spec.containers[name=cart].image"][snapshot] = "registry.example/shop/cart:1.2"
    assert found == expected


def test_a_manifest_says_nothing_of_what_it_does_not_set(cluster, kubectl, drift, tmp_path):
    """The very manifests kubectl applied (no namespace, no server defaults) against the live objects: the
    defaults the server filled in (imagePullPolicy, strategy, protocol, ...) are no difference; what the
    manifest sets is compared; a manifest without a namespace is in -n's, as kubectl apply -f puts it."""
    manifest = tmp_path / "cart.json"
    manifest.write_text(json.dumps(deployment("kpy-a")))
    live = json.loads(kubectl(["get", "deploy", "cart", "-n", drift, "-o", "json"], context="kpy-a").stdout)
    container = live["spec"]["template"]["spec"]["containers"][0]
    assert "imagePullPolicy" in container and "strategy" in live["spec"]  # defaults the manifest lacks
    same = diff(cluster, "deploy", "cart", "-n", drift, "--context", "kpy-a", "-f", str(manifest))
    assert (same.code, same.out.strip()) == (0, "1 object compared: 1 same, 0 different, 0 missing somewhere"), same.err
    other = diff(cluster, "deploy", "cart", "-n", drift, "--context", "kpy-b", "-f", str(manifest), "-o", "json")
    assert other.code == 1, other.err
    assert paths(other.json()["items"][0]) == {p: {"kpy-b": b, str(manifest): a} for p, (a, b) in CART_DRIFT.items()}


def test_two_dumps_alone(cluster, kubectl, drift, tmp_path):
    a = dump(kubectl, "kpy-a", drift, tmp_path / "a.json")
    b = dump(kubectl, "kpy-b", drift, tmp_path / "b.json")
    run = diff(cluster, "cm", "-n", drift, "-f", a, "-f", b, "-o", "json")
    assert run.code == 1, run.err
    doc = run.json()
    assert [c["context"] for c in doc["contexts"]] == [a, b]
    assert by_name(doc)[("ConfigMap", "only-a")]["missingIn"] == [b]


def test_describe_documents(cluster, drift):
    run = diff(cluster, "deploy", "-n", drift, "--context", "kpy-a,kpy-b", "--describe", "-o", "json")
    assert run.code == 1, run.err
    found = paths(run.json()["items"][0])
    # describe's own shape: flat labels and the pod template's containers
    assert found[".labels.team"] == {"kpy-a": "shop", "kpy-b": "checkout"}
    assert found[".podTemplate.containers[name=cart].image"] == {
        "kpy-a": CART_DRIFT[".spec.template.spec.containers[name=cart].image"][0],
        "kpy-b": CART_DRIFT[".spec.template.spec.containers[name=cart].image"][1],
    }
    assert not any(p.startswith((".uid", ".creationTimestamp", ".events")) for p in found)


def test_describe_names_the_joins_it_could_not_read(cluster, kubectl, drift):
    """The same Deployment read by a user who may only get it and by one who may read everything: what the
    first could not read is <unreadable> there, not a difference; stderr says why, naming the context, and
    the exit status is 2 (a comparison with holes in it), not 1."""
    can = kubectl(["auth", "can-i", "list", "replicasets.apps", "-n", drift], context="kpy-a-get-only")
    assert can.stdout.strip() == "no"
    run = diff(cluster, "deploy", "cart", "-n", drift, "--context", "kpy-a-get-only,kpy-a", "--describe", "-o", "json")
    assert run.code == 2, run.err
    item = run.json()["items"][0]
    assert (item["status"], item["differences"]) == ("same", [])
    assert item["unreadable"] == {"kpy-a-get-only": [".newReplicaSet", ".oldReplicaSets"]}
    warnings = [line for line in run.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "replicasets" in warnings[0] and "forbidden" in warnings[0].lower()
    assert "<unreadable>" in warnings[0] and warnings[0].endswith('(context "kpy-a-get-only")')


def test_usage_errors_exit_2(cluster):
    one = diff(cluster, "deploy", "--context", "kpy-a")
    assert one.code == 2 and "at least two sides" in one.err and len(one.err.splitlines()) == 1
    flag = diff(cluster, "deploy", "--context", "kpy-a,kpy-b", "--no-such-flag")
    assert flag.code == 2 and flag.err.startswith("error:")


def test_named_objects_absent_somewhere_are_missing_not_errors(cluster, drift):
    run = diff(cluster, "cm", "only-a", "settings", "no-such", "-n", drift, "--context", "kpy-a,kpy-b", "-o", "json")
    assert run.code == 1 and run.err == ""
    found = {name: (i["status"], i["missingIn"]) for (_, name), i in by_name(run.json()).items()}
    assert found == {
        "only-a": ("missing", ["kpy-b"]),
        "settings": ("same", []),
        "no-such": ("missing", ["kpy-a", "kpy-b"]),
    }
