"""``kubectl py-explore``: build a JSONPath template interactively, on live data of many contexts.

The items are read once, as py-query reads them (``query.Run.load``), then explored in memory in a terminal
UI (:mod:`kubectl_py.explore.app`, prompt_toolkit, imported only here and only when the UI runs).
"""

import shlex
import sys
import threading
import time
from typing import Annotated, List, Optional

import typer

from ..errors import UsageError
from ..printers import SPREADSHEET_FORMATS, allowed_help
from .flags import NamesArg, ResourcesArg, option
from .options import ConnectionOptions, connection_flags, parse_bool
from .runner import main_for

FORMATS = ("json", "yaml", "jsonpath") + SPREADSHEET_FORMATS  # -o: only for --fields, whose rows they print


@connection_flags
def explore(
    resources: ResourcesArg,
    names: NamesArg = None,
    all_namespaces: Annotated[bool, option("--all-namespaces")] = False,
    selector: Annotated[Optional[str], option("--selector")] = None,
    field_selector: Annotated[Optional[str], option("--field-selector")] = None,
    describe: Annotated[bool, option("--describe", "py-explore")] = False,
    show_events: Annotated[Optional[str], option("--show-events")] = None,
    show_managed_fields: Annotated[bool, option("--show-managed-fields")] = False,
    print_command: Annotated[bool, option("--print-command")] = False,
    fields: Annotated[bool, option("--fields")] = False,
    output: Annotated[Optional[str], option("--output", formats=allowed_help(FORMATS))] = None,
    no_headers: Annotated[bool, option("--no-headers")] = False,
    *,
    connection: ConnectionOptions,
):
    """Build a JSONPath template interactively on the loaded objects, with completion from the data.

    Enter prints the template (or, with --print-command, the whole py-query command) on stdout; Esc and
    Ctrl-C print nothing and exit 130. The UI is drawn on the terminal, so $(kubectl py-explore ...) works.
    """
    from ..printers import parse_output
    from . import common
    from .query import Run, query_spec

    spec = query_spec(resources, names, connection, all_namespaces, selector, field_selector)
    if output and not fields:
        raise UsageError("-o is for --fields: py-explore prints a template (or, with --print-command, a command)")
    show = parse_bool(show_events, "--show-events") if show_events is not None else True

    def reader(sources):
        return Run(
            spec,
            sources,
            parse_output(output, FORMATS),
            no_headers,
            None,
            describe,
            show,
            show_managed_fields,
            connection.parallel,
        )

    if fields:  # the field listing needs no terminal
        return reader(common.open_sources(connection)).fields()
    from ..explore import app

    terminal = app.open_terminal()  # before any reading: without a terminal there is nothing to do
    try:
        sources = common.open_sources(connection)
        run = reader(sources)
        progress = _Progress(len(sources))
        try:
            items, results = run.load(progress.page, progress.context_done)
        finally:
            progress.end()
        code = run.finish(results, bool(items))  # failed contexts and warnings, named before the UI
        if not items:
            return code or 1
        failed = sum(1 for r in results if not r.ok)

        def leave_with(template: str, mode: str) -> str:
            return command_line(sys.argv[1:], template, mode) if print_command else template

        outcome = app.run(
            app.Settings(
                document=run.document_of(items, results),
                items=items,
                contexts=len(sources),
                failed=failed,
                render_ng=_ng_renderer(items, results),
                leave_with=leave_with,
            ),
            terminal,
        )
    finally:
        terminal.close()
    if outcome.text:
        typer.echo(outcome.text)
    return outcome.code


def _ng_renderer(items, results):
    """py-query's -o jsonpath-ng, always on the List (as py-query applies it)."""
    from ..query.extended import jsonpath_ng
    from .query import as_list

    document = as_list(items, results)
    return lambda expression, _document: jsonpath_ng(expression, document)


def command_line(argv: List[str], template: str, mode: str) -> str:
    """The py-query command that prints what the explored template printed: the same arguments and selection
    flags (short spellings where kubectl has them), less py-explore's own and ``--token``, then
    ``-o jsonpath=TEMPLATE``; every word shell-quoted."""
    from .flagtable import flag, read

    line = read("py-explore", argv)
    words = list(line.positionals)
    for name, values in line.values.items():
        entry = line.by_name[name]
        if not entry.in_plugin("py-query") or name == "--token":
            continue  # --print-command; a credential is never printed (the command is pasted into chats)
        spelled = entry.short or entry.long
        if entry.kind == "strs":
            for value in values:
                words += [spelled, value]
        elif entry.takes_value:
            words += [spelled, values[-1]]
        elif line.has(name):
            words.append(spelled)
    quoted = [shlex.quote(word) for word in words + [flag("--output").short]]
    return " ".join(["kubectl", "py-query", *quoted, f"{mode}=" + shlex.quote(template)])


class _Progress:
    """One line on stderr while the contexts answer (only on a terminal): objects read so far, contexts done."""

    def __init__(self, contexts: int, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.contexts, self.done, self.objects = contexts, 0, 0
        self.lock = threading.Lock()
        self.shown_at = 0.0

    def page(self, _context: str, count: int) -> None:
        with self.lock:
            self.objects += count
            self._show()

    def context_done(self, _context: str) -> None:
        with self.lock:
            self.done += 1
            self._show(force=True)

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.shown_at < 0.1):
            return
        self.shown_at = now
        contexts = f", {self.done} of {self.contexts} contexts" if self.contexts > 1 else ""
        self.stream.write(f"\r\x1b[Kreading: {self.objects:,} objects{contexts}")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled and self.shown_at:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


main = main_for(explore, "py-explore")
