"""``kubectl py-describe``: everything ``kubectl describe`` shows, as kubectl's text or as data."""

from typing import Annotated, List, Optional

import typer

from ..printers import allowed_help, parse_output
from . import common
from .flags import AllNamespacesOpt, SelectorOpt, ShowEventsOpt, output_option
from .options import ConnectionOptions, connection_flags, parse_bool
from .runner import main_for

FORMATS = ("text", "json", "yaml", "jsonpath", "jsonpath-file")


@connection_flags
def describe(
    resource: Annotated[str, typer.Argument(help="The type (pods, svc, nodes, deploy.apps, ...) or TYPE/NAME.",
                                            show_default=False)],
    names: Annotated[Optional[List[str]], typer.Argument(help="Names or name prefixes.", show_default=False)] = None,
    output: Annotated[Optional[str], output_option(allowed_help(FORMATS))] = None,
    all_namespaces: AllNamespacesOpt = False,
    selector: SelectorOpt = None,
    show_events: ShowEventsOpt = None,
    *,
    connection: ConnectionOptions,
):
    """Show details of objects, like kubectl describe, as text (default) or data (-o json|yaml|jsonpath=).

    The data has every section kubectl computes on the client (endpoints, allocated resources,
    non-terminated pods, old and new ReplicaSets, pod status counts, events, ...).
    """
    from ..describe import describe_objects, render_text, select_objects
    from ..describe.base import Settings
    from ..kube.fanout import run_per_context

    fmt = parse_output(output, FORMATS)
    names = list(names or [])
    if "/" in resource and not names:
        resource, _, name = resource.partition("/")
        names, exact = [name], True
    else:
        exact = False
    explicit_events = None if show_events is None else parse_bool(show_events, "--show-events")
    sources = common.open_sources(connection)
    namespace = connection.overrides.namespace

    def work(source):
        selection = select_objects(source, resource, names, namespace, all_namespaces, selector,
                                   prefix_match=not exact)
        events = explicit_events
        if events is None:  # kubectl 1.36+: off for several objects or a prefix match unless asked for
            events = len(selection.objects) <= 1 and not selection.prefix_matched
        settings = Settings(show_events=events, chunk_size=connection.chunk_size)
        docs = describe_objects(source, selection.info, selection.objects, settings)
        return docs, selection.errors

    results = run_per_context(sources, work)
    multi = common.multi(sources)
    docs = []
    for result in results:
        for doc in (result.value[0] if result.ok else []):
            if multi:
                doc["context"] = result.context
            docs.append(doc)
    if fmt.name in ("", "text"):
        if docs:
            typer.echo(render_text(docs), nl=False)
    elif len(docs) == 1 and not multi:
        common.print_document(fmt, docs[0])
    elif docs or fmt.structured:
        common.print_document(fmt, {"apiVersion": "v1", "kind": "List", "items": docs,
                                    "contexts": common.status_records(results)})
    code = common.report_failures(results)
    for result in results:
        for error in (result.value[1] if result.ok else []):
            typer.echo(error.user_message(), err=True)
            code = 1
    if not docs and code == 0:
        typer.echo(common.no_resources_message(all_namespaces, namespace, sources), err=True)
    return code


main = main_for(describe, "py-describe")
