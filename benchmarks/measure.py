"""Shared by the benchmark scripts: run commands, measure wall time and peak memory, check outputs, print tables.

Peak memory is the command's maximum resident set size as GNU time reports it (forked from GNU time's tiny
process, so none of this script's memory counts); for `kubectl py-...` that is the larger of kubectl (which execs
the plugin in the same process) and the plugin, for `sh -c 'a | b'` the largest process of the pipeline. Each command runs
`warmup` times unmeasured (bytecode caches, discovery caches, the server's own caches), then `repeat` times;
the median wall time is reported, with the median CPU time (user+sys) of the process, which the machine's
load disturbs less; the server's work is in the wall time only.

Subprocesses run with PYTHONDONTWRITEBYTECODE unset: users' pip installs have compiled bytecode.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.environ.get("KUBECTL_PY_CACHE", os.path.expanduser("~/.cache/kubectl-py"))
ORACLE_BIN = os.path.join(CACHE, "bin", "v1.37.2")  # the built kubectl v1.37.2
KUBECTL = os.path.join(ORACLE_BIN, "kubectl")
BENCH_VENV = os.path.join(CACHE, "venv-bench")  # non-editable install: the real figures
EDITABLE_VENV = os.environ.get("KUBECTL_PY_EDITABLE_VENV", "/work/venv")
KUBE_CACHE = os.path.join(CACHE, "bench-kube-cache")  # kubectl's discovery cache for the benchmarks
NOOP_BIN = os.path.join(CACHE, "bench-noop-bin")  # kubectl-bench_noop: /bin/true as a kubectl plugin


@dataclass
class Result:
    label: str
    seconds: float
    peak_mb: float
    runs: int
    ok: bool
    note: str = ""
    times: list = field(default_factory=list)
    cpu: float = 0.0  # median user+sys CPU seconds of the process (and its waited-for children)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def bench_env(venv: str = BENCH_VENV, **extra) -> dict:
    """Environment for measured commands: `venv`'s bin first on PATH (so kubectl finds its plugins there), then
    the oracle kubectl and `kubectl bench-noop` (kubectl's plugin dispatch of /bin/true, to show what the dispatch
    alone costs); bytecode writing allowed; kubectl's cache in KUBE_CACHE."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    os.makedirs(NOOP_BIN, exist_ok=True)
    if not os.path.lexists(os.path.join(NOOP_BIN, "kubectl-bench_noop")):
        os.symlink(shutil.which("true") or "/bin/true", os.path.join(NOOP_BIN, "kubectl-bench_noop"))
    env["PATH"] = os.pathsep.join([os.path.join(venv, "bin"), ORACLE_BIN, NOOP_BIN, env.get("PATH", "")])
    env["KUBECACHEDIR"] = KUBE_CACHE
    env.pop("KUBECONFIG", None)
    env.update(extra)
    return env


def install_bench_venv(quiet: bool = True) -> str:
    """(Re)install the checkout, non-editable, into BENCH_VENV so it matches the working tree; pip compiles the
    bytecode as it would for a user. Returns the venv path."""
    python = os.path.join(BENCH_VENV, "bin", "python")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", BENCH_VENV], check=True, env=env)
        subprocess.run([python, "-m", "pip", "install", "-q", REPO], check=True, env=env)
    else:  # the dependencies stay; the package itself follows the checkout
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", REPO], check=True, env=env
        )
    return BENCH_VENV


GNU_TIME = "/usr/bin/time"


def _gnu_time() -> bool:
    try:
        probe = subprocess.run(
            [GNU_TIME, "-f", "%M", "true"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError:
        return False
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


USE_GNU_TIME = _gnu_time()


def run_once(argv: list, env: dict | None = None, stdin=None, expect: int = 0) -> tuple:
    """(wall seconds, peak RSS in MB, exit code, CPU seconds) of one run; stdout is discarded, stderr kept (a file,
    so a chatty command cannot block on a full pipe) and shown when the exit code is not `expect`.

    The peak RSS is read by GNU time, which forks the command from its own tiny process: wait4() from this
    Python process would report at least this process's own size, since the child's memory before exec counts.
    Wall and CPU time (user+sys of the command and its waited-for children) come from wait4()."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        wrapped = [GNU_TIME, "-o", rss.name, "-f", "%M", *argv] if USE_GNU_TIME else argv
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=err, env=env, stdin=stdin)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = usage.ru_maxrss
        if USE_GNU_TIME:
            lines = rss.read().split()
            peak_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        if proc.returncode != expect:
            err.seek(0)
            text = err.read().decode(errors="replace")
            sys.stderr.write(f"  ! {' '.join(argv)[:160]} exited {proc.returncode}: {text.strip()[:400]}\n")
    return elapsed, peak_kb / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def measure(
    label: str, argv: list, repeat: int = 5, env: dict | None = None, warmup: int = 1, note: str = "", expect: int = 0
) -> Result:
    """`expect`: the exit code of a run that went as it should (a command that must report a failure)."""
    for _ in range(warmup):
        run_once(argv, env, expect=expect)
    runs = [run_once(argv, env, expect=expect) for _ in range(repeat)]
    result = Result(
        label,
        statistics.median(r[0] for r in runs),
        max(r[1] for r in runs),
        repeat,
        all(r[2] == expect for r in runs),
        note,
        [r[0] for r in runs],
        statistics.median(r[3] for r in runs),
    )
    sys.stderr.write(
        f"  {label}: {result.seconds:.3f} s, {result.peak_mb:.0f} MB, cpu {result.cpu:.3f} s "
        f"(runs {', '.join(f'{t:.3f}' for t in result.times)}; load {load()})\n"
    )
    return result


def total(label: str, parts: list, note: str = "") -> Result:
    """A row adding up commands run one after the other (e.g. kubectl once per context): summed medians, the
    largest peak."""
    return Result(
        label,
        sum(p.seconds for p in parts),
        max(p.peak_mb for p in parts),
        parts[0].runs,
        all(p.ok for p in parts),
        note,
        cpu=sum(p.cpu for p in parts),
    )


class OutputMismatch(AssertionError):
    pass


def output(argv: list, env: dict | None = None) -> str:
    """stdout of one run; a failing command is an error (we never benchmark a failing command)."""
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if proc.returncode != 0:
        raise OutputMismatch(
            f"{' '.join(argv)[:200]} exited {proc.returncode}: {proc.stderr.decode(errors='replace').strip()[:600]}"
        )
    return proc.stdout.decode()


def agree(ours: str, theirs: str, how: str = "same", what: str = "") -> str:
    """Check that two outputs agree and say how: "same" (byte for byte), "sorted" (the same lines in any order),
    "count" (the same number of lines). Raises OutputMismatch otherwise."""
    a, b = ours.splitlines(), theirs.splitlines()
    if not a or not b:
        raise OutputMismatch(f"{what}: empty output ({len(a)} vs {len(b)} lines)")
    checks = {
        "same": lambda: ours == theirs,
        "sorted": lambda: sorted(a) == sorted(b),
        "count": lambda: len(a) == len(b),
    }
    if not checks[how]():
        sample = next(((x, y) for x, y in zip(sorted(a), sorted(b)) if x != y), None)
        raise OutputMismatch(f"{what}: outputs differ ({how}): {len(a)} vs {len(b)} lines; first difference {sample}")
    words = {"same": "identical output", "sorted": "same lines", "count": "same line count"}
    return f"{words[how]}, {len(a):,} lines"


def ratio(ours: Result, theirs: Result) -> float:
    return ours.seconds / theirs.seconds if theirs.seconds else float("inf")


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**MISSED**"


def report(title: str, results: list, intro: str = "", notes: list = ()) -> str:
    """A markdown section: title, an intro line, the table, then notes (targets, checks)."""

    def cell(text: str) -> str:  # a `|` inside a cell would end it
        return text.replace("|", "\\|")

    width = max(len(cell(f"`{r.label}`")) for r in results)
    lines = [f"### {title}", ""]
    if intro:
        lines += [intro, ""]
    lines += [
        f"| {'command'.ljust(width)} | wall (median) | CPU user+sys | peak RSS | runs | ok | note |",
        f"|{'-' * (width + 2)}|---:|---:|---:|---:|:-:|---|",
    ]
    for r in results:
        lines.append(
            f"| {cell('`' + r.label + '`').ljust(width)} | {r.seconds:.3f} s | {r.cpu:.3f} s | "
            f"{r.peak_mb:.0f} MB | "
            f"{r.runs} | {'yes' if r.ok else 'NO'} | {cell(r.note)} |"
        )
    lines.append("")
    lines += [f"- {n}" for n in notes]
    text = "\n".join(lines).rstrip() + "\n\n"
    print(text, flush=True)
    return text


def machine() -> str:
    """One paragraph: date, machine, versions (for RESULTS.md)."""
    kubectl = subprocess.run(
        [KUBECTL, "version", "--client", "-o", "json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ).stdout
    try:
        import json

        kubectl = json.loads(kubectl)["clientVersion"]["gitVersion"]
    except (ValueError, KeyError):
        kubectl = "unknown"
    python = (
        subprocess.run(
            [os.path.join(BENCH_VENV, "bin", "python"), "-c", "import platform; print(platform.python_version())"],
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.strip()
        or platform.python_version()
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {platform.machine()}, nproc {os.cpu_count()}, "
        f"{mem:.0f} GiB RAM, Linux {platform.release()}; Python {python}; kubectl {kubectl} (client and "
        f"servers, built by tests/cluster/build.sh); load average at start {load()}"
    )


def which(name: str, env: dict) -> str:
    return shutil.which(name, path=env["PATH"]) or name


def script_main(run, doc: str) -> int:
    """The command line every bench_*.py script shares: ``--repeat N`` and ``--no-install``."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-install", action="store_true", help="do not reinstall venv-bench from the checkout")
    args = parser.parse_args()
    run(args.repeat, not args.no_install)
    return 0
