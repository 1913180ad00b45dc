"""The generic describer (kubectl ``genericDescriber``, spec section 2): every kind without a dedicated
describer, custom resources included. The document keeps the object's own fields under ``content``
(minus managed fields and the metadata printed above them) plus events."""

from __future__ import annotations

import copy

from .base import Describer, text_renderer
from .sections import gather_with_events, with_events

SKIPPED_METADATA = ("managedFields", "name", "namespace", "labels", "annotations")


def build(obj: dict, gathered: dict) -> dict:
    meta = obj.get("metadata") or {}
    content = copy.deepcopy(obj)
    if isinstance(content.get("metadata"), dict):
        for key in SKIPPED_METADATA:
            content["metadata"].pop(key, None)
    doc = {
        "name": meta.get("name") or "",
        "namespace": meta.get("namespace") or "",
        "labels": dict(meta.get("labels") or {}),
        "annotations": dict(meta.get("annotations") or {}),
        "content": content,
    }
    return with_events(doc, gathered)


GENERIC = Describer(gather_with_events, build, text_renderer("generic", "render_generic"))
