"""The library API: what the plugins are built on, usable from any Python script.

    from kubectl_py import api
    clusters = api.clusters(contexts=["prod", "staging"])
    for result in api.list_objects(clusters, "svc", all_namespaces=True):
        print(result.context, len(result.value or []), result.error)
    print(api.render("{.metadata.name}", some_dict))

Objects are plain dicts as the API server sends them (plus ``kind``/``apiVersion`` on list items).
"""

from __future__ import annotations

from .errors import KubectlPyError
from .kube import kubeconfig
from .kube.cluster import DEFAULT_CHUNK_SIZE, Cluster
from .kube.fanout import ContextResult, run_per_context
from .kube.kubeconfig import Overrides
from .kube.offline import Dump, load_dump

__all__ = [
    "clusters",
    "load_files",
    "list_objects",
    "get_object",
    "diff",
    "triage",
    "render",
    "fields",
    "run_per_context",
    "Cluster",
    "Dump",
    "ContextResult",
    "Overrides",
    "KubectlPyError",
]


def clusters(
    contexts: list | None = None,
    all_contexts: bool = False,
    kubeconfig_path: str | None = None,
    overrides: Overrides | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    exclude_contexts: list | None = None,
    early=None,
) -> list:
    """One :class:`Cluster` per selected context (the current one by default), selected as ``--context``
    (names or shell globs such as ``prod-*``), ``--all-contexts`` and ``--exclude-context`` do. Nothing is
    contacted and no credential plugin runs until a cluster is used. ``early(conn)``: a connection opened
    ahead of time for ``conn``, or None (the plugins pass their start-up's, :func:`.kube.preconnect.take`)."""
    overrides = overrides or Overrides(kubeconfig=kubeconfig_path)
    path = kubeconfig_path or overrides.kubeconfig
    try:
        config = kubeconfig.load(path)
    except KubectlPyError:
        if overrides.server and not path:  # --server alone, as kubectl allows
            conn = kubeconfig.server_only_connection(overrides)
            return [Cluster.from_connection(conn, chunk_size)]
        raise
    names = kubeconfig.select_contexts(config, _as_list(contexts), all_contexts, _as_list(exclude_contexts))
    out = []
    for name in names:
        namespace = overrides.namespace or (config.contexts.get(name) or {}).get("namespace") or "default"
        out.append(Cluster(name, namespace, _connector(config, name, overrides), chunk_size, early))
    return out


def _as_list(names) -> list:
    """``"prod-*,dev"`` or ``["prod-*", "dev"]``, as the flags take them."""
    return [names] if isinstance(names, str) else list(names or [])


def _connector(config, name, overrides):
    return lambda: kubeconfig.connection_for(config, name, overrides)


def load_files(paths: list, namespace: str = "default", name: str = "") -> Dump:
    """An offline source from ``kubectl get -o json|yaml`` files or a ``cluster-info dump`` folder;
    ``name`` stands in for a context name where results name their source."""
    dump = load_dump(paths, namespace)
    dump.name = name
    return dump


def list_objects(
    sources: list,
    type_name: str,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    field_selector: str | None = None,
    parallel: int | None = None,
) -> list:
    """List one type in every source concurrently (at most ``parallel`` at once): a :class:`ContextResult`
    per source, in the sources' order, whose ``value`` is the list of items (or whose ``error`` says why not)."""

    def read(source):
        info = source.resolve(type_name)
        scope = None if all_namespaces or not info.namespaced else (namespace or source.namespace)
        return source.list(info, scope, label_selector, field_selector)

    return run_per_context(sources, read, parallel)


def get_object(source, type_name: str, name: str, namespace: str | None = None) -> dict:
    info = source.resolve(type_name)
    return source.get(info, name, (namespace or source.namespace) if info.namespaced else None)


def diff(
    sources: list,
    type_names: list,
    names: list | None = None,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    field_selector: str | None = None,
    ignore: list | None = None,
    include_status: bool = False,
    describe: bool = False,
    parallel: int | None = None,
    include_generated: bool = False,
    all_objects: bool = False,
):
    """Compare the same objects in several sources (contexts or dumps), field by field, as
    ``kubectl py-diff`` does: a :class:`kubectl_py.diff.DiffResult` whose ``document()`` is the DiffList
    and ``exit_code()`` kubectl diff's (0 same, 1 different or missing, 2 a source (or a join) failed).
    ``label_selector`` and ``field_selector`` filter every list as ``-l`` and ``--field-selector`` do."""
    from .diff.reader import compare_sources

    return compare_sources(
        sources,
        type_names,
        names=names,
        namespace=namespace,
        all_namespaces=all_namespaces,
        label_selector=label_selector,
        field_selector=field_selector,
        ignore=ignore,
        include_status=include_status,
        describe=describe,
        parallel=parallel,
        include_generated=include_generated,
        all_objects=all_objects,
    )


def triage(
    sources: list,
    types: list | tuple = (),
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    over: int = 90,
    since: float | None = None,
    parallel: int | None = None,
):
    """What is wrong, and why, in every source, as ``kubectl py-triage`` finds it: a
    :class:`kubectl_py.triage.TriageResult` whose ``findings`` are records (``context``, ``kind``,
    ``namespace``, ``name``, ``problem``, ``reason``, ``since``, ``details``), ``document()`` the FindingList and
    ``exit_code()`` py-triage's (0 nothing wrong, 1 something wrong, 2 a source could not be read). ``types``
    names the checks as kubectl names kinds (``["po", "nodes"]``; none: every namespaced one, nodes and PVs too
    with ``all_namespaces``); ``since``: seconds back that Warning events are listed."""
    from . import triage as engine

    spec = engine.spec_for(types, namespace, all_namespaces, label_selector, over, since)
    return engine.run(sources, spec, parallel)


def render(template: str, obj, allow_missing_keys: bool = True) -> str:
    """Evaluate a kubectl JSONPath template (``-o jsonpath=`` dialect) on plain data."""
    from .jsonpath import render as _render

    return _render(template, obj, allow_missing_keys)


def fields(items: list, kind_of=None) -> list:
    """Every path present in ``items`` (plain dicts, e.g. ``list_objects``' values), as ``py-query --fields``
    lists it: one dict per kind and leaf path, ``{"kind", "path", "count", "types", "example"}``, ``path``
    in kubectl's JSONPath (``.spec.containers[*].image``), ``count`` the items that have it, ``types`` the JSON
    types seen, ``example`` one value as short text (Secret values as their size). ``kind_of(item)`` names an
    item's kind (default: its ``kind``)."""
    from .query import field_rows
    from .query.fields import FieldIndex

    return field_rows(FieldIndex.build(items, kind_of))
