#!/usr/bin/env python3
"""`kubectl py-explore` on 10,000 pods: keystroke-to-screen latency, completion latency, peak memory, and the
loading time against `kubectl py-query -o json` of the same selection.

    python3 benchmarks/bench_explore.py [--repeat N] [--no-install]

Measured from outside, as a user sees it: the plugin runs in a pseudo-terminal (pexpect) and its screen is
rebuilt by pyte (tests/integration/terminal_screen.py). A keystroke's latency is the time from writing the key
to the terminal until the screen shows the template with that key and the result of that template (the status
line's "…" marks a result still being computed; a first screenful counts, the rest may still be counted). A
completion's latency runs until the menu is on the screen. The reading of the screen (pyte) is inside the
figures, so they are upper bounds.

Targets (issue 17): a keystroke's preview within 50 ms (p95), completion lists within 50 ms, loading no slower
than `py-query -o json` of the same selection, peak memory at most 300 MB.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import measure as ms  # noqa: E402
import scale_cluster  # noqa: E402

from tests.integration.terminal_screen import TerminalScreen  # noqa: E402

PROMPT = "jsonpath> "
ROWS, COLUMNS = 40, 140
TEMPLATES = (
    '{range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}',
    "{.items[*].spec.containers[*].image}",
    '{.items[?(@.status.phase=="Running")].metadata.name}',
)
# (what is typed first, the key that opens the menu, a pattern of a menu row)
COMPLETIONS = (
    ("{.items[*]", ".", r"metadata\s+10,000 object"),
    ("{.items[*].spec.containers", "[", r"\[\?\(@\.name=="),
    ("{.items[*].status.conditions", "[", r"\[\?\(@\.type=="),
    ("{range .items[*]}{.status", ".", r"phase\s+10,000 string"),
    ('{.items[?(@.status.phase=="Running")].metadata.labels', ".", r"app\s+10,000 string"),
)


def _percentile(values: list, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _spawn(argv: list, env: dict) -> TerminalScreen:
    return TerminalScreen.spawn(argv, env, ROWS, COLUMNS)


def _template(term) -> str:
    return term.row(0)[len(PROMPT) :]


def _loaded(term) -> bool:
    return "10,000 objects" in term.row(-1)


def _indexed(term) -> bool:
    return _loaded(term) and "indexing" not in term.row(-1)


def _settled(term, typed: str) -> bool:
    """The template with this key is on the screen, and so is its result (no "…" on the status line)."""
    return _template(term) == typed.rstrip() and not term.row(-1).startswith("…")


def _clear(term) -> None:
    term.send("\x15")  # Ctrl-U: the template line emptied
    term.wait_for(lambda: _template(term) == "" and not term.row(-1).startswith("…"), "an empty template")


def loading(argv: list, env: dict, repeat: int) -> tuple:
    """Medians of: seconds until the UI shows the loaded objects, until the field index is ready, and the CPU
    seconds (user+sys, GNU time) of a run that ends there."""
    shown, indexed, cpu = [], [], []
    for _ in range(repeat + 1):  # one unmeasured run first, as measure.py does
        with tempfile.NamedTemporaryFile("r") as usage:
            start = time.perf_counter()
            term = _spawn([ms.GNU_TIME, "-o", usage.name, "-f", "%U %S", *argv], env)
            try:
                term.wait_for(lambda: _loaded(term), "the loaded UI", timeout=300)
                shown.append(time.perf_counter() - start)
                term.wait_for(lambda: _indexed(term), "the field index", timeout=300)
                indexed.append(time.perf_counter() - start)
                term.send("\x03")
                term.wait_exit()
            finally:
                term.close()
            user, system = (float(x) for x in usage.read().split()[-2:])
            cpu.append(user + system)
    return statistics.median(shown[1:]), statistics.median(indexed[1:]), statistics.median(cpu[1:])


def session(argv: list, env: dict) -> dict:
    """One session under GNU time: the completion spots (first, while nothing is cached), then every template
    typed key by key."""
    with tempfile.NamedTemporaryFile("r") as rss:
        term = _spawn([ms.GNU_TIME, "-o", rss.name, "-f", "%M", *argv], env)
        keys, menus = [], []
        try:
            term.wait_for(lambda: _indexed(term), "the field index", timeout=300)
            # the completion spots first, while nothing is cached yet
            for before, key, pattern in COMPLETIONS:
                term.type(before, settle=lambda typed: _settled(term, typed))
                found = re.compile(pattern)
                start = time.perf_counter()
                term.send(key)
                term.wait_for(lambda: any(found.search(row) for row in term.rows()), f"the menu after {before}{key}")
                menus.append((time.perf_counter() - start) * 1000)
                term.send("\x1b")  # close the menu
                _clear(term)
            for template in TEMPLATES:
                for index in range(len(template)):
                    typed = template[: index + 1]
                    start = time.perf_counter()
                    term.send(template[index])
                    term.wait_for(lambda: _settled(term, typed), f"the screen after {typed!r}")
                    keys.append((time.perf_counter() - start) * 1000)
                _clear(term)
            term.send("\x03")
            term.wait_exit()
        finally:
            term.close()
        peak_kb = int((rss.read().split() or ["0"])[-1])
    return {"keys": keys, "menus": menus, "peak_mb": peak_kb / 1024}


def run(repeat: int = 5, install: bool = True) -> str:
    if install:
        ms.install_bench_venv()
    big = scale_cluster.ensure(("big",))["big"]
    env = ms.bench_env(KUBECONFIG=big.kubeconfig)
    k, ctx = ms.KUBECTL, ["--context", big.contexts[0]]
    explore = [k, "py-explore", "pods", "-A", *ctx]
    query_json = [k, "py-query", "pods", "-A", *ctx, "-o", "json"]
    count = ms.output([k, "py-query", "pods", "-A", *ctx, "--count"], env).splitlines()[-1].split()[-1]
    if count != "10000":
        raise ms.OutputMismatch(f"expected 10,000 pods in {big.contexts[0]}, found {count}")

    load0 = ms.load()
    query_row = ms.measure("kubectl py-query pods -A -o json", query_json, repeat, env, note="to /dev/null")
    shown, indexed, cpu = loading(explore, env, repeat)
    figures = session(explore, env)
    keys, menus = figures["keys"], figures["menus"]
    explore_row = ms.Result(
        "kubectl py-explore pods -A: UI up with 10,000 objects",
        shown,
        figures["peak_mb"],
        repeat,
        True,
        f"{shown / query_row.seconds:.2f}x py-query -o json; field index "
        f"ready at {indexed:.2f} s; CPU until then; peak RSS over a whole typing session",
        cpu=cpu,
    )
    p50, p95 = statistics.median(keys), _percentile(keys, 0.95)
    notes = [
        f"cluster: {big.description} (context {big.contexts[0]}); terminal {COLUMNS}x{ROWS}",
        f"keystroke to screen ({len(keys)} keys over {len(TEMPLATES)} templates typed key by key: "
        + ", ".join(f"`{t}`" for t in TEMPLATES)
        + f"): p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(keys):.1f} ms; "
        f"target p95 <= 50 ms {ms.verdict(p95 <= 50)}",
        "completion menu on screen, each spot the first time (filters after `[` count values over every item "
        "once): "
        + ", ".join(f"`{before}{key}` {took:.1f} ms" for (before, key, _), took in zip(COMPLETIONS, menus))
        + f"; max {max(menus):.1f} ms; target <= 50 ms {ms.verdict(max(menus) <= 50)}",
        f"loading: UI up at {shown:.2f} s vs py-query -o json {query_row.seconds:.2f} s: "
        f"{ms.verdict(shown <= query_row.seconds)}; peak memory {figures['peak_mb']:.0f} MB "
        f"{ms.verdict(figures['peak_mb'] <= 300)} (target <= 300 MB)",
        f"load average before {load0}, after {ms.load()}",
    ]
    return ms.report("py-explore: 10,000 pods, one context", [query_row, explore_row], notes=notes)


if __name__ == "__main__":
    sys.exit(ms.script_main(run, __doc__))
