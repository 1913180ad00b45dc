"""Every example in the README runs as written, and prints what the README shows.

The README's fenced blocks are read by readme_blocks.py: `console` blocks are transcripts (each `$ ` command is
run with bash, stdout and stderr together as a terminal shows them, and compared with the lines under it, `...`
standing for what changes between runs); `sh` blocks are commands that must succeed; `python` blocks run, their
trailing `# ` comment lines being what they print. Commands run in a scratch folder holding `examples/`, against
the two seeded test clusters (the demo's: contexts kpy-a, kpy-b, kpy-a-get-only, kpy-down). A block this module
does not run is listed below with the test that does, and a new block that is in neither place fails the suite.
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.integration.harness import plugin_env, popen_interruptible
from tests.integration.incident import apply, deployment, ok, oracle, patch_status, pod, wait_for, waiting_status
from tests.integration.readme_blocks import blocks, commands, matches, transcript

ROOT = Path(__file__).resolve().parents[2]
BLOCKS = blocks((ROOT / "README.md").read_text())

# Blocks that hold no command: document shapes, the plugins' synopses (checked against --help below), text.
NOT_COMMANDS = {"json", "text", ""}

# Blocks run by another test, keyed by their first line: the test named must exist.
ELSEWHERE = {
    "scripts/test.sh": ".ci/run",
    "pipx install .            # or: pip install .": "tests/integration/test_distribution.py::test_pipx_install",
    "kubectl krew install --manifest=krew/py-nodeports.yaml --archive=dist/kubectl-py-v0.1.0.tar.gz": (
        "tests/integration/test_distribution.py::krew"
    ),
    "$ kubectl py-explore pods -A --context 'prod-*'            # reads, then opens the editor": (
        "tests/integration/test_explore.py::test_enter_takes_the_open_menus_candidate_and_print_command_runs"
    ),
}

# Blocks run here by a test of their own (they need a fresh machine, or changes made while they run).
OWN_TEST = {
    "python3 -m venv ~/.venvs/kubectl-py && ~/.venvs/kubectl-py/bin/pip install -q . && "
    "~/.venvs/kubectl-py/bin/kubectl-py_nodeports -f examples/snapshot.json": "test_two_commands_on_a_fresh_machine",
    "scripts/demo.sh          # then: export KUBECONFIG=~/.cache/kubectl-py/run/demo/kubeconfig": "test_demo_script",
    "$ kubectl py-query cm -n shop-watch -w --context kpy-a,kpy-b --output-watch-events": "test_watch_transcripts",
    "$ kubectl py-query cm -n shop-watch --watch-only --context kpy-a,kpy-b -o 'jsonpath={.context}{\" \"}"
    "{.metadata.name}{\" \"}{.data}{\"\\n\"}'": "test_watch_transcripts",
    "$ kubectl py-triage -n payments": "test_triage_transcripts",
    "$ kubectl py-triage -n payments deploy,pvc -o jsonpath='{range .items[*]}{.kind}/{.name}{\"\\t\"}{.problem}"
    "{\"\\t\"}{.reason}{\"\\n\"}{end}'": "test_triage_transcripts",
}


def exit_code_on_the_demo(command: str) -> int:
    """1 where the demo makes it so: py-diff and py-triage find the drift and the broken nodes seeded on purpose,
    and --all-contexts reaches kpy-down (refused) and the restricted kpy-a-ns-viewer and kpy-a-get-only, which may
    not list across namespaces (each is named on stderr, the others answer)."""
    return 1 if "--all-contexts" in command or re.match(r"kubectl py-(diff|triage) ", command) else 0


def first_line(block) -> str:
    return block.text.splitlines()[0]


def of(language):
    return [
        pytest.param(b, id=f"line{b.line}")
        for b in BLOCKS
        if b.language == language and first_line(b) not in ELSEWHERE and first_line(b) not in OWN_TEST
    ]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """Where the examples run: `examples/` is there, and files they write stay there."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "examples").symlink_to(ROOT / "examples")
    return folder


@pytest.fixture(scope="module")
def quiet(cluster, kubectl):
    """The seeded namespaces only: whole-cluster examples (-A) count what other tests made until it is gone."""
    system = {"default", "kube-system", "kube-public", "kube-node-lease", "team-a"}  # team-a: controlplane.py's
    deadline = time.monotonic() + 180
    while True:
        others = []
        for context in ("kpy-a", "kpy-b"):
            proc = kubectl(["get", "ns", "-L", "kpy.io/seeded", "--no-headers"], context=context)
            assert proc.returncode == 0, proc.stderr
            others += [
                f"{context}/{line.split()[0]}"
                for line in proc.stdout.splitlines()
                if line.split()[0] not in system and not line.rstrip().endswith("true")
            ]
        if not others:
            return
        assert time.monotonic() < deadline, f"namespaces other tests left behind: {others}"
        time.sleep(2)


def run_step(command: str, env, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )


def test_every_block_is_run_somewhere():
    known = NOT_COMMANDS | {"console", "sh", "python"}
    strays = [f"{b.where()}: ```{b.language}" for b in BLOCKS if b.language not in known]
    assert not strays, "blocks of a language this module does not read: " + ", ".join(strays)
    firsts = {first_line(b) for b in BLOCKS}
    assert not set(ELSEWHERE) - firsts and not set(OWN_TEST) - firsts, "a listed block is no longer in the README"
    for where in ELSEWHERE.values():
        if "::" in where:
            path, name = where.split("::")
            assert re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M), f"{where} does not exist"
        else:
            assert (ROOT / where).exists(), where
    for name in OWN_TEST.values():
        assert callable(globals().get(name)), name


def run_transcript(block, env, cwd):
    """Each `$ ` command of a console block, its output compared; `echo $?` checks the exit code before it."""
    previous = None
    for step in transcript(block.text):
        if step.command == "echo $?":
            assert previous is not None and step.expected == f"{previous.returncode}\n", (block.where(), previous)
            continue
        previous = run_step(step.command, env, cwd)
        assert "Traceback" not in previous.stdout, previous.stdout
        assert matches(step.expected, previous.stdout), (
            f"{block.where()}: $ {step.command}\n--- README\n{step.expected}--- printed (exit {previous.returncode})\n"
            f"{previous.stdout}"
        )


@pytest.mark.parametrize("block", of("console"))
def test_console_transcript(block, cluster, quiet, scratch):
    run_transcript(block, plugin_env(cluster), scratch)


@pytest.mark.parametrize("block", of("sh"))
def test_sh_commands_succeed(block, cluster, quiet, scratch):
    env = plugin_env(cluster)
    for command in commands(block.text):
        proc = run_step(command, env, scratch)
        assert proc.returncode == exit_code_on_the_demo(command) and proc.stdout.strip(), (
            f"{block.where()}: $ {command}\n{proc.stdout}"
        )
        assert "Traceback" not in proc.stdout, proc.stdout


@pytest.mark.parametrize("block", of("python"))
def test_python_prints_its_comments(block, cluster, quiet, scratch):
    code = block.text
    lines = code.splitlines()
    tail = len(lines)
    while tail and lines[tail - 1].startswith("# "):
        tail -= 1
    expected = "".join(line[2:] + "\n" for line in lines[tail:])
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=plugin_env(cluster), cwd=scratch
    )
    assert proc.returncode == 0, proc.stderr
    assert expected, f"{block.where()}: no trailing `# ` lines say what it prints"
    assert matches(expected, proc.stdout), f"{block.where()}\n--- README\n{expected}--- printed\n{proc.stdout}"


SYNOPSES = [
    pytest.param(b, id=f"line{b.line}") for b in BLOCKS if b.language == "" and b.text.startswith("kubectl py-")
]


@pytest.mark.parametrize("block", SYNOPSES)
def test_synopsis_names_only_flags_of_the_plugin(block, cluster):
    plugin = block.text.split()[1]
    proc = subprocess.run(
        [f"kubectl-{plugin.replace('-', '_')}", "--help"], capture_output=True, text=True, env=plugin_env(cluster)
    )
    assert proc.returncode == 0, proc.stderr
    flags = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", block.text))
    missing = sorted(flag for flag in flags if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", proc.stdout))
    assert not missing, f"{block.where()}: {plugin} --help has no {missing}"


# -- blocks with a test of their own --------------------------------------------------------------------------


def test_two_commands_on_a_fresh_machine(cluster, tmp_path):
    """The first command of the README, as written, in a HOME of its own: a fresh venv, pip, the snapshot."""
    command = next(k for k, v in OWN_TEST.items() if v == "test_two_commands_on_a_fresh_machine")
    env = dict(plugin_env(cluster), HOME=str(tmp_path), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if "venv-test" not in p)
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    snapshot = next(b for b in BLOCKS if b.text.startswith("$ kubectl py-nodeports -f examples/snapshot.json\n"))
    assert matches(transcript(snapshot.text)[0].expected, proc.stdout), proc.stdout
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # pip's build folder, where setuptools leaves one


def test_demo_script(cluster, tmp_path):
    """scripts/demo.sh starts and seeds its own two clusters (the build cache is shared, so nothing is built),
    prints the commands to try, each of which then works; `scripts/demo.sh down` stops them."""
    cache = tmp_path / "cache"
    cache.mkdir()
    real = Path(os.environ.get("KUBECTL_PY_CACHE", Path.home() / ".cache" / "kubectl-py"))
    for shared in ("bin", "gomod", "gobuild"):
        if (real / shared).exists():
            (cache / shared).symlink_to(real / shared)
    env = dict(plugin_env(cluster), KUBECTL_PY_CACHE=str(cache))
    env.pop("KUBECONFIG", None)
    try:
        up = subprocess.run(["scripts/demo.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert up.returncode == 0, up.stderr
        export = re.search(r"^  export KUBECONFIG=(\S+)$", up.stdout, re.M)
        assert export and Path(export.group(1)).is_file(), up.stdout
        tries = re.findall(r"^  (kubectl py-.*?)(?:   # .*)?$", up.stdout, re.M)
        assert len(tries) >= 3, up.stdout
        demo_env = dict(env, KUBECONFIG=export.group(1))
        for command in tries:
            proc = run_step(command, demo_env, tmp_path)
            assert proc.returncode == exit_code_on_the_demo(command) and proc.stdout.strip(), (
                f"$ {command}\n{proc.stdout}"
            )
            assert "Traceback" not in proc.stdout, proc.stdout
    finally:
        down = subprocess.run(["scripts/demo.sh", "down"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert down.returncode == 0, down.stderr


WATCH_CHANGES = [  # what the README's watch transcripts show happening, in order: (context, kubectl arguments)
    ("kpy-a", ["create", "configmap", "prices", "--from-literal=eur=1"]),
    ("kpy-b", ["create", "configmap", "prices", "--from-literal=eur=1"]),
    ("kpy-a", ["patch", "configmap", "prices", "--type=merge", "-p", '{"data":{"usd":"1"}}']),
    ("kpy-b", ["delete", "configmap", "prices"]),
]


@pytest.mark.parametrize("command", [k for k, v in OWN_TEST.items() if v == "test_watch_transcripts"])
def test_watch_transcripts(command, cluster, kubectl):
    """The watch transcripts: the changes above made while the command runs, each waited for, then Ctrl-C."""
    block = next(b for b in BLOCKS if first_line(b) == command)
    step = transcript(block.text)[0]
    expected = step.expected.splitlines()
    assert expected[-1] == "^C"
    expected = expected[:-1]
    ns = "shop-watch"
    for context in ("kpy-a", "kpy-b"):
        kubectl(["delete", "namespace", ns, "--wait=true"], context=context)
        assert kubectl(["create", "namespace", ns], context=context).returncode == 0
    time.sleep(3)  # kube-root-ca.crt is made by a controller: let it arrive before the watch starts
    proc = popen_interruptible(
        ["bash", "-c", "exec " + step.command],
        env=plugin_env(cluster),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    arriving = queue.Queue()
    reader = threading.Thread(target=lambda: [*map(arriving.put, proc.stdout), arriving.put(None)], daemon=True)
    reader.start()
    lines = []
    try:
        before = len(expected) - len(WATCH_CHANGES)
        _read_lines(arriving, lines, before)
        if before == 0:
            time.sleep(3)  # --watch-only: the list is read, and not printed, meanwhile
        for context, args in WATCH_CHANGES:
            done = kubectl([*args, "-n", ns], context=context)
            assert done.returncode == 0, done.stderr
            _read_lines(arriving, lines, len(lines) + 1)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        reader.join(timeout=10)
        while not arriving.empty():
            line = arriving.get()
            if line is not None:
                lines.append(line.rstrip("\n"))
    finally:
        if proc.poll() is None:
            proc.kill()
        for context in ("kpy-a", "kpy-b"):
            kubectl(["delete", "namespace", ns, "--wait=false"], context=context)
    assert matches("".join(e + "\n" for e in expected), "".join(line + "\n" for line in lines)), "\n".join(lines)


def _read_lines(arriving, lines, count, timeout=60):
    """Take lines from the reader thread's queue until there are `count`; a line that does not come fails."""
    while len(lines) < count:
        try:
            line = arriving.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"waited {timeout} s for line {count}; got {lines}")
        assert line is not None, f"the watch ended early; got {lines}"
        lines.append(line.rstrip("\n"))


# -- the last test: its namespace would count in the whole-cluster examples above --------------------------


@pytest.fixture(scope="module")
def payments(cluster, kubectl, quiet):
    """Namespace payments of the README's triage transcripts: a pod that cannot pull its image, one in
    CrashLoopBackOff (kwok runs both; their status is then made to fail), a rollout a ResourceQuota blocks, a
    claim of a StorageClass that does not exist and a Service selecting nothing (the controllers fail for real)."""
    ns = "payments"
    kubectl(["delete", "namespace", ns, "--wait=true", "--ignore-not-found"], context="kpy-a")
    ok(kubectl(["create", "namespace", ns], context="kpy-a"))
    try:
        wait_for(
            "default ServiceAccount",
            lambda: kubectl(["get", "sa", "default", "-n", ns], context="kpy-a").returncode == 0,
        )
        apply(kubectl, ns, pod("fraud-check"), pod("ledger-0", {"app": "ledger"}))
        wait_for(
            "pods running",
            lambda: all(
                p["status"].get("phase") == "Running" for p in oracle(kubectl, "get", "pods", "-n", ns)["items"]
            ),
        )
        image = 'Back-off pulling image "ghcr.io/example/fraud-check:0.9.0"'
        patch_status(
            kubectl,
            ns,
            "pod",
            "fraud-check",
            waiting_status("app", "Pending", {"reason": "ImagePullBackOff", "message": image}),
        )
        crash = {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=app"}
        patch_status(kubectl, ns, "pod", "ledger-0", waiting_status("app", "Running", crash, last_exit=2, restarts=6))
        quota = {"hard": {"pods": "1"}, "scopes": ["BestEffort"]}
        apply(
            kubectl,
            ns,
            {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "best-effort"}, "spec": quota},
        )
        wait_for(
            "quota counted",
            lambda: (oracle(kubectl, "get", "quota", "best-effort", "-n", ns).get("status") or {}).get("used"),
        )
        claim = {
            "storageClassName": "fast-ssd",
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
        }
        apply(
            kubectl,
            ns,
            deployment("checkout", 3, best_effort=True),
            {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "ledger-data"}, "spec": claim},
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "payments-api"},
                "spec": {"selector": {"app": "payments-api"}, "ports": [{"port": 80}]},
            },
        )
        reasons = ("FailedCreate", "ProvisioningFailed")
        wait_for(
            "the quota's and the provisioner's Warning events",
            lambda: set(reasons) <= {e["reason"] for e in oracle(kubectl, "get", "events", "-n", ns)["items"]},
        )
        wait_for(
            "the blocked rollout",
            lambda: any(
                c["type"] == "ReplicaFailure"
                for c in oracle(kubectl, "get", "deploy", "checkout", "-n", ns)["status"].get("conditions", [])
            ),
        )
        yield ns
    finally:
        kubectl(["delete", "namespace", ns, "--wait=false"], context="kpy-a")


def test_triage_transcripts(cluster, payments, scratch):
    for block in (b for b in BLOCKS if OWN_TEST.get(first_line(b)) == "test_triage_transcripts"):
        run_transcript(block, plugin_env(cluster), scratch)
