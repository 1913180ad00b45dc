"""Type names resolve as kubectl resolves them, through the server's (aggregated) discovery, cached."""

import json

import pytest

from kubectl_py import api
from kubectl_py.kube import discovery
from tests.cluster import manifests
from tests.integration.harness import kubectl_plugin


@pytest.mark.parametrize(
    "name",
    [
        "svc",
        "services",
        "service",
        "Service",
        "po",
        "deploy",
        "deployments.apps",
        "deploy.v1.apps",
        "Deployment",
        "hpa",
        "ing",
        "crd",
        "events",
        "ev",
    ],
)
def test_names_resolve_like_kubectl(cluster, kubectl, name):
    """kubectl's answer for the same name is the oracle: the same type, hence the same objects. In `shop`, a
    seeded namespace no test writes to, so that the two reads see the same objects."""
    ours = kubectl_plugin(cluster, "py-query", name, "-n", "shop", "-o", "name")
    theirs = kubectl(["get", name, "-n", "shop", "-o", "name"])
    assert theirs.returncode == 0 and theirs.stdout, theirs.stderr
    assert ours.code == 0, ours.err
    assert sorted(ours.lines()) == sorted(theirs.stdout.splitlines())


def test_custom_resources_by_plural_singular_and_short_name(cluster, kubectl):
    crd = json.loads(kubectl(["get", "crd", "-o", "json"], context="kpy-a").stdout)["items"][0]
    names = crd["spec"]["names"]
    for name in [
        names["plural"],
        names["singular"],
        *names.get("shortNames", []),
        f'{names["plural"]}.{crd["spec"]["group"]}',
    ]:
        ours = kubectl_plugin(cluster, "py-query", name, "-A", "-o", "name")
        assert ours.code == 0, (name, ours.err)
        assert ours.lines() == kubectl(["get", name, "-A", "-o", "name"]).stdout.splitlines()


def test_unknown_type_is_kubectls_error(cluster, kubectl):
    ours = kubectl_plugin(cluster, "py-query", "nosuchthings")
    assert ours.code == 1
    assert 'the server doesn\'t have a resource type "nosuchthings"' in ours.err
    assert 'doesn\'t have a resource type "nosuchthings"' in kubectl(["get", "nosuchthings"]).stderr


def test_discovery_is_cached_and_refreshed_on_a_miss(cluster, kubectl, tmp_path, monkeypatch, namespace):
    monkeypatch.setenv("KUBECTL_PY_CACHE_DIR", str(tmp_path))
    (source,) = api.clusters(contexts=["kpy-a"], kubeconfig_path=cluster.kubeconfig)
    assert source.resolve("svc").kind == "Service"
    files = list((tmp_path / "discovery").glob("*.json"))
    assert len(files) == 1
    cached = json.loads(files[0].read_text())
    assert any(r["resource"] == "deployments" and r["group"] == "apps" for r in cached["resources"])
    # a type created after the cache was written is found by one refresh
    plural = f"gizmos{namespace[-6:]}"
    kubectl(
        ["apply", "-f", "-"],
        input=json.dumps(manifests.crd("example.kpy.io", plural, plural.capitalize()[:-1])),
        check=True,
    )
    try:
        kubectl(["wait", "--for=condition=Established", f"crd/{plural}.example.kpy.io"], check=True)
        (fresh,) = api.clusters(contexts=["kpy-a"], kubeconfig_path=cluster.kubeconfig)
        assert fresh.discovery().from_cache
        assert fresh.resolve(plural).group == "example.kpy.io"
    finally:
        kubectl(["delete", "crd", f"{plural}.example.kpy.io", "--wait=false"])


def test_aggregated_discovery_is_used(cluster):
    (source,) = api.clusters(contexts=["kpy-a"], kubeconfig_path=cluster.kubeconfig)
    client = source.client
    body = client.get_json("/apis", accept=discovery._AGGREGATED)
    assert body["kind"] == "APIGroupDiscoveryList", "the v1.37 server offers aggregated discovery"
