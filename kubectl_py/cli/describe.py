"""``kubectl py-describe``: everything ``kubectl describe`` shows, as kubectl's text or as data."""

from typing import Annotated, List, Optional

import typer

from .. import terminal
from ..printers import allowed_help, parse_output
from . import common
from .flags import option
from .options import ConnectionOptions, connection_flags, parse_bool
from .runner import main_for

FORMATS = ("text", "json", "yaml", "jsonpath", "jsonpath-file")


@connection_flags
def describe(
    resource: Annotated[
        str, typer.Argument(help="The type (pods, svc, nodes, deploy.apps, ...) or TYPE/NAME.", show_default=False)
    ],
    names: Annotated[Optional[List[str]], typer.Argument(help="Names or name prefixes.", show_default=False)] = None,
    output: Annotated[Optional[str], option("--output", formats=allowed_help(FORMATS))] = None,
    all_namespaces: Annotated[bool, option("--all-namespaces")] = False,
    selector: Annotated[Optional[str], option("--selector")] = None,
    field_selector: Annotated[Optional[str], option("--field-selector")] = None,
    show_events: Annotated[Optional[str], option("--show-events")] = None,
    schema: Annotated[bool, option("--schema")] = False,
    *,
    connection: ConnectionOptions,
):
    """Show details of objects, like kubectl describe, as text (default) or data (-o json|yaml|jsonpath=).

    The data has every section kubectl computes on the client (endpoints, allocated resources,
    non-terminated pods, old and new ReplicaSets, pod status counts, events, ...). Each kind's documents have
    a published JSON Schema (kubectl_py/describe/schemas/): --schema KIND prints it, e.g. --schema deploy.
    """
    from ..describe import describe as describe_source
    from ..describe import render_one, render_text, text_warnings
    from ..kube.fanout import run_per_context

    fmt = parse_output(output, FORMATS)
    if schema:
        return _print_schema(resource, names, fmt, connection)
    events = None if show_events is None else parse_bool(show_events, "--show-events")
    sources = common.open_sources(connection)
    namespace = connection.overrides.namespace

    def work(source):
        return describe_source(
            source,
            resource,
            names or [],
            namespace or source.namespace,
            all_namespaces,
            selector,
            show_events=events,
            chunk_size=connection.chunk_size,
            field_selector=field_selector,
        )

    results = run_per_context(sources, work, connection.parallel)
    multi = common.multi(sources)
    docs, prefix_matched = [], False
    for result in results:
        if result.ok:
            found, _, selection = result.value
            prefix_matched = prefix_matched or selection.prefix_matched
            for doc in found:
                doc["context"] = result.context  # templates see it always ("" offline), as py-query's items
                docs.append(doc)
    if fmt.name in ("", "text"):
        if multi:  # each object says which context it came from
            typer.echo("\n\n".join(f"Context:  {doc['context']}\n{render_one(doc)}" for doc in docs), nl=False)
        elif docs:
            typer.echo(render_text(docs, prefix_matched=prefix_matched), nl=False)
    elif len(docs) == 1 and not multi:
        common.print_document(fmt, docs[0])
    elif docs or fmt.structured:
        common.print_document(
            fmt, {"apiVersion": "v1", "kind": "List", "items": docs, "contexts": common.status_records(results)}
        )
    if not fmt.structured:  # json/yaml keep them in each document; text and jsonpath say them here
        for line in text_warnings(docs, multi):
            typer.echo(terminal.line(line), err=True)
    code = common.report_failures(results)
    for result in results:
        for error in result.value[1] if result.ok else []:
            where = f' (context "{result.context}")' if multi else ""
            typer.echo(terminal.line(error.user_message() + where), err=True)
            code = 1
    if not docs and code == 0:
        typer.echo(common.no_resources_message(all_namespaces, namespace, sources), err=True)
    return code


def _print_schema(resource: str, names, fmt, connection) -> int:
    """--schema: the published JSON Schema of a kind's documents, common.json embedded. Built-in kinds are
    known without a server; other names (custom resources) are resolved through the context's discovery."""
    from ..describe.schema_lookup import resolve_offline, schema_for
    from ..errors import UsageError

    if names or "/" in resource:
        raise UsageError("--schema takes a kind (e.g. deploy, Deployment), not object names")
    if fmt.name not in ("", "json", "yaml"):
        raise UsageError("--schema prints JSON, or YAML with -o yaml")
    group_kind = resolve_offline(resource)
    if group_kind is None:  # a custom resource, or a kind this kubectl-py does not know: ask the cluster
        from ..errors import KubectlPyError, UnknownResource

        try:
            group_kind = common.open_sources(connection)[0].resolve(resource).group_kind
        except UnknownResource:
            raise
        except KubectlPyError as exc:
            raise UsageError(f'"{resource}" is not a built-in kind and the cluster could not be asked: {exc}') from None
    document = schema_for(*group_kind)
    if fmt.name == "yaml":
        from ..printers.structured import to_yaml

        typer.echo(to_yaml(document), nl=False)
    else:
        import json

        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


main = main_for(describe, "py-describe")
