"""``-o jsonpath-ng=``: jsonpath-ng's extended syntax (regex filters, boolean and, ``len``, sorts) over the same
List a kubectl template sees. jsonpath-ng is imported on first use only."""

from __future__ import annotations

import functools

from .sorting import rank


def jsonpath_ng(expression: str, document) -> str:
    """jsonpath-ng's extended syntax (filters with regex and boolean and, len, sorted): one match a line,
    scalars as text and the rest as JSON."""
    import json

    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext import parse

    try:
        matches = _null_safe_sorting(parse(expression)).find(document)
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
        from ..errors import BadTemplate

        raise BadTemplate(f"error in jsonpath-ng expression {expression!r}: {exc}") from None
    lines = []
    for match in matches:
        value = match.value
        lines.append(value if isinstance(value, str) else json.dumps(value, sort_keys=True))
    return "".join(f"{line}\n" for line in lines)


def _null_safe_sorting(node):
    """jsonpath-ng's sorting (``[/field]``, `` `sorted` ``) compares values as Python does, so a null beside a
    string ended the command (``'<' not supported between NoneType and str``): each sort in the parsed
    expression is replaced by one that orders as --sort-by does (missing and null first, numbers, strings)."""
    from jsonpath_ng import JSONPath
    from jsonpath_ng.ext.iterable import SortedThis

    if isinstance(node, SortedThis):
        return _null_safe_sorted()(node.expressions)
    for name, value in list(vars(node).items()):
        if isinstance(value, JSONPath):
            setattr(node, name, _null_safe_sorting(value))
        elif isinstance(value, list):
            setattr(node, name, [_null_safe_sorting(v) if isinstance(v, JSONPath) else v for v in value])
    return node


@functools.lru_cache(maxsize=None)
def _null_safe_sorted():
    """The sort node (a class made once, when jsonpath-ng is first used)."""
    from jsonpath_ng.ext.iterable import SortedThis
    from jsonpath_ng.jsonpath import DatumInContext

    class NullSafeSorted(SortedThis):
        def find(self, datum):
            datum = DatumInContext.wrap(datum)
            value = datum.value
            if isinstance(value, dict) and self.expressions:
                return []
            if not isinstance(value, (dict, list)):
                return []
            items = list(value)
            if not self.expressions:
                items.sort(key=rank)
            for field, reverse in reversed(self.expressions or ()):  # the first expression sorts last: it wins

                def by_field(item, field=field):
                    found = field.find(DatumInContext.wrap(item))
                    return rank(found[0].value if len(found) == 1 else None)

                items.sort(key=by_field, reverse=reverse)
            return [DatumInContext.wrap(items)]

    return NullSafeSorted
