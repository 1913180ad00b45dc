"""``kubectl py-query``: one query over many kinds, namespaces and contexts, on get data or describe data."""

from typing import Annotated, List, Optional

import typer

from .. import query as engine
from .. import terminal
from ..errors import UsageError
from ..printers import SPREADSHEET_FORMATS, allowed_help, parse_output
from ..printers import name as name_printer
from ..printers.custom_columns import has_context_column, parse_spec, rows_for
from ..printers.table import format_table
from ..query.extended import jsonpath_ng
from ..query.sorting import no_such_field, sort_key, sorted_by
from ..query.tables import table_rows
from . import common
from .flags import NamesArg, ResourcesArg, option
from .options import ConnectionOptions, connection_flags, parse_bool
from .runner import main_for

FORMATS = (
    "wide",
    "json",
    "yaml",
    "name",
    "jsonpath",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
    "jsonpath-ng",
) + SPREADSHEET_FORMATS
COUNT_BY = ("context", "kind", "namespace")
FIELD_FORMATS = ("", "json", "yaml", "jsonpath") + SPREADSHEET_FORMATS  # --fields: the table, or its rows as these


@connection_flags
def query(
    resources: ResourcesArg,
    names: NamesArg = None,
    output: Annotated[Optional[str], option("--output", formats=allowed_help(FORMATS, styled=True))] = None,
    no_headers: Annotated[bool, option("--no-headers")] = False,
    all_namespaces: Annotated[bool, option("--all-namespaces")] = False,
    selector: Annotated[Optional[str], option("--selector")] = None,
    field_selector: Annotated[Optional[str], option("--field-selector")] = None,
    sort_by: Annotated[Optional[str], option("--sort-by")] = None,
    count: Annotated[bool, option("--count")] = False,
    by: Annotated[str, option("--by")] = "kind",
    group_by: Annotated[Optional[List[str]], option("--group-by")] = None,
    sums: Annotated[Optional[List[str]], option("--sum")] = None,
    avgs: Annotated[Optional[List[str]], option("--avg")] = None,
    mins: Annotated[Optional[List[str]], option("--min")] = None,
    maxs: Annotated[Optional[List[str]], option("--max")] = None,
    describe: Annotated[bool, option("--describe", "py-query")] = False,
    show_events: Annotated[Optional[str], option("--show-events")] = None,
    show_managed_fields: Annotated[bool, option("--show-managed-fields")] = False,
    fields: Annotated[bool, option("--fields")] = False,
    watch: Annotated[bool, option("--watch", "py-query")] = False,
    watch_only: Annotated[bool, option("--watch-only")] = False,
    output_watch_events: Annotated[bool, option("--output-watch-events")] = False,
    *,
    connection: ConnectionOptions,
):
    """Query many kinds, namespaces and contexts at once, with kubectl's output formats.

    Templates see one List of every item of every context, as `kubectl get -o jsonpath` does;
    each item carries the context it came from as `.context`.
    """
    fmt = parse_output(output, FORMATS, styled=True)
    count_by = count_keys(by)
    aggregating = bool(group_by or sums or avgs or mins or maxs)
    if fields and (aggregating or count or sort_by or watch or watch_only):
        raise UsageError(
            "--fields cannot be combined with --count, --group-by, --sum, --avg, --min, --max, --sort-by or --watch"
        )
    if describe and not aggregating and not fields and fmt.name in ("", "wide", "name") + SPREADSHEET_FORMATS:
        raise UsageError(
            "--describe needs a structured output: -o json, yaml, jsonpath=, jsonpath-ng= or custom-columns="
        )
    spec = query_spec(resources, names, connection, all_namespaces, selector, field_selector)
    if output_watch_events and not (watch or watch_only):
        raise UsageError("--output-watch-events option can only be used with --watch or --watch-only")
    if watch or watch_only:
        if aggregating or count or describe or connection.filenames:
            raise UsageError(
                "--watch cannot be combined with --count, --group-by, --sum, --avg, --min, --max, "
                "--describe or --filename"
            )
        return _watch(
            spec,
            common.open_sources(connection),
            fmt,
            no_headers,
            sort_by,
            watch_only,
            output_watch_events,
            show_managed_fields,
        )
    sources = common.open_sources(connection)
    show = parse_bool(show_events, "--show-events") if show_events is not None else True
    run = Run(spec, sources, fmt, no_headers, sort_by, describe, show, show_managed_fields, connection.parallel)
    if fields:
        return run.fields()
    if aggregating:
        from ..query.aggregate import Plan

        return run.aggregate(Plan.build(group_by or [], sums, avgs, mins, maxs, count))
    if count:
        return run.count(count_by)
    if fmt.tabular:
        return run.table()
    return run.documents()


def query_spec(resources, names, connection, all_namespaces, selector, field_selector) -> engine.QuerySpec:
    """What to read, from the arguments py-query and py-explore share."""
    spec = engine.QuerySpec(
        resources=engine.split_resources(resources),
        names=tuple(names or ()),
        namespace=connection.overrides.namespace,
        all_namespaces=all_namespaces,
        label_selector=selector,
        field_selector=field_selector,
    )
    if not spec.resources:
        raise UsageError("you must specify the type of resource to get")
    if spec.names and len(spec.resources) > 1:
        raise UsageError("names can only be given with a single resource type")
    return spec


class Run:
    def __init__(self, spec, sources, fmt, no_headers, sort_by, describe, show_events, managed_fields, parallel):
        self.spec, self.sources, self.fmt, self.parallel = spec, sources, fmt, parallel
        self.managed_fields = managed_fields
        self.no_headers, self.describe, self.show_events = no_headers, describe, show_events
        self.sort_by = _relaxed(sort_by) if sort_by else None
        self.multi = common.multi(sources)
        self.describe_warnings: dict = {}  # context -> {line: None}: what --describe could not read

    # -- reading ---------------------------------------------------------------------------------------

    def _read(self, transform_for, on_done=None):
        """Run the query in every context; ``transform_for(source)`` shapes each page there; ``on_done(context)``
        is called as each context has answered."""
        from ..kube.fanout import run_per_context

        spec = self.spec

        def work(source):
            answer = engine.read_items(source, spec, transform_for(source))
            if on_done:
                on_done(source.name)
            return answer

        return run_per_context(self.sources, work, self.parallel)

    def load(self, on_page=None, on_done=None) -> tuple:
        """(items, per-context results): every item of every context tagged with its context (its describe
        document with --describe), sorted by --sort-by. ``on_page(context, count)`` and ``on_done(context)``
        follow the reading (py-explore's progress line)."""
        describe = self.describe

        def transform_for(source):
            describe_page = self._describe_page(source) if describe else None

            def transform(info, items):
                if describe_page:
                    items = describe_page(info, items)
                items = engine.tag(items, source.name, self.managed_fields)
                if on_page:
                    on_page(source.name, len(items))
                return items

            return transform

        results = self._read(transform_for, on_done)
        items = [item for r in results if r.ok for _, section in r.value.sections for item in section]
        if self.sort_by:
            items = sorted_by(self.sort_by, items)
        return items, results

    def document_of(self, items, results) -> dict:
        """What -o jsonpath= sees: one List of everything, or one named object of one context as itself, as
        kubectl get prints it."""
        if len(items) == 1 and self.spec.names and not self.multi:
            return {k: v for k, v in items[0].items() if k != engine.CONTEXT_KEY}
        return as_list(items, results)

    def finish(self, results, printed_any: bool, documents_shown: bool = False) -> int:
        """Report failures and warnings on stderr; ``documents_shown``: the output held whole describe
        documents (json/yaml), whose ``warnings`` say what could not be read."""
        code = common.report_failures(results)
        if not documents_shown:
            for source in self.sources:
                for line in self.describe_warnings.get(source.name, ()):
                    where = f' (context "{source.name}")' if self.multi else ""
                    typer.echo(terminal.line(line + where), err=True)
        answered = [r for r in results if r.ok]
        # a type unknown in some contexts is a warning; unknown in every context that answered, an error
        unknown_everywhere = answered and not any(r.value.sections for r in answered)
        for result in answered:
            for warning in result.value.warnings:
                prefix = "error" if unknown_everywhere else "warning"
                where = f' (context "{result.context}")' if self.multi else ""
                typer.echo(terminal.line(f'{prefix}: {warning}{where}'), err=True)
        if unknown_everywhere:
            return 1
        for result in results:
            if result.ok:
                for error in result.value.errors:
                    where = f' (context "{result.context}")' if self.multi else ""
                    typer.echo(terminal.line(error.user_message() + where), err=True)
                    code = 1
        if not printed_any and code == 0 and not self.spec.names:
            typer.echo(
                common.no_resources_message(self.spec.all_namespaces, self.spec.namespace, self.sources), err=True
            )
        return code

    def _describe_page(self, source):
        from ..describe import describe_objects, text_warnings
        from ..describe.base import Settings

        settings = Settings(show_events=self.show_events, chunk_size=source.chunk_size)
        warnings = self.describe_warnings.setdefault(source.name, {})

        def transform(info, items):
            docs = describe_objects(source, info, items, settings)
            warnings.update(dict.fromkeys(text_warnings(docs)))
            return docs

        return transform

    # -- outputs ---------------------------------------------------------------------------------------

    def count(self, by: tuple) -> int:
        """--count: per context, and per the other --by keys in their order (CONTEXT is always the first column)."""
        by = tuple(key for key in by if key != "context")

        def counter(source):
            def transform(info, items):
                return [(info.kind, (item.get("metadata") or {}).get("namespace", "")) for item in items]

            return transform

        results = self._read(counter)
        rows = {}
        for result in results:
            for info, pairs in result.value.sections if result.ok else []:
                for kind, namespace in pairs:
                    found = {"kind": kind, "namespace": namespace}
                    key = (result.context,) + tuple(found[name] for name in by)
                    rows[key] = rows.get(key, 0) + 1
                if not pairs and "namespace" not in by:  # a kind with no object counts 0
                    rows.setdefault((result.context,) + tuple(info.kind for _ in by), 0)
        records = [{"context": key[0], **dict(zip(by, key[1:])), "count": n} for key, n in rows.items()]
        if self.fmt.structured or self.fmt.name == "jsonpath":
            common.print_document(
                self.fmt,
                {
                    "apiVersion": "kubectl-py/v1",
                    "kind": "CountList",
                    "items": records,
                    "contexts": common.status_records(results),
                },
            )
        else:
            headers = ["CONTEXT"] + [name.upper() for name in by] + ["COUNT"]
            table = [[r["context"]] + [r[name] for name in by] + [r["count"]] for r in records]
            common.print_table(headers, table, self.no_headers, style=self.fmt.spreadsheet)
        return common.report_failures(results)

    def aggregate(self, plan) -> int:
        """--group-by with --count/--sum/--avg/--min/--max: each context folds its pages into its groups as
        they arrive (items are never kept), then the contexts' groups are merged in the selection's order."""
        from ..query.aggregate import Groups

        if self.fmt.name in ("name", "custom-columns"):
            raise UsageError(
                f"-o {self.fmt.name} cannot print groups: use the table, csv, tsv, markdown, json, "
                "yaml, jsonpath= or jsonpath-ng="
            )
        if self.sort_by:
            raise UsageError("--sort-by cannot be combined with --group-by: groups are sorted by their keys")
        describe, per_context = self.describe, {}

        def fold_into_groups(source):
            groups = per_context[source.name] = Groups(plan)
            describe_page = self._describe_page(source) if describe else None

            def transform(info, items):
                groups.add(describe_page(info, items) if describe_page else items, source.name, info.kind)
                return []  # nothing is kept

            return transform

        results = self._read(fold_into_groups)
        merged = Groups(plan)
        for result in results:
            if result.ok:  # a failed context (unreachable, or a bad value) adds nothing and is reported
                merged.merge(per_context[result.context])
        if self.fmt.tabular:
            rows = merged.rows()
            if rows:
                common.print_table(plan.headers(), rows, self.no_headers, style=self.fmt.spreadsheet, upper=False)
        else:
            document = merged.document(common.status_records(results))
            if self.fmt.name == "jsonpath-ng":
                typer.echo(jsonpath_ng(self.fmt.argument, document), nl=False)
            else:
                common.print_document(self.fmt, document)
        code = self.finish(results, bool(merged.groups))
        if all(result.ok for result in results):  # else the failure is the news, and not every item was read
            for warning in merged.unmatched():
                typer.echo(terminal.line(warning), err=True)
        return code

    def fields(self) -> int:
        """--fields (py-query and py-explore): every path present in the items, per kind over every context.
        Each context indexes its pages as they arrive (items are not kept); then one row per kind and path."""
        if self.fmt.name not in FIELD_FORMATS:
            raise UsageError("--fields prints a table, or -o json, yaml, jsonpath=, csv, tsv or markdown")
        describe, indexes = self.describe, {}

        def index_pages(source):
            index, add = engine.field_indexer(source.name, self.managed_fields)
            indexes[source.name] = index
            describe_page = self._describe_page(source) if describe else None
            return (lambda info, items: add(info, describe_page(info, items))) if describe_page else add

        results = self._read(index_pages)
        rows = engine.field_rows(engine.merged_fields([indexes[r.context] for r in results if r.ok]))
        if self.fmt.tabular:
            if rows:
                common.print_table(
                    list(engine.FIELD_HEADERS), engine.field_table(rows), self.no_headers, style=self.fmt.name
                )
        else:
            common.print_document(self.fmt, engine.field_list(rows, common.status_records(results)))
        return self.finish(results, bool(rows))

    def table(self) -> int:
        """kubectl get's table, as the server renders it, one table per type, across contexts."""
        wide = self.fmt.name == "wide"
        include = "Object" if self.sort_by else "Metadata"
        spec = self.spec

        def work(source):
            infos, warnings = engine.resolve_types(source, spec)
            sections, errors = [], []
            for info in infos:
                namespace = engine.namespace_for(source, info, spec)
                sections.append((info, table_rows(source, info, namespace, spec, include, errors)))
            return engine.ContextAnswer(sections, warnings, errors)

        from ..kube.fanout import run_per_context

        results = run_per_context(self.sources, work, self.parallel)
        by_type = {}
        for result in results:
            if not result.ok:
                continue
            for info, (columns, rows) in result.value.sections:
                entry = by_type.setdefault(info.group_kind, [info, columns, []])
                entry[2].extend((result.context, row) for row in rows)
        several_types = len(by_type) > 1 or len(spec.resources) > 1
        blocks = []
        for info, columns, rows in by_type.values():
            if not rows:
                continue
            if self.sort_by:
                rows = sorted_by(self.sort_by, rows, lambda pair: pair[1][2])  # per type, as kubectl
            keep = [i for i, c in enumerate(columns) if wide or c.get("priority", 0) == 0]
            headers = [columns[i]["name"] for i in keep]
            namespaced_all = info.namespaced and spec.all_namespaces
            if namespaced_all:
                headers = ["NAMESPACE"] + headers
            if self.multi:
                headers = ["CONTEXT"] + headers
            table = []
            for context, (cells, namespace, _obj) in rows:
                row = [_cell(cells[i]) for i in keep]
                if several_types and row:
                    row[0] = f"{_type_prefix(info)}/{row[0]}"
                if namespaced_all:
                    row = [namespace] + row
                if self.multi:
                    row = [context] + row
                table.append(row)
            blocks.append(format_table(headers, table, self.no_headers, self.fmt.spreadsheet))
        if blocks:
            typer.echo("\n".join(blocks), nl=False)
        return self.finish(results, bool(blocks))

    def documents(self) -> int:
        """json, yaml, name, jsonpath, jsonpath-ng and custom-columns: one List of everything."""
        fmt = self.fmt
        split = engine.split_items_range(fmt.argument) if fmt.name == "jsonpath" else None
        if split:
            return self._streamed_template(split)
        if fmt.name == "name" and not self.sort_by:
            return self._streamed_names()
        items, results = self.load()
        if fmt.name == "name":
            for item in items:
                line = name_printer.object_name(item)
                typer.echo(f"{item['context']}\t{line}" if self.multi else line)
        elif fmt.name == "custom-columns":
            columns = parse_spec(fmt.argument)
            rows = rows_for(items, columns)
            with_context = self.multi and not has_context_column(columns)  # a CONTEXT of the user's is not doubled
            if with_context:
                rows = [[item["context"]] + row for item, row in zip(items, rows)]
            headers = (["CONTEXT"] if with_context else []) + [h for h, _ in columns]
            if rows:
                common.print_table(headers, rows, self.no_headers, style=fmt.spreadsheet)
        elif fmt.name == "jsonpath-ng":
            typer.echo(jsonpath_ng(fmt.argument, as_list(items, results)), nl=False)
        elif fmt.name == "jsonpath" and len(items) == 1 and self.spec.names and not self.multi:
            common.print_document(fmt, items[0])  # the object itself, as kubectl's, with .context (always set)
        else:
            common.print_document(fmt, self.document_of(items, results))
        return self.finish(results, bool(items), documents_shown=fmt.structured)

    def _streamed_names(self) -> int:
        """-o name (unsorted): each page becomes its lines as it arrives, so memory holds text, not objects
        (over 1,000 contexts, every object would be kept until the last context answered)."""
        multi = self.multi

        def transform_for(source):
            prefix = f"{source.name}\t" if multi else ""
            return lambda info, items: [prefix + name_printer.object_name(item) for item in items]

        results = self._read(transform_for)
        lines = [line for r in results if r.ok for _, section in r.value.sections for line in section]
        if lines:
            typer.echo("\n".join(lines))
        return self.finish(results, bool(lines))

    def _streamed_template(self, split) -> int:
        """``{range .items[*]}BODY{end}``: BODY is rendered as each page arrives, so memory holds text,
        not objects, whatever the size of the cluster."""
        from ..jsonpath import compile as compile_template
        from ..jsonpath import evaluate

        pre, body, post = split
        found = []  # whether some item has the --sort-by field (kubectl's error otherwise)
        body_template = compile_template(body)
        compile_template(self.fmt.argument)  # the whole template must parse, as kubectl checks it first
        sort_by, describe = self.sort_by, self.describe

        def transform_for(source):
            describe_page = self._describe_page(source) if describe else None

            def transform(info, items):
                if describe_page:
                    items = describe_page(info, items)
                out = []
                for item in engine.tag(items, source.name, self.managed_fields):
                    text = body_template.render(item)
                    if sort_by:
                        values = evaluate(sort_by, item)
                        if values and not found:
                            found.append(True)
                        out.append((sort_key(values), text))
                    else:
                        out.append(text)
                return out

            return transform

        results = self._read(transform_for)
        pieces = [p for r in results if r.ok for _, section in r.value.sections for p in section]
        if sort_by:
            if pieces and not found:
                raise no_such_field(sort_by)
            pieces = [text for _, text in sorted(pieces, key=lambda pair: pair[0])]
        typer.echo(pre + "".join(pieces) + post, nl=False)
        return self.finish(results, bool(pieces))


def _watch(spec, sources, fmt, no_headers, sort_by, watch_only, events, managed_fields) -> int:
    """-w / --watch-only: kubectl get -w's checks and output, across contexts (see kubectl_py/watch.py)."""
    from ..printers.watch import DocumentPrinter, TablePrinter
    from ..query import watch

    if len(spec.resources) > 1:
        raise UsageError("you may only specify a single resource type")
    if len(spec.names) > 1:
        raise UsageError(
            "watch is only supported on individual resources and resource collections, but "
            f"{len(spec.names)} resources were found"
        )
    if fmt.name not in ("", "wide", "json", "yaml", "name", "jsonpath", "custom-columns") or fmt.style:
        raise UsageError(f"-o {fmt.style or fmt.name} cannot be used with --watch")
    if sort_by:
        typer.echo(
            f"warning: --{'watch-only' if watch_only else 'watch'} requested, --sort-by will be ignored"
            + ("" if watch_only else " for watch events received"),
            err=True,
        )
    multi = common.multi(sources)
    table = fmt.name in ("", "wide")
    if table:
        printer = TablePrinter(_cell, multi, fmt.name == "wide", spec.all_namespaces, events, no_headers, watch_only)
    else:
        if fmt.name == "jsonpath":
            common.render_template(fmt, {})  # a malformed template fails now, not at the first change
        printer = DocumentPrinter(
            fmt,
            multi,
            events,
            managed_fields,
            watch_only,
            lambda document: common.render_template(fmt, document),
            no_headers,
        )
    return watch.follow(sources, spec, table, printer)


def count_keys(by: str) -> tuple:
    """``--by context,namespace`` -> ("context", "namespace"): each one of COUNT_BY, once."""
    keys = tuple(dict.fromkeys(key.strip() for key in (by or "").split(",")))
    wrong = [key for key in keys if key not in COUNT_BY]
    if wrong or not keys:
        raise UsageError(f'invalid --by "{by}": one of {", ".join(COUNT_BY)}, or a comma list of them')
    return keys


def as_list(items, results) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "List",
        "items": items,
        "metadata": {"resourceVersion": ""},
        "contexts": common.status_records(results),
    }


def _relaxed(expression: str) -> str:
    from ..jsonpath import relaxed

    return relaxed(expression)


def _type_prefix(info) -> str:
    return f"{info.kind.lower()}.{info.group}" if info.group else info.kind.lower()


def _cell(value) -> str:
    if value is None:
        return "<none>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


main = main_for(query, "py-query")
