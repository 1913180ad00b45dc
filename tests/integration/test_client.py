"""The HTTP client's paged lists against the real server: pipelined pages give exactly the unpaged list."""

import json

from kubectl_py import api
from kubectl_py.kube import client as client_module
from kubectl_py.kube.kubeconfig import Overrides

PODS = "/api/v1/pods"


def _client(cluster, **overrides):
    (source,) = api.clusters(contexts=["kpy-a"], overrides=Overrides(kubeconfig=cluster.kubeconfig, **overrides))
    return source.client


def _names(items):
    return [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in items]


def _snapshot(client, pages):
    """The unpaged list at the resourceVersion the pages were served from (every page carries it), so that
    namespaces other tests are still deleting cannot make the two reads differ."""
    version = pages[0]["metadata"]["resourceVersion"]
    assert all(p["metadata"]["resourceVersion"] == version for p in pages)
    return client.get_json(PODS, {"resourceVersion": version, "resourceVersionMatch": "Exact"})["items"]


def test_pages_add_up_to_the_unpaged_list(cluster):
    client = _client(cluster)
    pages = list(client.list_pages(PODS, chunk_size=3))
    whole = _snapshot(client, pages)
    assert len(whole) > 6
    assert [len(p["items"]) for p in pages[:-1]] == [3] * (len(pages) - 1)
    assert _names([i for p in pages for i in p["items"]]) == _names(whole)


def test_the_early_token_is_the_parsed_one(cluster):
    """The next page is requested from the token found in the raw head; it must be the server's token."""
    client = _client(cluster)
    query = {"limit": 2}
    seen = 0
    while True:
        raw = client.request(PODS, query)
        token = json.loads(raw)["metadata"].get("continue")
        assert client_module._continue_token(raw) == token
        if not token:
            break
        seen += 1
        query["continue"] = token
    assert seen > 2


def test_callers_may_send_their_own_requests_between_pages(cluster):
    client = _client(cluster)
    pages = []
    for page in client.list_pages(PODS, chunk_size=2):
        pages.append(page)
        node = client.get_json("/api/v1/nodes/kwok-node-1")  # a request of our own, between two pages
        assert node["metadata"]["name"] == "kwok-node-1"
    assert len(pages) > 2
    assert _names([i for p in pages for i in p["items"]]) == _names(_snapshot(client, pages))


def test_pages_with_impersonated_groups(cluster):
    """Requests with several Impersonate-Group headers go out by another path; paging works there too."""
    client = _client(cluster, impersonate="someone", impersonate_groups=("system:masters", "team-a"))
    pages = list(client.list_pages(PODS, chunk_size=4))
    assert len(pages) > 1
    assert _names([i for p in pages for i in p["items"]]) == _names(_snapshot(_client(cluster), pages))
