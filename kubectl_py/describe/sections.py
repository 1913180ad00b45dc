"""Document pieces every describer family shares: labels and annotations, conditions, the events section,
and the text shown in place of a join that could not be read."""

from __future__ import annotations

from . import events

EVENTS_OFF = False  # the gathered value of ``events`` when ``--show-events=false``: no section at all


def metadata_fields(obj: dict) -> dict:
    meta = obj.get("metadata") or {}
    return {"labels": dict(meta.get("labels") or {}), "annotations": dict(meta.get("annotations") or {})}


def gather_events(objects: list, joins, kind=events.FROM_OBJECT) -> list:
    """Per object: its raw events, None when they could not be read, or ``EVENTS_OFF``."""
    if not joins.settings.show_events:
        return [EVENTS_OFF] * len(objects)
    return events.gather(objects, joins, kind=kind)


def gather_with_events(objects: list, joins, kind=events.FROM_OBJECT, extra: list | None = None) -> list:
    """A gather step's result per object: what ``extra[i]`` holds (the family's other joins) plus
    ``events``. With no ``extra``, the whole gather step of describers whose only join is events."""
    found = gather_events(objects, joins, kind)
    return [{**(extra[i] if extra else {}), "events": found[i]} for i in range(len(objects))]


def condition_records(conditions, *times: str, unset="") -> list:
    """Conditions as the documents hold them: type and status, reason and message (``unset`` when empty; a
    null is empty too, as Go reads it), lastTransitionTime and the kind's other ``times`` as written."""
    return [
        {
            "type": c.get("type") or "",
            "status": c.get("status") or "",
            "reason": c.get("reason") or unset,
            "message": c.get("message") or unset,
            **{time: c.get(time) for time in ("lastTransitionTime", *times)},
        }
        for c in conditions or []
    ]


def with_events(doc: dict, gathered: dict) -> dict:
    """Add ``events`` (records, or null when unreadable); left out entirely when events are off."""
    raw = gathered.get("events", EVENTS_OFF)
    if raw is not EVENTS_OFF:
        doc["events"] = events.build(raw)
    return doc


def join_error(joins, what: str) -> str | None:
    """The text shown in place of a join that could not be read (the warning recorded for ``what``):
    ``not authorized`` when RBAC forbade it, like kubectl's node ``Pods:`` line, else the error; None
    when the offline input holds no objects of its kind (the text then shows an empty join)."""
    text = joins.error(what)
    if text is None:
        return None
    return "not authorized" if "forbidden" in text.lower() else text
