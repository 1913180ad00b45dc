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

NO_FILE = 4  # cobra ShellCompDirectiveNoFileComp
DEFAULT = 0  # cobra ShellCompDirectiveDefault: the shell completes file names
TIMEOUT_SECONDS = 5.0
MAX_NAMES = 5000
# metadata only: names without the objects' bodies
METADATA_ACCEPT = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"

# -- flags: (long, short, takes a value); tests/integration/test_completion.py checks them against --help --------
CONNECTION_FLAGS = (
    ("--kubeconfig", None, True),
    ("--context", None, True),
    ("--all-contexts", None, False),
    ("--exclude-context", None, True),
    ("--parallel", None, True),
    ("--cluster", None, True),
    ("--user", None, True),
    ("--server", "-s", True),
    ("--token", None, True),
    ("--as", None, True),
    ("--as-group", None, True),
    ("--as-uid", None, True),
    ("--certificate-authority", None, True),
    ("--client-certificate", None, True),
    ("--client-key", None, True),
    ("--insecure-skip-tls-verify", None, False),
    ("--tls-server-name", None, True),
    ("--disable-compression", None, False),
    ("--request-timeout", None, True),
    ("--namespace", "-n", True),
    ("--chunk-size", None, True),
    ("--filename", "-f", True),
    ("--help", "-h", False),
)
_OUTPUT = ("--output", "-o", True)
_ALL_NAMESPACES = ("--all-namespaces", "-A", False)
_SELECTOR = ("--selector", "-l", True)
_SHOW_EVENTS = ("--show-events", None, True)

TEMPLATE_FORMATS = ("jsonpath", "jsonpath-file", "custom-columns", "custom-columns-file")
SPREADSHEET_FORMATS = ("csv", "tsv", "markdown")  # printers.SPREADSHEET_FORMATS (not imported: TAB stays light)
PLUGINS = {
    "py-nodeports": {
        "flags": (_OUTPUT, ("--no-headers", None, False), _ALL_NAMESPACES, _SELECTOR,
                  ("--address-type", None, True), ("--all-nodes", None, False)),
        "formats": ("wide", "json", "yaml") + TEMPLATE_FORMATS + SPREADSHEET_FORMATS,
        "positionals": None,
    },
    "py-describe": {
        "flags": (_OUTPUT, _ALL_NAMESPACES, _SELECTOR, _SHOW_EVENTS),
        "formats": ("text", "json", "yaml", "jsonpath", "jsonpath-file"),
        "positionals": "describe",
    },
    "py-query": {
        "flags": (_OUTPUT, ("--no-headers", None, False), _ALL_NAMESPACES, _SELECTOR,
                  ("--field-selector", None, True), ("--sort-by", None, True), ("--count", None, False),
                  ("--by", None, True), ("--group-by", None, True), ("--sum", None, True), ("--avg", None, True),
                  ("--min", None, True), ("--max", None, True), ("--describe", None, False), _SHOW_EVENTS,
                  ("--show-managed-fields", None, False), ("--watch", "-w", False), ("--watch-only", None, False),
                  ("--output-watch-events", None, False)),
        "formats": ("wide", "json", "yaml", "name") + TEMPLATE_FORMATS + ("jsonpath-ng",) + SPREADSHEET_FORMATS,
        "positionals": "query",
    },
    "py-diff": {
        "flags": (_OUTPUT, ("--no-headers", None, False), _ALL_NAMESPACES, _SELECTOR,
                  ("--include-status", None, False), ("--ignore", None, True), ("--describe", None, False)),
        "formats": ("wide", "json", "yaml", "jsonpath", "jsonpath-file") + SPREADSHEET_FORMATS,
        "positionals": "query",
    },
}
# flags whose value is a file: let the shell complete paths
PATH_FLAGS = ("--kubeconfig", "--filename", "--certificate-authority", "--client-certificate", "--client-key")
# values known without asking anyone
STATIC_VALUES = {
    "--show-events": ("true", "false"),
    "--by": ("context", "kind", "namespace"),
    "--address-type": ("ExternalIP", "InternalIP", "Hostname", "InternalDNS", "ExternalDNS"),
}


class Line:
    """The words typed before the one being completed, parsed the way the plugin will parse them."""

    def __init__(self, plugin: str, words: list):
        self.plugin = plugin
        self.flags = CONNECTION_FLAGS + PLUGINS[plugin]["flags"]
        self.by_name = {}
        for long, short, takes_value in self.flags:
            self.by_name[long] = (long, takes_value)
            if short:
                self.by_name[short] = (long, takes_value)
        self.values = {}  # long flag -> list of values
        self.positionals = []
        self.pending = None  # a flag still waiting for its value (the word under completion)
        self._parse(words)

    def _parse(self, words: list) -> None:
        only_args = False
        for word in words:
            if self.pending:
                self.values.setdefault(self.pending, []).append(word)
                self.pending = None
            elif only_args or not word.startswith("-") or word == "-":
                self.positionals.append(word)
            elif word == "--":
                only_args = True
            else:
                flag, value = self.split_flag(word)
                if flag is None:
                    continue  # unknown: ignored, as a boolean
                long, takes_value = flag
                if not takes_value:
                    self.values.setdefault(long, []).append("true" if value is None else value)
                elif value is None:
                    self.pending = long
                else:
                    self.values.setdefault(long, []).append(value)

    def split_flag(self, word: str):
        """((long, takes_value) or None, inline value or None) for ``--flag``, ``--flag=v``, ``-n``, ``-nv``,
        ``-n=v``."""
        if word.startswith("--"):
            name, sep, value = word.partition("=")
            return self.by_name.get(name), (value if sep else None)
        flag = self.by_name.get(word[:2])
        if len(word) == 2 or flag is None:
            return flag, None
        rest = word[2:]
        return flag, rest[1:] if rest.startswith("=") else rest

    def last(self, flag: str):
        values = self.values.get(flag)
        return values[-1] if values else None

    def has(self, flag: str) -> bool:
        value = self.last(flag)
        return value is not None and value.lower() not in ("false", "0", "f")

    def filenames_given(self) -> bool:
        return bool(self.values.get("--filename"))


# -- the cluster side (imported only when a completion needs it) -------------------------------------------
def _overrides(line: Line):
    from ..kube.kubeconfig import Overrides

    return Overrides(
        kubeconfig=line.last("--kubeconfig"), cluster=line.last("--cluster"), user=line.last("--user"),
        namespace=line.last("--namespace"), server=line.last("--server"), token=line.last("--token"),
        impersonate=line.last("--as"), impersonate_groups=tuple(line.values.get("--as-group") or ()),
        impersonate_uid=line.last("--as-uid"), certificate_authority=line.last("--certificate-authority"),
        client_certificate=line.last("--client-certificate"), client_key=line.last("--client-key"),
        insecure_skip_tls_verify=True if line.has("--insecure-skip-tls-verify") else None,
        tls_server_name=line.last("--tls-server-name"), request_timeout=TIMEOUT_SECONDS,
        disable_compression=True if line.has("--disable-compression") else None)


def _kubeconfig(line: Line):
    from ..kube import kubeconfig

    return kubeconfig.load(line.last("--kubeconfig"))


def _clusters(line: Line) -> list:
    """The clusters the plugin would read: ``--context`` (repeated, comma lists, globs), else the current one,
    minus ``--exclude-context``. ``--all-contexts`` completes from the current context only, to keep TAB fast."""
    from .. import api

    return api.clusters(contexts=line.values.get("--context"), overrides=_overrides(line),
                        exclude_contexts=line.values.get("--exclude-context"))


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


def _per_cluster(line: Line, work) -> list:
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


def resource_types(line: Line, include_categories: bool) -> list:
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


def aliases(line: Line, word: str) -> list:
    """The short name, singular or kind typed in full (``svc``, ``deploy``): kept as the one candidate."""

    def work(cluster):
        for info in cluster.discovery().resources:
            if word in info.short_names or word in (info.singular, info.kind.lower()):
                return [word]
        return []

    return _per_cluster(line, work) if word else []


def object_names(line: Line, type_name: str) -> list:
    namespace = line.last("--namespace")
    all_namespaces = line.has("--all-namespaces")
    return sorted(_per_cluster(line, lambda c: _names(c, type_name, namespace, all_namespaces)))


def namespaces(line: Line) -> list:
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
    line = Line(plugin, words)
    if line.pending:
        return flag_values(line, line.pending, word)
    if word.startswith("-") and "--" not in words:
        flag, value = line.split_flag(word)
        if value is not None and flag is not None and flag[1]:  # --flag=value, -nvalue
            return flag_values(line, flag[0], value)
        return flag_names(line, word), NO_FILE
    if line.filenames_given():
        return [], NO_FILE  # offline input: nothing to ask a cluster
    kind = PLUGINS[plugin]["positionals"]
    if kind is None:
        return [], NO_FILE
    return positional(line, kind, word), NO_FILE


def flag_names(line: Line, word: str) -> list:
    out = []
    for long, short, _ in line.flags:
        if long.startswith(word):
            out.append(long)
        if short and not word.startswith("--") and short.startswith(word):
            out.append(short)
    return sorted(out)


def flag_values(line: Line, flag: str, word: str) -> tuple:
    if flag in PATH_FLAGS:
        return [], DEFAULT
    if flag == "--output":
        return _prefixed(PLUGINS[line.plugin]["formats"], word), NO_FILE
    if flag in STATIC_VALUES:
        return _prefixed(STATIC_VALUES[flag], word), NO_FILE
    if flag in ("--context", "--exclude-context", "--cluster", "--user"):
        config = _kubeconfig(line)
        names = {"--context": config.contexts, "--exclude-context": config.contexts, "--cluster": config.clusters,
                 "--user": config.users}[flag]
        if flag in ("--context", "--exclude-context") and "," in word:  # --context a,b,<TAB>
            head, _, tail = word.rpartition(",")
            done = set(head.split(","))
            return [f"{head},{n}" for n in sorted(names) if n.startswith(tail) and n not in done], NO_FILE
        return _prefixed(sorted(names), word), NO_FILE
    if flag == "--namespace":
        return _prefixed(namespaces(line), word), NO_FILE
    return [], NO_FILE


def positional(line: Line, kind: str, word: str) -> list:
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
