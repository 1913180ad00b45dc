"""Objects the describe tests make for themselves: created with the oracle kubectl, and events about
them (as a controller would record them), so both tools describe the same real objects."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone


def create(kubectl, objects: list, verb: str = "create") -> None:
    """``kubectl create -f -`` (or ``apply``) of ``objects`` as one List; fails the test on an error."""
    proc = kubectl([verb, "-f", "-"], input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    assert proc.returncode == 0, proc.stderr


def event_about(kubectl, obj: dict, reason: str, message: str, count: int = 1) -> tuple:
    """A Warning event about ``obj`` (read back from the cluster, so it has its uid); returns
    ``(namespace, name)``. Events about cluster-scoped objects live in namespace default."""
    md = obj["metadata"]
    namespace = md.get("namespace") or "default"
    name = f"kpy-{uuid.uuid4().hex[:10]}"
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    involved = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": md["name"], "uid": md["uid"]}
    if md.get("namespace"):
        involved["namespace"] = md["namespace"]
    create(
        kubectl,
        [
            {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": name, "namespace": namespace},
                "involvedObject": involved,
                "type": "Warning",
                "reason": reason,
                "message": message,
                "count": count,
                "firstTimestamp": now,
                "lastTimestamp": now,
                "source": {"component": "kpy-test"},
            }
        ],
    )
    return namespace, name
