"""Finding records as tables: one section per concern (pods, workloads, services, nodes, storage, Warning
events), each a kubectl-like table (a leading CONTEXT column when several contexts are read), and a flat
table of every record for csv and tsv. Pure: records in, (title, headers, rows) out; the CLI prints.
"""

from __future__ import annotations

from .findings import WARNING_EVENT

PODS, WORKLOADS, SERVICES, NODES, STORAGE, EVENTS = "pods", "workloads", "services", "nodes", "storage", "events"
SECTIONS = (
    (PODS, "Pods not ready"),
    (WORKLOADS, "Workloads below desired"),
    (SERVICES, "Services without ready endpoints"),
    (NODES, "Node problems"),
    (STORAGE, "Storage problems"),
    (EVENTS, "Warning events"),
)
_SECTION_OF_KIND = {
    "Pod": PODS,
    "Deployment": WORKLOADS,
    "StatefulSet": WORKLOADS,
    "DaemonSet": WORKLOADS,
    "ReplicaSet": WORKLOADS,
    "Job": WORKLOADS,
    "CronJob": WORKLOADS,
    "Service": SERVICES,
    "Node": NODES,
    "PersistentVolumeClaim": STORAGE,
    "PersistentVolume": STORAGE,
}
_ORDER = {name: i for i, (name, _) in enumerate(SECTIONS)}
FLAT_HEADERS = ("KIND", "NAMESPACE", "NAME", "PROBLEM", "REASON", "SINCE")


def section_of(record: dict) -> str:
    if record["problem"] == WARNING_EVENT:
        return EVENTS
    return _SECTION_OF_KIND.get(record["kind"], WORKLOADS)


def report_order(records: list, contexts: list) -> list:
    """By section; within one, by context (the selection's order), namespace, name; Warning events newest
    first across every context."""
    position = {name: i for i, name in enumerate(contexts)}

    def key(r):
        section = _ORDER[section_of(r)]
        if section == _ORDER[EVENTS]:
            return (
                section,
                _descending(r["details"]["lastSeen"]),
                position.get(r["context"], 0),
                r["namespace"] or "",
                r["kind"],
                r["name"],
                r["reason"],
            )
        return (section, position.get(r["context"], 0), r["namespace"] or "", r["name"], r["kind"], r["problem"])

    return sorted(records, key=key)


def _descending(timestamp) -> tuple:
    """RFC 3339 UTC times written alike (events.py) sort as text; newest first, unknown last."""
    if not timestamp:
        return (1, ())
    return (0, tuple(-ord(ch) for ch in timestamp))


def _age(timestamp, now) -> str:
    from ..describe.text.common import age

    return age(timestamp, now)


def _object(record: dict) -> str:
    return f"{record['kind'].lower()}/{record['name']}"


def _replicas(record: dict) -> str:
    d = record["details"]
    if record["kind"] == "Job":
        return f"{d.get('succeeded', 0)}/{d.get('completions') if d.get('completions') is not None else 1}"
    if record["kind"] == "CronJob":
        return ""
    counted = d.get("ready") if record["kind"] == "StatefulSet" else d.get("available")
    return f"{counted}/{d.get('desired')}"


# per section: headers and a function of (record, now) giving the row
_COLUMNS = {
    PODS: (
        ("NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "REASON", "SINCE"),
        lambda r, now: [
            r["namespace"],
            r["name"],
            r["details"]["ready"],
            r["problem"],
            r["details"]["restarts"],
            r["reason"],
            _age(r["since"], now),
        ],
    ),
    WORKLOADS: (
        ("NAMESPACE", "NAME", "REPLICAS", "PROBLEM", "REASON", "SINCE"),
        lambda r, now: [r["namespace"], _object(r), _replicas(r), r["problem"], r["reason"], _age(r["since"], now)],
    ),
    SERVICES: (
        ("NAMESPACE", "NAME", "SELECTOR", "REASON"),
        lambda r, now: [r["namespace"], r["name"], r["details"]["selector"], r["reason"]],
    ),
    NODES: (
        ("NAME", "PROBLEM", "REASON", "SINCE"),
        lambda r, now: [r["name"], r["problem"], r["reason"], _age(r["since"], now)],
    ),
    STORAGE: (
        ("NAMESPACE", "NAME", "STATUS", "REASON", "SINCE"),
        lambda r, now: [r["namespace"] or "", _object(r), r["problem"], r["reason"], _age(r["since"], now)],
    ),
    EVENTS: (
        ("NAMESPACE", "LAST SEEN", "REASON", "OBJECT", "MESSAGE"),
        lambda r, now: [
            r["namespace"] or "",
            _interval(r, now),
            r["details"]["reason"],
            f"{r['kind']}/{r['name']}",
            r["details"]["message"],
        ],
    ),
}


def _interval(record: dict, now) -> str:
    from .events import interval

    return interval(record["details"], now)


def sections(records: list, now, with_context: bool) -> list:
    """(title, headers, rows) per section that has findings, in report order."""
    out = []
    for name, title in SECTIONS:
        mine = [r for r in records if section_of(r) == name]
        if not mine:
            continue
        headers, row = _COLUMNS[name]
        rows = [([r["context"]] if with_context else []) + row(r, now) for r in mine]
        out.append((title, (["CONTEXT"] if with_context else []) + list(headers), rows))
    return out


def flat(records: list, with_context: bool) -> tuple:
    """(headers, rows): one row per finding, ``since`` as RFC 3339 (csv, tsv)."""
    rows = [
        ([r["context"]] if with_context else [])
        + [r["kind"], r["namespace"] or "", r["name"], r["problem"], r["reason"], r["since"] or ""]
        for r in records
    ]
    return (["CONTEXT"] if with_context else []) + list(FLAT_HEADERS), rows
