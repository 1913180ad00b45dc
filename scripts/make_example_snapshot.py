#!/usr/bin/env python3
"""Write examples/snapshot.json: a small, realistic `kubectl get -o json` List taken from the seeded test
cluster, so that the plugins can be tried offline (`-f examples/snapshot.json`) on a machine with no cluster.

    python3 scripts/make_example_snapshot.py --kubeconfig K [--context kpy-a] [--kubectl PATH]

managedFields and last-applied annotations are dropped to keep it small; Secrets are not included.
"""

import argparse
import json
import os
import subprocess
from pathlib import Path

KINDS = (
    "nodes,services,endpointslices,pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,"
    "configmaps,persistentvolumeclaims,persistentvolumes,ingresses,horizontalpodautoscalers,"
    "namespaces,resourcequotas,limitranges,serviceaccounts,events"
)
NAMESPACES = {"", "demo", "shop"}  # cluster-scoped objects and the seeded namespaces
ROOT = Path(__file__).resolve().parent.parent


def slim(obj: dict) -> dict:
    meta = obj.get("metadata", {})
    meta.pop("managedFields", None)
    annotations = meta.get("annotations") or {}
    annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    if not annotations:
        meta.pop("annotations", None)
    return obj


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--context", default="kpy-a")
    parser.add_argument("--kubectl", default=os.path.expanduser("~/.cache/kubectl-py/bin/v1.37.2/kubectl"))
    parser.add_argument("--out", default=str(ROOT / "examples" / "snapshot.json"))
    args = parser.parse_args()
    out = subprocess.run(
        [args.kubectl, "--kubeconfig", args.kubeconfig, "--context", args.context, "get", KINDS, "-A", "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    items = [slim(o) for o in json.loads(out)["items"] if o.get("metadata", {}).get("namespace", "") in NAMESPACES]
    snapshot = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}
    Path(args.out).write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.out}: {len(items)} objects")


if __name__ == "__main__":
    main()
