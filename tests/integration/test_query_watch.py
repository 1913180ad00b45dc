"""`kubectl py-query TYPE -w` against real servers: the list, then every change of two contexts as it
happens, kubectl's output shapes (the built kubectl's `get -w` is the oracle), Ctrl-C, and what a watch
meets in the long run: expiries (410) and a context that goes down and comes back.

The plugin runs as users run it (`kubectl py-query ...` through kubectl's plugin dispatch); its stdout is
read line by line with deadlines; changes are made with the oracle kubectl; it is ended with SIGINT.
Deadlines bound waits generously and assert no latency: benchmarks/bench_watch.py measures how fast lines come.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from harness import plugin_env, popen_interruptible

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cluster"))
import controlplane  # noqa: E402
import kubeapi  # noqa: E402
import procs  # noqa: E402

ARRIVAL = 30  # seconds a change's line may take to arrive: a bound on waiting, not a latency target


class Stream:
    """A running process whose stdout and stderr are read line by line, each line with its arrival time."""

    def __init__(self, argv, env):
        self.proc = popen_interruptible(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines, self.err = queue.Queue(), []  # err: (time, line) of stderr, in order
        self.seen = []  # (time, line) of stdout, in order
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines), daemon=True).start()
        self._errs = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self._errs), daemon=True).start()

    @staticmethod
    def _pump(pipe, into):
        for line in pipe:
            into.put((time.monotonic(), line.rstrip("\n")))
        into.put(None)

    def next(self, timeout: float):
        """(arrival time, line) of the next stdout line; fails after `timeout` seconds."""
        try:
            item = self.lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no line within {timeout} s; so far: {self.seen}; stderr: {self.stderr()}")
        if item is None:
            pytest.fail(f"the plugin ended (rc {self.proc.poll()}); stderr: {self.stderr()}")
        self.seen.append(item)
        return item

    def until(self, predicate, timeout: float):
        """The first stdout line satisfying `predicate` (earlier ones are kept in `seen`)."""
        deadline = time.monotonic() + timeout
        while True:
            at, line = self.next(max(0.01, deadline - time.monotonic()))
            if predicate(line):
                return at, line

    def stderr(self) -> str:
        while True:
            try:
                item = self._errs.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                self.err.append(item)
        return "\n".join(line for _, line in self.err)

    def stderr_arrival(self, text: str) -> float:
        """Arrival time of the first stderr line containing `text` (which must have come)."""
        self.stderr()
        return next(at for at, line in self.err if text in line)

    def wait_stderr(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.stderr():
                return self.stderr()
            time.sleep(0.1)
        pytest.fail(f"stderr never said {text!r}: {self.stderr()}")

    def interrupt(self):
        """SIGINT, as Ctrl-C; returns (exit code, remaining stdout lines)."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=15)
        rest = []
        while True:
            item = self.lines.get(timeout=5)
            if item is None:
                break
            rest.append(item[1])
        self.seen += [(None, line) for line in rest]
        return code, rest

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def watching(cluster):
    started = []

    def start(*args, kubeconfig=None):
        env = plugin_env(cluster, **({"KUBECONFIG": kubeconfig} if kubeconfig else {}))
        stream = Stream([cluster.kubectl, "py-query", *args], env)
        started.append(stream)
        return stream

    yield start
    for stream in started:
        stream.kill()


@pytest.fixture
def both(namespace, kubectl):
    """The test's namespace, in cluster B too."""
    assert kubectl(["create", "namespace", namespace], context="kpy-b").returncode == 0
    yield namespace
    kubectl(["delete", "namespace", namespace, "--wait=false"], context="kpy-b")


def change(kubectl, args, context):
    """A change made with the oracle kubectl, which must succeed."""
    proc = kubectl(args, context=context)
    assert proc.returncode == 0, proc.stderr


def ended_cleanly(stream):
    code, _ = stream.interrupt()
    assert code == 130, stream.stderr()
    assert "Traceback" not in stream.stderr()


def oracle_configmap(kubectl, context, namespace, name):
    proc = kubectl(["get", "configmap", name, "-n", namespace, "-o", "json"], context=context)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_changes_in_two_contexts_arrive_each_once(watching, both, kubectl):
    ns = both
    for context in ("kpy-a", "kpy-b"):
        change(kubectl, ["create", "configmap", "first", "-n", ns, "--from-literal=k=v"], context)
    w = watching("configmap", "-n", ns, "-w", "--output-watch-events", "--context", "kpy-a,kpy-b")
    at, header = w.next(30)
    assert header.split() == ["CONTEXT", "EVENT", "NAME", "DATA", "AGE"]
    initial = set()
    while len(initial) < 2:
        _, line = w.until(lambda line: line.split()[2] == "first", 30)
        initial.add(line.split()[0])
    assert initial == {"kpy-a", "kpy-b"}

    def expect(context, event, name, args):
        change(kubectl, args, context)
        _, line = w.until(lambda line: line.split()[:3] == [context, event, name], ARRIVAL)
        return line.split()

    for context in ("kpy-a", "kpy-b"):
        cells = expect(context, "ADDED", "web", ["create", "configmap", "web", "-n", ns, "--from-literal=a=1"])
        assert cells[3] == str(len(oracle_configmap(kubectl, context, ns, "web")["data"]))
        cells = expect(context, "MODIFIED", "web", ["patch", "configmap", "web", "-n", ns, "-p", '{"data":{"b":"2"}}'])
        assert cells[3] == str(len(oracle_configmap(kubectl, context, ns, "web")["data"])) == "2"
        expect(context, "DELETED", "web", ["delete", "configmap", "web", "-n", ns])
    ended_cleanly(w)
    changes = [line for _, line in w.seen if line.split()[2:3] == ["web"]]
    assert [line.split()[:2] for line in changes] == [
        [c, e] for c in ("kpy-a", "kpy-b") for e in ("ADDED", "MODIFIED", "DELETED")
    ]


def test_table_lines_are_kubectl_get_w_lines(watching, namespace, kubectl, cluster):
    """One context: the same lines as the built kubectl's `get -w --output-watch-events` (ages aside)."""
    ns = namespace
    change(kubectl, ["create", "configmap", "a", "-n", ns, "--from-literal=x=y"], "kpy-a")
    ours = watching("configmap", "-n", ns, "-w", "--output-watch-events")
    theirs = Stream([cluster.kubectl, "get", "configmap", "-n", ns, "-w", "--output-watch-events"], cluster.env)
    try:
        for stream in (ours, theirs):
            stream.until(lambda line: line.split()[1:2] == ["a"], 30)
        change(
            kubectl, ["create", "configmap", "a-much-longer-name-than-before", "-n", ns, "--from-literal=x=y"], "kpy-a"
        )
        change(kubectl, ["label", "configmap", "a", "-n", ns, "team=web"], "kpy-a")
        change(kubectl, ["delete", "configmap", "a", "-n", ns], "kpy-a")
        for stream in (ours, theirs):
            stream.until(lambda line: line.startswith("DELETED") and line.split()[1] == "a", ARRIVAL)
        ended_cleanly(ours)
    finally:
        theirs.kill()

    def shape(stream):  # the last column (AGE) is the only one that may differ: it is not padded
        return [line.rsplit(" ", 1)[0] for _, line in stream.seen if "kube-root-ca.crt" not in line]

    assert shape(ours) == shape(theirs)


def test_json_documents_one_per_change(watching, namespace, kubectl):
    ns = namespace
    w = watching("configmap", "-n", ns, "-w", "-o", "json", "--output-watch-events")
    change(kubectl, ["create", "configmap", "doc", "-n", ns, "--from-literal=a=1"], "kpy-a")
    docs, text = [], ""
    decoder = json.JSONDecoder()
    while not any(d["type"] == "ADDED" and d["object"]["metadata"]["name"] == "doc" for d in docs):
        text += w.next(30)[1] + "\n"
        try:
            doc, end = decoder.raw_decode(text.lstrip())
        except ValueError:
            continue
        docs.append(doc)
        text = ""
    oracle = oracle_configmap(kubectl, "kpy-a", ns, "doc")
    added = docs[-1]["object"]
    assert added.pop("context") == "kpy-a"
    assert added == oracle
    change(kubectl, ["delete", "configmap", "doc", "-n", ns], "kpy-a")
    w.until(lambda line: line == '    "type": "DELETED"', ARRIVAL)
    ended_cleanly(w)


def test_watch_only_prints_changes_not_the_list(watching, namespace, kubectl):
    ns = namespace
    change(kubectl, ["create", "configmap", "old", "-n", ns, "--from-literal=a=1"], "kpy-a")
    w = watching("configmap", "-n", ns, "--watch-only", "-o", "name", "--context", "kpy-a,kpy-b")
    time.sleep(3)  # the list is read (and not printed) meanwhile
    change(kubectl, ["label", "configmap", "old", "-n", ns, "seen=yes"], "kpy-a")
    change(kubectl, ["create", "configmap", "new", "-n", ns, "--from-literal=a=1"], "kpy-a")
    w.until(lambda line: line == "kpy-a\tconfigmap/new", ARRIVAL)
    ended_cleanly(w)
    assert [line for _, line in w.seen] == ["kpy-a\tconfigmap/old", "kpy-a\tconfigmap/new"]


def test_bad_flags_are_one_line_errors(cluster):
    from harness import kubectl_plugin

    for args, message in (
        (
            ["pods", "--output-watch-events"],
            "error: --output-watch-events option can only be used with --watch or --watch-only",
        ),
        (["pods,svc", "-w"], "error: you may only specify a single resource type"),
    ):
        run = kubectl_plugin(cluster, "py-query", *args)
        assert (run.code, run.err.strip()) == (1, message)


# -- a control plane of our own, to expire watches and to stop and start its apiserver -------------------


@pytest.fixture(scope="module")
def lone(cluster):
    """One cluster (context j2w-a) whose watches go straight to etcd (no watch cache, hence no bookmarks)
    and whose etcd history is compacted every 2 s: a watch resumed from a version a few seconds old is
    refused with 410 Expired, as any watch is after a long enough quiet time."""
    state_dir = os.path.join(controlplane.RUN_DIR, f"pytest-watch-{os.getpid()}")
    cp = controlplane.ControlPlane.start(
        1,
        state_dir,
        cluster.bin_dir,
        die_with_parent=True,
        context_prefix="j2w",
        apiserver_flags=["--watch-cache=false", "--etcd-compaction-interval=2s", "--min-request-timeout=5"],
    )
    try:
        yield cp
    finally:
        cp.stop()


def lone_kubectl(cp, *args):
    proc = subprocess.run(
        [cp.kubectl, "--context", "j2w-a", *args], capture_output=True, text=True, env=cp.env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return time.monotonic()


def test_expired_watches_lose_and_repeat_nothing(lone, watching):
    ns = f"exp-{uuid.uuid4().hex[:6]}"
    lone_kubectl(lone, "create", "namespace", ns)
    # --request-timeout=2s: each watch lasts 2 s and is then resumed from the last version it saw
    w = watching(
        "configmap",
        "-n",
        ns,
        "-w",
        "--output-watch-events",
        "-o",
        "name",
        "--request-timeout=2s",
        kubeconfig=lone.kubeconfig,
    )
    expiry = 'expired (410 Gone); listed again from a fresh resourceVersion (context "j2w-a")'
    made = []
    for i in range(4):
        lone_kubectl(lone, "create", "configmap", f"c{i}", "-n", ns, "--from-literal=a=1")
        made.append(f"configmap/c{i}")
        w.until(lambda line: line == f"configmap/c{i}", ARRIVAL)
        # other writes move etcd's revision on until the watch's version is compacted away and it expires
        expired = w.stderr().count(expiry)
        deadline = time.monotonic() + 30
        while w.stderr().count(expiry) == expired:
            assert time.monotonic() < deadline, f"no expiry within 30 s: {w.stderr()}"
            lone_kubectl(lone, "create", "configmap", "noise", "-n", "default", "--from-literal=a=1")
            lone_kubectl(lone, "delete", "configmap", "noise", "-n", "default")
            time.sleep(0.3)
        if i % 2:
            lone_kubectl(lone, "delete", "configmap", f"c{i}", "-n", ns)
            made.append(f"configmap/c{i}")  # -o name: a deletion prints the name again
    time.sleep(3)  # a line printed twice would come now
    ended_cleanly(w)
    names = [line for _, line in w.seen if line != "configmap/kube-root-ca.crt"]
    assert names == made, w.stderr()


def noise_until_compacted(cp, seconds=6.0):
    """Writes elsewhere for `seconds`: etcd's history before them is compacted (every 2 s) meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lone_kubectl(cp, "create", "configmap", "noise", "-n", "default", "--from-literal=a=1")
        lone_kubectl(cp, "delete", "configmap", "noise", "-n", "default")
        time.sleep(0.3)


def test_changes_missed_by_an_expired_watch_come_as_synthetic_events(lone, watching):
    """The plugin is paused (SIGSTOP) while its watch ends, objects change and their history is compacted:
    when it runs again its watch has expired, and the re-list's differences with what it printed are
    printed as kubectl's reflector would deliver them, each once."""
    ns = f"gap-{uuid.uuid4().hex[:6]}"
    lone_kubectl(lone, "create", "namespace", ns)
    for name in ("keep", "change", "remove"):
        lone_kubectl(lone, "create", "configmap", name, "-n", ns, "--from-literal=a=1")
    w = watching(
        "configmap", "-n", ns, "-w", "--output-watch-events", "--request-timeout=2s", kubeconfig=lone.kubeconfig
    )
    w.until(lambda line: line.split()[:2] == ["ADDED", "remove"], 30)
    time.sleep(0.5)
    w.proc.send_signal(signal.SIGSTOP)
    try:
        time.sleep(2.5)  # the server ends the paused plugin's watch
        lone_kubectl(lone, "patch", "configmap", "change", "-n", ns, "-p", '{"data":{"b":"2"}}')
        lone_kubectl(lone, "delete", "configmap", "remove", "-n", ns)
        lone_kubectl(lone, "create", "configmap", "new", "-n", ns, "--from-literal=a=1")
        noise_until_compacted(lone)
    finally:
        w.proc.send_signal(signal.SIGCONT)
    w.wait_stderr('expired (410 Gone); listed again from a fresh resourceVersion (context "j2w-a")', ARRIVAL)
    w.until(lambda line: line.split()[:2] == ["ADDED", "new"], ARRIVAL)
    time.sleep(2)
    ended_cleanly(w)
    after = [line.split()[:3] for _, line in w.seen if line.split()[1] in ("keep", "change", "remove", "new")]
    assert after[3:] == [["DELETED", "remove", "1"], ["MODIFIED", "change", "2"], ["ADDED", "new", "1"]], w.seen
    assert sorted(row[1] for row in after[:3]) == ["change", "keep", "remove"]


def test_a_context_that_goes_down_and_comes_back(lone, watching):
    ns = f"down-{uuid.uuid4().hex[:6]}"
    lone_kubectl(lone, "create", "namespace", ns)
    lone_kubectl(lone, "create", "configmap", "before", "-n", ns, "--from-literal=a=1")
    w = watching("configmap", "-n", ns, "-w", "--output-watch-events", kubeconfig=lone.kubeconfig)
    w.until(lambda line: line.split()[1:2] == ["before"], 30)

    record = next(p for p in lone.processes if p["name"] == "kube-apiserver-a")
    with open(f"/proc/{record['pid']}/cmdline", "rb") as f:
        argv = [part.decode() for part in f.read().split(b"\0") if part]
    procs.stop_all([record], timeout=2)  # SIGTERM, then SIGKILL: an apiserver draining its watches takes long
    w.wait_stderr('(context "j2w-a"); listing and watching again when it answers', 30)

    fresh = procs.spawn(record["name"], argv, record["log"], record["tier"], die_with_parent=True)
    lone.processes[lone.processes.index(record)] = fresh
    lone._save()
    client = lone.client("j2w-a")
    kubeapi.wait_for("kube-apiserver-a back", lambda: client.request("GET", "/readyz")[0] == 200, 60, 0.2)
    client.close()
    lone_kubectl(lone, "create", "configmap", "after", "-n", ns, "--from-literal=a=1")
    w.until(lambda line: line.split()[1:2] == ["after"], 30)
    w.wait_stderr('warning: watching configmaps again (context "j2w-a")', ARRIVAL)
    ended_cleanly(w)
    rows = [line.split()[:2] for _, line in w.seen[1:] if "kube-root-ca.crt" not in line]
    assert rows == [["ADDED", "before"], ["ADDED", "after"]], w.stderr()
    assert w.stderr().count('(context "j2w-a")') >= 2


def test_a_hung_context_holds_back_neither_the_list_nor_the_changes_of_others(
    watching, namespace, kubectl, cluster, tmp_path
):
    """A server that accepts connections and never answers, beside kpy-a: kpy-a's list is printed before the
    hung context is given up on (the HTTP layer's 15 s idle limit), its changes still arrive, and its watch
    survives a quiet time longer than that idle limit (watches have their own rule)."""
    import faults

    ns = namespace
    change(kubectl, ["create", "configmap", "here", "-n", ns, "--from-literal=a=1"], "kpy-a")
    with faults.HungServer() as hung:
        path = faults.kubeconfig_with(cluster.kubeconfig, str(tmp_path / "kubeconfig"), {"hung": hung.url})
        started = time.monotonic()
        w = watching("configmap", "-n", ns, "-w", "--context", "kpy-a,hung", kubeconfig=path)
        listed, _ = w.until(lambda line: line.split()[:2] == ["kpy-a", "here"], 30)
        given_up = '(context "hung"); listing and watching again when it answers'
        w.wait_stderr(given_up, 30)
        # an order, not a latency: kpy-a's table did not wait for the hung context to be given up on
        assert listed < w.stderr_arrival(given_up), "the first table waited for the hung context"
        time.sleep(max(0.0, started + 17 - time.monotonic()))  # quiet for longer than the 15 s idle limit
        change(kubectl, ["create", "configmap", "later", "-n", ns, "--from-literal=a=1"], "kpy-a")
        w.until(lambda line: line.split()[:2] == ["kpy-a", "later"], ARRIVAL)
        ended_cleanly(w)
    assert 'context "kpy-a"' not in w.stderr()
