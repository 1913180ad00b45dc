#!/usr/bin/env bash
# Try the plugins on a local cluster, no cluster of your own needed: builds (cached) and starts two real
# control planes on loopback with fake kwok nodes, seeds them, and prints how to point kubectl at them.
#   scripts/demo.sh        start (or reuse) and seed
#   scripts/demo.sh down   stop it
set -euo pipefail
cd "$(dirname "$0")/.."
state="${KUBECTL_PY_CACHE:-$HOME/.cache/kubectl-py}/run/demo"

if [[ "${1:-}" == "down" ]]; then
  exec python3 tests/cluster/controlplane.py down --dir "$state"
fi

tests/cluster/build.sh >/dev/null
if [[ ! -f "$state/state.json" ]]; then
  python3 tests/cluster/controlplane.py up --clusters 2 --dir "$state" >/dev/null
fi
kubeconfig="$state/kubeconfig"
python3 tests/cluster/seed.py --kubeconfig "$kubeconfig" --context kpy-a --profile a
python3 tests/cluster/seed.py --kubeconfig "$kubeconfig" --context kpy-b --profile b
cat <<EOT

The demo clusters are up. Point kubectl and the plugins at them:

  export KUBECONFIG=$kubeconfig
  kubectl py-nodeports --context kpy-a,kpy-b
  kubectl py-describe node kwok-node-1 -o jsonpath='{.allocatedResources.cpu.requestsPercent}'
  kubectl py-query pods -A --context kpy-a,kpy-b --count
  kubectl py-diff deploy,cm,secret -n diff-demo --context kpy-a,kpy-b   # drift, made on purpose
  kubectl py-triage nodes --context kpy-a,kpy-b   # a cordoned, a tainted and a NotReady node
  kubectl py-query pods -A --all-contexts --count   # also shows how failing contexts are reported

Stop them with: scripts/demo.sh down
EOT
