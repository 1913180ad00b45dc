"""kubectl's text for Namespace documents (kubectl ``describeNamespace``, ``DescribeResourceQuotas``,
``DescribeLimitRanges``)."""

from __future__ import annotations

from .common import quantity_str, rfc1123z, write_annotations, write_labels

SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a "
    "node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long "
    "running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort "
    "quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a "
    "burstable or guaranteed quality of service.",
}


def _quotas(w, quotas: list | None, error: str | None) -> None:
    if quotas is None and error:
        w.line(0, f"Resource Quotas:\t{error}")
        return
    if not quotas:  # none, or the input files hold no resourcequotas
        w.line(0, "No resource quota.")
        return
    w.line(0, "Resource Quotas")
    for q in quotas:
        w.line(1, f"Name:\t{q['name']}")
        if q.get("scopes"):
            write_quota_scopes(w, 1, q["scopes"], "* ")
        w.line(1, "Resource\tUsed\tHard")
        w.line(1, "--------\t---\t---")
        for res, values in (q.get("resources") or {}).items():
            w.line(1, f"{res}\t{quantity_str(values.get('used'))}\t{quantity_str(values.get('hard'))}")


def write_quota_scopes(w, level: int, scopes: list, bullet: str) -> None:
    """The ``Scopes:`` line, then the help text of each scope that has one."""
    w.line(level, f"Scopes:\t{', '.join(scopes)}")
    for scope in scopes:
        if SCOPE_HELP.get(scope):
            w.line(level, f"{bullet}{SCOPE_HELP[scope]}")


def _limit_value(q) -> str:
    return "-" if q is None else quantity_str(q)


def _limit_ranges(w, ranges: list | None, error: str | None) -> None:
    if ranges is None and error:
        w.line(0, f"Resource Limits:\t{error}")
        return
    if not ranges:  # none, or the input files hold no limitranges
        w.line(0, "No LimitRange resource.")
        return
    w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
    w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for lr in ranges:
        write_limit_rows(w, lr.get("limits") or [], " ")


def write_limit_rows(w, rows: list, prefix: str) -> None:
    """kubectl ``describeLimitRangeSpec``: one row per (item, resource), ``-`` for an unset value."""
    for row in rows:
        w.write(
            0,
            prefix
            + "\t".join(
                [
                    row.get("type", ""),
                    row.get("resource", ""),
                    _limit_value(row.get("min")),
                    _limit_value(row.get("max")),
                    _limit_value(row.get("defaultRequest")),
                    _limit_value(row.get("defaultLimit")),
                    _limit_value(row.get("maxLimitRequestRatio")),
                ]
            )
            + "\n",
        )


def render_namespace(doc: dict, w, now=None) -> None:
    w.line(0, f"Name:\t{doc.get('name', '')}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))
    w.line(0, f"Status:\t{doc.get('status') or ''}")
    if doc.get("conditions"):
        w.line(0, "Conditions:")
        w.line(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage")
        w.line(1, "----\t------\t------------------\t------\t-------")
        for c in doc["conditions"]:
            w.line(
                1,
                f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                f"{c.get('reason', '')}\t{c.get('message', '')}",
            )
    w.line(0, "")
    _quotas(w, doc.get("resourceQuotas"), doc.get("resourceQuotasError"))
    w.line(0, "")
    _limit_ranges(w, doc.get("limitRanges"), doc.get("limitRangesError"))
