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
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": containers}}},
    }


def test_named_lists_are_keyed_and_order_is_no_difference():
    cart = {
        "name": "cart",
        "image": "cart:1",
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        "volumeMounts": [{"mountPath": "/data", "name": "data"}, {"mountPath": "/tmp", "name": "tmp"}],
    }
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
    unnamed = flat(
        {
            "kind": "Service",
            "metadata": {"name": "s"},
            "spec": {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]},
        }
    )
    assert unnamed == {
        ".spec.ports[port=53,protocol=UDP].port": 53,
        ".spec.ports[port=53,protocol=UDP].protocol": "UDP",
        ".spec.ports[port=53,protocol=TCP].port": 53,
        ".spec.ports[port=53,protocol=TCP].protocol": "TCP",
    }


def test_lists_without_keys_by_position_and_scalar_lists_whole():
    obj = {
        "kind": "X",
        "metadata": {"name": "x"},
        "spec": {"rules": [{"host": "a"}, {"host": "b"}], "args": ["--a", "--b"]},
    }
    assert flat(obj) == {".spec.rules[0].host": "a", ".spec.rules[1].host": "b", ".spec.args": ["--a", "--b"]}


def test_duplicate_keys_fall_back_to_position():
    obj = {"kind": "X", "metadata": {"name": "x"}, "spec": {"items": [{"name": "a"}, {"name": "a", "v": 1}]}}
    assert flat(obj) == {".spec.items[0].name": "a", ".spec.items[1].name": "a", ".spec.items[1].v": 1}


def test_conditions_by_type_and_status_clock_ignored():
    obj = {
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "status": {
            "observedGeneration": 4,
            "replicas": 2,
            "conditions": [{"type": "Available", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
        },
    }
    assert flat(obj) == {}  # status is not compared by default
    assert flat(obj, include_status=True) == {
        ".status.replicas": 2,
        ".status.conditions[type=Available].status": "True",
        ".status.conditions[type=Available].type": "Available",
    }


def test_default_noise_identity_and_empty_values_left_out():
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "s",
            "namespace": "n",
            "uid": "u",
            "resourceVersion": "1",
            "generation": 2,
            "creationTimestamp": "t",
            "managedFields": [{"manager": "kubectl"}],
            "labels": {},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "a", "gone": None},
            "ownerReferences": [{"name": "o", "kind": "X", "uid": "123"}],
        },
        "spec": {"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "type": "ClusterIP"},
    }
    flat_map = flat(obj)
    # owners are matched by kind and name (their uid differs in every cluster); nulls count as absent
    assert flat_map == {
        ".metadata.annotations.team": "a",
        ".metadata.ownerReferences[kind=X,name=o].name": "o",
        ".metadata.ownerReferences[kind=X,name=o].kind": "X",
        ".spec.clusterIP": "10.0.0.1",
        ".spec.clusterIPs": ["10.0.0.1"],
        ".spec.type": "ClusterIP",
    }
    # no field manager set the cluster IPs: the server allocated them
    assert flat_map.assigned == {".spec.clusterIP": diff.ALLOCATED, ".spec.clusterIPs": diff.ALLOCATED}


def service(
    node_ports, owned_ports=(), health_owned=False, managed=True, uid="u1", cluster_ip="10.0.0.1", health=31999
):
    """A Service as a side holds it: ``managed`` False is a dump without managedFields; ``uid`` None with
    ``managed`` False is a manifest."""
    ports_fields = {'k:{"port":%d,"protocol":"TCP"}' % port: {"f:nodePort": {}} for port in owned_ports}
    spec_fields = {"f:ports": ports_fields, **({"f:healthCheckNodePort": {}} if health_owned else {})}
    meta = {"name": "s", "namespace": "n"}
    if uid:
        meta.update(uid=uid, resourceVersion="1")
    if managed:
        meta["managedFields"] = [{"manager": "kubectl", "fieldsV1": {"f:spec": spec_fields}}]
    spec = {
        "type": "LoadBalancer",
        "ports": [
            {"name": name, "port": port, "protocol": "TCP", "nodePort": node_port}
            for name, port, node_port in node_ports
        ],
    }
    if uid:
        spec.update(healthCheckNodePort=health, clusterIP=cluster_ip)
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}


def compare(**sides):
    return diff.compare_object(("", "Service", "n", "s"), {name: flat(obj) for name, obj in sides.items()})


def rows(item):
    return {d["path"]: d["values"] for d in item["differences"]}


def test_allocated_node_ports_are_noise_set_ones_are_compared():
    a = service([("http", 80, 30080), ("admin", 81, 30081)], owned_ports=(81,), health_owned=True)
    b = service([("http", 80, 31080), ("admin", 81, 31081)], owned_ports=(81,), cluster_ip="10.0.0.2", health=32000)
    assert flat(a).assigned == {".spec.clusterIP": diff.ALLOCATED, ".spec.ports[name=http].nodePort": diff.ALLOCATED}
    # http and the cluster IP: allocated on both; admin: set on both; the health check port: set in a, so
    # compared, with the value b's server allocated shown as b holds it
    assert rows(compare(a=a, b=b)) == {
        ".spec.ports[name=admin].nodePort": {"a": 30081, "b": 31081},
        ".spec.healthCheckNodePort": {"a": 31999, "b": 32000},
    }
    same_admin = service(
        [("http", 80, 31080), ("admin", 81, 30081)], owned_ports=(81,), health_owned=True, cluster_ip="10.0.0.2"
    )
    assert compare(a=a, b=same_admin)["status"] == "same"


def test_a_side_without_managed_fields_is_judged_by_what_it_holds():
    """A snapshot (kubectl get -o json, cluster-info dump: no managedFields) cannot tell who set a node
    port: it is compared with a side that knows a user set it, and never shown as absent."""
    live = service([("http", 80, 31080), ("admin", 81, 30500)], owned_ports=(80,))
    snapshot = service([("http", 80, 31080), ("admin", 81, 30500)], managed=False)
    assert flat(snapshot).assigned[".spec.ports[name=http].nodePort"] == diff.UNKNOWN
    assert compare(live=live, snapshot=snapshot)["status"] == "same"
    edited = service([("http", 80, 31081), ("admin", 81, 30999)], managed=False)
    item = compare(live=live, snapshot=edited)
    # admin was allocated live: no user's value to compare; http was set live: compared, both values shown
    assert item["differences"] == [
        {"path": ".spec.ports[name=http].nodePort", "values": {"live": 31080, "snapshot": 31081}, "notHeld": {}}
    ]
    # two snapshots: nobody knows who set them, so they are not compared (as allocated values)
    other = service([("http", 80, 32000), ("admin", 81, 32001)], managed=False, cluster_ip="10.0.0.9")
    assert compare(one=snapshot, two=other)["status"] == "same"


def test_a_manifest_sets_what_it_holds_even_against_an_allocated_value():
    manifest = service([("http", 80, 31080)], managed=False, uid=None)
    live_allocated = service([("http", 80, 30001)])
    assert isinstance(flat(manifest), diff.Manifest) and flat(manifest).assigned == {}
    assert rows(compare(live=live_allocated, file=manifest)) == {
        ".spec.ports[name=http].nodePort": {"live": 30001, "file": 31080}
    }
    # a manifest that sets no node port says nothing of the allocated one
    silent = service([("http", 80, None)], managed=False, uid=None)
    assert compare(live=live_allocated, file=silent)["status"] == "same"


def test_describe_documents_are_judged_by_the_object_they_were_made_of():
    def doc(node_port, ip):
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "name": "s",
            "namespace": "n",
            "ip": ip,
            "ips": [ip],
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "nodePort": node_port}],
        }

    set_http = service([("http", 80, 30080)], owned_ports=(80,))
    allocated = service([("http", 80, 30080)])
    rules = diff.ignore_for((), describe=True)
    one = diff.flatten(doc(30080, "10.0.0.1"), rules, KEY, origin=allocated)
    two = diff.flatten(doc(30090, "10.0.0.2"), rules, KEY, origin=allocated)
    assert one.assigned == {".ip": diff.ALLOCATED, ".ips": diff.ALLOCATED, ".ports[name=http].nodePort": diff.ALLOCATED}
    assert diff.compare_object(("", "Service", "n", "s"), {"a": one, "b": two})["status"] == "same"
    three = diff.flatten(doc(30090, "10.0.0.2"), rules, KEY, origin=set_http)
    item = diff.compare_object(("", "Service", "n", "s"), {"a": one, "b": three})
    assert rows(item) == {".ports[name=http].nodePort": {"a": 30080, "b": 30090}}


def test_cluster_ca_configmap_and_job_uid_labels_are_noise():
    ca = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kube-root-ca.crt", "namespace": "n"},
        "data": {"ca.crt": "-----BEGIN CERTIFICATE-----"},
    }
    assert flat(ca) == {}
    other = dict(ca, metadata={"name": "ca", "namespace": "n"})
    assert flat(other) == {".data['ca.crt']": "-----BEGIN CERTIFICATE-----"}
    uid = {"controller-uid": "u1", "batch.kubernetes.io/controller-uid": "u1", "job-name": "j"}
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j", "labels": dict(uid)},
        "spec": {"selector": {"matchLabels": dict(uid)}, "template": {"metadata": {"labels": dict(uid)}}},
    }
    assert flat(job) == {
        ".metadata.labels.job-name": "j",
        ".spec.selector.matchLabels.job-name": "j",
        ".spec.template.metadata.labels.job-name": "j",
    }


def test_a_manifest_side_is_compared_on_what_it_sets():
    live = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "n", "uid": "u1", "resourceVersion": "7"},
        "data": {"a": "1", "b": "2"},
    }
    manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "n"},
        "data": {"a": "1"},
    }
    other = dict(live, data={"a": "1", "b": "3"})
    sides = {"live": flat(live), "file": flat(manifest)}
    assert isinstance(sides["file"], diff.Manifest) and not isinstance(sides["live"], diff.Manifest)
    assert diff.compare_object(("", "ConfigMap", "n", "c"), sides)["status"] == "same"
    changed = dict(manifest, data={"a": "9"})
    item = diff.compare_object(("", "ConfigMap", "n", "c"), {"live": flat(live), "file": flat(changed)})
    assert item["differences"] == [{"path": ".data.a", "values": {"live": "1", "file": "9"}, "notHeld": {}}]
    # live sides still differ among themselves where the manifest is silent: "unset" there
    item = diff.compare_object(
        ("", "ConfigMap", "n", "c"), {"live": flat(live), "other": flat(other), "file": flat(manifest)}
    )
    assert item["differences"] == [
        {"path": ".data.b", "values": {"live": "2", "other": "3", "file": None}, "notHeld": {"file": "unset"}}
    ]
    assert diff.row_cells(item["differences"][0], ["file", "live", "other"], None) == ["<unset>", "2", "3"]


def test_ignore_paths_parse_quoted_escaped_and_wildcards():
    assert diff.parse_path("metadata.annotations['a.b/c']") == (".metadata", ".annotations", "['a.b/c']")
    assert diff.parse_path(r"{.metadata.annotations.a\.b/c}") == (".metadata", ".annotations", "['a.b/c']")
    assert diff.parse_path(".spec.containers[*].image") == (".spec", ".containers", "[*]", ".image")
    obj = pod_spec([{"name": "a", "image": "x", "tty": True}, {"name": "b", "image": "y"}])
    obj["metadata"]["annotations"] = {"a.b/c": "1", "d": "2"}
    assert flat(obj, ".spec.template.spec.containers[*].image", "metadata.annotations['a.b/c']") == {
        ".metadata.annotations.d": "2",
        ".spec.template.spec.containers[name=a].name": "a",
        ".spec.template.spec.containers[name=a].tty": True,
        ".spec.template.spec.containers[name=b].name": "b",
    }
    assert flat(obj, ".spec.template.spec.containers[name=b]", ".metadata.*") == {
        ".spec.template.spec.containers[name=a].name": "a",
        ".spec.template.spec.containers[name=a].image": "x",
        ".spec.template.spec.containers[name=a].tty": True,
    }
    for bad in ("", ".spec[", ".a..b"):
        with pytest.raises(UsageError):
            diff.parse_path(bad)


def secret(**data):
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
    }


def test_secret_values_compared_by_keyed_hash_and_shown_by_size():
    a, b = flat(secret(password="hunter22")), flat(secret(password="hunter23"))
    assert a != b
    assert repr(a[".data.password"]) == "<hidden: 8 bytes>"
    item = diff.compare_object(("", "Secret", "", "s"), {"a": a, "b": b})
    text = json.dumps(item)
    assert "hunter2" not in text and base64.b64encode(b"hunter22").decode() not in text
    assert item["differences"] == [
        {"path": ".data.password", "values": {"a": "<hidden: 8 bytes>", "b": "<hidden: 8 bytes>"}, "notHeld": {}}
    ]
    # stringData (as applied) equals the data the server stores
    applied = {"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "hunter22"}}
    assert flat(applied) == a
    # the hash is keyed per run: another run's key gives another digest for the same value
    assert (
        flat(secret(password="x"), key=diff.new_secret_key())[".data.password"]
        != flat(secret(password="x"))[".data.password"]
    )


def test_compare_statuses_and_values_of_missing_sides():
    web = {".spec.replicas": 2, ".spec.image": "a"}
    item = diff.compare_object(
        ("apps", "Deployment", "shop", "web"), {"a": web, "b": dict(web, **{".spec.replicas": 3}), "c": None}
    )
    assert item["status"] == "missing" and item["missingIn"] == ["c"]
    # the object's fields are shown, as kubectl diff shows a new object's: where it is missing, "missing"
    assert item["differences"] == [
        {"path": ".spec.replicas", "values": {"a": 2, "b": 3, "c": None}, "notHeld": {"c": "missing"}},
        {"path": ".spec.image", "values": {"a": "a", "b": "a", "c": None}, "notHeld": {"c": "missing"}},
    ]
    only_here = diff.compare_object(("", "ConfigMap", "n", "c"), {"a": None, "b": {".data.x": "1"}})
    assert only_here["differences"] == [
        {"path": ".data.x", "values": {"a": None, "b": "1"}, "notHeld": {"a": "missing"}}
    ]
    assert diff.row_cells(only_here["differences"][0], ["a", "b"], None) == ["<missing>", "1"]
    absent = diff.compare_object(("", "ConfigMap", "n", "c"), {"a": {".data.x": "1"}, "b": {}})
    assert absent["status"] == "different"
    assert absent["differences"] == [{"path": ".data.x", "values": {"a": "1", "b": None}, "notHeld": {"b": "absent"}}]
    assert diff.row_cells(absent["differences"][0], ["b", "a", "c"], None) == ["<absent>", "1", ""]
    same = diff.compare_object(("", "ConfigMap", "n", "c"), {"a": {".data.x": "1"}, "b": {".data.x": "1"}})
    assert (same["status"], same["differences"]) == ("same", [])
    assert diff.exit_code([same], False) == 0
    assert diff.exit_code([same, item], False) == 1
    assert diff.exit_code([same], True) == 2


def test_a_list_entry_one_side_lacks_is_one_row():
    def deployment(env, containers=None):  # as read from a server
        obj = pod_spec(containers or [{"name": "cart", "image": "cart:1", "env": env}])
        obj["metadata"].update(uid="u", resourceVersion="1")
        return obj

    with_level = deployment([{"name": "MODE", "value": "prod"}, {"name": "LOG_LEVEL", "value": "debug"}])
    without = deployment([{"name": "MODE", "value": "prod"}])
    item = diff.compare_object(("apps", "Deployment", "shop", "web"), {"a": flat(with_level), "b": flat(without)})
    path = ".spec.template.spec.containers[name=cart].env[name=LOG_LEVEL]"
    # the entry without the key its path shows
    assert item["differences"] == [
        {"path": path, "values": {"a": {"value": "debug"}, "b": None}, "notHeld": {"b": "absent"}}
    ]
    assert diff.row_cells(item["differences"][0], ["a", "b"], None) == ['{"value":"debug"}', "<absent>"]
    # a whole container: one row, the outermost entry; a manifest that does not set it is silent
    two = deployment(
        None,
        [
            {"name": "cart", "image": "cart:1"},
            {"name": "proxy", "image": "envoy:1", "env": [{"name": "X", "value": "1"}]},
        ],
    )
    one = deployment(None, [{"name": "cart", "image": "cart:1"}])
    manifest = pod_spec([{"name": "cart", "image": "cart:1"}])
    item = diff.compare_object(
        ("apps", "Deployment", "shop", "web"), {"a": flat(two), "b": flat(one), "file": flat(manifest)}
    )
    assert item["differences"] == [
        {
            "path": ".spec.template.spec.containers[name=proxy]",
            "values": {"a": {"image": "envoy:1", "env": [{"name": "X", "value": "1"}]}, "b": None, "file": None},
            "notHeld": {"b": "absent", "file": "unset"},
        }
    ]
    assert (
        diff.compare_object(("apps", "Deployment", "shop", "web"), {"a": flat(two), "file": flat(manifest)})["status"]
        == "same"
    )
    # an entry whose only field is its key keeps the key
    bare = deployment([{"name": "EMPTY"}])
    item = diff.compare_object(("apps", "Deployment", "shop", "web"), {"a": flat(bare), "b": flat(deployment([]))})
    assert item["differences"][0]["values"]["a"] == {"name": "EMPTY"}


def pod(name_suffix, node, owner_uid, zone):
    token = f"kube-api-access-{name_suffix}"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "db-0",
            "namespace": "n",
            "uid": owner_uid + "-pod",
            "resourceVersion": "1",
            "labels": {
                "app": "db",
                "controller-revision-hash": "db-" + name_suffix,
                "topology.kubernetes.io/zone": zone,
            },
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "uid": owner_uid, "controller": True}
            ],
        },
        "spec": {
            "nodeName": node,
            "containers": [
                {
                    "name": "db",
                    "image": "db:1",
                    "volumeMounts": [
                        {"name": token, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True},
                        {"name": "data", "mountPath": "/data"},
                    ],
                }
            ],
            "volumes": [
                {"name": "data", "emptyDir": {}},
                {"name": token, "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}},
            ],
        },
    }


def test_generated_names_and_owner_uids_are_no_difference():
    a, b = pod("abcde", "node-1", "uid-1", "zone-a"), pod("fghij", "node-7", "uid-2", "zone-b")
    item = diff.compare_object(("", "Pod", "n", "db-0"), {"a": flat(a), "b": flat(b)})
    assert (item["status"], item["differences"]) == ("same", [])
    assert ".metadata.ownerReferences[kind=StatefulSet,name=db].controller" in flat(a)
    assert ".spec.containers[name=db].volumeMounts[mountPath=/data].name" in flat(a)
    # --include-generated compares them
    rules = diff.ignore_for((), include_generated=True)
    item = diff.compare_object(
        ("", "Pod", "n", "db-0"), {"a": diff.flatten(a, rules, KEY), "b": diff.flatten(b, rules, KEY)}
    )
    found = {d["path"] for d in item["differences"]}
    assert found == {
        ".metadata.labels.controller-revision-hash",
        ".metadata.labels['topology.kubernetes.io/zone']",
        ".spec.nodeName",
        ".spec.volumes[name=kube-api-access-abcde]",
        ".spec.volumes[name=kube-api-access-fghij]",
        ".spec.containers[name=db].volumeMounts[mountPath=/var/run/secrets/kubernetes.io/serviceaccount].name",
    }
    # the zone labels of a Node are its configuration, not generated
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "x", "uid": "u", "resourceVersion": "1", "labels": {"topology.kubernetes.io/zone": "z"}},
    }
    assert flat(node) == {".metadata.labels['topology.kubernetes.io/zone']": "z"}


def deployment_doc(warnings, new_rs):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "cart",
        "namespace": "n",
        "replicas": {"desired": 2},
        "newReplicaSet": new_rs,
        "oldReplicaSets": None if warnings else [],
        "warnings": warnings,
    }


def test_describe_joins_that_could_not_be_read_are_unreadable_not_different():
    forbidden = ["replicasets.apps: Error from server (Forbidden): replicasets.apps is forbidden"]
    rs = {"name": "cart-1", "replicas": {"created": 2, "desired": 2}}
    rules = diff.ignore_for((), describe=True)
    unread = diff.flatten(deployment_doc(forbidden, None), rules, KEY)
    read = diff.flatten(deployment_doc([], rs), rules, KEY)
    assert unread.unreadable == (".newReplicaSet", ".oldReplicaSets")
    item = diff.compare_object(("apps", "Deployment", "n", "cart"), {"get-only": unread, "admin": read})
    assert (item["status"], item["differences"]) == ("same", [])
    assert item["unreadable"] == {"get-only": [".newReplicaSet", ".oldReplicaSets"]}
    assert diff.diff_list([item], [])["summary"]["partlyUnreadable"] == 1
    # where the sides that could read it differ, the one that could not says so
    other = diff.flatten(deployment_doc([], dict(rs, name="cart-2")), rules, KEY)
    item = diff.compare_object(("apps", "Deployment", "n", "cart"), {"get-only": unread, "a": read, "b": other})
    assert item["differences"] == [
        {
            "path": ".newReplicaSet.name",
            "values": {"get-only": None, "a": "cart-1", "b": "cart-2"},
            "notHeld": {"get-only": "unreadable"},
        }
    ]
    assert diff.row_cells(item["differences"][0], ["get-only", "a", "b"], None) == ["<unreadable>", "cart-1", "cart-2"]
    # without a warning, a null join field is a real null: no new ReplicaSet
    none_yet = diff.flatten(deployment_doc([], None), rules, KEY)
    item = diff.compare_object(("apps", "Deployment", "n", "cart"), {"a": none_yet, "b": read})
    assert item["status"] == "different" and item["differences"][0]["notHeld"] == {"a": "absent"}


def test_shortening_keeps_ends_and_the_place_values_differ():
    assert diff.shorten("registry.example.com/team/cart:1.2.3", 20) == "registry...art:1.2.3"
    assert diff.shorten("a\nb", None) == "a\\nb"
    long_a, long_b = "-----BEGIN-----" + "x" * 80 + "AAAA" + "y" * 40, "-----BEGIN-----" + "x" * 80 + "BBBB" + "y" * 40
    cells = diff.shorten_row([long_a, long_b, None], 30)
    assert all(len(c) <= 30 for c in cells) and "AAAA" in cells[0] and "BBBB" in cells[1] and cells[2] == ""
    cells = diff.row_cells(
        {"path": ".x", "values": {"a": long_a, "b": None}, "notHeld": {"b": "absent"}}, ["a", "b"], 30
    )
    assert cells[1] == "<absent>" and len(cells[0]) <= 30
    assert diff.cell_width(2) == 60 and diff.cell_width(10) == 12


def test_which_files_speak_only_for_their_own_objects():
    from kubectl_py.diff.reader import speaks_for_its_objects_only
    from kubectl_py.kube.offline import Dump

    def config_map(name, read=False):
        meta = {"name": name, **({"uid": "u-" + name, "resourceVersion": "1"} if read else {})}
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}

    assert speaks_for_its_objects_only(Dump([config_map("a"), config_map("b")]))  # manifests
    assert speaks_for_its_objects_only(Dump([config_map("a", read=True)]))  # kubectl get cm a -o json
    assert not speaks_for_its_objects_only(Dump([config_map("a", read=True), config_map("b", read=True)]))
    assert not speaks_for_its_objects_only(object())  # a cluster


def test_rows_come_in_one_order_whichever_side_is_first():
    """A path only one side holds is placed after the path before it there, not after every path of the
    side selected first (csv rows kept their place only when the holder was selected first)."""
    holder = {"env": [{"name": "LOG", "value": "info"}, {"name": "TRACING", "value": "on"}], "cpu": "500m"}
    other = {"env": [{"name": "LOG", "value": "debug"}], "cpu": "1"}
    orders = []
    for sides in ({"a": holder, "b": other}, {"b": other, "a": holder}):
        item = diff.compare_object(("", "ConfigMap", "n", "c"), {k: flat({"data": v}) for k, v in sides.items()})
        orders.append([d["path"] for d in item["differences"]])
    assert orders[0] == orders[1] == [".data.env[name=LOG].value", ".data.env[name=TRACING]", ".data.cpu"]


def test_thousands_of_paths_only_one_side_holds():
    """One side's ConfigMap holds 5,000 keys the other lacks: each is a row, in that side's order."""
    many = {f"k{i:05d}": "v" for i in range(5000)}
    item = diff.compare_object(("", "ConfigMap", "n", "c"), {"a": flat({"data": {}}), "b": flat({"data": many})})
    assert [d["path"] for d in item["differences"]] == [f".data.k{i:05d}" for i in range(5000)]
