"""``kubectl py-diff``: the same objects in several contexts (and dumps), field by field.

Exit codes as ``kubectl diff``: 0 everything the same, 1 something differs or is missing, 2 an error
(a side that could not be read: the others are still compared and printed; bad flags too).
"""

from typing import Annotated, List, Optional

import typer

from .. import terminal
from ..errors import UsageError
from ..printers import SPREADSHEET_FORMATS, allowed_help, parse_output
from . import common
from .flags import NamesArg, ResourcesArg, option
from .options import ConnectionOptions, connection_flags
from .runner import main_for

FORMATS = ("wide", "json", "yaml", "jsonpath", "jsonpath-file") + SPREADSHEET_FORMATS
ERROR_EXIT = 2


@connection_flags
def diff(
    resources: ResourcesArg,
    names: NamesArg = None,
    output: Annotated[
        Optional[str],
        option(
            "--output",
            formats=allowed_help(FORMATS) + "; default: a table per object, values shortened (wide: in full)",
        ),
    ] = None,
    no_headers: Annotated[bool, option("--no-headers")] = False,
    all_namespaces: Annotated[bool, option("--all-namespaces")] = False,
    selector: Annotated[Optional[str], option("--selector")] = None,
    field_selector: Annotated[Optional[str], option("--field-selector")] = None,
    include_status: Annotated[bool, option("--include-status")] = False,
    ignore: Annotated[Optional[List[str]], option("--ignore")] = None,
    describe: Annotated[bool, option("--describe", "py-diff")] = False,
    include_generated: Annotated[bool, option("--include-generated")] = False,
    all_objects: Annotated[bool, option("--all")] = False,
    *,
    connection: ConnectionOptions,
):
    """Compare the same objects across contexts, field by field: matched by kind, namespace and name,
    lists of named things by their key, server-set noise left out, Secret values never shown.

    -f FILE|DIR adds a side named after its path: one file alone is compared with the current context (or
    the --context ones); two or more are compared with each other unless a context is named. A file of
    manifests (or of one object) limits the comparison to its objects unless --all is given.
    A side that holds no value shows why: <absent>, <unset> (a manifest does not set it), <unreadable>
    (--describe: a join it could not read; the reason on stderr), <missing> (no such object there).
    Exit status: 0 all the same, 1 differences or missing objects, 2 an error (or a join not read).
    """
    from .. import api
    from ..query import split_resources

    fmt = parse_output(output, FORMATS)
    types = split_resources(resources)
    if not types:
        raise UsageError("you must specify the type of resource to compare")
    if names and len(types) > 1:
        raise UsageError("names can only be given with a single resource type")
    sources = open_sides(connection)
    result = api.diff(
        sources,
        list(types),
        names=list(names or ()),
        namespace=connection.overrides.namespace,
        all_namespaces=all_namespaces,
        label_selector=selector,
        field_selector=field_selector,
        ignore=list(ignore or ()),
        include_status=include_status,
        describe=describe,
        parallel=connection.parallel,
        include_generated=include_generated,
        all_objects=all_objects,
    )
    common.report_failures(result.results)
    for context, message in result.warnings:
        prefix = "error" if result.unknown_everywhere else "warning"
        typer.echo(terminal.line(f'{prefix}: {message} (context "{context}")'), err=True)
    for context, line in result.unread:  # a value shown as a difference may only be unreadable there
        typer.echo(terminal.line(f'{line} (context "{context}")'), err=True)
    if result.unknown_everywhere:
        return result.exit_code()
    sides = [r.context for r in result.results]  # the selection's order, in every format
    if fmt.structured or fmt.name == "jsonpath":
        common.print_document(fmt, result.document())
    elif fmt.name in SPREADSHEET_FORMATS:
        _print_spreadsheet(result.items, sides, fmt.name, no_headers)
    else:
        _print_text(result.items, sides, wide=fmt.name == "wide", no_headers=no_headers)
    return result.exit_code()


def open_sides(connection: ConnectionOptions) -> list:
    """The contexts selected (the current one by default) plus one side per ``-f`` path. Two or more
    paths without a context flag are compared with each other only."""
    from .. import api

    overrides = connection.overrides
    dumps = [api.load_files([path], overrides.namespace or "default", name=path) for path in connection.filenames]
    named = connection.contexts or connection.all_contexts or connection.exclude_contexts
    clusters = []
    if named or len(dumps) < 2:
        clusters = api.clusters(
            contexts=list(connection.contexts),
            all_contexts=connection.all_contexts,
            exclude_contexts=list(connection.exclude_contexts),
            overrides=overrides,
            chunk_size=connection.chunk_size,
        )
    sides = clusters + dumps
    if len(sides) < 2:
        raise UsageError(
            "py-diff compares at least two sides: name several contexts (--context a,b or a glob, "
            "--all-contexts) or add a dump with -f"
        )
    seen = set()
    for side in sides:
        if side.name in seen:
            raise UsageError(f'"{side.name}" is given twice')
        seen.add(side.name)
    return sides


def _print_text(items: list, order: list, wide: bool, no_headers: bool) -> None:
    """Per object that is not the same (or not read in full): a title line, then PATH | one column per
    side, in the selection's order."""
    from .. import diff as logic
    from ..printers.table import format_table

    out = []
    for item in items:
        if item["status"] == logic.SAME and not item.get("unreadable"):
            continue
        out.append(terminal.line(_title(item)))  # names from dump files and kubeconfigs can hold anything
        differences = item["differences"]
        if differences:
            sides = [side for side in order if side in differences[0]["values"]]
            width = None if wide else logic.cell_width(len(sides))
            rows = [[d["path"]] + logic.row_cells(d, sides, width) for d in differences]
            out.append(format_table(["PATH"] + sides, rows, no_headers, "", upper=False).rstrip("\n"))
            out.append("")
    if out and out[-1]:
        out.append("")
    counts = {s: sum(1 for i in items if i["status"] == s) for s in (logic.SAME, logic.DIFFERENT, logic.MISSING)}
    summary = (
        f"{len(items)} object{'' if len(items) == 1 else 's'} compared: {counts[logic.SAME]} same, "
        f"{counts[logic.DIFFERENT]} different, {counts[logic.MISSING]} missing somewhere"
    )
    partly = sum(1 for i in items if i.get("unreadable"))
    out.append(summary + (f", {partly} partly unreadable" if partly else ""))
    typer.echo("\n".join(out))


def _title(item: dict) -> str:
    from .. import diff as logic

    title = logic.object_title(item)
    if item["missingIn"]:
        title += ": missing in " + ", ".join(item["missingIn"])
    for side, paths in (item.get("unreadable") or {}).items():
        title += f" ({logic.MARKERS[logic.UNREADABLE]} in {side}: " + ", ".join(paths) + ")"
    return title


def _print_spreadsheet(items: list, sides: list, style: str, no_headers: bool) -> None:
    """csv, tsv, markdown: one row per difference (an object missing somewhere with no field to show: one
    row without a path), values in full, one column per side in the selection's order."""
    from .. import diff as logic

    rows = []
    for item in items:
        identity = [item["kind"], item["namespace"] or "", item["name"], item["status"]]
        if item["missingIn"] and not item["differences"]:
            rows.append(
                identity + [""] + [logic.MARKERS[logic.MISSING] if s in item["missingIn"] else "" for s in sides]
            )
        for difference in item["differences"]:
            rows.append(identity + [difference["path"]] + logic.row_cells(difference, sides, None))
    common.print_table(
        ["KIND", "NAMESPACE", "NAME", "STATUS", "PATH"] + sides, rows, no_headers, style=style, upper=False
    )


main = main_for(diff, "py-diff", error_code=ERROR_EXIT)
