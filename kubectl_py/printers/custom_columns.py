"""``-o custom-columns=HEADER:.path,...`` (and the file form: a header line and a path line)."""

from __future__ import annotations

from ..errors import UsageError


def parse_spec(spec: str) -> list:
    """Return (header, template) pairs; a file spec has headers on line 1 and paths on line 2."""
    lines = [line for line in spec.splitlines() if line.strip()]
    if len(lines) == 2 and ":" not in lines[0]:
        headers, paths = lines[0].split(), lines[1].split()
        if len(headers) != len(paths):
            raise UsageError(f"number of headers ({len(headers)}) and fields ({len(paths)}) don't match")
        pairs = list(zip(headers, paths))
    else:
        pairs = []
        for part in spec.split(","):
            header, sep, path = part.partition(":")
            if not sep or not header:
                raise UsageError(f'unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>')
            pairs.append((header, path))
    from ..jsonpath import relaxed

    return [(header, relaxed(path)) for header, path in pairs]


def rows_for(items: list, columns: list) -> list:
    """Each cell: the values a column's path selects, each escaped for the terminal and comma-joined as
    kubectl prints them (ESC as ``^[``, CR as ``\\r``); ``<none>`` when it selects nothing."""
    from ..jsonpath import evaluate
    from ..jsonpath.formatting import format_value
    from ..terminal import escape

    rows = []
    for item in items:
        row = []
        for _, template in columns:
            values = [v for v in evaluate(template, item) if v is not None]
            row.append(",".join(escape(format_value(v)) for v in values) if values else "<none>")
        rows.append(row)
    return rows


def has_context_column(columns: list) -> bool:
    """Whether the user's columns already show the context (a CONTEXT header or ``{.context}``), so that
    the CONTEXT column several contexts add is not printed twice."""
    return any(header.upper() == "CONTEXT" or template.replace(" ", "") == "{.context}" for header, template in columns)
