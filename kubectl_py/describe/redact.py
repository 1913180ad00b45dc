"""The one rule that keeps Secret values out of every describe document, whatever the output format.

Applied by :func:`~kubectl_py.describe.describe_objects` to each document it builds, so py-describe
(text, json, yaml, jsonpath), ``py-query --describe`` and offline ``-f`` all go through it.

For documents of Secret-like kinds (kind ``Secret`` in any group, or any kind whose name ends in
``Secret``, such as a custom ``VaultSecret``):

- the ``kubectl.kubernetes.io/last-applied-configuration`` annotation, where ``kubectl apply`` keeps
  the whole manifest (``data`` and ``stringData`` included), becomes
  ``<hidden: N bytes, may hold Secret values>``, N the annotation's length in UTF-8 bytes;
- in generic documents, each value of a top-level ``data`` or ``stringData`` map in ``content``
  becomes ``<hidden: N bytes>``, N the value's length as stored (UTF-8 bytes of a string, of its
  compact JSON otherwise); a ``data``/``stringData`` that is not a map is hidden whole the same way.

The dedicated Secret describer already keeps sizes only (``describe/config.py``).
"""

from __future__ import annotations

import json

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
SECRET_FIELDS = ("data", "stringData")


def is_secret_like(kind: str | None) -> bool:
    return bool(kind) and kind.endswith("Secret")


def hidden(value, note: str = "") -> str:
    """``<hidden: N bytes[, note]>``: the size of ``value`` as stored, never the value."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)
    return f"<hidden: {len(text.encode('utf-8'))} bytes{', ' + note if note else ''}>"


def redact(doc: dict) -> dict:
    """Hide what may hold Secret values in one document (in place); other kinds are left as they are."""
    if not is_secret_like(doc.get("kind")):
        return doc
    annotations = doc.get("annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        annotations[LAST_APPLIED] = hidden(annotations[LAST_APPLIED], "may hold Secret values")
    content = doc.get("content")
    if isinstance(content, dict):
        for field in SECRET_FIELDS:
            if field not in content or content[field] is None:
                continue
            values = content[field]
            if isinstance(values, dict):
                content[field] = {key: hidden(value) for key, value in values.items()}
            else:
                content[field] = hidden(values)
    return doc
