"""kubectl's --sort-by order, for every sort py-query makes: missing values and null first, then numbers
(booleans as 0 and 1), then text; stable. --sort-by, the jsonpath-dialect sorts of templates and jsonpath-ng's
sorts (``query/extended.py``) share it."""

from __future__ import annotations

from ..errors import UsageError


def rank(value) -> tuple:
    if value is None:
        return (0, 0, "")
    if isinstance(value, bool):
        return (1, int(value), "")
    if isinstance(value, (int, float)):
        return (1, value, "")
    if isinstance(value, str):
        return (2, 0, value)
    import json  # maps and lists only: kept off the start-up path (--help, TAB)

    return (2, 0, json.dumps(value, sort_keys=True))


def sort_key(values: list) -> tuple:
    """The key of the values a template found in one item: its first value's rank (none found: missing)."""
    return rank(values[0] if values else None)


def no_such_field(template: str) -> UsageError:
    """kubectl's error for a --sort-by field no item has."""
    return UsageError(f'couldn\'t find any field with path "{template}" in the list of objects')


def sorted_by(template: str, items: list, value_of=None) -> list:
    """``--sort-by`` as kubectl sorts: numbers, then strings, items without the field (or null) first, stable.
    A field no item has is kubectl's error, not an unsorted answer."""
    from ..jsonpath import evaluate

    keyed, found = [], False
    for item in items:
        values = evaluate(template, value_of(item) if value_of else item)
        found = found or bool(values)
        keyed.append((sort_key(values), item))
    if keyed and not found:
        raise no_such_field(template)
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]
