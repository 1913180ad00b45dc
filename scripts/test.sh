#!/usr/bin/env bash
# Install what the tests need and run the whole suite: builds (cached) and starts the test control plane.
# Usage: scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${KUBECTL_PY_CACHE:-$HOME/.cache/kubectl-py}"
venv="$cache/venv-test"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e ".[test]"

# the control plane (kube-apiserver, controller-manager, scheduler, kubectl, etcd, kwok), cached
tests/cluster/build.sh >/dev/null
scripts/build_krew.sh >/dev/null  # krew and validate-krew-manifest, for the distribution tests, cached

export PATH="$venv/bin:$PATH"
# -rfEs lists failures, errors and skips at the end; a skip in CI fails the run (tests/conftest.py)
exec "$venv/bin/python" -m pytest -rfEs "$@"
