"""Shared pytest fixtures: a real Kubernetes control plane (tests/cluster) and the built kubectl, the oracle.

Fixtures
  cluster    session   controlplane.ControlPlane, two clusters, seeded (A: profile a, B: profile b):
                       .kubeconfig (contexts kpy-a, kpy-b, kpy-a-ns-viewer, kpy-a-get-only, kpy-down),
                       .kubectl (built v1.37.2 kubectl), .bin_dir, .env (KUBECONFIG=... for subprocesses),
                       .clusters, .logs(), .client(context) (a small HTTPS API client)
  kubectl    session   kubectl(["get", "pods"], context=None, input=None, check=False, timeout=60)
                       -> subprocess.CompletedProcess (text): the built kubectl with the test kubeconfig
  namespace  function  name of a fresh namespace in cluster A, deleted after the test (without waiting)
  settled    function  waits until no namespace of cluster A is being deleted: for tests that compare
                       whole lists (-A) read a moment apart by two tools

Environment
  KUBECTL_PY_CLUSTER_DIR=DIR   reuse the control plane whose state dir is DIR (started with
      `python tests/cluster/controlplane.py up --clusters 2 --dir DIR`): seeded if it is not yet, never
      stopped. Without it the session builds (cached), starts, seeds and at the end stops its own.

If the control plane cannot be built or started, every test that uses it ERRORs with the reason.
When such a test fails, the tail of every control plane log is added to its report.
"""

import os
import re
import subprocess
import sys
import uuid
from typing import Optional, Sequence

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "cluster"))
import controlplane  # noqa: E402
import kubeapi  # noqa: E402
import seed  # noqa: E402

REUSE_ENV = "KUBECTL_PY_CLUSTER_DIR"
_running = {}  # "cp": the session's ControlPlane, for the report hook


def pytest_configure(config):
    config.addinivalue_line("markers", "integration: needs the real control plane of tests/cluster (slow start)")


def _open_control_plane() -> "tuple[controlplane.ControlPlane, bool]":
    """(control plane, owned): a reused one is not ours to stop."""
    reuse = os.environ.get(REUSE_ENV)
    if reuse:
        cp = controlplane.ControlPlane.attach(reuse)
        if cp.dead():
            raise controlplane.ClusterError(f"{REUSE_ENV}={reuse}: {', '.join(cp.dead())} not running")
        return cp, False
    bin_dir = controlplane.build()
    controlplane.sweep_orphans("pytest-")
    state_dir = os.path.join(controlplane.RUN_DIR, f"pytest-{os.getpid()}")
    return controlplane.ControlPlane.start(2, state_dir, bin_dir, die_with_parent=True), True


def _seed(cp: "controlplane.ControlPlane") -> None:
    contexts = [c.context for c in cp.clusters]
    if contexts != ["kpy-a", "kpy-b"]:
        raise controlplane.ClusterError(f"tests need two clusters (kpy-a, kpy-b); {cp.state_dir} has {contexts}")
    # one after the other, in this thread: a Ctrl-C then stops seeding at once (B takes ~2 s anyway)
    for context, profile in (("kpy-a", "a"), ("kpy-b", "b")):
        seed.seed(cp.kubeconfig, context, profile, cp.kubectl)


@pytest.fixture(scope="session")
def cluster():
    failure = None  # pytest.fail outside `except`, so the report shows the reason without a chained traceback
    try:
        cp, owned = _open_control_plane()
    except (controlplane.ClusterError, OSError) as e:
        failure = f"control plane unavailable: {e}"
    if failure:
        pytest.fail(failure, pytrace=False)
    try:
        _seed(cp)
    except BaseException as e:
        failure = f"seeding failed: {e}\n{cp.log_tails()}"
        if owned:
            cp.stop(keep_logs=True)
        if not isinstance(e, Exception):
            raise
    if failure:
        pytest.fail(failure, pytrace=False)
    _running["cp"] = cp
    try:
        yield cp
    finally:
        _running.pop("cp", None)
        if owned:
            for note in cp.stop():
                print(note, file=sys.stderr)


@pytest.fixture(scope="session")
def kubectl(cluster):
    def run(
        args: Sequence[str],
        context: Optional[str] = None,
        input: Optional[str] = None,
        check: bool = False,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess:
        argv = [cluster.kubectl] + (["--context", context] if context else []) + list(args)
        return subprocess.run(
            argv,
            input=input,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cluster.env,
            timeout=timeout,
            check=check,
        )

    run.cluster = cluster  # for helpers that also run the plugins (tests/integration/harness.py)
    return run


@pytest.fixture
def namespace(request, cluster, kubectl):
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40].rstrip("-")
    name = f"t-{slug}-{uuid.uuid4().hex[:6]}"
    created = kubectl(["create", "namespace", name])
    assert created.returncode == 0, f"cannot create namespace {name}: {created.stderr}"
    client = cluster.client()
    # pods cannot be created before the controller-manager made the namespace's default ServiceAccount
    kubeapi.wait_for(
        f"default ServiceAccount in {name}",
        lambda: client.request("GET", f"/api/v1/namespaces/{name}/serviceaccounts/default")[0] == 200,
        30,
        0.1,
    )
    client.close()
    yield name
    kubectl(["delete", "namespace", name, "--wait=false"])


@pytest.fixture
def settled(cluster):
    client = cluster.client()
    kubeapi.wait_for(
        "namespaces of earlier tests deleted",
        lambda: (
            not any(
                (ns.get("status") or {}).get("phase") == "Terminating" for ns in client.list_items("/api/v1/namespaces")
            )
        ),
        120,
        0.2,
    )
    client.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    cp = _running.get("cp")
    if report.failed and cp is not None and "cluster" in item.fixturenames:
        dead = cp.dead()
        header = f"exited: {', '.join(dead)}\n" if dead else ""
        report.sections.append(("control plane logs (tail)", header + cp.log_tails()))
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A skipped test is a gap, not a pass: say so loudly, and in CI fail the run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    terminalreporter.section("SKIPPED TESTS ARE NOT PASSES", sep="!", red=True, bold=True)
    for report in skipped:
        terminalreporter.write_line(f"skipped: {report.nodeid}", red=True)
    if os.environ.get("CI"):
        terminalreporter.write_line(f"CI: {len(skipped)} skipped test(s) fail this run", red=True, bold=True)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = 1
