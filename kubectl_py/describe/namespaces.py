"""Namespace: status, conditions, and the ResourceQuotas and LimitRanges that live in it.

Extra reads (kubectl ``NamespaceDescriber.Describe``): LIST resourcequotas and LIST limitranges in the
namespace. No events (kubectl shows none for a Namespace). kubectl fails the describe when a list
fails (other than NotFound); here the field is null and a warning says why.
"""

from __future__ import annotations

from ..quantity import record as quantity
from .base import Describer, text_renderer
from .sections import condition_records, join_error, metadata_fields

LIMIT_FIELDS = (
    ("min", "min"),
    ("max", "max"),
    ("defaultRequest", "defaultRequest"),
    ("default", "defaultLimit"),
    ("maxLimitRequestRatio", "maxLimitRequestRatio"),
)


def gather_namespaces(objects: list, joins) -> list:
    out = []
    for obj in objects:
        name = (obj.get("metadata") or {}).get("name") or ""
        got = {}
        for key, type_name in (("quotas", "resourcequotas"), ("limitRanges", "limitranges")):
            what = f"{type_name} in namespace {name}"
            got[key] = joins.list(type_name, name, what=what)
            if got[key] is None:
                got[key + "Error"] = join_error(joins, what)
        out.append(got)
    return out


def quota_record(quota: dict) -> dict:
    spec = quota.get("spec") or {}
    status = quota.get("status") or {}
    hard = status.get("hard") or {}
    used = status.get("used") or {}
    return {
        "name": (quota.get("metadata") or {}).get("name", ""),
        "scopes": sorted(spec.get("scopes") or []),
        # rows come from status.hard, like kubectl's; used is null when not computed yet
        "resources": {res: {"used": quantity(used.get(res)), "hard": quantity(hard[res])} for res in sorted(hard)},
    }


def limit_range_record(limit_range: dict) -> dict:
    """One row per (limit item, resource); kubectl prints a resource's row in Go map order, we sort."""
    rows = []
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        resources = set()
        for field, _ in LIMIT_FIELDS:
            resources.update(item.get(field) or {})
        for res in sorted(resources):
            row = {"type": item.get("type", ""), "resource": res}
            for field, key in LIMIT_FIELDS:
                row[key] = quantity((item.get(field) or {}).get(res))
            rows.append(row)
    return {"name": (limit_range.get("metadata") or {}).get("name", ""), "limits": rows}


def build_namespace(obj: dict, gathered: dict) -> dict:
    status = obj.get("status") or {}
    quotas = gathered.get("quotas")
    limits = gathered.get("limitRanges")
    doc = metadata_fields(obj)
    doc.update(
        {
            "status": status.get("phase", ""),
            "conditions": condition_records(status.get("conditions")),
            "resourceQuotas": None
            if quotas is None
            else sorted((quota_record(q) for q in quotas), key=lambda q: q["name"]),
            "limitRanges": None if limits is None else [limit_range_record(lr) for lr in limits],
            "resourceQuotasError": gathered.get("quotasError") if quotas is None else None,
            "limitRangesError": gathered.get("limitRangesError") if limits is None else None,
        }
    )
    return doc


NAMESPACE = Describer(gather_namespaces, build_namespace, text_renderer("namespaces", "render_namespace"))
