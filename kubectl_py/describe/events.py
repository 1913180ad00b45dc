"""Events for described objects (kubectl ``searchEvents``, spec section 4.1), as records.

``gather`` returns, per object, the raw core/v1 Events that kubectl would show (or None when the list
could not be read: the join recorded a warning); ``build`` turns them into document records. Events
stay in the order the API returned them; the text renderer sorts them like kubectl.
"""

from __future__ import annotations

EVENTS = "events"
FROM_OBJECT = object()  # take the kind for the event selector from each object
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def field_selector(name: str, namespace: str, kind: str | None, uid: str | None) -> str:
    """client-go ``GetFieldSelector``: name and namespace always, kind and uid when known (sorted keys)."""
    fields = {"involvedObject.name": name, "involvedObject.namespace": namespace or ""}
    if kind:
        fields["involvedObject.kind"] = kind
    if uid:
        fields["involvedObject.uid"] = uid
    return ",".join(f"{k}={_escape(v)}" for k, v in sorted(fields.items()))


def _escape(value: str) -> str:
    """apimachinery ``fields.EscapeValue``."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def search(joins, name: str, namespace: str | None, kind: str | None, uid: str | None):
    """One ``searchEvents``: the raw events, or None when they could not be listed.

    In batch mode the events of the namespace (all namespaces for cluster-scoped objects) are listed
    once and indexed by involved object, so describing thousands of objects stays linear.
    """
    if not joins.batch:
        # the UID is matched here, not in the field selector, so that the request can be sent before the
        # object (and its UID) is read; both of a node's searches are then one request
        found = joins.list(
            EVENTS, namespace or None, field_selector=field_selector(name, namespace or "", kind, None), what="events"
        )
    else:
        index = _index(joins, namespace or "")
        found = None if index is None else index.get((name, namespace or ""), ())
    if found is None:
        return None
    return [
        e
        for e in found
        if (not kind or (e.get("involvedObject") or {}).get("kind") == kind)
        and (not uid or (e.get("involvedObject") or {}).get("uid") == uid)
    ]


def _index(joins, namespace: str):
    """Events of a namespace by (involvedObject.name, involvedObject.namespace), in API order."""

    def build():
        items = joins.list(EVENTS, namespace or None, what="events")
        if items is None:
            return None
        index: dict = {}
        for e in items:
            involved = e.get("involvedObject") or {}
            index.setdefault((involved.get("name") or "", involved.get("namespace") or ""), []).append(e)
        return index

    return joins.memo(("describe.events.index", namespace), build)


def gather(objects: list, joins, kind=FROM_OBJECT) -> list:
    """Per object: its raw events (or None). ``kind`` defaults to each object's own kind; pass ``""`` to
    leave the kind out of the selector (as kubectl does for pods)."""
    out = []
    for obj in objects:
        meta = obj.get("metadata") or {}
        obj_kind = obj.get("kind") if kind is FROM_OBJECT else kind
        out.append(search(joins, meta.get("name") or "", meta.get("namespace") or "", obj_kind, meta.get("uid")))
    return out


def gather_pods(objects: list, joins) -> list:
    """Pods: no kind in the selector; a mirror pod's events are found by the static pod's UID."""
    out = []
    for obj in objects:
        meta = obj.get("metadata") or {}
        uid = meta.get("uid")
        mirror = (meta.get("annotations") or {}).get(MIRROR_ANNOTATION)
        if mirror:
            uid = mirror
        out.append(search(joins, meta.get("name") or "", meta.get("namespace") or "", "", uid))
    return out


def gather_nodes(objects: list, joins) -> list:
    """Nodes: two searches appended (UID = the node's UID, then UID = the node's name)."""
    out = []
    for obj in objects:
        meta = obj.get("metadata") or {}
        name = meta.get("name") or ""
        first = search(joins, name, "", "Node", meta.get("uid"))
        second = search(joins, name, "", "Node", name)
        if first is None and second is None:
            out.append(None)
        else:
            out.append((first or []) + (second or []))
    return out


def record(event: dict) -> dict:
    """One event as a document record."""
    source = event.get("source") or {}
    series = event.get("series")
    involved = event.get("involvedObject") or {}
    return {
        "type": event.get("type") or "",
        "reason": event.get("reason") or "",
        "message": (event.get("message") or "").strip(),
        "from": source.get("component") or event.get("reportingComponent") or event.get("reportingController") or "",
        "count": event.get("count") or 0,
        "firstTimestamp": event.get("firstTimestamp") or None,
        "lastTimestamp": event.get("lastTimestamp") or None,
        "eventTime": event.get("eventTime") or None,
        "series": {"count": series.get("count") or 0, "lastObservedTime": series.get("lastObservedTime") or None}
        if series
        else None,
        "fieldPath": involved.get("fieldPath") or None,
    }


def build(raw: list | None) -> list | None:
    """Records for a gathered list; None stays None (the events could not be read)."""
    if raw is None:
        return None
    return [record(e) for e in raw]


event_records = build
