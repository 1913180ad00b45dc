"""Nothing silent: a join that could not be read is named on stderr, while stdout stays kubectl's text.

- As the get-only user (context kpy-a-get-only: `get` on services, nodes, pods and deployments only), a
  describe of a pod, a node, a service and a deployment of the seeded cluster prints exactly what the oracle
  kubectl prints as the same user, and stderr has one `warning:` line for each read kubectl's describer makes
  that RBAC forbids (the oracle's `kubectl auth can-i` says which).
- Offline (`-f`), a dump made by the oracle that holds no objects of a join's kind prints what kubectl prints
  online for that object when the join is truly empty, with one stderr notice per kind the input lacks; the
  document keeps null plus a warning.
"""

from __future__ import annotations

import json

import kubeapi
import pytest
from describe_diff import normalise
from harness import kubectl_plugin

GET_ONLY = "kpy-a-get-only"

# The reads kubectl's describer makes besides the object itself (pkg/describe, v1.37.2):
# (verb, resource, namespace of the read: "" for the object's, None for all namespaces / cluster scope)
JOINS = {
    "pod": [("list", "events", "")],
    "node": [
        ("list", "pods", None),
        ("list", "events", None),
        ("get", "leases.coordination.k8s.io", "kube-node-lease"),
        ("list", "resourceslices.resource.k8s.io", None),
    ],
    "service": [("list", "endpointslices.discovery.k8s.io", ""), ("list", "events", "")],
    "deployment": [("list", "replicasets.apps", ""), ("list", "events", "")],
}


def _seeded(kubectl) -> list:
    pod = kubectl(
        ["get", "pods", "-n", "shop", "-l", "app=cart", "-o", "jsonpath={.items[0].metadata.name}"], check=True
    ).stdout
    node = kubectl(["get", "pods", pod, "-n", "shop", "-o", "jsonpath={.spec.nodeName}"], check=True).stdout
    assert pod and node
    return [("pod", pod, "shop"), ("node", node, None), ("service", "cart", "shop"), ("deployment", "cart", "shop")]


def _args(kind, name, namespace) -> list:
    return ["describe", kind, name] + (["-n", namespace] if namespace else [])


def _forbidden(kubectl, context: str, kind: str, namespace: str | None) -> list:
    """kubectl's reads for ``kind`` that RBAC denies to ``context``, as (resource, namespace or None)."""
    out = []
    for verb, resource, where in JOINS[kind]:
        ns = namespace if where == "" else where
        scope = ["-n", ns] if ns else ["-A"]
        answer = kubectl(["auth", "can-i", verb, resource, *scope], context=context)
        assert answer.stdout.strip() in ("yes", "no"), answer.stderr
        if answer.stdout.strip() == "no":
            out.append((resource.split(".")[0], ns))
    return out


def _warnings(err: str) -> list:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_get_only_user_text_is_kubectls_and_stderr_names_each_forbidden_join(cluster, kubectl):
    for kind, name, namespace in _seeded(kubectl):
        theirs = kubectl(_args(kind, name, namespace), context=GET_ONLY)
        assert theirs.returncode == 0, theirs.stderr
        forbidden = _forbidden(kubectl, GET_ONLY, kind, namespace)
        assert forbidden, f"{kind}: the get-only user should be denied some of kubectl's reads"
        for _attempt in range(3):  # the two tools read a moment apart: retry a mismatch
            ours = kubectl_plugin(cluster, "py-describe", *_args(kind, name, namespace)[1:], "--context", GET_ONLY)
            assert ours.code == 0, ours.err
            if normalise(ours.out) == normalise(theirs.stdout):
                break
            theirs = kubectl(_args(kind, name, namespace), context=GET_ONLY)
        assert normalise(ours.out) == normalise(theirs.stdout), f"{kind} {name}: stdout differs from kubectl's"
        warnings = _warnings(ours.err)
        assert len(warnings) == len(forbidden), f"{kind}: {warnings} for {forbidden}"
        for resource, ns in forbidden:
            named = [
                w for w in warnings if resource in w and "forbidden" in w.lower() and (ns is None or f'"{ns}"' in w)
            ]
            assert named, f"{kind} {name}: no warning names {resource} in {ns or 'every namespace'}: {warnings}"
        # the document keeps them too
        (doc,) = [
            kubectl_plugin(
                cluster, "py-describe", *_args(kind, name, namespace)[1:], "--context", GET_ONLY, "-o", "json"
            ).json()
        ]
        assert [f"warning: {w}" for w in doc["warnings"]] == warnings


def test_jsonpath_output_says_them_too_json_keeps_them_in_the_document(cluster, kubectl):
    """-o jsonpath picks fields (a null allocatedResources, say) and drops the document's warnings: stderr
    names them, as for text; -o json/yaml carry them in the document and leave stderr quiet. The same for
    py-query --describe, and for its group-by sums over describe documents."""
    _, node, _ = next(item for item in _seeded(kubectl) if item[0] == "node")
    forbidden = _forbidden(kubectl, GET_ONLY, "node", None)
    assert ("pods", None) in forbidden
    picked = kubectl_plugin(
        cluster, "py-describe", "node", node, "--context", GET_ONLY, "-o", "jsonpath={.allocatedResources}"
    )
    assert (picked.code, picked.out) == (0, "null")
    warnings = _warnings(picked.err)
    assert len(warnings) == len(forbidden) and any("pods" in w and "forbidden" in w.lower() for w in warnings)
    for output in ("json", "yaml"):
        whole = kubectl_plugin(cluster, "py-describe", "node", node, "--context", GET_ONLY, "-o", output)
        assert (whole.code, whole.err) == (0, "")
    queried = kubectl_plugin(
        cluster, "py-query", "node", node, "--context", GET_ONLY, "--describe", "-o", "jsonpath={.allocatedResources}"
    )
    assert (queried.code, queried.out, _warnings(queried.err)) == (0, "null", warnings)
    assert (
        kubectl_plugin(cluster, "py-query", "node", node, "--context", GET_ONLY, "--describe", "-o", "json").err == ""
    )
    summed = kubectl_plugin(
        cluster,
        "py-query",
        "node",
        node,
        "--context",
        GET_ONLY,
        "--describe",
        "--group-by",
        "context",
        "--sum",
        "{.allocatedResources.requests.cpu}",
    )
    assert summed.code == 0, summed.err
    assert _warnings(summed.err)[: len(warnings)] == warnings  # then: the sum found no value


def test_full_access_prints_no_warning(cluster, kubectl):
    for kind, name, namespace in _seeded(kubectl):
        assert not _forbidden(kubectl, "kpy-a", kind, namespace)
        ours = kubectl_plugin(cluster, "py-describe", *_args(kind, name, namespace)[1:], "--context", "kpy-a")
        assert ours.code == 0 and ours.out, ours.err
        assert _warnings(ours.err) == []


def test_several_contexts_name_the_context(cluster, kubectl):
    both = kubectl_plugin(cluster, "py-describe", "deployment", "cart", "-n", "shop", "--context", f"kpy-a,{GET_ONLY}")
    assert both.code == 0, both.err
    warnings = _warnings(both.err)
    forbidden = _forbidden(kubectl, GET_ONLY, "deployment", "shop")
    assert len(warnings) == len(forbidden)
    assert all(w.endswith(f' (context "{GET_ONLY}")') for w in warnings)


# -- offline: a join the input holds nothing of is shown as kubectl shows an empty one -------------------------


def _apply(kubectl, objects: list) -> None:
    proc = kubectl(["apply", "-f", "-"], input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def empty_joins(kubectl, namespace):
    """Objects whose joins are truly empty online: a namespace without quotas or limit ranges, a Service
    without selector (no EndpointSlices), an Ingress to a Service that does not exist, a PVC no pod uses,
    a DaemonSet whose node selector matches no node (no pods)."""
    meta = {"namespace": namespace}
    _apply(
        kubectl,
        [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "manual", **meta},
                "spec": {"ports": [{"port": 80, "name": "http"}]},
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {"name": "dangling", **meta},
                "spec": {
                    "rules": [
                        {
                            "host": "x.example.com",
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "pathType": "Prefix",
                                        "backend": {"service": {"name": "nosuch", "port": {"number": 80}}},
                                    }
                                ]
                            },
                        }
                    ]
                },
            },
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "unused", **meta},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "storageClassName": "none-such",
                    "resources": {"requests": {"storage": "1Gi"}},
                },
            },
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "metadata": {"name": "nowhere", **meta},
                "spec": {
                    "selector": {"matchLabels": {"app": "nowhere"}},
                    "template": {
                        "metadata": {"labels": {"app": "nowhere"}},
                        "spec": {
                            "nodeSelector": {"kpy.io/no-such-node": "true"},
                            "containers": [{"name": "c", "image": "example.com/c:1"}],
                        },
                    },
                },
            },
        ],
    )
    wait_for = "jsonpath={.status.observedGeneration}"  # the DaemonSet's status is written once, then stays
    kubeapi.wait_for(
        "DaemonSet status",
        lambda: kubectl(["get", "daemonset", "nowhere", "-n", namespace, "-o", wait_for]).stdout == "1",
        60,
        0.2,
    )
    return namespace


# (kind, name or None for the namespace itself, kinds whose absence the stderr must name, the document's
# fields for those joins, which stay null)
OFFLINE = [
    ("namespace", None, ["resourcequotas", "limitranges"], lambda d: [d["resourceQuotas"], d["limitRanges"]]),
    ("service", "manual", ["endpointslices.discovery.k8s.io"], lambda d: [d["endpoints"]]),
    (
        "ingress",
        "dangling",
        ["endpointslices.discovery.k8s.io"],
        lambda d: [d["rules"][0]["paths"][0]["backend"]["endpoints"]],
    ),
    ("persistentvolumeclaim", "unused", ["pods"], lambda d: [d["usedBy"]]),
    ("daemonset", "nowhere", ["pods"], lambda d: [d["podsStatus"]]),
]


@pytest.mark.parametrize("kind,name,absent,join_fields", OFFLINE, ids=[c[0] for c in OFFLINE])
def test_offline_empty_joins_print_kubectls_empty_forms(
    cluster, kubectl, empty_joins, tmp_path, kind, name, absent, join_fields
):
    ns = empty_joins
    name = name or ns
    scope = [] if kind == "namespace" else ["-n", ns]
    dump = tmp_path / "dump.json"
    dump.write_text(kubectl(["get", kind, name, *scope, "-o", "json"], check=True).stdout)
    theirs = kubectl(["describe", kind, name, *scope, "--show-events=false"], check=True).stdout
    ours = kubectl_plugin(cluster, "py-describe", kind, name, *scope, "--show-events=false", "-f", str(dump))
    assert ours.code == 0, ours.err
    assert ours.out == theirs
    assert _warnings(ours.err) == [f"warning: the input files hold no {k}; shown as none" for k in absent]
    doc = kubectl_plugin(
        cluster, "py-describe", kind, name, *scope, "--show-events=false", "-f", str(dump), "-o", "json"
    ).json()
    for k in absent:
        assert any(w.endswith(f"the input files hold no {k}") for w in doc["warnings"]), doc["warnings"]
    assert join_fields(doc) == [None] * len(join_fields(doc))
