"""Shell completion for the plugins: the ``kubectl_complete-py_<plugin>`` executables kubectl (1.26+) runs on TAB.

``kubectl __complete py-describe -n demo svc w`` runs ``kubectl_complete-py_describe -n demo svc w``: the words
typed after the plugin name, the last one being the word under completion (``""`` when empty). The helper
prints one candidate per line, then a cobra directive line (``:4``, ShellCompDirectiveNoFileComp; ``:0`` lets
the shell complete file names, for flags that take a path). The shell filters and inserts; for ``--flag=va``
cobra's scripts expect the values alone (they put ``--flag=`` back).

What is completed:
  flags                         names, when the word starts with ``-``
  --context, --exclude-context, names from the kubeconfig (``--kubeconfig`` on the line is honoured);
  --cluster, --user             comma lists too for the two context flags
  -n/--namespace                namespaces of the cluster
  -o/--output                   the plugin's output formats
  py-describe, py-query         resource types (discovery, disk-cached), then object names of that type
                                (``-n``/``-A``, ``--context`` with its globs, ``--exclude-context``,
                                ``--kubeconfig`` and the other connection flags
                                typed on the line are honoured); ``TYPE/NAME`` and ``pods,svc`` lists too

It runs on every TAB, so it imports only what it needs (no typer, no kubernetes package): one discovery (cached
on disk for 6 hours) and one metadata-only list at most, each request with a 5 s timeout (``--request-timeout``
on the line is ignored: TAB must not hang). Any failure prints no candidate (``KUBECTL_PY_DEBUG=1`` shows the
traceback on stderr).
"""

from __future__ import annotations

import os
import sys

from . import flagtable
from .flagtable import CommandLine

NO_FILE = 4  # cobra ShellCompDirectiveNoFileComp
DEFAULT = 0  # cobra ShellCompDirectiveDefault: the shell completes file names
TIMEOUT_SECONDS = 5.0
MAX_NAMES = 5000
# metadata only: names without the objects' bodies
METADATA_ACCEPT = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"

TEMPLATE_FORMATS = ("jsonpath", "jsonpath-file", "custom-columns", "custom-columns-file")
SPREADSHEET_FORMATS = ("csv", "tsv", "markdown")  # printers.SPREADSHEET_FORMATS (not imported: TAB stays light)
# the flags come from flagtable; tests/unit/test_flag_table.py checks these formats against the plugins'
PLUGINS = {
    "py-nodeports": {
        "formats": ("wide", "json", "yaml") + TEMPLATE_FORMATS + SPREADSHEET_FORMATS,
        "positionals": None,
    },
    "py-describe": {
        "formats": ("text", "json", "yaml", "jsonpath", "jsonpath-file"),
        "positionals": "describe",
    },
    "py-query": {
        "formats": ("wide", "json", "yaml", "name") + TEMPLATE_FORMATS + ("jsonpath-ng",) + SPREADSHEET_FORMATS,
        "positionals": "query",
    },
    "py-diff": {
        "formats": ("wide", "json", "yaml", "jsonpath", "jsonpath-file") + SPREADSHEET_FORMATS,
        "positionals": "query",
    },
    "py-explore": {
        "formats": ("json", "yaml", "jsonpath") + SPREADSHEET_FORMATS,  # for --fields
        "positionals": "query",
    },
    "py-triage": {
        "formats": ("json", "yaml", "jsonpath", "jsonpath-file") + SPREADSHEET_FORMATS,
        # the kinds it checks (= triage.CHECKS, by their plural names): comma lists, no names after them
        "positionals": (
            "pods",
            "deployments",
            "statefulsets",
            "daemonsets",
            "replicasets",
            "jobs",
            "cronjobs",
            "services",
            "nodes",
            "persistentvolumeclaims",
            "persistentvolumes",
            "events",
        ),
    },
}


# -- the cluster side (imported only when a completion needs it) -------------------------------------------
def _overrides(line: CommandLine):
    return flagtable.overrides(line.typed, request_timeout=TIMEOUT_SECONDS)


def _kubeconfig(line: CommandLine):
    from ..kube import kubeconfig

    return kubeconfig.load(line.last("--kubeconfig"))


def _clusters(line: CommandLine) -> list:
    """The clusters the plugin would read: ``--context`` (repeated, comma lists, globs), else the current one,
    minus ``--exclude-context``. ``--all-contexts`` completes from the current context only, to keep TAB fast."""
    from .. import api

    return api.clusters(
        contexts=line.values.get("--context"),
        overrides=_overrides(line),
        exclude_contexts=line.values.get("--exclude-context"),
    )


def _names(cluster, type_name: str, namespace, all_namespaces: bool) -> list:
    info = cluster.resolve(type_name)
    scope = None if all_namespaces or not info.namespaced else (namespace or cluster.namespace)
    names, seen = [], set()
    for page in cluster.client.list_pages(info.path(scope), {}, 500, METADATA_ACCEPT):
        for item in page.get("items") or []:
            name = (item.get("metadata") or {}).get("name")
            if name and name not in seen:
                seen.add(name)
                names.append(name)
        if len(names) >= MAX_NAMES:
            break
    return sorted(names)


def _per_cluster(line: CommandLine, work) -> list:
    """``work(cluster)`` in every selected context at once; the union of the answers, failures skipped."""
    import threading

    clusters = _clusters(line)
    results = [[] for _ in clusters]

    def run(index, cluster):
        try:
            results[index] = list(work(cluster))
        except Exception:
            if os.environ.get("KUBECTL_PY_DEBUG"):
                import traceback

                traceback.print_exc()
        finally:
            cluster.close()

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(clusters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out, seen = [], set()
    for values in results:
        for value in values:
            if value not in seen:
                seen.add(value)
                out.append(value)
    return out


def resource_types(line: CommandLine, include_categories: bool) -> list:
    """Resource types as kubectl prints them: the plural, qualified by its group when another group uses
    the same plural; plus categories (``all``) where the plugin accepts them."""

    def work(cluster):
        resources = cluster.discovery().resources
        plurals = {}
        for info in resources:
            if "list" in info.verbs or not info.verbs:
                plurals.setdefault(info.resource, set()).add(info.group)
        out = []
        for info in resources:
            if info.resource not in plurals:
                continue
            name = info.resource if len(plurals[info.resource]) == 1 else info.qualified
            if name not in out:
                out.append(name)
        if include_categories:
            out.extend(sorted({c for info in resources for c in info.categories} - set(out)))
        return out

    return sorted(_per_cluster(line, work))


def aliases(line: CommandLine, word: str) -> list:
    """The short name, singular or kind typed in full (``svc``, ``deploy``): kept as the one candidate."""

    def work(cluster):
        for info in cluster.discovery().resources:
            if word in info.short_names or word in (info.singular, info.kind.lower()):
                return [word]
        return []

    return _per_cluster(line, work) if word else []


def object_names(line: CommandLine, type_name: str) -> list:
    namespace = line.last("--namespace")
    all_namespaces = line.has("--all-namespaces")
    return sorted(_per_cluster(line, lambda c: _names(c, type_name, namespace, all_namespaces)))


def namespaces(line: CommandLine) -> list:
    def work(cluster):
        try:
            return _names(cluster, "namespaces", None, True)
        except Exception:  # e.g. not allowed to list namespaces: the context's own one
            return [cluster.namespace]

    return sorted(_per_cluster(line, work))


# -- what to complete ---------------------------------------------------------------------------------------
def complete(plugin: str, args: list) -> tuple:
    """(candidates, directive) for ``args``: the words after the plugin name, the last one under completion."""
    words, word = list(args[:-1]), (args[-1] if args else "")
    line = flagtable.read(plugin, words)
    os.environ.update(line.environment())  # e.g. --cache-dir
    if line.pending:
        return flag_values(line, line.pending, word)
    if word.startswith("-") and "--" not in words:
        flag, value = line.split(word)
        if value is not None and flag is not None and flag.takes_value:  # --flag=value, -nvalue
            return flag_values(line, flag, value)
        return flag_names(line, word), NO_FILE
    if line.values.get("--filename"):
        return [], NO_FILE  # offline input: nothing to ask a cluster
    kind = PLUGINS[plugin]["positionals"]
    if kind is None:
        return [], NO_FILE
    if isinstance(kind, tuple):  # a fixed list of types, comma lists too (py-triage)
        head, comma, tail = word.rpartition(",")
        done = set(head.split(","))
        return [f"{head}{comma}{t}" for t in kind if t.startswith(tail) and t not in done], NO_FILE
    return positional(line, kind, word), NO_FILE


def flag_names(line: CommandLine, word: str) -> list:
    out = []
    for flag in flagtable.for_plugin(line.plugin):
        if flag.long.startswith(word):
            out.append(flag.long)
        if flag.short and not word.startswith("--") and flag.short.startswith(word):
            out.append(flag.short)
    return sorted(out)


def flag_values(line: CommandLine, flag: flagtable.Flag, word: str) -> tuple:
    """Candidates for the value of ``flag``, as its table entry says they complete."""
    kind = flag.values
    if kind == flagtable.PATH:
        return [], DEFAULT
    if kind == flagtable.FORMATS:
        return _prefixed(PLUGINS[line.plugin]["formats"], word), NO_FILE
    if isinstance(kind, tuple):
        return _prefixed(kind, word), NO_FILE
    if kind in (flagtable.CONTEXTS, flagtable.CLUSTERS, flagtable.USERS):
        names = getattr(_kubeconfig(line), kind)
        if kind == flagtable.CONTEXTS and "," in word:  # --context a,b,<TAB>
            head, _, tail = word.rpartition(",")
            done = set(head.split(","))
            return [f"{head},{n}" for n in sorted(names) if n.startswith(tail) and n not in done], NO_FILE
        return _prefixed(sorted(names), word), NO_FILE
    if kind == flagtable.NAMESPACES:
        return _prefixed(namespaces(line), word), NO_FILE
    return [], NO_FILE


def positional(line: CommandLine, kind: str, word: str) -> list:
    typed = line.positionals
    if not typed:  # the resource type
        if kind == "describe" and "/" in word:  # TYPE/NAME
            type_name, _, prefix = word.partition("/")
            return [f"{type_name}/{n}" for n in object_names(line, type_name) if n.startswith(prefix)]
        if kind == "query" and "," in word:  # pods,svc,<TAB>
            head, _, tail = word.rpartition(",")
            done = set(head.split(","))
            types = resource_types(line, include_categories=True)
            return [f"{head},{t}" for t in types if t.startswith(tail) and t not in done]
        types = _prefixed(resource_types(line, include_categories=(kind == "query")), word)
        return types or aliases(line, word)
    type_name = typed[0]
    if "/" in type_name or (kind == "query" and "," in type_name):
        return []  # TYPE/NAME or several types: no more names
    given = set(typed[1:])
    return [n for n in object_names(line, type_name) if n.startswith(word) and n not in given]


def _prefixed(values, word: str) -> list:
    return [v for v in values if v.startswith(word)]


# -- entry points -------------------------------------------------------------------------------------------
def run(plugin: str, argv: list = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        candidates, directive = complete(plugin, args)
    except Exception:
        if os.environ.get("KUBECTL_PY_DEBUG"):
            raise
        candidates, directive = [], NO_FILE
    out = "".join(f"{c}\n" for c in candidates) + f":{directive}\n"
    try:
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    return 0


def nodeports() -> None:
    sys.exit(run("py-nodeports"))


def describe() -> None:
    sys.exit(run("py-describe"))


def query() -> None:
    sys.exit(run("py-query"))


def diff() -> None:
    sys.exit(run("py-diff"))


def explore() -> None:
    sys.exit(run("py-explore"))


def triage() -> None:
    sys.exit(run("py-triage"))
