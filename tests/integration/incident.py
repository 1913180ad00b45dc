"""Objects and steps for seeding incidents on the test cluster A (py-triage's tests and the README's triage
transcripts): pods kwok runs, then made to fail through the status subresource where kwok will not fail."""

import json
import time
from datetime import datetime, timedelta, timezone

KWOK = {"key": "kwok.x-k8s.io/node", "operator": "Exists"}


def ok(proc):
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def oracle(kubectl, *args):
    return json.loads(ok(kubectl([*args, "-o", "json"], context="kpy-a")))


def now(delta_minutes: float = 0, micro: bool = False) -> str:
    when = datetime.now(timezone.utc) + timedelta(minutes=delta_minutes)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def eventually(check, attempts: int = 3):
    """``check()`` (which asserts) until it passes: our read and kubectl's are a moment apart, and controllers
    and other tests keep writing (a scheduler message, a pod on a shared node)."""
    for attempt in range(attempts):
        try:
            return check()
        except AssertionError:
            if attempt == attempts - 1:
                raise
            time.sleep(2)


def wait_for(what: str, check, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def pod(name: str, labels=None, **spec) -> dict:
    container = {
        "name": "app",
        "image": "registry.k8s.io/pause:3.10",
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
    }  # not BestEffort: the quota ignores it
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": name}},
        "spec": {"containers": [container], "tolerations": [KWOK], **spec},
    }


def deployment(name: str, replicas: int, best_effort: bool = False) -> dict:
    template = pod(name)
    if best_effort:
        template["spec"]["containers"][0].pop("resources")
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": template["metadata"], "spec": template["spec"]},
        },
    }


def apply(kubectl, ns, *objects):
    ok(
        kubectl(
            ["apply", "-n", ns, "-f", "-"],
            context="kpy-a",
            input=json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objects)}),
        )
    )


def patch_status(kubectl, ns, kind, name, status):
    ok(
        kubectl(
            [
                "patch",
                kind,
                name,
                "-n",
                ns,
                "--subresource=status",
                "--type=merge",
                "-p",
                json.dumps({"status": status}),
            ],
            context="kpy-a",
        )
    )


def waiting_status(container: str, phase: str, waiting: dict, last_exit=None, restarts=0) -> dict:
    last = (
        {"terminated": {"exitCode": last_exit, "reason": "Error", "startedAt": now(-3), "finishedAt": now(-2)}}
        if last_exit is not None
        else {}
    )
    return {
        "phase": phase,
        "conditions": [
            {
                "type": "Ready",
                "status": "False",
                "reason": "ContainersNotReady",
                "message": f"containers with unready status: [{container}]",
                "lastTransitionTime": now(-4),
            },
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": now(-5)},
        ],
        "containerStatuses": [
            {
                "name": container,
                "image": "registry.k8s.io/pause:3.10",
                "imageID": "",
                "ready": False,
                "started": False,
                "restartCount": restarts,
                "state": {"waiting": waiting},
                "lastState": last,
            }
        ],
    }
