#!/usr/bin/env bash
# Build the test control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok)
# from Go modules into ~/.cache/kubectl-py/bin/<version>. A stamp file makes a second run a no-op.
# Usage: tests/cluster/build.sh            prints the bin directory on the last line of stdout
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
K8S_VERSION="v1.37.2"        # must match gomod/go.mod
KWOK_VERSION="v0.7.0"        # v0.7.0 has the default node/pod stages built in
cache="${KUBECTL_PY_CACHE:-$HOME/.cache/kubectl-py}"
bin="$cache/bin/$K8S_VERSION"
stamp="$bin/.stamp"
want="k8s=$K8S_VERSION kwok=$KWOK_VERSION gomod=$(sha256sum "$here/gomod/go.mod" | cut -c1-16)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "control plane binaries up to date in $bin (build took 0 s)" >&2
  echo "$bin"
  exit 0
fi

export GOMODCACHE="$cache/gomod" GOCACHE="$cache/gobuild" CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
mkdir -p "$bin"
start=$(date +%s)

minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

(
  cd "$here/gomod"
  go build -trimpath -ldflags "-s -w $flags" -o "$bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  go build -trimpath -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3
)
# kwok is built outside the wrapper module: `go install pkg@version` refuses a module with replace lines.
(cd "$cache" && GOBIN="$bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")

echo "$want" > "$stamp"
echo "built control plane $K8S_VERSION in $bin in $(( $(date +%s) - start )) s" >&2
echo "$bin"
