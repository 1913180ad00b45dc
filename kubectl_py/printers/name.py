"""``-o name``: ``kind.group/name`` in lower case, as kubectl prints it."""

from __future__ import annotations


def object_name(obj: dict) -> str:
    group = (obj.get("apiVersion") or "").rpartition("/")[0]
    kind = (obj.get("kind") or "").lower()
    prefix = f"{kind}.{group}" if group else kind
    return f"{prefix}/{(obj.get('metadata') or {}).get('name', '')}"
