#!/usr/bin/env python3
"""Start-up of the plugins as users get them, side by side: wall time (median of N runs) and peak RSS.

    python3 benchmarks/bench_startup.py [--runs 10] [--kubeconfig FILE] [--context NAME] [--namespace demo]

Rows:
  zipapp, first run     the release archive's zipapp (krew), unpacking itself into an empty SHIV_ROOT every run
  zipapp, later runs    the same with its unpacked copy (and the bytecode its first run wrote) in place
  pip install           the console scripts of a plain `pip install` into a fresh virtualenv (built once, cached
                        under ~/.cache/kubectl-py/bench/)
  kubectl               kubectl itself (`kubectl get --help`, `kubectl get pods -n NS -o name`)
  completion helper     kubectl_complete-py_describe of the pip install: `-o ""` (no cluster), `--context ""`
                        (kubeconfig only) and `-n NS svc ""` (one metadata-only list)
Columns: `--help`, and one query (`py-query pods -n NS -o name`), against the cluster of the kubeconfig (by default
the shared development cluster, /work/devcluster/kubeconfig, or $KUBECONFIG). The release archive is built (or
reused) with scripts/build_release.py. Every variant reads the same warm discovery cache.
"""

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_release  # noqa: E402

DEV_KUBECONFIG = "/work/devcluster/kubeconfig"
KUBECTL = Path.home() / ".cache" / "kubectl-py" / "bin" / "v1.37.2" / "kubectl"


def _rss_wrapper():
    """How to read a child's own peak RSS. os.wait4() from this (bigger) Python process would count the memory the
    child had before exec; GNU time (Linux) or BSD time -l (macOS) fork from a tiny process instead."""
    time_bin = "/usr/bin/time"
    if os.path.exists(time_bin):
        probe = subprocess.run(
            [time_bin, "-f", "%M", "true"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        if probe.returncode == 0 and probe.stderr.strip().isdigit():
            return "gnu"
        if sys.platform == "darwin":
            return "bsd"
    return "wait4"


RSS = _rss_wrapper()


def run_once(argv, env):
    """(seconds, peak RSS MB, stdout) of one run."""
    argv = [str(a) for a in argv]
    with tempfile.NamedTemporaryFile("r") as report:
        if RSS == "gnu":
            argv = ["/usr/bin/time", "-f", "%M", "-o", report.name] + argv
        elif RSS == "bsd":
            argv = ["/usr/bin/time", "-l", "-o", report.name] + argv
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate()
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
        text = report.read()
    if RSS == "gnu":
        rss_mb = int(text.split()[-1]) / 1024
    elif RSS == "bsd":
        rss_mb = int(next(line for line in text.splitlines() if "maximum resident" in line).split()[0]) / 2**20
    else:
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # an upper bound
    return elapsed, rss_mb, out.decode()


def series(argv, env, runs, fresh=None):
    """Median seconds, max peak RSS, last stdout over ``runs`` runs; ``fresh()`` -> extra env for each run."""
    times, rss, out = [], [], ""
    for _ in range(runs):
        environ = dict(env, **(fresh() if fresh else {}))
        seconds, peak, out = run_once(argv, environ)
        times.append(seconds)
        rss.append(peak)
    return statistics.median(times), max(rss), out


def pip_install(cache: Path) -> Path:
    """A plain (non-editable) pip install of this checkout in a cached virtualenv; its bin folder."""
    digest = hashlib.sha256(build_release.inputs_digest().encode()).hexdigest()[:12]
    venv = cache / f"venv-{digest}"
    if not (venv / ".ready").exists():
        shutil.rmtree(venv, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            source = build_release.copy_source(Path(tmp) / "src")
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [
                    str(venv / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    str(source),
                ],
                check=True,
            )
        (venv / ".ready").write_text("")
    return venv / "bin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG") or DEV_KUBECONFIG)
    parser.add_argument("--context", default=None)
    parser.add_argument("--namespace", "-n", default="demo")
    parser.add_argument("--kubectl", default=str(KUBECTL) if KUBECTL.exists() else shutil.which("kubectl"))
    args = parser.parse_args()

    release = build_release.build(reuse=True)
    cache = Path(os.environ.get("KUBECTL_PY_CACHE") or Path.home() / ".cache" / "kubectl-py") / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    print(f"building/reusing the pip install under {cache} ...", file=sys.stderr)
    pip_bin = pip_install(cache)

    with tempfile.TemporaryDirectory(prefix="kubectl-py-bench-") as tmp:
        tmp = Path(tmp)
        with tarfile.open(release.archive) as tar:
            tar.extractall(tmp / "archive")
        zipapp = tmp / "archive" / "py-query" / build_release.ZIPAPP_NAME
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "SHIV_ROOT")}
        env.update(KUBECONFIG=args.kubeconfig, KUBECTL_PY_CACHE_DIR=str(tmp / "cache"))
        context = ["--context", args.context] if args.context else []
        query = ["pods", "-n", args.namespace, "-o", "name", *context]
        counter = iter(range(10**6))

        def fresh_root():
            return {"SHIV_ROOT": str(tmp / f"shiv-{next(counter)}")}

        warm = {"SHIV_ROOT": str(tmp / "shiv-warm")}
        # warm the discovery cache and the unpacked copy once
        run_once([pip_bin / "kubectl-py_query", *query], env)
        run_once([zipapp, *query], dict(env, **warm))
        n = args.runs
        rows = []

        def row(name, help_argv, query_argv, environ, fresh=None):
            h = series(help_argv, environ, n, fresh) if help_argv else None
            q = series(query_argv, environ, n, fresh) if query_argv else None
            rows.append((name, h, q))
            return q[2] if q else ""

        outputs = {
            "zipapp": row("zipapp, first run (unpack)", [zipapp, "--help"], [zipapp, *query], env, fresh_root),
        }
        outputs["zipapp later"] = row("zipapp, later runs", [zipapp, "--help"], [zipapp, *query], dict(env, **warm))
        outputs["pip"] = row(
            "pip install (console script)",
            [pip_bin / "kubectl-py_query", "--help"],
            [pip_bin / "kubectl-py_query", *query],
            env,
        )
        kubectl_query = [args.kubectl, "get", *query]
        outputs["kubectl"] = row("kubectl get", [args.kubectl, "get", "--help"], kubectl_query, env)
        helper = pip_bin / "kubectl_complete-py_describe"
        completions = [
            ('completion -o ""', [helper, "-o", ""]),
            ('completion --context ""', [helper, "--context", ""]),
            (f'completion -n {args.namespace} svc ""', [helper, "-n", args.namespace, "svc", "", *context]),
        ]
        for name, argv in completions:
            rows.append((name, None, series(argv, env, n)))

    names_seen = {k: sorted(v.split()) for k, v in outputs.items()}
    same = len({tuple(v) for v in names_seen.values()}) == 1
    python = subprocess.run(["python3", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    print(
        f"\n{n} runs each; {python} (zipapps: /usr/bin/env python3); "
        f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"
    )
    size = release.archive.stat().st_size
    print(f"archive {release.archive.name}: {size / 1e6:.1f} MB, zipapp {zipapp_size(release):.1f} MB each")
    print(f"query: py-query {' '.join(query)}  (outputs identical across variants: {same})\n")
    header = f"{'':34} {'--help':>9} {'peak RSS':>9}   {'query':>9} {'peak RSS':>9}"
    print(header)
    print("-" * len(header))
    for name, h, q in rows:
        cells = []
        for value in (h, q):
            cells.append(f"{value[0]:8.3f}s {value[1]:7.1f}MB" if value else f"{'':>9} {'':>9}")
        print(f"{name:34} {cells[0]}   {cells[1]}")
    return 0 if same else 1


def zipapp_size(release) -> float:
    with tarfile.open(release.archive) as tar:
        member = tar.getmember(f"py-query/{build_release.ZIPAPP_NAME}")
        return member.size / 1e6


if __name__ == "__main__":
    sys.exit(main())
