"""Offline input (``-f FILE|DIR|-``): answer from ``kubectl get -o json|yaml`` output or a
``kubectl cluster-info dump --output-directory`` folder, with the same read interface as a Cluster."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import NotFound, NotInDump, UnknownResource, UsageError
from . import selectors
from .builtin_resources import offline_discovery
from .discovery import ResourceInfo

_SUFFIXES = (".json", ".yaml", ".yml")
NOT_IN_INPUT = "the input files hold no "  # + the type's qualified name: what NotInDump says
IN_THE_FILES = " in the input files"  # ends what NotInFiles says: kubectl's NotFound words, of the files


class Dump:
    """Objects read from files; ``name`` stands in for a context name. A :class:`.source.Source`."""

    sends_requests = False
    serves_tables = False
    chunk_size = 0  # nothing is paged

    def __init__(self, objects: list, name: str = "", namespace: str = "default"):
        self.objects = objects
        self.name = name
        self.namespace = namespace
        self._discovery = offline_discovery(objects)
        self._kinds = {(_group(o), o.get("kind")) for o in objects}

    def close(self) -> None:
        pass

    def clone(self) -> "Dump":
        return self  # reads of files in memory are thread-safe

    def discovery(self):
        return self._discovery

    def resolve(self, type_name: str) -> ResourceInfo:
        try:
            return self._discovery.resolve(type_name)
        except UnknownResource:  # said of the files, not of a server
            raise UnknownResource(type_name, self._discovery.suggestion(type_name), offline=True) from None

    def category(self, name: str) -> list:
        return self._discovery.category(name)

    def holds(self, info: ResourceInfo) -> bool:
        return (info.group, info.kind) in self._kinds

    def list(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list:
        if not self.holds(info):
            raise NotInDump(f"{NOT_IN_INPUT}{info.qualified}")
        items = [o for o in self.objects if o.get("kind") == info.kind and _group(o) == info.group]
        if info.namespaced:
            for obj in items:  # a manifest may leave it out: kubectl apply -f puts the object in -n's namespace
                meta = obj.get("metadata")
                if isinstance(meta, dict) and not meta.get("namespace"):
                    meta["namespace"] = self.namespace
            if namespace:
                items = [o for o in items if (o.get("metadata") or {}).get("namespace") == namespace]
        return selectors.filter_items(items, label_selector, field_selector)

    def list_pages(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ):
        yield self.list(info, namespace, label_selector, field_selector)

    def list_later(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ):
        """As Cluster.list_later: files need no request, so this only defers the read."""
        return lambda: self.list(info, namespace, label_selector, field_selector)

    def get(self, info: ResourceInfo, name: str, namespace: str | None = None) -> dict:
        for obj in self.list(info, namespace) if self.holds(info) else ():
            if (obj.get("metadata") or {}).get("name") == name:
                return obj
        raise NotInFiles(f'{info.qualified} "{name}" not found{IN_THE_FILES}', 404)


class NotInFiles(NotFound):
    """A named object the files do not hold: said of the files, not as a server's NotFound."""

    prefix = "error: "


def _group(obj: dict) -> str:
    api_version = obj.get("apiVersion") or ""
    return api_version.rpartition("/")[0]


def load_dump(paths: list, namespace: str = "default") -> Dump:
    """Read every file given (``-`` is stdin; folders are walked), flattening Lists."""
    objects = []
    for path in paths:
        if path == "-":
            objects.extend(_parse(sys.stdin.read(), "<stdin>"))
            continue
        root = Path(path)
        if root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in _SUFFIXES)
        elif root.is_file():
            files = [root]
        else:
            raise UsageError(f'the path "{path}" does not exist')
        for file in files:
            try:
                text = file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise UsageError(f"error parsing {file}: not UTF-8 text") from None
            except OSError as exc:
                raise UsageError(f"error reading {file}: {exc.strerror}") from None
            objects.extend(_parse(text, str(file)))
    return Dump(objects, name="", namespace=namespace)


def _parse(text: str, where: str) -> list:
    try:
        return _parse_documents(text, where)
    except RecursionError:
        raise UsageError(f"error parsing {where}: nested too deeply") from None


def _parse_documents(text: str, where: str) -> list:
    """JSON (``kubectl get -o json``), else YAML documents; a file that fails says where: the file, line and
    column (of the JSON error when the file looks like JSON and is not YAML either)."""
    from .parse_errors import json_problem, yaml_problem

    start = text.lstrip()[:1]
    if not start:
        return []
    docs, json_error = None, None
    if start in "{[":
        try:
            docs = [json.loads(text)]
        except ValueError as exc:
            json_error = exc
    if docs is None:
        import yaml

        try:
            docs = [d for d in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))]
        except yaml.YAMLError as exc:
            problem = json_problem(json_error) if json_error is not None else yaml_problem(exc, text)
            raise UsageError(f"error parsing {where}: {problem}") from None
    out = []
    for doc in docs:
        out.extend(_flatten(doc, where))
    return out


def _flatten(doc, where: str) -> list:
    if doc is None:
        return []
    if isinstance(doc, list):
        return [o for d in doc for o in _flatten(d, where)]
    if not isinstance(doc, dict):
        raise UsageError(f"error parsing {where}: expected Kubernetes objects")
    for field, expected in (("kind", str), ("apiVersion", str), ("metadata", dict)):
        if doc.get(field) is not None and not isinstance(doc[field], expected):
            raise UsageError(
                f"error parsing {where}: an object's {field} is not {'a string' if expected is str else 'a mapping'}"
            )
    kind = doc.get("kind") or ""
    if "items" in doc and (kind.endswith("List") or not kind):
        # typed lists (PodList, from cluster-info dump) may leave out each item's kind
        item_kind = kind[: -len("List")] if kind not in ("List", "") else ""
        version = doc.get("apiVersion") or "v1"
        items = []
        for item in doc.get("items") or []:
            if isinstance(item, dict):
                if item_kind and not item.get("kind"):
                    item = dict(item, kind=item_kind, apiVersion=version)
                items.extend(_flatten(item, where))
        return items
    if not doc.get("kind"):
        raise UsageError(f"error parsing {where}: object has no kind")
    return [doc]
