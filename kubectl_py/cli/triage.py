"""``kubectl py-triage``: what is wrong across the fleet, and why, in one command.

Exit codes: 0 nothing wrong, 1 something wrong, 2 a context could not be read (the others are still
reported) or the command line is wrong.
"""

from typing import Annotated, List, Optional

import typer

from .. import terminal
from ..errors import UsageError
from ..printers import SPREADSHEET_FORMATS, allowed_help, parse_output
from . import common
from .flags import option
from .options import ConnectionOptions, connection_flags, parse_duration
from .runner import main_for

FORMATS = ("json", "yaml", "jsonpath", "jsonpath-file") + SPREADSHEET_FORMATS
ERROR_EXIT = 2  # = triage.ERROR_EXIT: 1 means "something is wrong"
WATCH_SECONDS = 2
CLEAR_SCREEN = "\x1b[H\x1b[2J"

TypesArg = Annotated[
    Optional[List[str]],
    typer.Argument(
        help="What to check, as kubectl names it (comma lists too): pods, deployments, statefulsets, daemonsets, "
        "replicasets, jobs, cronjobs, services, nodes, persistentvolumeclaims, persistentvolumes, events. "
        "Default: every namespaced kind, plus nodes and persistentvolumes with -A.",
        show_default=False,
        metavar="[TYPE,...]",
    ),
]


@connection_flags
def triage(
    types: TypesArg = None,
    output: Annotated[
        Optional[str], option("--output", formats=allowed_help(FORMATS) + "; default: a table per section")
    ] = None,
    no_headers: Annotated[bool, option("--no-headers")] = False,
    all_namespaces: Annotated[bool, option("--all-namespaces")] = False,
    selector: Annotated[Optional[str], option("--selector")] = None,
    over: Annotated[int, option("--over")] = 90,
    since: Annotated[Optional[str], option("--since")] = None,
    watch: Annotated[bool, option("--watch", "py-triage")] = False,
    *,
    connection: ConnectionOptions,
):
    """What is wrong, and why, in every selected context: pods not ready (with the waiting state, exit code,
    unschedulable message or Warning event), workloads below their desired count, Services without a ready
    endpoint, node problems (NotReady, cordoned, tainted, pressure, requests over --over percent), Pending or
    Lost claims and Failed or Released volumes, and Warning events newest first.

    Each context is read once: one list per kind, the requests sent together.
    Exit status: 0 nothing wrong, 1 something wrong, 2 a context could not be read.
    """
    from .. import triage as engine
    from ..kube.selectors import parse_label_selector
    from ..query import split_resources

    fmt = parse_output(output, FORMATS)
    if over < 0:
        raise UsageError("--over must be 0 or greater")
    if selector:
        parse_label_selector(selector)  # a bad selector is the command's error, not each context's
    names = tuple(t for word in types or () for t in split_resources(word))
    spec = engine.spec_for(names, connection.overrides.namespace, all_namespaces, selector, over, _since(since))
    sources = common.open_sources(connection)
    if not watch:
        return _report(engine.run(sources, spec, connection.parallel), fmt, no_headers, common.multi(sources))
    return _watch(sources, spec, fmt, no_headers, connection.parallel)


def _since(value: Optional[str]) -> Optional[float]:
    if value is None:
        return None
    try:
        seconds = parse_duration(value)
    except UsageError:
        raise UsageError(f'invalid argument "{value}" for "--since" flag: time: invalid duration "{value}"') from None
    return seconds


def _report(result, fmt, no_headers: bool, multi: bool) -> int:
    """Print one report; the exit code."""
    from datetime import datetime, timezone

    from ..printers.table import format_table
    from ..triage import render

    common.report_failures(result.results)
    if not fmt.structured:  # json and yaml carry them in the contexts' status records
        for context, line in result.warnings():
            where = f' (context "{context}")' if multi else ""
            typer.echo(terminal.line(f"warning: {line}{where}"), err=True)
    if fmt.structured or fmt.name == "jsonpath":
        common.print_document(fmt, result.document())
    elif fmt.name in ("csv", "tsv"):
        headers, rows = render.flat(result.findings, multi)
        common.print_table(headers, rows, no_headers, style=fmt.name)
    else:
        now = datetime.now(timezone.utc)
        blocks = []
        for title, headers, rows in render.sections(result.findings, now, multi):
            heading = f"### {title}\n\n" if fmt.name == "markdown" else f"{title}:\n"
            blocks.append(heading + format_table(headers, rows, no_headers, fmt.name))
        if blocks:
            typer.echo("\n".join(blocks), nl=False)
        elif all(r.ok for r in result.results):
            typer.echo("No problems found.", err=True)
    return result.exit_code()


def _watch(sources: list, spec, fmt, no_headers: bool, parallel) -> int:
    """Report, wait, report again until Ctrl-C (the runner exits 130); on a terminal each report replaces
    the last one on the screen."""
    import sys
    import time

    from .. import triage as engine

    on_terminal = sys.stdout.isatty()
    while True:
        result = engine.run(sources, spec, parallel)
        if on_terminal:
            sys.stdout.write(CLEAR_SCREEN)
            sys.stdout.write(f"Every {WATCH_SECONDS}s: kubectl py-triage    {time.strftime('%Y-%m-%d %H:%M:%S')}\n\n")
        _report(result, fmt, no_headers, common.multi(sources))
        if not on_terminal:
            sys.stdout.write("\n")
        sys.stdout.flush()
        time.sleep(WATCH_SECONDS)


main = main_for(triage, "py-triage", error_code=ERROR_EXIT)
