"""kubectl's text for Role, ClusterRole, RoleBinding and ClusterRoleBinding documents (kubectl
``RoleDescriber``, ``ClusterRoleDescriber``, ``RoleBindingDescriber``, ``ClusterRoleBindingDescriber``:
the same text for the namespaced and the cluster kinds, with no Namespace line)."""

from __future__ import annotations

from .common import go_list, write_head_without_namespace


def combine_resource_group(resources: list, groups: list) -> str:
    """kubectl ``CombineResourceGroup``: ``resource.group/subresource`` from the first of each."""
    if not resources:
        return ""
    resource, slash, sub = resources[0].partition("/")
    combined = resource + (f".{groups[0]}" if groups and groups[0] else "")
    return combined + (f"/{sub}" if slash else "")


def render_role(doc: dict, w, now=None) -> None:
    write_head_without_namespace(w, doc)
    w.line(0, "PolicyRule:")
    w.line(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs")
    w.line(1, "---------\t-----------------\t--------------\t-----")
    for rule in doc.get("policyRules") or []:
        w.line(
            1,
            "\t".join(
                [
                    combine_resource_group(rule["resources"], rule["apiGroups"]),
                    go_list(rule["nonResourceURLs"]),
                    go_list(rule["resourceNames"]),
                    go_list(rule["verbs"]),
                ]
            ),
        )


def render_binding(doc: dict, w, now=None) -> None:
    write_head_without_namespace(w, doc)
    ref = doc.get("roleRef") or {}
    w.line(0, "Role:")
    w.line(1, f"Kind:\t{ref.get('kind', '')}")
    w.line(1, f"Name:\t{ref.get('name', '')}")
    w.line(0, "Subjects:")
    w.line(1, "Kind\tName\tNamespace")
    w.line(1, "----\t----\t---------")
    for subject in doc.get("subjects") or []:
        w.line(1, f"{subject['kind']}\t{subject['name']}\t{subject['namespace']}")
