"""py-diff's pure logic on plain dicts: flattening with merge keys, noise, ignores, Secrets, comparison."""

import base64
import copy
import json

import pytest

from kubectl_py import diff
from kubectl_py.errors import UsageError

KEY = diff.new_secret_key()


def flat(obj, *ignore, include_status=False, describe=False, key=KEY):
    return diff.flatten(obj, diff.ignore_for(ignore, include_status, describe), key)


def pod_spec(containers):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"template": {"spec": {"containers": containers}}}}


def test_named_lists_are_keyed_and_order_is_no_difference():
    cart = {"name": "cart", "image": "cart:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "volumeMounts": [{"mountPath": "/data", "name": "data"}, {"mountPath": "/tmp", "name": "tmp"}]}
    proxy = {"name": "proxy", "image": "envoy:1"}
    one = flat(pod_spec([cart, proxy]))
    swapped = copy.deepcopy(cart)
    swapped["env"].reverse()
    swapped["volumeMounts"].reverse()
    other = flat(pod_spec([proxy, swapped]))
    assert one == other
    assert one[".spec.template.spec.containers[name=cart].env[name=B].value"] == "2"
    assert one[".spec.template.spec.containers[name=cart].volumeMounts[mountPath=/tmp].name"] == "tmp"


def test_ports_by_name_else_by_port_and_protocol():
    named = flat(pod_spec([{"name": "c", "ports": [{"name": "http", "containerPort": 80}]}]))
    assert ".spec.template.spec.containers[name=c].ports[name=http].containerPort" in named
    unnamed = flat({"kind": "Service", "metadata": {"name": "s"},
                    "spec": {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}})
    assert unnamed == {".spec.ports[port=53,protocol=UDP].port": 53, ".spec.ports[port=53,protocol=UDP].protocol": "UDP",
                       ".spec.ports[port=53,protocol=TCP].port": 53, ".spec.ports[port=53,protocol=TCP].protocol": "TCP"}


def test_lists_without_keys_by_position_and_scalar_lists_whole():
    obj = {"kind": "X", "metadata": {"name": "x"}, "spec": {"rules": [{"host": "a"}, {"host": "b"}],
                                                            "args": ["--a", "--b"]}}
    assert flat(obj) == {".spec.rules[0].host": "a", ".spec.rules[1].host": "b", ".spec.args": ["--a", "--b"]}


def test_duplicate_keys_fall_back_to_position():
    obj = {"kind": "X", "metadata": {"name": "x"}, "spec": {"items": [{"name": "a"}, {"name": "a", "v": 1}]}}
    assert flat(obj) == {".spec.items[0].name": "a", ".spec.items[1].name": "a", ".spec.items[1].v": 1}


def test_conditions_by_type_and_status_clock_ignored():
    obj = {"kind": "Deployment", "metadata": {"name": "d"}, "status": {
        "observedGeneration": 4, "replicas": 2,
        "conditions": [{"type": "Available", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}
    assert flat(obj) == {}  # status is not compared by default
    assert flat(obj, include_status=True) == {".status.replicas": 2,
                                              ".status.conditions[type=Available].status": "True",
                                              ".status.conditions[type=Available].type": "Available"}


def test_default_noise_identity_and_empty_values_left_out():
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {
        "name": "s", "namespace": "n", "uid": "u", "resourceVersion": "1", "generation": 2,
        "creationTimestamp": "t", "managedFields": [{"manager": "kubectl"}], "labels": {},
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "a"},
        "ownerReferences": [{"name": "o", "kind": "X", "uid": "123"}]},
        "spec": {"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "type": "ClusterIP"}}
    assert flat(obj) == {".metadata.annotations.team": "a", ".metadata.ownerReferences[uid=123].name": "o",
                         ".metadata.ownerReferences[uid=123].kind": "X", ".spec.type": "ClusterIP"}


def test_node_ports_compared_only_when_a_field_manager_set_them():
    def service(node_ports, owned_ports=(), health_owned=False):
        ports_fields = {'k:{"port":%d,"protocol":"TCP"}' % port: {"f:nodePort": {}} for port in owned_ports}
        spec_fields = {"f:ports": ports_fields, **({"f:healthCheckNodePort": {}} if health_owned else {})}
        return {"apiVersion": "v1", "kind": "Service", "metadata": {
            "name": "s", "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": spec_fields}}]},
            "spec": {"healthCheckNodePort": 31999, "ports": [
                {"name": name, "port": port, "protocol": "TCP", "nodePort": node_port}
                for name, port, node_port in node_ports]}}

    ports = [("http", 80, 30080), ("admin", 81, 30081)]
    assert flat(service(ports)) == {
        ".spec.ports[name=http].name": "http", ".spec.ports[name=http].port": 80, ".spec.ports[name=http].protocol": "TCP",
        ".spec.ports[name=admin].name": "admin", ".spec.ports[name=admin].port": 81,
        ".spec.ports[name=admin].protocol": "TCP"}
    owned = flat(service(ports, owned_ports=(81,), health_owned=True))
    assert owned[".spec.ports[name=admin].nodePort"] == 30081 and owned[".spec.healthCheckNodePort"] == 31999
    assert ".spec.ports[name=http].nodePort" not in owned
    # describe documents (no metadata) are left as they are
    doc = {"kind": "Service", "name": "s", "ports": [{"name": "http", "nodePort": 30080}]}
    assert flat(doc, describe=True)[".ports[name=http].nodePort"] == 30080


def test_cluster_ca_configmap_and_job_uid_labels_are_noise():
    ca = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "n"},
          "data": {"ca.crt": "-----BEGIN CERTIFICATE-----"}}
    assert flat(ca) == {}
    other = dict(ca, metadata={"name": "ca", "namespace": "n"})
    assert flat(other) == {".data['ca.crt']": "-----BEGIN CERTIFICATE-----"}
    uid = {"controller-uid": "u1", "batch.kubernetes.io/controller-uid": "u1", "job-name": "j"}
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "labels": dict(uid)},
           "spec": {"selector": {"matchLabels": dict(uid)}, "template": {"metadata": {"labels": dict(uid)}}}}
    assert flat(job) == {".metadata.labels.job-name": "j", ".spec.selector.matchLabels.job-name": "j",
                         ".spec.template.metadata.labels.job-name": "j"}


def test_a_manifest_side_is_compared_on_what_it_sets():
    live = {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "n", "uid": "u1", "resourceVersion": "7"},
            "data": {"a": "1", "b": "2"}}
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"}, "data": {"a": "1"}}
    other = dict(live, data={"a": "1", "b": "3"})
    sides = {"live": flat(live), "file": flat(manifest)}
    assert isinstance(sides["file"], diff.Manifest) and not isinstance(sides["live"], diff.Manifest)
    assert diff.compare_object(("", "ConfigMap", "n", "c"), sides)["status"] == "same"
    changed = dict(manifest, data={"a": "9"})
    item = diff.compare_object(("", "ConfigMap", "n", "c"), {"live": flat(live), "file": flat(changed)})
    assert item["differences"] == [{"path": ".data.a", "values": {"live": "1", "file": "9"}}]
    # live sides still differ among themselves where the manifest is silent
    item = diff.compare_object(("", "ConfigMap", "n", "c"), {"live": flat(live), "other": flat(other), "file": flat(manifest)})
    assert item["differences"] == [{"path": ".data.b", "values": {"live": "2", "other": "3", "file": None}}]


def test_ignore_paths_parse_quoted_escaped_and_wildcards():
    assert diff.parse_path("metadata.annotations['a.b/c']") == (".metadata", ".annotations", "['a.b/c']")
    assert diff.parse_path(r"{.metadata.annotations.a\.b/c}") == (".metadata", ".annotations", "['a.b/c']")
    assert diff.parse_path(".spec.containers[*].image") == (".spec", ".containers", "[*]", ".image")
    obj = pod_spec([{"name": "a", "image": "x", "tty": True}, {"name": "b", "image": "y"}])
    obj["metadata"]["annotations"] = {"a.b/c": "1", "d": "2"}
    assert flat(obj, ".spec.template.spec.containers[*].image", "metadata.annotations['a.b/c']") == {
        ".metadata.annotations.d": "2", ".spec.template.spec.containers[name=a].name": "a",
        ".spec.template.spec.containers[name=a].tty": True, ".spec.template.spec.containers[name=b].name": "b"}
    assert flat(obj, ".spec.template.spec.containers[name=b]", ".metadata.*") == {
        ".spec.template.spec.containers[name=a].name": "a", ".spec.template.spec.containers[name=a].image": "x",
        ".spec.template.spec.containers[name=a].tty": True}
    for bad in ("", ".spec[", ".a..b"):
        with pytest.raises(UsageError):
            diff.parse_path(bad)


def secret(**data):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}}


def test_secret_values_compared_by_keyed_hash_and_shown_by_size():
    a, b = flat(secret(password="hunter22")), flat(secret(password="hunter23"))
    assert a != b
    assert repr(a[".data.password"]) == "<hidden: 8 bytes>"
    item = diff.compare_object(("", "Secret", "", "s"), {"a": a, "b": b})
    text = json.dumps(item)
    assert "hunter2" not in text and base64.b64encode(b"hunter22").decode() not in text
    assert item["differences"] == [{"path": ".data.password", "values": {"a": "<hidden: 8 bytes>",
                                                                          "b": "<hidden: 8 bytes>"}}]
    # stringData (as applied) equals the data the server stores
    applied = {"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "hunter22"}}
    assert flat(applied) == a
    # the hash is keyed per run: another run's key gives another digest for the same value
    assert flat(secret(password="x"), key=diff.new_secret_key())[".data.password"] != flat(secret(password="x"))[".data.password"]


def test_compare_statuses_and_values_of_missing_sides():
    web = {".spec.replicas": 2, ".spec.image": "a"}
    item = diff.compare_object(("apps", "Deployment", "shop", "web"),
                               {"a": web, "b": dict(web, **{".spec.replicas": 3}), "c": None})
    assert item["status"] == "missing" and item["missingIn"] == ["c"]
    assert item["differences"] == [{"path": ".spec.replicas", "values": {"a": 2, "b": 3, "c": None}}]
    absent = diff.compare_object(("", "ConfigMap", "n", "c"), {"a": {".data.x": "1"}, "b": {}})
    assert absent["status"] == "different"
    assert absent["differences"] == [{"path": ".data.x", "values": {"a": "1", "b": None}}]
    same = diff.compare_object(("", "ConfigMap", "n", "c"), {"a": {".data.x": "1"}, "b": {".data.x": "1"}})
    assert (same["status"], same["differences"]) == ("same", [])
    assert diff.exit_code([same], False) == 0
    assert diff.exit_code([same, item], False) == 1
    assert diff.exit_code([same], True) == 2


def test_shortening_keeps_ends_and_the_place_values_differ():
    assert diff.shorten("registry.example.com/team/cart:1.2.3", 20) == "registry...art:1.2.3"
    assert diff.shorten(None, 5) == "<none>"
    assert diff.shorten("a\nb", None) == "a\\nb"
    long_a, long_b = "-----BEGIN-----" + "x" * 80 + "AAAA" + "y" * 40, "-----BEGIN-----" + "x" * 80 + "BBBB" + "y" * 40
    cells = diff.shorten_row([long_a, long_b, None], 30)
    assert all(len(c) <= 30 for c in cells) and "AAAA" in cells[0] and "BBBB" in cells[1] and cells[2] == "<none>"
    assert diff.cell_width(2) == 60 and diff.cell_width(10) == 12
