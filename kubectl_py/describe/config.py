"""ConfigMap, Secret and ServiceAccount: the data ``kubectl describe`` shows for them.

Safety: a Secret's values never enter a document, only their decoded sizes, and that includes the
``token`` of ``kubernetes.io/service-account-token`` Secrets, which kubectl prints in clear.

Extra reads:
- ConfigMap: events (kubectl fails the whole describe when they cannot be read; here ``events`` is
  null and a warning says why).
- Secret: none (kubectl shows no events for Secrets).
- ServiceAccount: events, and the ``kubernetes.io/service-account-token`` Secrets of its namespace
  (for ``tokens``, as kubectl <= 1.34 showed them; kubectl 1.35+ prints neither tokens nor mountable
  secrets, so the text leaves them out too).
"""

from __future__ import annotations

import base64
import binascii
import json

from .base import Describer, text_renderer
from .sections import gather_events, gather_with_events, metadata_fields, with_events

SA_TOKEN_TYPE = "kubernetes.io/service-account-token"
SA_NAME_ANNOTATION = "kubernetes.io/service-account.name"
SA_UID_ANNOTATION = "kubernetes.io/service-account.uid"


def decoded_size(value) -> int:
    """Byte length of a base64 ``data``/``binaryData`` value (what kubectl prints as ``N bytes``)."""
    if not value:
        return 0
    if not isinstance(value, str):  # only a file can hold this (the API keeps bytes): the size of its JSON
        return len(json.dumps(value, separators=(",", ":")).encode())
    try:
        return len(base64.b64decode(value, validate=False))
    except (binascii.Error, ValueError):
        return len(value) * 3 // 4


def _sizes(data) -> dict:
    if not isinstance(data, dict):
        return {}
    return {str(key): {"bytes": decoded_size(data[key])} for key in sorted(data, key=str)}


# -- ConfigMap -------------------------------------------------------------------------------------


def build_configmap(obj: dict, gathered: dict) -> dict:
    data = obj.get("data") or {}
    doc = metadata_fields(obj)
    doc.update(
        {
            "data": {key: data[key] for key in sorted(data)},
            "binaryData": _sizes(obj.get("binaryData")),
            "immutable": obj.get("immutable"),
        }
    )
    return with_events(doc, gathered)


# -- Secret ----------------------------------------------------------------------------------------


def _gather_nothing(objects: list, joins) -> list:
    return [{} for _ in objects]


def build_secret(obj: dict, gathered: dict) -> dict:
    doc = metadata_fields(obj)
    doc.update(
        {
            "type": obj.get("type") or "",
            "data": _sizes(obj.get("data")),
            "immutable": obj.get("immutable"),
        }
    )
    return doc


# -- ServiceAccount --------------------------------------------------------------------------------


def gather_serviceaccounts(objects: list, joins) -> list:
    events = gather_events(objects, joins)
    tokens_by_ns = {}
    out = []
    for obj, evs in zip(objects, events):
        ns = (obj.get("metadata") or {}).get("namespace") or ""
        if ns not in tokens_by_ns:
            secrets = joins.list(
                "secrets",
                ns,
                field_selector=f"type={SA_TOKEN_TYPE}",
                what=f"service account token secrets in namespace {ns}",
            )
            # keep only what the document needs: never a secret's data
            tokens_by_ns[ns] = (
                None
                if secrets is None
                else [
                    {
                        "name": (s.get("metadata") or {}).get("name", ""),
                        "annotations": (s.get("metadata") or {}).get("annotations") or {},
                    }
                    for s in secrets
                    if s.get("type") == SA_TOKEN_TYPE
                ]
            )
        out.append({"tokenSecrets": tokens_by_ns[ns], "events": evs})
    return out


def build_serviceaccount(obj: dict, gathered: dict) -> dict:
    md = obj.get("metadata") or {}
    token_secrets = gathered.get("tokenSecrets")
    tokens = None
    if token_secrets is not None:
        tokens = sorted(
            s["name"]
            for s in token_secrets
            if s["annotations"].get(SA_NAME_ANNOTATION) == md.get("name")
            and s["annotations"].get(SA_UID_ANNOTATION) == md.get("uid")
        )
    doc = metadata_fields(obj)
    doc.update(
        {
            "imagePullSecrets": [s.get("name", "") for s in obj.get("imagePullSecrets") or []],
            "mountableSecrets": [s.get("name", "") for s in obj.get("secrets") or []],
            "tokens": tokens,
            "automountServiceAccountToken": obj.get("automountServiceAccountToken"),
        }
    )
    return with_events(doc, gathered)


CONFIGMAP = Describer(gather_with_events, build_configmap, text_renderer("config", "render_configmap"))
SECRET = Describer(_gather_nothing, build_secret, text_renderer("config", "render_secret"))
SERVICEACCOUNT = Describer(
    gather_serviceaccounts, build_serviceaccount, text_renderer("config", "render_serviceaccount")
)
