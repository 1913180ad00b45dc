#!/usr/bin/env bash
# Build krew and krew-index's manifest validator from the Go module proxy into
# ~/.cache/kubectl-py/bin/krew-<version>/ (krew, validate-krew-manifest). A stamp file makes a second run a no-op.
# Used by tests/integration/test_distribution.py and tests/unit/test_krew_manifests.py (real `krew install
# --manifest --archive`, `validate-krew-manifest -skip-install`).
# Usage: scripts/build_krew.sh            prints the bin directory on the last line of stdout
set -euo pipefail

KREW_VERSION="v0.4.3"        # the newest version the module proxy serves here (krew-index CI pins v0.4.5)
cache="${KUBECTL_PY_CACHE:-$HOME/.cache/kubectl-py}"
bin="$cache/bin/krew-$KREW_VERSION"
stamp="$bin/.stamp"
want="krew=$KREW_VERSION tools=krew,validate-krew-manifest"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$bin/krew" && -x "$bin/validate-krew-manifest" ]]; then
  echo "krew $KREW_VERSION up to date in $bin (build took 0 s)" >&2
  echo "$bin"
  exit 0
fi

# `go install pkg@version` outside any module: no go.mod around, and no GOFLAGS (e.g. -mod=vendor) leaking in.
export GOMODCACHE="$cache/gomod" GOCACHE="$cache/gobuild" CGO_ENABLED=0 GOFLAGS= GO111MODULE=on
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
mkdir -p "$bin"
start=$(date +%s)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  GOBIN="$bin" go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION" \
    "sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION"
)
echo "$want" > "$stamp"
echo "built krew $KREW_VERSION in $bin in $(( $(date +%s) - start )) s" >&2
echo "$bin"
