"""The rows of py-query's default table for one type in one context: the server's own table (what
``kubectl get`` prints), or NAME and CREATED from the objects themselves offline."""

from __future__ import annotations

from ..errors import NotFound


def table_rows(source, info, namespace, spec, include, errors):
    """(column definitions, [(cells, namespace, object)]) for one type in one context. Named objects
    that do not exist go to ``errors``; the others are still shown, as kubectl does."""
    if not source.serves_tables:
        return _offline_table(source, info, namespace, spec, errors)
    if spec.names:
        pages = []
        for name in spec.names:
            try:
                pages.append(source.table_get(info, name, namespace, include))
            except NotFound as exc:
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
            except NotFound as exc:
                errors.append(exc)
    else:
        objects = source.list(info, namespace, spec.label_selector, spec.field_selector)
    columns = [{"name": "Name", "priority": 0}, {"name": "Created", "priority": 0}]
    rows = []
    for obj in objects:
        meta = obj.get("metadata") or {}
        rows.append(
            ([meta.get("name", ""), meta.get("creationTimestamp") or "<unknown>"], meta.get("namespace", ""), obj)
        )
    return columns, rows
