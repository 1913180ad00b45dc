"""How many requests each command sends, counted by an HttpFaultProxy (no faults) in front of the real
apiserver, with warm discovery caches: never more than kubectl sends for the same answer, and no discovery
request at all. `pytest -s` prints the table."""

import subprocess
import time

from tests.cluster import faults
from tests.integration.harness import kubectl_plugin, plugin_env

CONTEXT = "proxied"
# (our command, the kubectl commands a user runs for the same answer); names from tests/cluster/manifests.py
COMMANDS = [
    (["py-query", "ns", "-o", "name"], [["get", "ns", "-o", "name"]]),
    (["py-describe", "deployment", "web", "-n", "demo"], [["describe", "deployment", "web", "-n", "demo"]]),
    (["py-describe", "service", "web-nodeport", "-n", "demo"], [["describe", "service", "web-nodeport", "-n", "demo"]]),
    (["py-describe", "node", "kwok-node-1"], [["describe", "node", "kwok-node-1"]]),
    (["py-describe", "pods", "-n", "demo"], [["describe", "pods", "-n", "demo"]]),
    # node ports need the services, the nodes (addresses, readiness) and the EndpointSlices (Local policy)
    (["py-nodeports"], [["get", "svc", "-A"], ["get", "nodes"], ["get", "endpointslices", "-A"]]),
]


def is_discovery(path: str) -> bool:
    """/api, /api/v1, /apis, /apis/GROUP, /apis/GROUP/VERSION, /version, /openapi/...: not an object read."""
    parts = path.strip("/").split("/")
    return (
        parts[0] in ("version", "openapi")
        or (parts[0] == "api" and len(parts) <= 2)
        or (parts[0] == "apis" and len(parts) <= 3)
    )


def counted(proxy, action):
    """Run `action`; return (its result, the requests the proxy received meanwhile)."""
    before = len(proxy.requests)
    result = action()
    proxy.wait_idle()  # requests a client sent and left unread are logged too, and counted here
    return result, proxy.requests[before:]


def test_requests_per_command_at_most_kubectls(cluster, tmp_path):
    with faults.fault_proxy_for(cluster) as proxy:
        kubeconfig = faults.kubeconfig_with(cluster.kubeconfig, str(tmp_path / "kubeconfig"), {CONTEXT: proxy.url})
        env = plugin_env(
            cluster,
            KUBECONFIG=kubeconfig,
            KUBECTL_PY_CACHE_DIR=str(tmp_path / "kpy-cache"),
            KUBECACHEDIR=str(tmp_path / "kube-cache"),
        )

        def ours(args):
            run = kubectl_plugin(cluster, *args, "--context", CONTEXT, env=env, timeout=60)
            assert run.code == 0, (args, run.err)
            return run

        def kubectls(commands):
            for args in commands:
                proc = subprocess.run(
                    [cluster.kubectl, "--context", CONTEXT, *args], capture_output=True, text=True, env=env, timeout=60
                )
                assert proc.returncode == 0, (args, proc.stderr)

        rows = []
        for args, oracle in COMMANDS:
            ours(args)  # warm both discovery caches for the proxy's address
            kubectls(oracle)
            proxy.wait_idle()
            start = time.monotonic()
            _, mine = counted(proxy, lambda: ours(args))
            elapsed = time.monotonic() - start
            _, theirs = counted(proxy, lambda: kubectls(oracle))
            rows.append((" ".join(args), mine, theirs, elapsed))
        failed = [r for r in proxy.requests if not isinstance(r.status, int) or r.status >= 400]

    print(f"\nrequests per command, warm discovery caches (through {proxy.url}):")
    print(f"{'command':<44} {'kubectl-py':>10} {'kubectl':>8}  {'discovery':>9}  {'time':>6}")
    for command, mine, theirs, elapsed in rows:
        print(
            f"{command:<44} {len(mine):>10} {len(theirs):>8}  "
            f"{sum(is_discovery(r.path) for r in mine):>9}  {elapsed:>5.2f}s"
        )
    for command, mine, _, _ in rows:
        print(f"  {command}: " + ", ".join(f"{r.method} {r.target}" for r in mine))

    assert not failed, [(r.target, r.status) for r in failed]
    for command, mine, theirs, _ in rows:
        assert mine, f"{command}: no request counted"
        assert not [r.target for r in mine if is_discovery(r.path)], f"{command}: discovery with a warm cache"
        assert len(mine) <= len(theirs), (
            f"{command}: {len(mine)} requests, kubectl {len(theirs)}",
            [r.target for r in mine],
            [r.target for r in theirs],
        )
