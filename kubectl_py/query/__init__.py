"""py-query's engine: read many types in many contexts, and the pure helpers that shape the result.

Items keep their own fields; the context an item came from is added as a top-level ``context`` key
(documented in the README), which templates can print with ``{.context}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import NotFound, UnknownResource

CONTEXT_KEY = "context"


@dataclass(frozen=True)
class QuerySpec:
    resources: tuple  # type names as typed, e.g. ("pods", "svc") or ("all",)
    names: tuple = ()
    namespace: str | None = None  # None with all_namespaces
    all_namespaces: bool = False
    label_selector: str | None = None
    field_selector: str | None = None


def split_resources(argument: str) -> tuple:
    return tuple(part.strip() for part in argument.split(",") if part.strip())


def resolve_types(source, spec: QuerySpec) -> tuple:
    """(resolved ResourceInfos, warnings for names this context does not know)."""
    infos, warnings = [], []
    for name in spec.resources:
        members = source.category(name) if "." not in name else []
        if members and not _is_type(source, name):
            infos.extend(members)
            continue
        try:
            infos.append(source.resolve(name))
        except UnknownResource as exc:
            warnings.append(str(exc))
    unique = []
    for info in infos:
        if info not in unique:
            unique.append(info)
    return unique, warnings


def _is_type(source, name: str) -> bool:
    return source.discovery().find(name) is not None


def namespace_for(source, info, spec: QuerySpec):
    if not info.namespaced or spec.all_namespaces:
        return None
    return spec.namespace or source.namespace


@dataclass
class ContextAnswer:
    """What one context returned: per type, items (or pages), plus soft warnings and item errors."""

    sections: list  # [(ResourceInfo, items)]
    warnings: list
    errors: list  # NotFound for named objects: printed, and the exit code becomes 1


def read_items(source, spec: QuerySpec, transform=None) -> ContextAnswer:
    """Every matching item of every type in one context. ``transform(info, items)`` may replace a page's
    items (e.g. by rendered text or describe documents) so that pages need not be kept."""
    infos, warnings = resolve_types(source, spec)  # unknown types: warnings, so other contexts still count
    sections, errors = [], []
    for info in infos:
        namespace = namespace_for(source, info, spec)
        collected = []
        if spec.names:
            for name in spec.names:
                try:
                    page = [source.get(info, name, namespace)]
                except NotFound as exc:
                    errors.append(exc)
                    continue
                collected.extend(transform(info, page) if transform else page)
        else:
            for page in source.list_pages(info, namespace, spec.label_selector, spec.field_selector):
                collected.extend(transform(info, page) if transform else page)
        sections.append((info, collected))
    return ContextAnswer(sections, warnings, errors)


def tag(items: list, context: str, managed_fields: bool = False) -> list:
    """Shallow copies that say which context they came from (objects' own fields untouched). Like
    kubectl, ``metadata.managedFields`` is left out unless asked for."""
    out = []
    for item in items:
        item = dict(item, **{CONTEXT_KEY: context})
        meta = item.get("metadata")
        if not managed_fields and isinstance(meta, dict) and "managedFields" in meta:
            item["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
        out.append(item)
    return out


# -- templates -----------------------------------------------------------------------------------------

_RANGE_ITEMS = re.compile(r"^(?P<pre>[^{]*)\{range \.items\[\*\]\}(?P<body>.*)\{end\}(?P<post>[^{}]*)$", re.S)


def split_items_range(template: str):
    """For a template of the form ``TEXT{range .items[*]}BODY{end}TEXT`` return (pre, body, post), so
    that BODY can be applied item by item as pages arrive; None when the template is of another form.
    Inside a range kubectl evaluates paths (even ``$``) relative to the item, so this is exact."""
    match = _RANGE_ITEMS.match(template)
    if not match:
        return None
    body = match.group("body")
    if body.count("{range") != body.count("{end}"):
        return None
    return match.group("pre"), body, match.group("post")


# -- sorting and counting ------------------------------------------------------------------------------


# -- --fields ------------------------------------------------------------------------------------------

FIELD_HEADERS = ("KIND", "PATH", "COUNT", "TYPES", "EXAMPLE")


def field_indexer(context: str, managed_fields: bool = False):
    """(index, transform) for :func:`read_items` in one context: each page, tagged with its context as
    templates see it, is indexed (see ``query/fields.py``) and dropped, so memory holds paths, not items."""
    from .fields import FieldIndex

    index = FieldIndex(keep_items=False)

    def transform(_info, items):
        index.add(tag(items, context, managed_fields))
        return []

    return index, transform


def merged_fields(indexes: list):
    """One index of several contexts' (in their order: the first context's example wins): --fields is per
    kind, a union over contexts."""
    from .fields import FieldIndex

    merged = FieldIndex(keep_items=False)
    for index in indexes:
        merged.merge(index)
    return merged


def field_rows(index) -> list:
    """--fields: one record per kind and leaf path present in the items (a path where a scalar, null or an
    empty map or list was seen): how many items have it, the JSON types seen there, one secret-safe example."""
    return [
        {"kind": f.kind, "path": f.path, "count": f.count, "types": list(f.types), "example": f.example}
        for f in index.leaf_paths()
    ]


def field_table(rows: list) -> list:
    """The rows of --fields' table (FIELD_HEADERS)."""
    return [[r["kind"], r["path"], r["count"], ",".join(r["types"]), r["example"]] for r in rows]


def field_list(rows: list, contexts: list) -> dict:
    """The document of --fields -o json|yaml|jsonpath=."""
    return {"apiVersion": "kubectl-py/v1", "kind": "FieldList", "items": rows, "contexts": contexts}
