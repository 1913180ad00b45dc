"""The HTTP layer's bounded waits and retries (client contract), against the REAL apiserver behind the fault
injectors of tests/cluster/faults.py: a hung load balancer, a link cut mid-answer, an apiserver that answers
429, 5xx or 410 Gone. Every plugin run goes through kubectl's plugin dispatch, is timed, and is bounded by a
subprocess timeout; kubectl (at kpy-a, the same cluster) is the oracle for what a complete answer is."""

import json
import os
import re
import secrets
import threading
import time

import pytest

from tests.cluster import faults, kubeapi
from tests.integration.harness import kubectl_plugin, plugin_env
from tests.integration.test_nodeports import as_map, expected_records

RUN_TIMEOUT = 60  # seconds: a plugin run that takes longer than this is a hang, and fails the test
HUNG_BOUND = 20  # seconds: a context that never answers costs at most this much (contract: 10-15 s)
CONFIGMAPS = 300


def run_timed(cluster, env, *args):
    """`kubectl <plugin> args...` with `env`; the Run gains `.elapsed` (seconds)."""
    start = time.monotonic()
    run = kubectl_plugin(cluster, *args, env=env, timeout=RUN_TIMEOUT)
    run.elapsed = time.monotonic() - start
    print(f"{run.elapsed:6.2f} s  exit {run.code}  kubectl {' '.join(args)}")  # pytest -s shows the timings
    return run


def fault_env(cluster, tmp_path, servers):
    """Plugin environment whose kubeconfig has one more context per tool (name -> URL), and fresh caches."""
    path = faults.kubeconfig_with(cluster.kubeconfig, str(tmp_path / "kubeconfig"), servers)
    return plugin_env(
        cluster,
        KUBECONFIG=path,
        KUBECTL_PY_CACHE_DIR=str(tmp_path / "kpy-cache"),
        KUBECACHEDIR=str(tmp_path / "kube-cache"),
    )


def oracle_lines(kubectl, *args):
    proc = kubectl(list(args), context="kpy-a")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


PAIRS = '{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'
CONTEXT_PAIRS = '{range .items[*]}{.context} {.metadata.namespace}/{.metadata.name}{"\\n"}{end}'


def in_namespaces(lines, namespaces):
    """Lines `[CONTEXT ]NAMESPACE/NAME` whose namespace is one of `namespaces`."""
    return [line for line in lines if line.split(" ")[-1].split("/")[0] in namespaces]


def statuses(doc):
    return {c["context"]: c for c in doc["contexts"]}


def items_of(doc, context):
    return [i for i in doc["items"] if i.get("context") == context]


def names(items):
    return [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in items]


def only_line(run):
    """stderr is exactly one line, never a traceback; returns it."""
    assert "Traceback" not in run.err, run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    return lines[0]


def open_sockets():
    return sum(
        os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        for fd in os.listdir("/proc/self/fd")
        if os.path.exists(f"/proc/self/fd/{fd}")
    )


@pytest.fixture(autouse=True)
def nothing_left_behind():
    """Every fault tool stops its threads and closes its sockets when its `with` block ends."""
    threads, sockets = set(threading.enumerate()), open_sockets()
    yield
    assert [t.name for t in threading.enumerate() if t not in threads] == []
    assert open_sockets() <= sockets


@pytest.fixture
def configmaps(cluster, kubectl, namespace):
    """`namespace` holding CONFIGMAPS ConfigMaps of random (barely compressible) data, ~300 KB as a list."""
    items = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i:03d}", "namespace": namespace},
            "data": {"blob": secrets.token_hex(256)},
        }
        for i in range(CONFIGMAPS)
    ]
    created = kubectl(
        ["create", "-f", "-"], input=json.dumps({"apiVersion": "v1", "kind": "List", "items": items}), timeout=180
    )
    assert created.returncode == 0, created.stderr
    client = cluster.client()
    # the controller-manager adds kube-root-ca.crt on its own: wait for it, so every reader sees the same list
    kubeapi.wait_for(
        f"kube-root-ca.crt in {namespace}",
        lambda: client.request("GET", f"/api/v1/namespaces/{namespace}/configmaps/kube-root-ca.crt")[0] == 200,
        30,
        0.1,
    )
    client.close()
    return namespace


# -- a hung cluster (accepts TCP, never speaks TLS) ---------------------------------------------------------
@pytest.mark.usefixtures("settled")
def test_hung_context_query_prints_the_rest_and_names_it(cluster, kubectl, seeded, tmp_path):
    with faults.HungServer() as hung:
        env = fault_env(cluster, tmp_path, {"hung": hung.url})
        run = run_timed(
            cluster, env, "py-query", "pods", "-A", "--context", "kpy-a,hung", "-o", "jsonpath=" + CONTEXT_PAIRS
        )
        as_json = run_timed(cluster, env, "py-query", "pods", "-A", "--context", "kpy-a,hung", "-o", "json")
    assert hung.connections >= 2, "both runs reached the hung server"
    expected = in_namespaces(oracle_lines(kubectl, "get", "pods", "-A", "-o", "jsonpath=" + PAIRS), seeded)
    assert expected, "the seeded cluster has pods"
    assert run.code == 1
    assert in_namespaces(run.lines(), seeded) == [f"kpy-a {line}" for line in expected]
    assert all(line.startswith("kpy-a ") for line in run.lines())
    line = only_line(run)
    assert "hung" in line and "TLS handshake timeout" in line, line
    assert run.elapsed < HUNG_BOUND, f"took {run.elapsed:.1f} s"

    assert as_json.code == 1 and as_json.elapsed < HUNG_BOUND, (as_json.err, as_json.elapsed)
    doc = as_json.json()
    status = statuses(doc)
    assert status["kpy-a"]["status"] == "ok"
    assert status["hung"]["status"] == "timeout"
    assert status["hung"]["message"].startswith("Unable to connect to the server: net/http: TLS handshake timeout")
    assert not items_of(doc, "hung")
    assert in_namespaces([f"{ns}/{n}" for ns, n in names(items_of(doc, "kpy-a"))], seeded) == expected


def test_hung_context_describe_prints_the_rest_and_names_it(cluster, kubectl, tmp_path):
    args = ("py-describe", "svc", "web-nodeport", "-n", "demo", "--context", "kpy-a,hung")
    with faults.HungServer() as hung:
        env = fault_env(cluster, tmp_path, {"hung": hung.url})
        run = run_timed(cluster, env, *args)
        as_json = run_timed(cluster, env, *args, "-o", "json")
    expected = kubectl(["describe", "svc", "web-nodeport", "-n", "demo"], context="kpy-a")
    assert expected.returncode == 0, expected.stderr
    assert run.code == 1
    assert run.out == f"Context:  kpy-a\n{expected.stdout}"
    line = only_line(run)
    assert "hung" in line and "TLS handshake timeout" in line, line
    assert run.elapsed < HUNG_BOUND, f"took {run.elapsed:.1f} s"

    assert as_json.code == 1 and as_json.elapsed < HUNG_BOUND, (as_json.err, as_json.elapsed)
    doc = as_json.json()
    assert [(d["context"], d["kind"], d["name"]) for d in doc["items"]] == [("kpy-a", "Service", "web-nodeport")]
    assert {c: s["status"] for c, s in statuses(doc).items()} == {"kpy-a": "ok", "hung": "timeout"}


@pytest.mark.usefixtures("settled")
def test_hung_context_nodeports_prints_the_rest_and_names_it(cluster, kubectl, seeded, tmp_path):
    with faults.HungServer() as hung:
        env = fault_env(cluster, tmp_path, {"hung": hung.url})
        run = run_timed(cluster, env, "py-nodeports", "--context", "kpy-a,hung", "-o", "json")
    assert run.code == 1
    assert run.elapsed < HUNG_BOUND, f"took {run.elapsed:.1f} s"
    doc = run.json()
    expected = {key: urls for key, urls in expected_records(kubectl, "kpy-a").items() if key[0] in seeded}
    assert expected, "the seeded cluster has node ports"
    assert {key: urls for key, urls in as_map(items_of(doc, "kpy-a")).items() if key[0] in seeded} == expected
    assert not items_of(doc, "hung")
    assert {c: s["status"] for c, s in statuses(doc).items()} == {"kpy-a": "ok", "hung": "timeout"}
    line = only_line(run)
    assert "hung" in line and "TLS handshake timeout" in line, line


def test_request_timeout_bounds_a_hung_context(cluster, tmp_path):
    with faults.HungServer() as hung:
        env = fault_env(cluster, tmp_path, {"hung": hung.url})
        run = run_timed(
            cluster, env, "py-query", "pods", "-A", "--context", "kpy-a,hung", "--request-timeout", "2s", "-o", "json"
        )
    assert run.code == 1
    assert run.elapsed < 4, f"--request-timeout 2s took {run.elapsed:.1f} s"
    status = statuses(run.json())
    assert status["kpy-a"]["status"] == "ok"
    assert status["hung"]["status"] == "timeout"
    message = status["hung"]["message"]
    assert message.startswith("Unable to connect to the server: net/http: request canceled"), message
    assert "Client.Timeout exceeded" in message, message
    line = only_line(run)
    assert "hung" in line and "Client.Timeout exceeded" in line, line


def test_no_response_headers_times_out(cluster, tmp_path):
    """TLS completes, the request is read, no answer ever comes: the read-idle timeout (15 s) ends it."""
    with faults.fault_proxy_for(cluster, [faults.hang()]) as proxy:
        env = fault_env(cluster, tmp_path, {"faulty": proxy.url})
        run = run_timed(cluster, env, "py-query", "pods", "-A", "--context", "kpy-a,faulty", "-o", "json")
        received = proxy.requests
    assert received and received[0].status == faults.HANG, "the request reached the proxy after TLS"
    assert run.code == 1
    assert run.elapsed < HUNG_BOUND + 2, f"took {run.elapsed:.1f} s"
    status = statuses(run.json())
    assert status["kpy-a"]["status"] == "ok"
    assert status["faulty"]["status"] == "timeout"
    assert status["faulty"]["message"].startswith(
        "Unable to connect to the server: net/http: timeout awaiting response headers"
    ), status["faulty"]
    line = only_line(run)
    assert "faulty" in line and "timeout awaiting response headers" in line, line


# -- a link that dies mid-answer -----------------------------------------------------------------------------
@pytest.mark.parametrize("compression", [[], ["--disable-compression"]], ids=["gzip", "identity"])
def test_link_cut_mid_list_is_one_error_and_no_half_list(cluster, kubectl, configmaps, tmp_path, compression):
    # past the TLS handshake and discovery's answers (/api and /apis: ~35 KB, should the client read them
    # again), well inside the list (~130 KB gzipped, ~310 KB plain): the link dies mid-list
    cut_at = 60_000
    expected = oracle_lines(kubectl, "get", "configmaps", "-n", configmaps, "-o", "name")
    with faults.cut_forwarder_for(cluster, None) as link:
        env = fault_env(cluster, tmp_path, {"cut": link.url})
        # whole, twice: the first run warms the discovery cache for this address (so that the cut falls in
        # the list itself), the second shows how many bytes the list takes on the wire
        for _ in range(2):
            whole = run_timed(
                cluster, env, "py-query", "configmaps", "-n", configmaps, "--context", "cut", "-o", "name", *compression
            )
            assert whole.code == 0 and whole.lines() == expected, whole.err
        assert link.cuts == 0
        link.cut_after_bytes = cut_at
        run = run_timed(
            cluster,
            env,
            "py-query",
            "configmaps",
            "-n",
            configmaps,
            "--context",
            "kpy-a,cut",
            "-o",
            "json",
            *compression,
        )
        cuts = link.cuts
    print(f"bytes server -> client per connection: {link.carried}")
    assert max(link.carried) > 2 * cut_at, "the list is big enough for the cut to fall inside it"
    assert run.code == 1
    line = only_line(run)
    assert "cut" in line and "unexpected EOF" in line, line
    assert cuts >= 2, f"{cuts} connection(s) cut: the contract retries once on a fresh connection"
    doc = run.json()
    assert_left_out(doc, "cut", "unreachable", kubectl, configmaps)
    message = statuses(doc)["cut"]["message"]
    assert message.startswith("Unable to connect to the server: unexpected EOF"), message
    assert run.elapsed < HUNG_BOUND, f"took {run.elapsed:.1f} s"


# -- throttling and server errors ---------------------------------------------------------------------------
def answered(requests, status):
    return [r for r in requests if r.status == status]


def page_through_proxy(cluster, tmp_path, namespace, rules, *args):
    """`py-query configmaps -n NAMESPACE --chunk-size 50 ARGS` with context `faulty` behind an HttpFaultProxy
    applying `rules`; returns (the run, the proxy's request log)."""
    with faults.fault_proxy_for(cluster, rules) as proxy:
        env = fault_env(cluster, tmp_path, {"faulty": proxy.url})
        run = run_timed(cluster, env, "py-query", "configmaps", "-n", namespace, "--chunk-size", "50", *args)
        proxy.wait_idle()
        return run, proxy.requests


def assert_left_out(doc, failed, status, kubectl, namespace):
    """-o json of kpy-a plus a failed context: the failed one has `status` and no item at all (no half
    list), kpy-a has every ConfigMap of `namespace`."""
    assert not items_of(doc, failed), "no half list"
    assert {c: s["status"] for c, s in statuses(doc).items()} == {"kpy-a": "ok", failed: status}
    expected = oracle_lines(kubectl, "get", "configmaps", "-n", namespace, "-o", "name")
    assert sorted(f"configmap/{n}" for _, n in names(items_of(doc, "kpy-a"))) == sorted(expected)


@pytest.mark.usefixtures("settled")
def test_429_is_retried_after_retry_after(cluster, kubectl, seeded, tmp_path):
    with faults.fault_proxy_for(cluster, [faults.too_many_requests(first=2, retry_after=1)]) as proxy:
        env = fault_env(cluster, tmp_path, {"faulty": proxy.url})
        run = run_timed(cluster, env, "py-query", "pods", "-A", "--context", "faulty", "-o", "jsonpath=" + PAIRS)
        proxy.wait_idle()
        log = proxy.requests
    assert run.code == 0, run.err
    expected = in_namespaces(oracle_lines(kubectl, "get", "pods", "-A", "-o", "jsonpath=" + PAIRS), seeded)
    assert expected and in_namespaces(run.lines(), seeded) == expected
    assert run.elapsed >= 2, f"two Retry-After: 1 answers, yet done in {run.elapsed:.2f} s"
    throttled = answered(log, 429)
    assert len(throttled) == 2
    for refused in throttled:  # each refused request was sent again, later, and answered
        later = log[log.index(refused) + 1 :]
        assert any(r.target == refused.target and r.status == 200 for r in later), (refused.target, log)
        retry = next(r for r in later if r.target == refused.target)
        assert retry.time - refused.time >= 0.9, "the retry waited for Retry-After"


def test_500_on_page_two_fails_that_context_only(cluster, kubectl, configmaps, tmp_path):
    run, log = page_through_proxy(
        cluster, tmp_path, configmaps, [faults.fail_continue(500)], "--context", "kpy-a,faulty", "-o", "json"
    )
    assert run.code == 1
    line = only_line(run)
    assert line.startswith("Error from server (InternalError): ") and 'context "faulty"' in line, line
    assert len(answered(log, 500)) == 1, "a 5xx without Retry-After is not retried"
    assert_left_out(run.json(), "faulty", "error", kubectl, configmaps)


def test_503_with_retry_after_on_page_two_is_retried(cluster, kubectl, configmaps, tmp_path):
    run, log = page_through_proxy(
        cluster,
        tmp_path,
        configmaps,
        [faults.fail_continue(503, retry_after=1, times=2)],
        "--context",
        "faulty",
        "-o",
        "name",
    )
    assert run.code == 0, run.err
    assert run.lines() == oracle_lines(kubectl, "get", "configmaps", "-n", configmaps, "-o", "name")
    assert len(answered(log, 503)) == 2
    assert run.elapsed >= 2, f"two Retry-After: 1 answers, yet done in {run.elapsed:.2f} s"


# -- an expired continue token --------------------------------------------------------------------------------
RELIST_NOTICE = re.compile(r"^warning: the list of \S+ expired while paging \(410 Gone\); read it again from the start")


def test_410_on_a_continue_request_reads_the_list_again(cluster, kubectl, configmaps, tmp_path):
    run, log = page_through_proxy(
        cluster, tmp_path, configmaps, [faults.expire_continue(times=1)], "--context", "faulty", "-o", "name"
    )
    assert run.code == 0, run.err
    expected = oracle_lines(kubectl, "get", "configmaps", "-n", configmaps, "-o", "name")
    assert run.lines() == expected, "complete, in order, nothing twice"
    assert len(set(run.lines())) == len(run.lines())
    notice = only_line(run)
    # named like every per-context error line, even when one context is queried
    assert RELIST_NOTICE.match(notice) and notice.endswith('(context "faulty")'), notice
    (gone,) = answered(log, 410)
    lists = [r for r in log if r.path.endswith("/configmaps")]
    assert any(not r.query.get("continue") for r in lists[lists.index(gone) + 1 :]), "read again from the start"


def test_410_twice_is_an_error(cluster, kubectl, configmaps, tmp_path):
    run, _ = page_through_proxy(
        cluster, tmp_path, configmaps, [faults.expire_continue(times=None)], "--context", "kpy-a,faulty", "-o", "json"
    )
    assert run.code == 1
    assert "Traceback" not in run.err
    notices = [line for line in run.err.splitlines() if RELIST_NOTICE.match(line)]
    assert len(notices) == 1 and 'context "faulty"' in notices[0], "the first 410 re-read the list, once"
    errors = [line for line in run.err.splitlines() if line not in notices]
    assert len(errors) == 1, run.err
    assert errors[0].startswith("Error from server (Expired): ") and 'context "faulty"' in errors[0], run.err
    assert_left_out(run.json(), "faulty", "error", kubectl, configmaps)
