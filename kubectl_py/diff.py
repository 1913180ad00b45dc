"""py-diff's pure logic: the same objects in several contexts (or dumps), compared field by field.

An object is reduced to a flat, ordered map of paths to leaf values (:func:`flatten`); the flat maps of
every side are compared (:func:`compare_object`) and the results gathered in a ``DiffList`` document
(:func:`diff_list`). Nothing here does I/O.

Paths read like kubectl's JSONPath: ``.spec.template.spec.containers[name=cart].image``. Lists of named
things are matched by their key, not their position, with the strategic-merge-patch keys of the
Kubernetes API types (``patchMergeKey`` in k8s.io/api); any other list of maps whose items all carry a
distinct ``name`` is keyed by it too. Other lists of maps are compared by position, lists of scalars as
one value. Map keys that are not plain words are quoted: ``.metadata.annotations['example.com/team']``.
Empty maps and lists count as absent (the server drops some, dumps keep them).

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

from . import terminal
from .secret_values import LAST_APPLIED, hide_values, is_secret_like

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
    ".spec.clusterIP",
    ".spec.clusterIPs",
    # a Job's selector and its pods' labels carry the Job's uid
    ".spec.selector.matchLabels['controller-uid']",
    ".spec.selector.matchLabels['batch.kubernetes.io/controller-uid']",
    ".spec.template.metadata.labels['controller-uid']",
    ".spec.template.metadata.labels['batch.kubernetes.io/controller-uid']",
    ".metadata.labels['controller-uid']",
    ".metadata.labels['batch.kubernetes.io/controller-uid']",
)
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
# The same noise in py-describe documents (flat metadata; events are history, not state).
DESCRIBE_IDENTITY = (".apiVersion", ".kind", ".name", ".namespace")
DESCRIBE_IGNORED = (
    ".uid",
    ".creationTimestamp",
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
)

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
    "ownerReferences": (("uid",), ("name",)),
}
DEFAULT_MERGE_KEYS = (("name",),)

MISSING, SAME, DIFFERENT = "missing", "same", "different"

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


_TOKEN = re.compile(r"""\.(?P<key>(?:[^.\[\\]|\\.)+)|\[(?:'(?P<quoted>(?:[^'\\]|\\.)*)'|"(?P<dquoted>[^"]*)"|(?P<item>[^\]]*))\]""")


def parse_path(text: str) -> tuple:
    """``.a.b['x.y'][name=web][*]`` (the leading dot optional, ``\\.`` an escaped dot as in kubectl's
    JSONPath) as the segments :func:`flatten` builds, ``.*`` and ``[*]`` being wildcards."""
    from .errors import UsageError

    source = text.strip()
    if source.startswith("{") and source.endswith("}"):
        source = source[1:-1]
    if source and source[0] not in ".[":
        source = "." + source
    segments, position = [], 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if not match or match.end() == position:
            raise UsageError(f'invalid --ignore path "{text}": expected .field, [\'key\'], [key=value] or [*] '
                             f"at position {position}")
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


def ignore_for(extra=(), include_status: bool = False, describe: bool = False) -> Ignore:
    """The default noise list of an object (or describe document) plus ``--ignore`` paths."""
    if describe:
        paths = DESCRIBE_IDENTITY + DESCRIBE_IGNORED
    else:
        paths = IDENTITY + DEFAULT_IGNORED + (STATUS_CLOCK if include_status else (STATUS,))
    return Ignore(list(paths) + list(extra))


# -- flattening ---------------------------------------------------------------------------------------

class Manifest(dict):
    """The flat map of an object that was never read from a server (a file of manifests: no uid, no
    resourceVersion). It says nothing of what it does not set: the server's defaults (``imagePullPolicy``,
    ``strategy``, ...) are no difference, as ``kubectl apply`` owns only the fields it sets."""


def is_manifest(obj: dict) -> bool:
    meta = obj.get("metadata")
    return isinstance(meta, dict) and not meta.get("uid") and not meta.get("resourceVersion")


def flatten(obj: dict, ignore: Ignore, secret_key: bytes | None = None) -> dict:
    """{path: leaf value} of one object, in its field order; ignored paths and empty maps/lists left out.
    Secret-like objects have their data values replaced by :class:`Hidden` (``secret_key`` required).
    A manifest's map is a :class:`Manifest`."""
    out = Manifest() if is_manifest(obj) else {}
    if is_secret_like(obj.get("kind")):
        obj = _hide_secret_values(obj, secret_key)
    obj = _without_server_assigned(obj)
    _walk(obj, "", [ignore.root], ignore, out, None)
    return out


def _walk(value, path: str, nodes, ignore: Ignore, out: dict, field: str | None) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            segment = key_segment(str(key))
            _step(child, path, segment, nodes, ignore, out, str(key))
    elif isinstance(value, list):
        if not value:
            return
        segments = _list_segments(value, field)
        if segments is None:  # scalars: the list is one value, order included (args, finalizers)
            out[path] = value
            return
        for segment, child in zip(segments, value):
            _step(child, path, segment, nodes, ignore, out, None)
    else:
        out[path] = value


def _step(child, path, segment, nodes, ignore, out, field):
    if nodes:
        nodes = ignore.step(nodes, segment)
        if nodes is None:
            return
    _walk(child, path + segment, nodes, ignore, out, field)


def _list_segments(items: list, field: str | None) -> list | None:
    """Each item's path segment: by merge key when one fits, else by position; None for scalar lists."""
    if not all(isinstance(item, dict) for item in items):
        return None if not any(isinstance(item, (dict, list)) for item in items) else \
            [f"[{i}]" for i in range(len(items))]
    for names in MERGE_KEYS.get(field, DEFAULT_MERGE_KEYS):
        keys = []
        for item in items:
            if not all(item.get(name) not in (None, "") for name in names):
                break
            keys.append(_item_segment({name: item[name] for name in names}))
        else:
            if len(set(keys)) == len(keys):
                return keys
    return [f"[{i}]" for i in range(len(items))]


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


def _without_server_assigned(obj: dict) -> dict:
    """The object without values each cluster assigns on its own: a Service's node ports that the server
    allocated (no field manager set them: ``managedFields`` records what requests set), and the data of
    the cluster-CA ConfigMap. Describe documents (no ``metadata``) pass unchanged."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return obj
    if obj.get("kind") == "ConfigMap" and meta.get("name") == CLUSTER_CA_CONFIGMAP:
        return {k: v for k, v in obj.items() if k != "data"}
    spec = obj.get("spec")
    if obj.get("kind") != "Service" or obj.get("apiVersion") != "v1" or not isinstance(spec, dict):
        return obj
    owned_ports, owned_health_port = _node_ports_set_by_users(meta)
    spec = dict(spec)
    if not owned_health_port:
        spec.pop("healthCheckNodePort", None)
    if isinstance(spec.get("ports"), list):
        spec["ports"] = [{k: v for k, v in port.items() if k != "nodePort"}
                         if isinstance(port, dict) and (port.get("port"), port.get("protocol")) not in owned_ports
                         else port for port in spec["ports"]]
    return {**obj, "spec": spec}


def _node_ports_set_by_users(meta: dict) -> tuple:
    """((port, protocol) pairs whose nodePort a field manager set, whether one set healthCheckNodePort)."""
    owned, health = set(), False
    for entry in meta.get("managedFields") or []:
        spec = ((entry or {}).get("fieldsV1") or {}).get("f:spec") or {}
        health = health or "f:healthCheckNodePort" in spec
        for key, fields in (spec.get("f:ports") or {}).items():
            if key.startswith("k:") and isinstance(fields, dict) and "f:nodePort" in fields:
                try:
                    port = json.loads(key[2:])
                except ValueError:
                    continue
                owned.add((port.get("port"), port.get("protocol")))
    return owned, health


# -- comparing ----------------------------------------------------------------------------------------

def object_key(obj: dict, describe: bool = False) -> tuple:
    """(group, kind, namespace, name): how objects are matched across contexts."""
    group = (obj.get("apiVersion") or "").rpartition("/")[0]
    if describe:
        return group, obj.get("kind") or "", obj.get("namespace") or "", obj.get("name") or ""
    meta = obj.get("metadata") or {}
    return group, obj.get("kind") or "", meta.get("namespace") or "", meta.get("name") or ""


def compare_object(key: tuple, sides: dict) -> dict:
    """One DiffList item. ``sides``: {context: flat map, or None where the object does not exist}, for
    every context that could be read for this object's type."""
    _group, kind, namespace, name = key
    present = {side: flat for side, flat in sides.items() if flat is not None}
    missing_in = [side for side, flat in sides.items() if flat is None]
    paths = {}
    for flat in present.values():
        for path in flat:
            paths.setdefault(path, None)
    differences = []
    if len(present) > 1:
        for path in paths:
            values = [flat.get(path) for flat in present.values()
                      if path in flat or not isinstance(flat, Manifest)]
            if any(v != values[0] for v in values[1:]):
                differences.append({"path": path, "values": {side: _document_value(sides[side].get(path))
                                                              if sides[side] is not None else None
                                                              for side in sides}})
    status = MISSING if missing_in else (DIFFERENT if differences else SAME)
    item = {"kind": kind, "namespace": namespace or None, "name": name, "status": status,
            "missingIn": missing_in, "differences": differences}
    if any(isinstance(v, Hidden) for flat in present.values() for v in flat.values()):
        item["secretValues"] = "compared by keyed hash; only sizes are shown"
    return item


def _document_value(value):
    return repr(value) if isinstance(value, Hidden) else value


def diff_list(items: list, contexts: list) -> dict:
    """The ``DiffList`` document of ``-o json|yaml|jsonpath``."""
    counts = {SAME: 0, DIFFERENT: 0, MISSING: 0}
    for item in items:
        counts[item["status"]] += 1
    return {"apiVersion": "kubectl-py/v1", "kind": "DiffList", "items": items, "summary": counts,
            "contexts": contexts}


def exit_code(items: list, failed: bool) -> int:
    """As ``kubectl diff``: 0 all the same, 1 anything different or missing, 2 when a side failed."""
    if failed:
        return 2
    return 1 if any(item["status"] != SAME for item in items) else 0


# -- text ---------------------------------------------------------------------------------------------

ABSENT = "<none>"


def shorten(value, width: int | None) -> str:
    """A value for one table cell: scalars as kubectl prints them, lists as compact JSON, line breaks and
    tabs as ``\\n``, ``\\r``, ``\\t`` and ESC as ``^[`` (kubectl_py.terminal); longer than ``width``, cut in the
    middle (an image's tag and a path's end stay visible)."""
    if value is None:
        return ABSENT
    if isinstance(value, bool):
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


def shorten_row(values: list, width: int | None) -> list:
    """The cells of one difference row. Long values that share a long beginning (certificates, scripts)
    are shown from a little before where they start to differ, so the difference stays in view."""
    texts = [shorten(v, None) for v in values]
    if not width or all(len(t) <= width for t in texts):
        return texts
    compared = [t for t, v in zip(texts, values) if v is not None]
    common = len(os.path.commonprefix(compared)) if len(compared) > 1 else 0
    lead = 10
    if common > lead + 3:
        texts = [t if v is None else "..." + t[common - lead:] for t, v in zip(texts, values)]
        return [t if len(t) <= width else t[:width - 3] + "..." for t in texts]
    return [shorten(t, width) if v is not None else t for t, v in zip(texts, values)]


def cell_width(contexts: int, total: int = 120) -> int:
    """Value width per context column: about ``total`` characters over all, never under 12."""
    return max(12, min(60, total // max(contexts, 1)))


def object_title(item: dict) -> str:
    where = f"{item['namespace']}/" if item.get("namespace") else ""
    return f"{item['kind']} {where}{item['name']}"
