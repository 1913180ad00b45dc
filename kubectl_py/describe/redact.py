"""Secret values kept out of every describe document, whatever the output format.

Applied by :func:`~kubectl_py.describe.describe_objects` to each document it builds, so py-describe
(text, json, yaml, jsonpath), ``py-query --describe`` and offline ``-f`` all go through it. Where the
values are is :mod:`kubectl_py.secret_values`' rule, which py-diff follows too. In documents of
Secret-like kinds:

- the ``kubectl.kubernetes.io/last-applied-configuration`` annotation becomes
  ``<hidden: N bytes, may hold Secret values>``, N the annotation's length in UTF-8 bytes;
- in generic documents, each Secret value in ``content`` (each value of a top-level ``data`` or
  ``stringData`` map; the whole field when it is not a map) becomes ``<hidden: N bytes>``, N its length
  as stored (UTF-8 bytes of a string, of its compact JSON otherwise).

The dedicated Secret describer already keeps sizes only (``describe/config.py``).
"""

from __future__ import annotations

from ..secret_values import LAST_APPLIED, hidden, hide_values, is_secret_like


def redact(doc: dict) -> dict:
    """Hide what may hold Secret values in one document (in place); other kinds are left as they are."""
    if not is_secret_like(doc.get("kind")):
        return doc
    annotations = doc.get("annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        annotations[LAST_APPLIED] = hidden(annotations[LAST_APPLIED], "may hold Secret values")
    content = doc.get("content")
    if isinstance(content, dict):
        doc["content"] = hide_values(content, lambda value, _field: hidden(value))
    return doc
