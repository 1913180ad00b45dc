"""``py-describe --schema KIND``: which published schema (``schemas/``) describes a kind's documents, found from
the names kubectl accepts (``deploy``, ``deployments``, ``Deployment``, ``deployments.apps``), without a server
for the built-in types; and that schema as one self-contained document.
"""

from __future__ import annotations

import json

from . import DESCRIBERS, SCHEMA_DIR, schema_file

COMMON = "common.json"


def builtin_types():
    """Discovery of the built-in types: the offline table, plus every kind that has a describer (with the
    plural and short names its API serves)."""
    from ..kube.builtin_resources import builtin_resources
    from ..kube.discovery import Discovery, ResourceInfo

    resources = builtin_resources()
    known = {info.group_kind for info in resources}
    for (group, kind), _ in DESCRIBERS.items():
        if (group, kind) not in known:
            plural = kind.lower() + ("es" if kind.lower().endswith("s") else "s")
            resources.append(
                ResourceInfo(
                    group=group,
                    version="v1",
                    resource=plural,
                    kind=kind,
                    namespaced=False,
                    singular=kind.lower(),
                    short_names=_SHORT_NAMES.get(kind, ()),
                )
            )
    return Discovery(resources=resources)


_SHORT_NAMES = {"CertificateSigningRequest": ("csr",), "IPAddress": ("ip",), "VolumeAttributesClass": ("vac",)}


def resolve_offline(name: str):
    """(group, kind) of a type name kubectl would accept for a built-in type, or None."""
    info = builtin_types().find(name)
    return info.group_kind if info else None


def schema_for(group: str, kind: str) -> dict:
    """The published schema of a kind's documents (``generic.json`` for kinds without their own describer),
    with ``common.json`` embedded under ``$defs`` when it refers to it (JSON Schema 2020-12 bundling: the
    embedded schema keeps its ``$id``, so ``common.json#/$defs/...`` references resolve inside the document)."""
    path = schema_file(group, kind)
    text = path.read_text(encoding="utf-8")
    schema = json.loads(text)
    if f'"{COMMON}#' in text:
        common = json.loads((SCHEMA_DIR / COMMON).read_text(encoding="utf-8"))
        schema.setdefault("$defs", {})[COMMON] = common
    return schema
