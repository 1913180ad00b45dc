"""``kubectl py-query``: one query over many kinds, namespaces and contexts, on get data or describe data."""

from typing import Annotated, List, Optional

import typer

from .. import query as engine, terminal
from ..errors import UsageError
from ..printers import SPREADSHEET_FORMATS, allowed_help, name as name_printer, parse_output
from ..printers.custom_columns import parse_spec, rows_for
from ..printers.table import format_table
from . import common
from .flags import NamesArg, ResourcesArg, option
from .options import ConnectionOptions, connection_flags, parse_bool
from .runner import main_for

FORMATS = ("wide", "json", "yaml", "name", "jsonpath", "jsonpath-file", "custom-columns", "custom-columns-file",
           "jsonpath-ng") + SPREADSHEET_FORMATS
COUNT_BY = ("context", "kind", "namespace")


@connection_flags
def query(
    resources: ResourcesArg,
    names: NamesArg = None,
    output: Annotated[Optional[str], option("--output", formats=allowed_help(FORMATS))] = None,
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
    watch: Annotated[bool, option("--watch")] = False,
    watch_only: Annotated[bool, option("--watch-only")] = False,
    output_watch_events: Annotated[bool, option("--output-watch-events")] = False,
    *,
    connection: ConnectionOptions,
):
    """Query many kinds, namespaces and contexts at once, with kubectl's output formats.

    Templates see one List of every item of every context, as `kubectl get -o jsonpath` does;
    each item carries the context it came from as `.context`.
    """
    fmt = parse_output(output, FORMATS)
    if by not in COUNT_BY:
        raise UsageError(f'invalid --by "{by}": one of {", ".join(COUNT_BY)}')
    aggregating = bool(group_by or sums or avgs or mins or maxs)
    if describe and not aggregating and fmt.name in ("", "wide", "name") + SPREADSHEET_FORMATS:
        raise UsageError("--describe needs a structured output: -o json, yaml, jsonpath=, jsonpath-ng= or "
                         "custom-columns=")
    spec = engine.QuerySpec(
        resources=engine.split_resources(resources), names=tuple(names or ()),
        namespace=connection.overrides.namespace, all_namespaces=all_namespaces,
        label_selector=selector, field_selector=field_selector)
    if not spec.resources:
        raise UsageError("you must specify the type of resource to get")
    if spec.names and len(spec.resources) > 1:
        raise UsageError("names can only be given with a single resource type")
    if output_watch_events and not (watch or watch_only):
        raise UsageError("--output-watch-events option can only be used with --watch or --watch-only")
    if watch or watch_only:
        if aggregating or count or describe or connection.filenames:
            raise UsageError("--watch cannot be combined with --count, --group-by, --sum, --avg, --min, --max, "
                             "--describe or --filename")
        return _watch(spec, common.open_sources(connection), fmt, no_headers, sort_by, watch_only,
                      output_watch_events, show_managed_fields)
    sources = common.open_sources(connection)
    show = parse_bool(show_events, "--show-events") if show_events is not None else True
    run = _Run(spec, sources, fmt, no_headers, sort_by, describe, show, show_managed_fields, connection.parallel)
    if aggregating:
        from ..aggregate import Plan

        return run.aggregate(Plan.build(group_by or [], sums, avgs, mins, maxs, count))
    if count:
        return run.count(by)
    if fmt.tabular:
        return run.table()
    return run.documents()


class _Run:
    def __init__(self, spec, sources, fmt, no_headers, sort_by, describe, show_events, managed_fields, parallel):
        self.spec, self.sources, self.fmt, self.parallel = spec, sources, fmt, parallel
        self.managed_fields = managed_fields
        self.no_headers, self.describe, self.show_events = no_headers, describe, show_events
        self.sort_by = _relaxed(sort_by) if sort_by else None
        self.multi = common.multi(sources)
        self.describe_warnings: dict = {}  # context -> {line: None}: what --describe could not read

    # -- reading ---------------------------------------------------------------------------------------

    def _read(self, transform_for):
        """Run the query in every context; ``transform_for(source)`` shapes each page there."""
        from ..kube.fanout import run_per_context

        spec = self.spec
        return run_per_context(self.sources, lambda source: engine.read_items(source, spec, transform_for(source)),
                               self.parallel)

    def _finish(self, results, printed_any: bool, documents_shown: bool = False) -> int:
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
                    typer.echo(terminal.line(error.user_message()), err=True)
                    code = 1
        if not printed_any and code == 0 and not self.spec.names:
            typer.echo(common.no_resources_message(self.spec.all_namespaces, self.spec.namespace, self.sources),
                       err=True)
        return code

    def _describe_page(self, source):
        from ..describe import describe_objects, text_warnings
        from ..describe.base import Settings

        settings = Settings(show_events=self.show_events, chunk_size=getattr(source, "chunk_size", 500))
        warnings = self.describe_warnings.setdefault(source.name, {})

        def transform(info, items):
            docs = describe_objects(source, info, items, settings)
            warnings.update(dict.fromkeys(text_warnings(docs)))
            return docs

        return transform

    # -- outputs ---------------------------------------------------------------------------------------

    def count(self, by: str) -> int:
        def counter(source):
            def transform(info, items):
                return [(info.kind, (item.get("metadata") or {}).get("namespace", "")) for item in items]
            return transform

        results = self._read(counter)
        rows = {}
        for result in results:
            for info, pairs in (result.value.sections if result.ok else []):
                for kind, namespace in pairs:
                    key = (result.context, {"kind": kind, "namespace": namespace, "context": ""}[by])
                    rows[key] = rows.get(key, 0) + 1
                if not pairs and by != "namespace":
                    rows.setdefault((result.context, info.kind if by == "kind" else ""), 0)
        records = [{"context": c, by: k, "count": n} if by != "context" else {"context": c, "count": n}
                   for (c, k), n in rows.items()]
        if self.fmt.structured or self.fmt.name == "jsonpath":
            common.print_document(self.fmt, {"apiVersion": "kubectl-py/v1", "kind": "CountList",
                                             "items": records, "contexts": common.status_records(results)})
        else:
            headers = ["CONTEXT"] + ([by.upper()] if by != "context" else []) + ["COUNT"]
            table = [[r["context"]] + ([r[by]] if by != "context" else []) + [r["count"]] for r in records]
            common.print_table(headers, table, self.no_headers, style=self.fmt.name)
        return common.report_failures(results)

    def aggregate(self, plan) -> int:
        """--group-by with --count/--sum/--avg/--min/--max: each context folds its pages into its groups as
        they arrive (items are never kept), then the contexts' groups are merged in the selection's order."""
        from ..aggregate import Groups

        if self.fmt.name in ("name", "custom-columns"):
            raise UsageError(f"-o {self.fmt.name} cannot print groups: use the table, csv, tsv, markdown, json, "
                             "yaml, jsonpath= or jsonpath-ng=")
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
                common.print_table(plan.headers(), rows, self.no_headers, style=self.fmt.name, upper=False)
        else:
            document = merged.document(common.status_records(results))
            if self.fmt.name == "jsonpath-ng":
                typer.echo(_jsonpath_ng(self.fmt.argument, document), nl=False)
            else:
                common.print_document(self.fmt, document)
        code = self._finish(results, bool(merged.groups))
        if all(result.ok for result in results):  # else the failure is the news, and not every item was read
            for warning in merged.unmatched():
                typer.echo(terminal.line(warning), err=True)
        return code

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
                sections.append((info, _table_rows(source, info, namespace, spec, include, errors)))
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
                from ..jsonpath import evaluate

                rows.sort(key=lambda pair: engine.sort_key(evaluate(self.sort_by, pair[1][2])))
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
            blocks.append(format_table(headers, table, self.no_headers, self.fmt.name))
        if blocks:
            typer.echo("\n".join(blocks), nl=False)
        return self._finish(results, bool(blocks))

    def documents(self) -> int:
        """json, yaml, name, jsonpath, jsonpath-ng and custom-columns: one List of everything."""
        fmt = self.fmt
        split = engine.split_items_range(fmt.argument) if fmt.name == "jsonpath" else None
        if split:
            return self._streamed_template(split)
        describe = self.describe

        def transform_for(source):
            describe_page = self._describe_page(source) if describe else None

            def transform(info, items):
                if describe_page:
                    items = describe_page(info, items)
                return engine.tag(items, source.name, self.managed_fields)
            return transform

        results = self._read(transform_for)
        items = [item for r in results if r.ok for _, section in r.value.sections for item in section]
        if self.sort_by:
            from ..jsonpath import evaluate

            items.sort(key=lambda item: engine.sort_key(evaluate(self.sort_by, item)))
        if fmt.name == "name":
            for item in items:
                line = name_printer.object_name(item)
                typer.echo(f"{item['context']}\t{line}" if self.multi else line)
        elif fmt.name == "custom-columns":
            columns = parse_spec(fmt.argument)
            rows = rows_for(items, columns)
            if self.multi:
                rows = [[item["context"]] + row for item, row in zip(items, rows)]
            headers = (["CONTEXT"] if self.multi else []) + [h for h, _ in columns]
            if rows:
                common.print_table(headers, rows, self.no_headers)
        elif fmt.name == "jsonpath-ng":
            typer.echo(_jsonpath_ng(fmt.argument, _as_list(items, results)), nl=False)
        elif len(items) == 1 and self.spec.names and not self.multi:
            # one named object from one context prints as itself, as kubectl get does
            common.print_document(fmt, {k: v for k, v in items[0].items() if k != engine.CONTEXT_KEY})
        else:
            common.print_document(fmt, _as_list(items, results))
        return self._finish(results, bool(items), documents_shown=fmt.structured)

    def _streamed_template(self, split) -> int:
        """``{range .items[*]}BODY{end}``: BODY is rendered as each page arrives, so memory holds text,
        not objects, whatever the size of the cluster."""
        from ..jsonpath import compile as compile_template, evaluate

        pre, body, post = split
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
                    out.append((engine.sort_key(evaluate(sort_by, item)), text) if sort_by else text)
                return out
            return transform

        results = self._read(transform_for)
        pieces = [p for r in results if r.ok for _, section in r.value.sections for p in section]
        if sort_by:
            pieces = [text for _, text in sorted(pieces, key=lambda pair: pair[0])]
        typer.echo(pre + "".join(pieces) + post, nl=False)
        return self._finish(results, bool(pieces))


def _watch(spec, sources, fmt, no_headers, sort_by, watch_only, events, managed_fields) -> int:
    """-w / --watch-only: kubectl get -w's checks and output, across contexts (see kubectl_py/watch.py)."""
    from .. import watch
    from ..printers.watch import DocumentPrinter, TablePrinter

    if len(spec.resources) > 1:
        raise UsageError("you may only specify a single resource type")
    if len(spec.names) > 1:
        raise UsageError("watch is only supported on individual resources and resource collections, but "
                         f"{len(spec.names)} resources were found")
    if fmt.name not in ("", "wide", "json", "yaml", "name", "jsonpath", "custom-columns"):
        raise UsageError(f"-o {fmt.name} cannot be used with --watch")
    if sort_by:
        typer.echo(f"warning: --{'watch-only' if watch_only else 'watch'} requested, --sort-by will be ignored"
                   + ("" if watch_only else " for watch events received"), err=True)
    multi = common.multi(sources)
    table = fmt.name in ("", "wide")
    if table:
        printer = TablePrinter(_cell, multi, fmt.name == "wide", spec.all_namespaces, events, no_headers, watch_only)
    else:
        if fmt.name == "jsonpath":
            common.render_template(fmt, {})  # a malformed template fails now, not at the first change
        printer = DocumentPrinter(fmt, multi, events, managed_fields, watch_only,
                                  lambda document: common.render_template(fmt, document), no_headers)
    return watch.follow(sources, spec, table, printer)


def _as_list(items, results) -> dict:
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""},
            "contexts": common.status_records(results)}


def _jsonpath_ng(expression: str, document) -> str:
    """jsonpath-ng's extended syntax (filters with regex and boolean and, len, sorted): one match a line,
    scalars as text and the rest as JSON."""
    import json

    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext import parse

    try:
        matches = parse(expression).find(document)
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
        from ..errors import BadTemplate

        raise BadTemplate(f"error in jsonpath-ng expression {expression!r}: {exc}") from None
    lines = []
    for match in matches:
        value = match.value
        lines.append(value if isinstance(value, str) else json.dumps(value, sort_keys=True))
    return "".join(f"{line}\n" for line in lines)


def _relaxed(expression: str) -> str:
    from ..printers.custom_columns import relaxed

    return relaxed(expression)


def _type_prefix(info) -> str:
    return f"{info.kind.lower()}.{info.group}" if info.group else info.kind.lower()


def _cell(value) -> str:
    if value is None:
        return "<none>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _table_rows(source, info, namespace, spec, include, errors):
    """(column definitions, [(cells, namespace, object)]) for one type in one context. Named objects
    that do not exist go to ``errors``; the others are still shown, as kubectl does."""
    if not hasattr(source, "table_pages"):
        return _offline_table(source, info, namespace, spec, errors)
    if spec.names:
        pages = []
        for name in spec.names:
            try:
                pages.append(source.table_get(info, name, namespace, include))
            except engine.NotFound as exc:
                errors.append(exc)
    else:
        pages = source.table_pages(info, namespace, spec.label_selector, spec.field_selector, include)
    columns, rows = [], []
    for page in pages:
        columns = columns or page.get("columnDefinitions") or []
        for row in page.get("rows") or []:
            obj = row.get("object") or {}
            rows.append((row.get("cells") or [], (obj.get("metadata") or {}).get("namespace", ""), obj))
    return columns, rows


def _offline_table(source, info, namespace, spec, errors):
    """Without a server to render tables: NAME and CREATED from the objects themselves."""
    if spec.names:
        objects = []
        for name in spec.names:
            try:
                objects.append(source.get(info, name, namespace))
            except engine.NotFound as exc:
                errors.append(exc)
    else:
        objects = source.list(info, namespace, spec.label_selector, spec.field_selector)
    columns = [{"name": "Name", "priority": 0}, {"name": "Created", "priority": 0}]
    rows = []
    for obj in objects:
        meta = obj.get("metadata") or {}
        rows.append(([meta.get("name", ""), meta.get("creationTimestamp") or "<unknown>"],
                     meta.get("namespace", ""), obj))
    return columns, rows


main = main_for(query, "py-query")
