"""``kubectl py-nodeports``: every Service reachable on a node port, with the node addresses to use."""

from typing import Annotated, Optional

import typer

from .. import terminal
from ..nodeports import ADDRESS_TYPES
from ..printers import SPREADSHEET_FORMATS, allowed_help, parse_output
from . import common
from .flags import option
from .options import ConnectionOptions, connection_flags
from .runner import main_for

FORMATS = (
    "wide",
    "json",
    "yaml",
    "jsonpath",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
) + SPREADSHEET_FORMATS
HEADERS = ["NAMESPACE", "NAME", "TYPE", "PORT", "NODEPORT", "PROTOCOL", "URLS"]
WIDE_HEADERS = ["TARGET-PORT", "SELECTOR", "EXTERNAL-TRAFFIC-POLICY", "READY-ENDPOINTS"]


@connection_flags
def nodeports(
    output: Annotated[Optional[str], option("--output", formats=allowed_help(FORMATS, styled=True))] = None,
    no_headers: Annotated[bool, option("--no-headers")] = False,
    all_namespaces: Annotated[bool, option("--all-namespaces")] = False,
    selector: Annotated[Optional[str], option("--selector")] = None,
    field_selector: Annotated[Optional[str], option("--field-selector")] = None,
    address_type: Annotated[Optional[str], option("--address-type")] = None,
    all_nodes: Annotated[bool, option("--all-nodes")] = False,
    *,
    connection: ConnectionOptions,
):
    """List every Service reachable on a node port, and the node addresses that reach it.

    Looks in all namespaces unless -n is given. Several contexts are queried at once with
    --context a,b or --all-contexts.
    """
    from .. import nodeports as logic
    from ..errors import ApiError, NotInDump, UsageError
    from ..kube.fanout import run_per_context

    fmt = parse_output(output, FORMATS, styled=True)
    if address_type and address_type not in ADDRESS_TYPES:
        raise UsageError(f'invalid --address-type "{address_type}": one of {", ".join(ADDRESS_TYPES)}')
    settings = logic.NodePortSettings(address_type=address_type, all_nodes=all_nodes)
    namespace = None if all_namespaces else connection.overrides.namespace
    sources = common.open_sources(connection)
    warnings = []

    def optional(source, read, what):
        """Nodes and EndpointSlices refine the answer; without them (forbidden) it is still useful."""
        try:
            return read()
        except (ApiError, NotInDump) as exc:
            where = f' (context "{source.name}")' if source.name else ""  # offline: the files, no context
            warnings.append(f'warning: cannot read {what}, {exc}{where}')
            return None

    def optional_list(source, type_name, scope, what):
        try:
            return optional(source, lambda: source.list(source.resolve(type_name), scope), what)
        finally:
            source.close()

    def collect(source):
        from concurrent.futures import ThreadPoolExecutor

        slices_what = "EndpointSlices: ready endpoints are unknown"
        source.discovery()  # once, before the connections below share it
        with ThreadPoolExecutor(2) as pool:
            # nodes (and EndpointSlices, which every format but the default columns shows as ready counts)
            # are read over their own connections while the services are
            nodes = pool.submit(optional_list, source.clone(), "nodes", None, "nodes: URLS are unknown")
            default_columns = fmt.name in ("",) + SPREADSHEET_FORMATS  # csv=wide's name is wide
            slices = (
                None
                if default_columns
                else pool.submit(
                    optional_list, source.clone(), "endpointslices.discovery.k8s.io", namespace, slices_what
                ).result
            )
            services = []
            for page in source.list_pages(source.resolve("services"), namespace, selector, field_selector):
                found = [s for s in page if logic.has_node_port(s)]
                services.extend(found)
                # the table needs EndpointSlices only for Local-policy services: from the first page that
                # has one, they are requested on this connection, behind the next page (no new handshake)
                if slices is None and any(logic.is_local(s) for s in found):
                    slices_info = source.resolve("endpointslices.discovery.k8s.io")
                    read_slices = source.list_later(slices_info, namespace)
                    slices = lambda: optional(source, read_slices, slices_what)  # noqa: E731
            return logic.node_port_records(services, nodes.result(), slices() if slices else None, settings)

    results = run_per_context(sources, collect, connection.parallel)
    for result in results:
        for record in result.value or []:
            record["context"] = result.context
    records = [record for result in results for record in (result.value or [])]
    _print(fmt, records, results, no_headers, common.multi(sources), namespace)
    for warning in warnings:
        typer.echo(terminal.line(warning), err=True)
    return common.report_failures(results)


def _print(fmt, records, results, no_headers, with_context, namespace):
    if fmt.structured or fmt.name == "jsonpath":
        document = {
            "apiVersion": "kubectl-py/v1",
            "kind": "NodePortList",
            "items": records,
            "contexts": common.status_records(results),
        }
        common.print_document(fmt, document)
        return
    if fmt.name == "custom-columns":
        from ..printers.custom_columns import has_context_column, parse_spec, rows_for

        columns = parse_spec(fmt.argument)
        rows, headers = rows_for(records, columns), [h for h, _ in columns]
        if with_context and not has_context_column(columns):  # as py-query's custom columns
            rows = [[r["context"]] + row for r, row in zip(records, rows)]
            headers = ["CONTEXT"] + headers
        common.print_table(headers, rows, no_headers, style=fmt.spreadsheet)
        return
    headers = HEADERS + (WIDE_HEADERS if fmt.name == "wide" else [])
    rows = []
    for r in records:
        urls = "<unknown>" if r["urls"] is None else ",".join(r["urls"]) or _none(r["noUrlsReason"])
        row = [r["namespace"], r["name"], r["type"], r["port"], r["nodePort"], r["protocol"], urls]
        if fmt.name == "wide":
            selector = ",".join(f"{k}={v}" for k, v in sorted(r["selector"].items())) or "<none>"
            ready = "<unknown>" if r["readyEndpoints"] is None else r["readyEndpoints"]
            row += [r["targetPort"], selector, r["externalTrafficPolicy"], ready]
        rows.append(([r["context"]] if with_context else []) + row)
    if not rows:
        if all(r.ok for r in results):
            typer.echo(common.no_resources_message(namespace is None, namespace, []), err=True)
        return
    common.print_table((["CONTEXT"] if with_context else []) + headers, rows, no_headers, style=fmt.spreadsheet)


def _none(reason) -> str:
    """An empty URLS cell says why: ``<none: 2 nodes, 2 cordoned; --all-nodes includes them>``."""
    return f"<none: {reason}>" if reason else "<none>"


main = main_for(nodeports, "py-nodeports")
