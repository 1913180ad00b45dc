"""Fleets of a thousand: one kubeconfig of 1,000 contexts (tests/cluster/fleet.py): 5% hung, 5% refusing,
2% trickling, the rest answering from the two REAL test clusters, many contexts per cluster.

`py-query pods -A --all-contexts` must print every answering context's pods (the built kubectl, the oracle,
lists each cluster's seeded namespaces), name every failing context exactly once on stderr, exit 1, stay
within 400 MB of peak RSS and hold no more file descriptors than --parallel allows (one connection per
context being read, plus the few every process has). Runs are bounded generously; no latency is asserted
(the 60 s target is benchmarks/bench_fleet.py's).
"""

import re
from collections import Counter, defaultdict

import pytest

from tests.cluster import fleet
from tests.integration.harness import plugin_env, run_measured

SIZE = 1000
RUN_TIMEOUT = 300  # seconds: a run still going then is a hang, and fails the test
MEMORY_BOUND_MB = 400  # peak RSS of the plugin over the whole fleet
DEFAULT_PARALLEL = 32  # kubectl_py/kube/fanout.py: contexts read at once without --parallel
FD_SLACK = 8  # descriptors beyond one per context being read: stdin/out/err and the interpreter's own
SEEDED = "kpy.io/seeded=true"

# what the one stderr line of a failing context says, by the kind of its server
SAYS = {
    fleet.HUNG: ("TLS handshake timeout",),
    fleet.REFUSING: ("was refused",),
    fleet.TRICKLING: ("timeout awaiting response headers", "timeout reading the answer"),
}
CONTEXT_NAMED = re.compile(r'\(context "([^"]+)"\)$')


@pytest.fixture(scope="module")
def fleet_env(cluster, tmp_path_factory):
    """(the fleet, the environment that points the plugins at it), stand-ins running for the module."""
    directory = tmp_path_factory.mktemp("fleet")
    with fleet.FleetServers(cluster, lifetime=3 * RUN_TIMEOUT + 120) as servers:
        of_a_thousand = fleet.write_fleet(str(directory / "kubeconfig"), cluster, servers, SIZE)
        yield (
            of_a_thousand,
            plugin_env(cluster, KUBECONFIG=of_a_thousand.kubeconfig, KUBECTL_PY_CACHE_DIR=str(directory / "kpy-cache")),
        )


@pytest.fixture(scope="module")
def seeded_pods(kubectl):
    """{real context: {seeded namespace: Counter of `pod/NAME`}}, as the built kubectl lists them."""
    out = {}
    for context in ("kpy-a", "kpy-b"):
        namespaces = kubectl(["get", "ns", "-l", SEEDED, "-o", "name"], context=context, check=True)
        out[context] = {}
        for namespace in (line.split("/", 1)[1] for line in namespaces.stdout.splitlines()):
            pods = kubectl(["get", "pods", "-n", namespace, "-o", "name"], context=context, check=True)
            out[context][namespace] = Counter(pods.stdout.splitlines())
        assert sum(sum(c.values()) for c in out[context].values()), f"{context}: the seeded namespaces hold pods"
    return out


def printed_names(run) -> dict:
    """{context: Counter of `pod/NAME`} from `CONTEXT<TAB>pod/NAME` lines."""
    printed = defaultdict(Counter)
    for line in run.lines():
        context, tab, name = line.partition("\t")
        assert tab and name.startswith("pod/"), f"not CONTEXT<TAB>pod/NAME: {line!r}"
        printed[context][name] += 1
    return printed


def assert_every_answer_printed(printed: dict, of_a_thousand, seeded_pods, selected) -> None:
    answering = [c for c in selected if c in of_a_thousand.base]
    assert not set(printed) - set(answering), "lines printed for a failing context"
    for context in answering:
        expected = sum(seeded_pods[of_a_thousand.base[context]].values(), Counter())
        missing = expected - printed[context]
        assert not missing, f"{context} ({of_a_thousand.base[context]}): missing {sorted(missing)[:5]}"


def assert_failures_named_once(run, of_a_thousand, selected) -> None:
    """Every stderr line names one failing context, in the words of its kind; each failing one exactly once."""
    assert run.code == 1, run.err[-2000:]
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err[-2000:]
    named = Counter()
    for line in run.err.splitlines():
        found = CONTEXT_NAMED.search(line)
        assert found, f"a stderr line that names no context: {line!r}"
        context = found.group(1)
        kind = of_a_thousand.kinds.get(context)
        assert kind in SAYS, f"an answering or unknown context reported: {line!r}"
        assert any(says in line for says in SAYS[kind]), f"{kind}: {line!r}"
        named[context] += 1
    failing = [c for c in selected if c in of_a_thousand.failing]
    assert named == Counter(failing), (
        f"not named: {sorted(set(failing) - set(named))[:10]}; "
        f"named twice: {sorted(c for c, n in named.items() if n > 1)[:10]}"
    )


def test_a_thousand_contexts_by_name(fleet_env, seeded_pods):
    of_a_thousand, env = fleet_env
    counts = {kind: len(of_a_thousand.of(kind)) for kind in (fleet.ANSWERING, *fleet.FAILING_KINDS)}
    assert counts == {fleet.ANSWERING: 880, fleet.HUNG: 50, fleet.REFUSING: 50, fleet.TRICKLING: 20}

    run = run_measured(
        env, "py-query", "pods", "-A", "--all-contexts", "-o", "name", timeout=RUN_TIMEOUT, sample_fds=True
    )

    everything = list(of_a_thousand.kinds)
    assert_failures_named_once(run, of_a_thousand, everything)
    assert_every_answer_printed(printed_names(run), of_a_thousand, seeded_pods, everything)
    assert run.max_rss_mb <= MEMORY_BOUND_MB, f"peak RSS {run.max_rss_mb:.0f} MB"
    assert run.max_fds <= DEFAULT_PARALLEL + FD_SLACK, f"{run.max_fds} descriptors open at once"


def test_a_thousand_contexts_counted(fleet_env, seeded_pods):
    """--count, by namespace so that the seeded namespaces can be compared whatever other tests do elsewhere."""
    of_a_thousand, env = fleet_env
    run = run_measured(
        env, "py-query", "pods", "-A", "--all-contexts", "--count", "--by", "namespace", timeout=RUN_TIMEOUT
    )

    assert_failures_named_once(run, of_a_thousand, list(of_a_thousand.kinds))
    header, *rows = run.lines()
    assert header.split() == ["CONTEXT", "NAMESPACE", "COUNT"]
    counted = defaultdict(dict)
    for row in rows:
        context, namespace, count = row.split()
        assert namespace not in counted[context], f"{context} {namespace} counted twice"
        counted[context][namespace] = int(count)
    assert not set(counted) - set(of_a_thousand.base), "a failing context counted"
    for context, base in of_a_thousand.base.items():
        expected = {ns: sum(pods.values()) for ns, pods in seeded_pods[base].items() if pods}
        got = {ns: n for ns, n in counted[context].items() if ns in seeded_pods[base]}
        assert got == expected, f"{context} ({base})"
    assert run.max_rss_mb <= MEMORY_BOUND_MB, f"peak RSS {run.max_rss_mb:.0f} MB"


def test_descriptors_follow_parallel(fleet_env, seeded_pods):
    """--parallel 8 over the first 199 contexts (a glob): never more than 8 connections at once."""
    of_a_thousand, env = fleet_env
    selected = [c for c in of_a_thousand.kinds if re.match(r"fleet-0[01]", c)]
    assert any(c in of_a_thousand.failing for c in selected)
    run = run_measured(
        env,
        "py-query",
        "pods",
        "-A",
        "--context",
        "fleet-0[01]*",
        "-o",
        "name",
        "--parallel",
        "8",
        timeout=RUN_TIMEOUT,
        sample_fds=True,
    )

    assert_failures_named_once(run, of_a_thousand, selected)
    assert_every_answer_printed(printed_names(run), of_a_thousand, seeded_pods, selected)
    assert run.max_fds <= 8 + FD_SLACK, f"{run.max_fds} descriptors open at once"
