"""What every plugin does around its own work: open the sources, report failed contexts, print output.

Modules under cli/ import the work (HTTP, discovery, describers) inside the command functions, so that
``--help`` and completion pay only for typer.
"""

from __future__ import annotations

import sys

from .. import terminal
from ..errors import BadTemplate
from ..printers import OutputFormat
from .options import ConnectionOptions


def open_sources(connection: ConnectionOptions) -> list:
    """The offline dump when ``-f`` is given, else one Cluster per selected context."""
    from .. import api

    overrides = connection.overrides
    if connection.filenames:
        if connection.contexts or connection.all_contexts or connection.exclude_contexts:
            from ..errors import UsageError

            raise UsageError("--filename cannot be combined with --context, --all-contexts or --exclude-context")
        return [api.load_files(list(connection.filenames), overrides.namespace or "default")]
    from ..kube import preconnect

    return api.clusters(
        contexts=list(connection.contexts),
        all_contexts=connection.all_contexts,
        exclude_contexts=list(connection.exclude_contexts),
        overrides=overrides,
        chunk_size=connection.chunk_size,
        early=preconnect.take,
    )


def multi(sources: list) -> bool:
    """Whether output names contexts (a CONTEXT column)."""
    return len(sources) > 1


def no_resources_message(all_namespaces: bool, namespace, sources) -> str:
    """kubectl's notice (on stderr) when nothing matched."""
    if all_namespaces:
        return "No resources found"
    namespace = namespace or (sources[0].namespace if sources else "default")
    return terminal.line(f"No resources found in {namespace} namespace.")  # a kubeconfig's namespace


def report_failures(results: list, err=None) -> int:
    """One stderr line per failed context; the exit code: 0 only when every context answered."""
    err = err or sys.stderr
    failed = [r for r in results if not r.ok]
    for result in failed:
        message = result.error.user_message().rstrip()
        if result.context:
            message += f' (context "{result.context}")'
        err.write(terminal.line(message) + "\n")
    return 1 if failed else 0


def status_records(results: list) -> list:
    return [r.status() for r in results]


def print_table(headers: list, rows: list, no_headers: bool, out=None, style: str = "", upper: bool = True) -> None:
    """Every table a plugin prints goes through here: ``style`` is the ``-o`` name, so csv, tsv and markdown
    print the same rows (anything else is kubectl's table); ``upper`` upper-cases the headers."""
    from ..printers.table import format_table

    out = out or sys.stdout
    if rows or not no_headers:
        out.write(format_table(headers, rows, no_headers, style, upper))


def render_template(fmt: OutputFormat, document) -> str:
    """``-o jsonpath=`` on a document; template errors become BadTemplate with kubectl's wording."""
    from .. import jsonpath

    try:
        return jsonpath.render(fmt.argument, document)
    except jsonpath.JSONPathError as exc:
        if exc.kind == "parse":
            raise BadTemplate(f"error parsing jsonpath {fmt.argument}, {exc}") from None
        raise BadTemplate(f'error executing jsonpath "{fmt.argument}": Error executing template: {exc}') from None


def print_document(fmt: OutputFormat, document, out=None) -> None:
    """json, yaml or jsonpath output of one document (a List of everything)."""
    from ..printers import structured

    out = out or sys.stdout
    if fmt.structured:
        out.write(structured.dump(document, fmt.name))
    elif fmt.name == "jsonpath":
        out.write(render_template(fmt, document))
