"""Label and field selectors evaluated on the client, with the API server's semantics.

The server evaluates selectors for live lists; these functions do the same for offline dumps and for
describe's batch joins (one list per namespace, filtered here per object).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import UsageError

# one requirement: key, operator, values
_SET_RE = re.compile(r"^\s*(!?)\s*([^\s!=(),]+)\s*(?:(in|notin)\s*\((.*)\))?\s*$")
_EQ_RE = re.compile(r"^\s*([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)\s*$")
_KEY_RE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


def _split_top_level(selector: str) -> list:
    """Split on commas that are not inside parentheses."""
    parts, depth, current = [], 0, []
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in (p.strip() for p in parts) if p]


@lru_cache(maxsize=256)
def parse_label_selector(selector: str) -> tuple:
    """Parse ``app=web,tier in (a,b),!legacy`` into (key, op, values) requirements."""
    requirements = []
    for part in _split_top_level(selector or ""):
        eq = _EQ_RE.match(part)
        if eq:
            key, op, value = eq.groups()
            requirements.append((key, "!=" if op == "!=" else "=", (value,)))
        else:
            match = _SET_RE.match(part)
            if not match:
                raise UsageError(f'unable to parse requirement: found \'{part}\', expected: selector "{selector}"')
            negate, key, op, values = match.groups()
            if op:
                if negate:
                    raise UsageError(f"unable to parse requirement: '!' cannot be combined with '{op}'")
                requirements.append((key, op, tuple(v.strip() for v in values.split(",") if v.strip())))
            else:
                requirements.append((key, "!exists" if negate else "exists", ()))
        if not _KEY_RE.match(requirements[-1][0]):
            raise UsageError(f'invalid label key "{requirements[-1][0]}" in selector "{selector}"')
    return tuple(requirements)


def match_labels(selector: str | None, labels: dict | None) -> bool:
    labels = labels or {}
    for key, op, values in parse_label_selector(selector or ""):
        present = key in labels
        value = labels.get(key)
        if op == "=" and value != values[0]:
            return False
        if op == "!=" and present and value == values[0]:
            return False
        if op == "in" and value not in values:
            return False
        if op == "notin" and present and value in values:
            return False
        if op == "exists" and not present:
            return False
        if op == "!exists" and present:
            return False
    return True


@lru_cache(maxsize=256)
def parse_field_selector(selector: str) -> tuple:
    requirements = []
    for part in _split_top_level(selector or ""):
        match = re.match(r"^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$", part)
        if not match:
            raise UsageError(f"invalid field selector: '{part}'")
        field, op, value = match.groups()
        requirements.append((field, "!=" if op == "!=" else "=", value))
    return tuple(requirements)


def field_value(obj: dict, path: str) -> str:
    """The string the server compares for a field selector (missing fields compare as '')."""
    current = obj
    for key in path.split("."):
        if not isinstance(current, dict):
            return ""
        current = current.get(key)
    if current is None:
        return ""
    if isinstance(current, bool):
        return "true" if current else "false"
    return str(current)


def match_fields(selector: str | None, obj: dict) -> bool:
    for field, op, value in parse_field_selector(selector or ""):
        if (field_value(obj, field) == value) != (op == "="):
            return False
    return True


def filter_items(items: list, label_selector: str | None = None, field_selector: str | None = None) -> list:
    if not label_selector and not field_selector:
        return list(items)
    return [
        item
        for item in items
        if match_labels(label_selector, (item.get("metadata") or {}).get("labels"))
        and match_fields(field_selector, item)
    ]


def label_selector_string(selector: dict | None) -> str:
    """A LabelSelector object as kubectl prints it (``metav1.LabelSelectorAsSelector(sel).String()``):
    requirements sorted by key, ``""`` for a nil or empty selector.

    Raises ValueError, with kubectl's message, for what kubectl cannot convert.
    """
    if not selector:
        return ""
    requirements = []
    for key, value in (selector.get("matchLabels") or {}).items():
        requirements.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key") or "", expr.get("operator")
        values = sorted(expr.get("values") or [])
        if op in ("In", "NotIn") and not values:
            raise ValueError("for 'in', 'notin' operators, values set can't be empty")
        if op == "In":
            text = f"{key} in ({','.join(values)})"
        elif op == "NotIn":
            text = f"{key} notin ({','.join(values)})"
        elif op == "Exists":
            text = key
        elif op == "DoesNotExist":
            text = f"!{key}"
        else:
            raise ValueError(f'"{op}" is not a valid label selector operator')
        requirements.append((key, text))
    requirements.sort(key=lambda r: r[0])
    return ",".join(text for _, text in requirements)
