"""Role, ClusterRole, RoleBinding and ClusterRoleBinding: the data ``kubectl describe`` shows for them.

Extra reads: none (kubectl shows no events for RBAC objects).

A role's ``policyRules`` are its rules as kubectl prints them (``pkg/util/rbac``): each rule broken
down to one verb, resource and resource name, the rules that then differ only by verb merged again,
and sorted by Go's ``PolicyRule.String()`` (so by verbs first). ``rules`` keeps the rules as written.
"""

from __future__ import annotations

from .base import Describer, text_renderer
from .sections import metadata_fields

_RULE_FIELDS = ("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs")


def _gather_nothing(objects: list, joins) -> list:
    return [{} for _ in objects]


def _rule(rule: dict) -> dict:
    return {key: list(rule.get(key) or []) for key in _RULE_FIELDS}


def breakdown_rule(rule: dict) -> list:
    """``rbac.BreakdownRule``: one rule per (group, resource, verb[, resource name]), then one per
    (non-resource URL, verb)."""
    out = []
    names = rule.get("resourceNames") or []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in rule.get("verbs") or []:
                for name in names or [None]:
                    out.append(
                        _rule(
                            {
                                "apiGroups": [group],
                                "resources": [resource],
                                "verbs": [verb],
                                "resourceNames": [name] if name is not None else [],
                            }
                        )
                    )
    for url in rule.get("nonResourceURLs") or []:
        for verb in rule.get("verbs") or []:
            out.append(_rule({"nonResourceURLs": [url], "verbs": [verb]}))
    return out


def compact_rules(rules: list) -> list:
    """``rbac.CompactRules`` on broken-down rules: rules on one (group, resource, resource name) and
    nothing else get their verbs merged (first-seen order); others stay as they are."""
    compacted, simple = [], {}
    for rule in rules:
        if (
            rule["nonResourceURLs"]
            or len(rule["apiGroups"]) != 1
            or len(rule["resources"]) != 1
            or len(rule["resourceNames"]) > 1
        ):
            compacted.append(rule)
            continue
        key = (rule["apiGroups"][0], rule["resources"][0], tuple(rule["resourceNames"]))
        if key in simple:
            merged = simple[key]["verbs"]
            merged.extend(v for v in rule["verbs"] if v not in merged)
        else:
            simple[key] = _rule(rule)
    return compacted + list(simple.values())


def rule_sort_key(rule: dict) -> str:
    """Go's generated ``PolicyRule.String()``, which kubectl sorts the rules by."""
    from .text.common import go_list  # imported only when roles are described

    return (
        "&PolicyRule{"
        + "".join(
            f"{go}:{go_list(rule[key])},"
            for go, key in (
                ("Verbs", "verbs"),
                ("APIGroups", "apiGroups"),
                ("Resources", "resources"),
                ("ResourceNames", "resourceNames"),
                ("NonResourceURLs", "nonResourceURLs"),
            )
        )
        + "}"
    )


def policy_rules(rules: list) -> list:
    broken = [sub for rule in rules for sub in breakdown_rule(rule)]
    return sorted(compact_rules(broken), key=rule_sort_key)  # sorted() is stable, like sort.Stable


def build_role(obj: dict, gathered: dict) -> dict:
    rules = obj.get("rules") or []
    doc = metadata_fields(obj)
    doc["rules"] = [_rule(r) for r in rules]
    doc["policyRules"] = policy_rules(rules)
    return doc


def build_binding(obj: dict, gathered: dict) -> dict:
    ref = obj.get("roleRef") or {}
    doc = metadata_fields(obj)
    doc["roleRef"] = {
        "apiGroup": ref.get("apiGroup") or "",
        "kind": ref.get("kind") or "",
        "name": ref.get("name") or "",
    }
    doc["subjects"] = [
        {
            "kind": s.get("kind") or "",
            "apiGroup": s.get("apiGroup") or "",
            "name": s.get("name") or "",
            "namespace": s.get("namespace") or "",
        }
        for s in obj.get("subjects") or []
    ]
    return doc


ROLE = Describer(_gather_nothing, build_role, text_renderer("rbac", "render_role"))
CLUSTERROLE = Describer(_gather_nothing, build_role, text_renderer("rbac", "render_role"))
ROLEBINDING = Describer(_gather_nothing, build_binding, text_renderer("rbac", "render_binding"))
CLUSTERROLEBINDING = Describer(_gather_nothing, build_binding, text_renderer("rbac", "render_binding"))
