"""Warning events as py-triage reports them: when each was really last seen, counted and dated as
``kubectl events`` prints them (``3m (x8 over 10m)``), one record per object and reason.

Times: an event's last sighting is ``lastTimestamp``, else ``series.lastObservedTime``, else ``eventTime``
(the later of the first two when an event carries both, which is the one ``kubectl events`` shows); its
first sighting is ``eventTime``, else ``firstTimestamp`` (kubectl's ``getInterval``).
"""

from __future__ import annotations

from datetime import timedelta

from ..describe.text.common import age, parse_time


def last_seen(event: dict):
    """The aware datetime the event was last seen, or None."""
    series = event.get("series") if isinstance(event.get("series"), dict) else {}
    seen = [t for t in (parse_time(event.get("lastTimestamp")), parse_time(series.get("lastObservedTime"))) if t]
    if seen:
        return max(seen)
    return parse_time(event.get("eventTime"))


def first_seen(event: dict):
    return parse_time(event.get("eventTime")) or parse_time(event.get("firstTimestamp"))


def count(event: dict) -> int:
    """How often it happened: the series' count, else ``count``, at least 1."""
    series = event.get("series") if isinstance(event.get("series"), dict) else None
    found = (series or {}).get("count") if series else event.get("count")
    return found if isinstance(found, int) and found > 0 else 1


def interval(record: dict, now) -> str:
    """kubectl events' LAST SEEN cell: ``3m (x8 over 10m)``, or the age alone for a single sighting."""
    if record["count"] > 1:
        return f"{age(record['lastSeen'], now)} (x{record['count']} over {age(record['firstSeen'], now)})"
    return age(record["firstSeen"] or record["lastSeen"], now)


def _rfc3339(when) -> str | None:
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


class WarningEvents:
    """The Warning events of one context, merged per object (kind, namespace, name, uid) and reason:
    ``records`` newest first (within ``since`` seconds of ``now`` when given), and :meth:`newest`, an
    object's latest one (whatever its age) for the reason of its finding."""

    def __init__(self, events: list, now, since: float | None = None):
        merged: dict = {}
        for event in events:
            if event.get("type") != "Warning":
                continue
            involved = event.get("involvedObject") or {}
            key = (
                involved.get("kind") or "",
                involved.get("namespace") or "",
                involved.get("name") or "",
                involved.get("uid") or "",
                event.get("reason") or "",
            )
            last, first = last_seen(event), first_seen(event)
            found = merged.get(key)
            if found is None:
                merged[key] = found = {"last": last, "first": first, "count": 0, "event": event}
            elif last is not None and (found["last"] is None or last > found["last"]):
                found["last"], found["event"] = last, event
            if first is not None and (found["first"] is None or first < found["first"]):
                found["first"] = first
            found["count"] += count(event)
        self._by_object: dict = {}
        records = []
        for key, found in merged.items():
            record = _record(key, found)
            records.append((found["last"], record))
            self._by_object.setdefault(key[:3], []).append((found["last"], record))
        newest_first = sorted(records, key=lambda pair: _newest_first(*pair))
        cutoff = None if since is None else parse_time(now) - timedelta(seconds=since)
        self.records = [r for last, r in newest_first if cutoff is None or (last is not None and last >= cutoff)]

    def newest(self, kind: str, namespace: str, name: str, uid: str | None = None) -> dict | None:
        """The object's most recently seen Warning record; events about another object of the same name
        (an older one, by uid) do not count."""
        best = None
        for last, record in self._by_object.get((kind, namespace or "", name), ()):
            if uid and record["object"]["uid"] and record["object"]["uid"] != uid:
                continue
            if best is None or _when(last) > _when(best[0]):
                best = (last, record)
        return None if best is None else best[1]


def _when(value):
    return (value is not None, value.timestamp() if value is not None else 0)


def _newest_first(last, record: dict) -> tuple:
    """Sort key: the latest first, never-seen ones last, ties by namespace, kind, name and reason."""
    obj = record["object"]
    return (
        last is None,
        -last.timestamp() if last is not None else 0,
        obj["namespace"] or "",
        obj["kind"],
        obj["name"],
        record["reason"],
    )


def _record(key: tuple, found: dict) -> dict:
    kind, namespace, name, uid, reason = key
    event = found["event"]
    source = event.get("source") or {}
    return {
        "object": {"kind": kind, "namespace": namespace or None, "name": name, "uid": uid or None},
        "reason": reason,
        "message": (event.get("message") or "").strip(),
        "count": found["count"],
        "firstSeen": _rfc3339(found["first"]),
        "lastSeen": _rfc3339(found["last"]),
        "source": source.get("component")
        or event.get("reportingComponent")
        or event.get("reportingController")
        or None,
    }
