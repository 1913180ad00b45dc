"""py-diff's pure logic: the same objects in several contexts (or dumps), compared field by field.

An object is reduced to a flat, ordered map of paths to leaf values (:func:`flatten`); the flat maps of
every side are compared (:func:`compare_object`) and the results gathered in a ``DiffList`` document
(:func:`diff_list`). Nothing here does I/O.

Paths read like kubectl's JSONPath: ``.spec.template.spec.containers[name=cart].image``. Lists of named
things are matched by their key, not their position, with the strategic-merge-patch keys of the
Kubernetes API types (``patchMergeKey`` in k8s.io/api); any other list of maps whose items all carry a
distinct ``name`` is keyed by it too. Other lists of maps are compared by position, lists of scalars as
one value. Map keys that are not plain words are quoted: ``.metadata.annotations['example.com/team']``.
Empty maps and lists, and nulls, count as absent (the server drops some, dumps keep them). A list entry
that some side lacks altogether is one row (``env[name=X]``), not one row per field of it.

A side that holds no value at a path says why (:data:`MARKERS`): the object lacks the field (absent), a
manifest does not set it (unset: no difference), a ``--describe`` join could not be read there
(unreadable: no difference), or the whole object is missing there.

Values the server assigns (a Service's node ports and cluster IPs) are judged per side by what that side
can know: a live object's ``managedFields`` say whether a request set them, a manifest sets what it holds,
and a dump without ``managedFields`` cannot tell. Such a value is compared only where some side knows a
user set it.

Secret values never leave this module: each Secret value of a Secret-like object (where py-describe finds
them too: :mod:`kubectl_py.secret_values`) becomes a :class:`Hidden` (an HMAC with a key drawn per run, so
short values cannot be brute-forced from it, and its size), printed as ``<hidden: N bytes>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re

from .. import terminal
from ..secret_values import LAST_APPLIED, hide_values, is_secret_like

# Never compared: they are what objects are matched by.
IDENTITY = (".apiVersion", ".kind", ".metadata.name", ".metadata.namespace")
# Set by the server, so different in every cluster whatever the user applied (the README lists them).
DEFAULT_IGNORED = (
    ".metadata.uid",
    ".metadata.resourceVersion",
    ".metadata.generation",
    ".metadata.creationTimestamp",
    ".metadata.managedFields",
    ".metadata.selfLink",
    ".metadata.ownerReferences[*].uid",
    ".metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']",
    ".metadata.annotations['deployment.kubernetes.io/revision']",
    ".metadata.annotations['deployment.kubernetes.io/desired-replicas']",
    ".metadata.annotations['deployment.kubernetes.io/max-replicas']",
    ".metadata.annotations['deprecated.daemonset.template.generation']",
    # a Job's selector and its pods' labels carry the Job's uid
    ".spec.selector.matchLabels['controller-uid']",
    ".spec.selector.matchLabels['batch.kubernetes.io/controller-uid']",
    ".spec.template.metadata.labels['controller-uid']",
    ".spec.template.metadata.labels['batch.kubernetes.io/controller-uid']",
    ".metadata.labels['controller-uid']",
    ".metadata.labels['batch.kubernetes.io/controller-uid']",
)
# Names and placement each cluster generates per object (--include-generated compares them): hashes of
# pod templates in labels, here; the projected token volume and its mounts, the node, the zone labels
# copied from it, and a describe document's pod IPs and endpoints: :func:`_without_generated`.
GENERATED = (
    ".metadata.labels.pod-template-hash",
    ".metadata.labels.controller-revision-hash",
    ".spec.selector.matchLabels.pod-template-hash",
    ".spec.template.metadata.labels.pod-template-hash",
)
DESCRIBE_GENERATED = (
    ".labels.pod-template-hash",
    ".labels.controller-revision-hash",
    ".podTemplate.labels.pod-template-hash",
)
SERVICE_ACCOUNT_VOLUME = "kube-api-access-"  # + 5 random characters: the admission plugin's token volume
POD_TOPOLOGY_LABELS = ("topology.kubernetes.io/zone", "topology.kubernetes.io/region")  # copied from the node
# Each cluster publishes its own CA in this ConfigMap in every namespace.
CLUSTER_CA_CONFIGMAP = "kube-root-ca.crt"
STATUS = ".status"
# With --include-status: status is compared, but not the clock.
STATUS_CLOCK = (
    ".status.observedGeneration",
    ".status.conditions[*].lastTransitionTime",
    ".status.conditions[*].lastUpdateTime",
    ".status.conditions[*].lastHeartbeatTime",
    ".status.conditions[*].lastProbeTime",
)
# The same noise in py-describe documents (flat metadata; events are history, not state; a join's error
# message names the user who could not read it).
DESCRIBE_IDENTITY = (".apiVersion", ".kind", ".name", ".namespace")
DESCRIBE_IGNORED = (
    ".uid",
    ".creationTimestamp",
    ".controlledBy.uid",
    ".annotations['kubectl.kubernetes.io/last-applied-configuration']",
    ".annotations['deployment.kubernetes.io/revision']",
    ".annotations['deployment.kubernetes.io/desired-replicas']",
    ".annotations['deployment.kubernetes.io/max-replicas']",
    ".annotations['deprecated.daemonset.template.generation']",
    ".events",
    ".warnings",
    ".conditions[*].lastTransitionTime",
    ".conditions[*].lastUpdateTime",
    ".conditions[*].lastHeartbeatTime",
    ".conditions[*].lastProbeTime",
    ".endpointsError",
    ".usedByError",
    ".resourceQuotasError",
    ".limitRangesError",
    ".podsStatusError",
    ".leaseError",
    ".podsError",
)
# The fields of describe documents that joins fill (null when the join could not be read: the schemas in
# describe/schemas say so), by kind.
DESCRIBE_JOINS = {
    "Deployment": ("newReplicaSet", "oldReplicaSets"),
    "ReplicaSet": ("podsStatus",),
    "ReplicationController": ("podsStatus",),
    "DaemonSet": ("podsStatus",),
    "StatefulSet": ("podsStatus",),
    "Service": ("endpoints", "endpointSlices"),
    "Namespace": ("resourceQuotas", "limitRanges"),
    "PersistentVolumeClaim": ("usedBy",),
    "ServiceAccount": ("tokens",),
    "Node": ("lease", "nonTerminatedPods", "allocatedResources", "resourceSlices"),
}

# patchMergeKey of the k8s.io/api types, by list field name; candidates in order, the first whose values
# are present and distinct in every item wins (ports: by name when all are named, else port and protocol).
MERGE_KEYS = {
    "conditions": (("type",),),
    "addresses": (("type",), ("type", "address")),
    "ports": (("name",), ("containerPort", "protocol"), ("port", "protocol")),
    "volumeMounts": (("mountPath",),),
    "volumeDevices": (("devicePath",),),
    "hostAliases": (("ip",),),
    "podIPs": (("ip",),),
    "hostIPs": (("ip",),),
    "topologySpreadConstraints": (("topologyKey", "whenUnsatisfiable"), ("topologyKey",)),
    "nodeAllocatableResourceClaimStatuses": (("resourceClaimName",),),
    "reservedFor": (("uid",),),
    "healthConditions": (("status",),),
    # an owner's uid differs in every cluster: the same owner is the same kind and name
    "ownerReferences": (("kind", "name"), ("name",)),
}
DEFAULT_MERGE_KEYS = (("name",),)

MISSING, SAME, DIFFERENT = "missing", "same", "different"
# Why a side holds no value at a path (a difference's ``notHeld``), and how the text shows it.
ABSENT, NOT_SET, UNREADABLE = "absent", "unset", "unreadable"
MARKERS = {ABSENT: "<absent>", NOT_SET: "<unset>", UNREADABLE: "<unreadable>", MISSING: "<missing>"}
# Who gave a server-assignable value, as far as its side can know (values a user set are not listed).
ALLOCATED, UNKNOWN = "allocated", "unknown"

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class Hidden:
    """A Secret value as compared: a keyed hash and a size, never the value."""

    __slots__ = ("digest", "size")

    def __init__(self, digest: bytes, size: int):
        self.digest, self.size = digest, size

    def __eq__(self, other):
        return isinstance(other, Hidden) and hmac.compare_digest(self.digest, other.digest)

    def __hash__(self):
        return hash(self.digest)

    def __repr__(self):  # what any output shows
        return f"<hidden: {self.size} bytes>"


def new_secret_key() -> bytes:
    """The per-run HMAC key: hashes of one run cannot be compared with (or searched from) another's."""
    return os.urandom(32)


# -- paths --------------------------------------------------------------------------------------------


def key_segment(key: str) -> str:
    return f".{key}" if _PLAIN_KEY.match(key) else "['" + key.replace("'", "\\'") + "']"


def _item_segment(values: dict) -> str:
    return "[" + ",".join(f"{k}={v}" for k, v in values.items()) + "]"


_TOKEN = re.compile(
    r"""\.(?P<key>(?:[^.\[\\]|\\.)+)|\[(?:'(?P<quoted>(?:[^'\\]|\\.)*)'|"(?P<dquoted>[^"]*)"|(?P<item>[^\]]*))\]"""
)


def parse_path(text: str) -> tuple:
    """``.a.b['x.y'][name=web][*]`` (the leading dot optional, ``\\.`` an escaped dot as in kubectl's
    JSONPath) as the segments :func:`flatten` builds, ``.*`` and ``[*]`` being wildcards."""
    from ..errors import UsageError

    source = text.strip()
    if source.startswith("{") and source.endswith("}"):
        source = source[1:-1]
    if source and source[0] not in ".[":
        source = "." + source
    segments, position = [], 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if not match or match.end() == position:
            raise UsageError(
                f'invalid --ignore path "{text}": expected .field, [\'key\'], [key=value] or [*] at position {position}'
            )
        position = match.end()
        if match.group("key") is not None:
            key = re.sub(r"\\(.)", r"\1", match.group("key"))
            segments.append(".*" if key == "*" else key_segment(key))
        elif match.group("item") is not None:
            item = match.group("item").strip()
            segments.append(f"[{item}]")
        else:
            quoted = match.group("quoted") if match.group("quoted") is not None else match.group("dquoted")
            segments.append(key_segment(re.sub(r"\\(.)", r"\1", quoted)))
    if not segments:
        raise UsageError(f'invalid --ignore path "{text}"')
    return tuple(segments)


class Ignore:
    """Paths left out of the comparison, as a trie of segments (``.*``/``[*]`` match any key/item)."""

    def __init__(self, paths):
        self.root = {}
        for path in paths:
            node = self.root
            for segment in parse_path(path) if isinstance(path, str) else path:
                node = node.setdefault(segment, {})
            node[None] = True  # a whole pattern ends here

    def step(self, nodes: list, segment: str) -> list | None:
        """The trie nodes still matching after ``segment``; None when a pattern matched in full."""
        wildcard = "[*]" if segment.startswith("[") and not segment.startswith("['") else ".*"
        out = []
        for node in nodes:
            for child in (node.get(segment), node.get(wildcard)):
                if child is not None:
                    if None in child:
                        return None
                    out.append(child)
        return out


def ignore_for(
    extra=(), include_status: bool = False, describe: bool = False, include_generated: bool = False
) -> Ignore:
    """The default noise list of an object (or describe document) plus ``--ignore`` paths; generated
    names and placement (:data:`GENERATED`) too unless ``include_generated``."""
    if describe:
        paths = DESCRIBE_IDENTITY + DESCRIBE_IGNORED + (() if include_generated else DESCRIBE_GENERATED)
    else:
        paths = IDENTITY + DEFAULT_IGNORED + (STATUS_CLOCK if include_status else (STATUS,))
        paths += () if include_generated else GENERATED
    rules = Ignore(list(paths) + list(extra))
    rules.generated = not include_generated
    return rules


# -- flattening ---------------------------------------------------------------------------------------


class Flat(dict):
    """{path: leaf value} of one object, and what comparing it needs besides: ``entries`` (the path of
    each item of a list of maps: (the item, its key's field names)), ``assigned`` (paths of
    values the server may have assigned: :data:`ALLOCATED` or :data:`UNKNOWN`) and ``unreadable`` (with
    ``--describe``: the fields of joins this side could not read)."""

    __slots__ = ("entries", "assigned", "unreadable")

    def __init__(self):
        super().__init__()
        self.entries, self.assigned, self.unreadable = {}, {}, ()


class Manifest(Flat):
    """The flat map of an object that was never read from a server (a file of manifests: no uid, no
    resourceVersion). It says nothing of what it does not set: the server's defaults (``imagePullPolicy``,
    ``strategy``, ...) are no difference, as ``kubectl apply`` owns only the fields it sets."""


def is_manifest(obj: dict) -> bool:
    meta = obj.get("metadata")
    return isinstance(meta, dict) and not meta.get("uid") and not meta.get("resourceVersion")


def flatten(obj: dict, ignore: Ignore, secret_key: bytes | None = None, origin: dict | None = None) -> Flat:
    """The :class:`Flat` map of one object (or describe document), in its field order; ignored paths,
    nulls and empty maps/lists left out. Secret-like objects have their data values replaced by
    :class:`Hidden` (``secret_key`` required). A manifest's map is a :class:`Manifest`. ``origin``: the
    object a describe document was made of (what tells who set a Service's node ports)."""
    origin = obj if origin is None else origin
    out = Manifest() if is_manifest(origin) else Flat()
    if is_secret_like(obj.get("kind")):
        obj = _hide_secret_values(obj, secret_key)
    describe = not isinstance(obj.get("metadata"), dict)
    if describe:
        obj, out.unreadable = _without_unreadable(obj)
    elif obj.get("kind") == "ConfigMap" and obj["metadata"].get("name") == CLUSTER_CA_CONFIGMAP:
        obj = {k: v for k, v in obj.items() if k != "data"}
    if getattr(ignore, "generated", False):
        obj = _without_generated(obj, describe)
    _walk(obj, "", [ignore.root], ignore, out, None)
    if not isinstance(out, Manifest):
        out.assigned = _server_assigned(origin, obj, describe, out)
    return out


def _walk(value, path: str, nodes, ignore: Ignore, out: Flat, field: str | None) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _step(child, path, key_segment(str(key)), nodes, ignore, out, str(key))
    elif isinstance(value, list):
        if not value:
            return
        segments, key_names = _list_segments(value, field)
        if segments is None:  # scalars: the list is one value, order included (args, finalizers)
            out[path] = value
            return
        for segment, child in zip(segments, value):
            before = len(out)
            _step(child, path, segment, nodes, ignore, out, None)
            if isinstance(child, dict) and len(out) > before:  # an entry with something left to compare
                out.entries[path + segment] = (child, key_names)
    elif value is not None:
        out[path] = value


def _step(child, path, segment, nodes, ignore, out, field):
    if nodes:
        nodes = ignore.step(nodes, segment)
        if nodes is None:
            return
    _walk(child, path + segment, nodes, ignore, out, field)


def entry_value(flat: Flat, path: str):
    """The list entry at ``path`` as ``flat`` compares it: the item without what is not compared (ignored,
    null, empty) and without the key its path shows (unless that is all it holds)."""
    item, key_names = flat.entries[path]
    kept = _kept(item, path, flat, None)
    return {k: v for k, v in kept.items() if k not in key_names} or kept


def _kept(value, path: str, flat: Flat, field: str | None):
    """``value`` (found at ``path``) reduced to the leaves ``flat`` holds; None when none is left."""
    if isinstance(value, dict):
        kept = {}
        for key, child in value.items():
            got = _kept(child, path + key_segment(str(key)), flat, str(key))
            if got is not None:
                kept[str(key)] = got
        return kept or None
    if isinstance(value, list) and value:
        segments, _ = _list_segments(value, field)
        if segments is None:
            return value if path in flat else None
        kept = [
            got
            for got in (_kept(child, path + segment, flat, None) for segment, child in zip(segments, value))
            if got is not None
        ]
        return kept or None
    return value if path in flat else None


def _list_segments(items: list, field: str | None) -> tuple:
    """(each item's path segment, the key's field names): by merge key when one fits, else by position
    (no key names); (None, ()) for lists of scalars."""
    if not all(isinstance(item, dict) for item in items):
        if not any(isinstance(item, (dict, list)) for item in items):
            return None, ()
        return [f"[{i}]" for i in range(len(items))], ()
    for names in MERGE_KEYS.get(field, DEFAULT_MERGE_KEYS):
        keys = []
        for item in items:
            if not all(item.get(name) not in (None, "") for name in names):
                break
            keys.append(_item_segment({name: item[name] for name in names}))
        else:
            if len(set(keys)) == len(keys):
                return keys, names
    return [f"[{i}]" for i in range(len(items))], ()


def _hide_secret_values(obj: dict, secret_key: bytes | None) -> dict:
    """A copy whose Secret values (:mod:`.secret_values`' rule, py-describe's) are Hidden, and so is the
    last-applied annotation. ``data`` map values are hashed decoded (base64, as a Secret stores them) and a
    ``stringData`` map is folded into a ``data`` map, as the server does: an applied stringData equals the
    data it became."""
    if secret_key is None:
        raise ValueError("a secret_key is needed to compare Secret-like objects")

    def hide(value, field: str) -> Hidden:
        raw = _secret_bytes(value, field)
        return Hidden(hmac.new(secret_key, raw, hashlib.sha256).digest(), len(raw))

    copy = hide_values(obj, hide)
    data, string_data = copy.get("data"), copy.pop("stringData", None)
    if isinstance(string_data, dict) and (data is None or isinstance(data, dict)):
        copy["data"] = {**(data or {}), **string_data}
    elif string_data is not None:
        copy["stringData"] = string_data
    meta = copy.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        annotations = {**annotations, LAST_APPLIED: hide(annotations[LAST_APPLIED], "")}
        copy["metadata"] = {**meta, "annotations": annotations}
    return copy


def _secret_bytes(value, field: str) -> bytes:
    """What a Secret value holds: a ``data`` string decoded from base64 (as stored, when it is not base64),
    any other string as UTF-8, anything else as its compact JSON."""
    if isinstance(value, str):
        if field == "data":
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                pass
        return value.encode()
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _without_unreadable(doc: dict) -> tuple:
    """(the describe document without the joins it could not read, their paths). A join that fails is
    null in the document and its error is in ``warnings``; a null join field of a document without
    warnings is a real null (no new ReplicaSet, say)."""
    fields = DESCRIBE_JOINS.get(doc.get("kind"), ())
    if not fields or not doc.get("warnings"):
        return doc, ()
    unread = tuple(name for name in fields if name in doc and doc[name] is None)
    if not unread:
        return doc, ()
    return {k: v for k, v in doc.items() if k not in unread}, tuple(key_segment(name) for name in unread)


def _without_generated(obj: dict, describe: bool) -> dict:
    """A Pod without what its cluster generated for it: the service-account token volume
    (``kube-api-access-xxxxx``) and its mounts, the node, the zone and region labels copied from the node
    (and a describe document's pod IPs); a describe document of a Service without the names and places
    of the pods behind it (endpoint IPs, nodes, zones, pod and EndpointSlice names)."""
    kind = obj.get("kind")
    if kind == "Service" and describe:
        return _service_doc_without_pods(obj)
    if kind != "Pod":
        return obj
    out = dict(obj)
    holder = out if describe else dict(out.get("spec") or {})
    if describe:
        for name in ("node", "ip", "ips"):
            out.pop(name, None)
    else:
        holder.pop("nodeName", None)
    mounts = "mounts" if describe else "volumeMounts"
    if isinstance(holder.get("volumes"), list):
        holder["volumes"] = [v for v in holder["volumes"] if not _generated_volume(v)]
    for containers in ("initContainers", "containers", "ephemeralContainers"):
        if isinstance(holder.get(containers), list):
            holder[containers] = [
                dict(c, **{mounts: [m for m in c[mounts] if not _generated_volume(m)]})
                if isinstance(c, dict) and isinstance(c.get(mounts), list)
                else c
                for c in holder[containers]
            ]
    if not describe:
        out["spec"] = holder
    labels_holder = out if describe else out.get("metadata")
    labels = labels_holder.get("labels") if isinstance(labels_holder, dict) else None
    if isinstance(labels, dict) and any(name in labels for name in POD_TOPOLOGY_LABELS):
        labels = {k: v for k, v in labels.items() if k not in POD_TOPOLOGY_LABELS}
        if describe:
            out["labels"] = labels
        else:
            out["metadata"] = dict(labels_holder, labels=labels)
    return out


def _generated_volume(item) -> bool:
    return isinstance(item, dict) and str(item.get("name") or "").startswith(SERVICE_ACCOUNT_VOLUME)


def _service_doc_without_pods(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k != "endpointSlices"}
    if isinstance(doc.get("endpoints"), list):
        out["endpoints"] = [
            dict(
                port,
                endpoints=[
                    {k: v for k, v in e.items() if k not in ("ip", "nodeName", "zone", "targetRef")}
                    if isinstance(e, dict)
                    else e
                    for e in port["endpoints"]
                ],
            )
            if isinstance(port, dict) and isinstance(port.get("endpoints"), list)
            else port
            for port in doc["endpoints"]
        ]
    return out


def _server_assigned(origin: dict, shown: dict, describe: bool, flat: Flat) -> dict:
    """{path: ALLOCATED or UNKNOWN} of the values of a Service (``shown``: the object, or its describe
    document) that the server may have assigned: node ports, the health check node port, cluster IPs.
    What ``origin`` (the object as its side holds it) can tell: ``managedFields`` record what requests set,
    so a value no field manager set was ALLOCATED; without them (``kubectl get -o json``, a cluster-info
    dump) who set it is UNKNOWN. Values a user set are not listed."""
    meta = origin.get("metadata")
    if origin.get("kind") != "Service" or origin.get("apiVersion") != "v1" or not isinstance(meta, dict):
        return {}
    spec = shown if describe else shown.get("spec")
    if not isinstance(spec, dict):
        return {}
    managed = meta.get("managedFields")
    verdict = ALLOCATED if isinstance(managed, list) and managed else UNKNOWN
    owned = _set_by_users(managed) if verdict == ALLOCATED else set()
    base = "" if describe else ".spec"
    names = (
        {"clusterIP": "ip", "clusterIPs": "ips"} if describe else {"clusterIP": "clusterIP", "clusterIPs": "clusterIPs"}
    )
    out = {}
    for field, name in list(names.items()) + [("healthCheckNodePort", "healthCheckNodePort")]:
        path = base + key_segment(name)
        if field not in owned and path in flat:
            out[path] = verdict
    ports = spec.get("ports")
    if isinstance(ports, list) and ports:
        segments, _ = _list_segments(ports, "ports")
        for segment, port in zip(segments or (), ports):
            path = f"{base}.ports{segment}.nodePort"
            if (
                isinstance(port, dict)
                and ("nodePort", port.get("port"), port.get("protocol")) not in owned
                and path in flat
            ):
                out[path] = verdict
    return out


def _set_by_users(managed_fields: list) -> set:
    """What field managers set of a Service's assignable values: "clusterIP", "clusterIPs",
    "healthCheckNodePort", and ("nodePort", port, protocol) per port whose node port was set."""
    owned = set()
    for entry in managed_fields:
        spec = ((entry or {}).get("fieldsV1") or {}).get("f:spec") or {} if isinstance(entry, dict) else {}
        if not isinstance(spec, dict):
            continue
        owned.update(name for name in ("clusterIP", "clusterIPs", "healthCheckNodePort") if "f:" + name in spec)
        ports = spec.get("f:ports")
        for key, fields in ports.items() if isinstance(ports, dict) else ():
            if key.startswith("k:") and isinstance(fields, dict) and "f:nodePort" in fields:
                try:
                    port = json.loads(key[2:])
                except ValueError:
                    continue
                if isinstance(port, dict):
                    owned.add(("nodePort", port.get("port"), port.get("protocol")))
    return owned


# -- comparing ----------------------------------------------------------------------------------------


def object_key(obj: dict, describe: bool = False) -> tuple:
    """(group, kind, namespace, name): how objects are matched across contexts."""
    group = (obj.get("apiVersion") or "").rpartition("/")[0]
    if describe:
        return group, obj.get("kind") or "", obj.get("namespace") or "", obj.get("name") or ""
    meta = obj.get("metadata") or {}
    return group, obj.get("kind") or "", meta.get("namespace") or "", meta.get("name") or ""


def compare_object(key: tuple, sides: dict) -> dict:
    """One DiffList item. ``sides``: {side: flat map, or None where the object does not exist}, for every
    side that could be read for this object's type. A path is a difference when the sides that speak of it
    (holding a value, or lacking it where they could hold it) disagree; every path of an object that is
    missing somewhere is one (its fields are shown, as ``kubectl diff`` shows a new object's)."""
    _group, kind, namespace, name = key
    present = {side: flat for side, flat in sides.items() if flat is not None}
    missing_in = [side for side, flat in sides.items() if flat is None]
    differences = []
    flats = list(present.items())
    if flats and (len(flats) > 1 or missing_in) and (missing_in or any(f != flats[0][1] for _, f in flats[1:])):
        whole = _entries_lacking_somewhere(present)
        assigned = {side: flat.assigned for side, flat in flats if getattr(flat, "assigned", None)}
        done = set()
        for path in _paths(present):
            entry = _outermost(path, whole) if whole else None
            if entry is not None:
                if entry not in done:
                    done.add(entry)
                    differences.append(
                        _row(entry, sides, {s: entry_value(f, entry) for s, f in flats if entry in f.entries})
                    )
                continue
            held = {side: flat[path] for side, flat in flats if path in flat}
            if assigned and all(path in assigned.get(side, ()) for side in held):
                continue  # the server chose it everywhere it is known: no user's value to compare
            if missing_in or _disagree(path, held, present):
                differences.append(_row(path, sides, held))
    unreadable = {side: list(flat.unreadable) for side, flat in present.items() if getattr(flat, "unreadable", ())}
    status = MISSING if missing_in else (DIFFERENT if differences else SAME)
    item = {
        "kind": kind,
        "namespace": namespace or None,
        "name": name,
        "status": status,
        "missingIn": missing_in,
        "differences": differences,
    }
    if unreadable:
        item["unreadable"] = unreadable
    if any(isinstance(v, Hidden) for flat in present.values() for v in flat.values()):
        item["secretValues"] = "compared by keyed hash; only sizes are shown"
    return item


def _paths(present: dict) -> list:
    """Every side's paths, each side's order kept: a path only some sides hold comes right after the path
    before it there, so rows come in one order whichever side was selected first."""
    sides = list(present.values())
    order = list(sides[0])
    after = {}  # path -> the paths other sides hold after it that the order does not have yet
    known = set(order)
    for flat in sides[1:]:
        anchor = None
        for path in flat:
            if path not in known:
                known.add(path)
                after.setdefault(anchor, []).append(path)
            anchor = path
    out = []
    stack = list(reversed(after.get(None, []) + order))  # depth first, without recursion: chains can be long
    while stack:
        path = stack.pop()
        out.append(path)
        stack.extend(reversed(after.get(path, ())))
    return out


def why_not_held(flat, path: str) -> str:
    """Why a side that holds the object holds no value at ``path``."""
    for prefix in getattr(flat, "unreadable", ()):
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return UNREADABLE
    return NOT_SET if isinstance(flat, Manifest) else ABSENT


def _disagree(path: str, held: dict, present: dict) -> bool:
    """Whether the sides that speak of ``path`` disagree: those holding a value, and those lacking it where
    the object could hold it (not a manifest's silence, not a join that could not be read)."""
    values = iter(held.values())
    first = next(values)
    if any(v != first for v in values):
        return True
    return len(held) < len(present) and any(
        why_not_held(flat, path) == ABSENT for side, flat in present.items() if side not in held
    )


def _entries_lacking_somewhere(present: dict) -> set:
    """The list entries (``...env[name=X]``) some side holds and another lacks altogether: one row each."""
    held = [getattr(flat, "entries", {}).keys() for flat in present.values()]
    if all(keys == held[0] for keys in held[1:]):
        return set()
    entries = {}
    for keys in held:
        entries.update(dict.fromkeys(keys))
    out = set()
    for path in entries:
        holders = [flat for flat in present.values() if path in getattr(flat, "entries", ())]
        if len(holders) < len(present) and any(
            why_not_held(flat, path) == ABSENT for flat in present.values() if path not in getattr(flat, "entries", ())
        ):
            out.add(path)
    return out


def _outermost(path: str, entries: set):
    """The outermost of ``entries`` that ``path`` lies under, or None."""
    position = path.find("]")
    while position != -1:
        if path[: position + 1] in entries:
            return path[: position + 1]
        position = path.find("]", position + 1)
    return None


def _row(path: str, sides: dict, held: dict) -> dict:
    """A difference: every side's value (null where it holds none) and, for those, why."""
    not_held = {
        side: (MISSING if flat is None else why_not_held(flat, path))
        for side, flat in sides.items()
        if side not in held
    }
    return {
        "path": path,
        "values": {side: _document_value(held[side]) if side in held else None for side in sides},
        "notHeld": not_held,
    }


def _document_value(value):
    if isinstance(value, Hidden):
        return repr(value)
    if isinstance(value, dict):
        return {k: _document_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_document_value(v) for v in value]
    return value


def diff_list(items: list, contexts: list) -> dict:
    """The ``DiffList`` document of ``-o json|yaml|jsonpath``."""
    counts = {SAME: 0, DIFFERENT: 0, MISSING: 0}
    for item in items:
        counts[item["status"]] += 1
    counts["partlyUnreadable"] = sum(1 for item in items if item.get("unreadable"))
    return {"apiVersion": "kubectl-py/v1", "kind": "DiffList", "items": items, "summary": counts, "contexts": contexts}


def exit_code(items: list, failed: bool) -> int:
    """As ``kubectl diff``: 0 all the same, 1 anything different or missing, 2 when a side (or a part of
    one: a join it could not read) failed."""
    if failed:
        return 2
    return 1 if any(item["status"] != SAME for item in items) else 0


# -- text ---------------------------------------------------------------------------------------------


def shorten(value, width: int | None) -> str:
    """A value for one table cell: scalars as kubectl prints them, lists and maps as compact JSON, line
    breaks and tabs as ``\\n``, ``\\r``, ``\\t`` and ESC as ``^[`` (kubectl_py.terminal); longer than
    ``width``, cut in the middle (an image's tag and a path's end stay visible)."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, separators=(",", ":"), sort_keys=True)
    else:
        text = str(value)
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    text = terminal.escape(text)
    if width and len(text) > width:
        width = max(width, 5)
        head = (width - 3) // 2  # the end gets the odd character: tags and versions are there
        tail = width - 3 - head
        text = text[:head] + "..." + text[-tail:]
    return text


def shorten_row(values: list, width: int | None, held: list | None = None) -> list:
    """The cells of the values of one difference row (``held``: which are values; the others are left
    empty for a marker). Long values that share a long beginning (certificates, scripts) are shown from a
    little before where they start to differ, so the difference stays in view."""
    held = [v is not None for v in values] if held is None else held
    texts = [shorten(v, None) if h else "" for v, h in zip(values, held)]
    if not width or all(len(t) <= width for t in texts):
        return texts
    compared = [t for t, h in zip(texts, held) if h]
    common = len(os.path.commonprefix(compared)) if len(compared) > 1 else 0
    lead = 10
    if common > lead + 3:
        texts = [t if not h else "..." + t[common - lead :] for t, h in zip(texts, held)]
        return [t if len(t) <= width else t[: width - 3] + "..." for t in texts]
    return [shorten(t, width) if h else t for t, h in zip(texts, held)]


def row_cells(difference: dict, sides: list, width: int | None) -> list:
    """A difference's cells in ``sides``' order: each value, or the marker saying why a side holds none
    (``<absent>``, ``<unset>``, ``<unreadable>``, ``<missing>``); empty for a side that did not compare
    the object's type."""
    values, not_held = difference["values"], difference.get("notHeld") or {}
    held = [side in values and side not in not_held for side in sides]
    cells = shorten_row([values.get(side) for side in sides], width, held)
    return [MARKERS.get(not_held.get(side), "") if not h else cell for side, h, cell in zip(sides, held, cells)]


def cell_width(contexts: int, total: int = 120) -> int:
    """Value width per context column: about ``total`` characters over all, never under 12."""
    return max(12, min(60, total // max(contexts, 1)))


def object_title(item: dict) -> str:
    where = f"{item['namespace']}/" if item.get("namespace") else ""
    return f"{item['kind']} {where}{item['name']}"
