"""``kubectl describe`` as data: the describer registry, object selection, and text joining.

- :data:`DESCRIBERS` maps (group, kind) to the :class:`~kubectl_py.describe.base.Describer` that
  :func:`describer_for` imports on first use; every other kind, custom resources included, goes through
  :data:`generic.GENERIC`, like kubectl's generic describer.
- :func:`select_objects` picks objects the way ``kubectl describe`` does (names, NAME prefix matching,
  label selector, ``TYPE/NAME``), collecting NotFound errors while the other names are still described.
- :func:`describe_objects` gathers the joins for a whole set at once, then builds one document per
  object: identity (kind, apiVersion, name, namespace, uid), the describer's sections, ``warnings``;
  every document then goes through :func:`redact.redact`, so no Secret value reaches any output.
- :func:`render_text` turns documents into kubectl's text, joined as kubectl joins them;
  :func:`text_warnings` is what the text says on stderr about joins it could not read.
"""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import import_module
from pathlib import Path

from ..errors import ApiError, KubectlPyError, NotFound, UnknownResource
from .base import Describer, Joins, Settings, send_joins_ahead, stand_in
from .redact import redact

# (group, kind) -> "module.NAME" of its Describer. Modules are imported on first use: describing a Deployment
# does not load the other describer families (~40 ms of imports on every command otherwise).
DESCRIBERS = {
    ("", "Pod"): "pods.POD",
    ("", "Node"): "nodes.NODE",
    ("", "Service"): "network.SERVICE",
    ("", "Endpoints"): "network.ENDPOINTS",
    ("networking.k8s.io", "Ingress"): "network.INGRESS",
    ("apps", "Deployment"): "workloads.DEPLOYMENT",
    ("apps", "ReplicaSet"): "workloads.REPLICASET",
    ("apps", "StatefulSet"): "workloads.STATEFULSET",
    ("apps", "DaemonSet"): "workloads.DAEMONSET",
    ("batch", "Job"): "workloads.JOB",
    ("batch", "CronJob"): "workloads.CRONJOB",
    ("autoscaling", "HorizontalPodAutoscaler"): "autoscaling.HPA",
    ("", "Namespace"): "namespaces.NAMESPACE",
    ("", "ConfigMap"): "config.CONFIGMAP",
    ("", "Secret"): "config.SECRET",
    ("", "ServiceAccount"): "config.SERVICEACCOUNT",
    ("", "PersistentVolumeClaim"): "storage.PVC",
    ("", "PersistentVolume"): "storage.PV",
    ("", "ReplicationController"): "workloads.REPLICATIONCONTROLLER",
    ("", "LimitRange"): "policy.LIMITRANGE",
    ("", "ResourceQuota"): "policy.RESOURCEQUOTA",
    ("policy", "PodDisruptionBudget"): "policy.PODDISRUPTIONBUDGET",
    ("networking.k8s.io", "NetworkPolicy"): "policy.NETWORKPOLICY",
    ("discovery.k8s.io", "EndpointSlice"): "network.ENDPOINTSLICE",
    ("rbac.authorization.k8s.io", "Role"): "rbac.ROLE",
    ("rbac.authorization.k8s.io", "ClusterRole"): "rbac.CLUSTERROLE",
    ("rbac.authorization.k8s.io", "RoleBinding"): "rbac.ROLEBINDING",
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): "rbac.CLUSTERROLEBINDING",
    ("scheduling.k8s.io", "PriorityClass"): "scheduling_storage.PRIORITYCLASS",
    ("storage.k8s.io", "StorageClass"): "scheduling_storage.STORAGECLASS",
    ("storage.k8s.io", "VolumeAttributesClass"): "scheduling_storage.VOLUMEATTRIBUTESCLASS",
    ("storage.k8s.io", "CSINode"): "scheduling_storage.CSINODE",
    ("networking.k8s.io", "IngressClass"): "scheduling_storage.INGRESSCLASS",
    ("certificates.k8s.io", "CertificateSigningRequest"): "certificates_net.CSR",
    ("networking.k8s.io", "ServiceCIDR"): "certificates_net.SERVICECIDR",
    ("networking.k8s.io", "IPAddress"): "certificates_net.IPADDRESS",
}

SCHEMA_DIR = Path(__file__).parent / "schemas"

__all__ = [
    "DESCRIBERS",
    "SCHEMA_DIR",
    "schema_file",
    "Describer",
    "Joins",
    "Selection",
    "Settings",
    "describe",
    "describe_objects",
    "describer_for",
    "group_of",
    "render_text",
    "select_objects",
    "text_warnings",
]


def describer_for(group: str, kind: str) -> Describer:
    module, _, name = DESCRIBERS.get((group or "", kind or ""), "generic.GENERIC").partition(".")
    return getattr(import_module(f"{__package__}.{module}"), name)


def group_of(api_version: str | None) -> str:
    return (api_version or "").rpartition("/")[0]


def schema_file(group: str, kind: str) -> Path:
    """The JSON Schema of a document: ``schemas/<kind>.json`` for a dedicated describer, else generic."""
    if (group or "", kind or "") in DESCRIBERS:
        return SCHEMA_DIR / f"{kind.lower()}.json"
    return SCHEMA_DIR / "generic.json"


# -- selection ------------------------------------------------------------------------------------


class Selection:
    """What ``kubectl describe`` would describe. Unpacks as ``info, objects``.

    ``groups`` holds ``(info, objects)`` runs in argument order when ``TYPE/NAME`` arguments name
    several types; ``errors`` the per-name failures (kubectl reports them after describing the rest);
    ``prefix_matched`` whether NAME was used as a prefix (kubectl then ends every output with a newline).
    """

    def __init__(
        self, info, objects: list, errors: list | None = None, prefix_matched: bool = False, groups: list | None = None
    ):
        self.info = info
        self.objects = objects
        self.errors = errors or []
        self.prefix_matched = prefix_matched
        self.groups = groups if groups is not None else ([(info, objects)] if info is not None else [])

    def __iter__(self):
        return iter((self.info, self.objects))

    @property
    def hide_events_by_default(self) -> bool:
        """kubectl 1.36+: events are off when several objects matched, an error occurred, or a prefix
        was matched, unless --show-events was given."""
        return bool(self.errors) or len(self.objects) > 1 or self.prefix_matched


def _split_args(type_name: str, names: list) -> list:
    """``[(type, name or None)]``: ``TYPE NAME...``, ``TYPE/NAME...``, or comma-separated types."""
    names = list(names or [])
    if "/" in (type_name or ""):
        pairs = []
        for arg in [type_name] + names:
            if "/" not in arg:
                raise KubectlPyError(
                    "there is no need to specify a resource type as a separate argument when "
                    "passing arguments in resource/name form (e.g. 'kubectl describe "
                    "resource/<resource_name>' instead of 'kubectl describe resource "
                    "resource/<resource_name>'"
                )
            kind, _, name = arg.partition("/")
            pairs.append((kind, name))
        return pairs
    if any("/" in n for n in names):
        raise KubectlPyError(
            "there is no need to specify a resource type as a separate argument when passing "
            "arguments in resource/name form (e.g. 'kubectl describe resource/<resource_name>' "
            "instead of 'kubectl describe resource resource/<resource_name>'"
        )
    types = [t for t in (type_name or "").split(",") if t]
    if not names:
        return [(t, None) for t in types]
    return [(t, n) for t in types for n in names]


def _scope(info, namespace: str | None, all_namespaces: bool) -> str | None:
    if not info.namespaced:
        return None
    return None if all_namespaces else (namespace or "default")


def select_objects(
    source,
    type_name: str,
    names: list | None = None,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    prefix_match: bool = True,
    field_selector: str | None = None,
) -> Selection:
    """The objects ``kubectl describe TYPE [NAME...] [-l SEL] [-A]`` would describe, from ``source``.

    Unknown types raise. Names that cannot be read are collected in ``errors``; with exactly one
    name (``TYPE NAME``, not ``TYPE/NAME``) a NotFound falls back to describing every object of TYPE in
    the namespace whose name starts with NAME (kubectl's prefix matching; ``-A`` is not applied there).
    """
    names = list(names or [])
    slash_form = "/" in (type_name or "") or any("/" in n for n in names)
    pairs = _split_args(type_name, names)
    infos: dict = {}
    for kind, _ in pairs:
        if kind not in infos:
            infos[kind] = source.resolve(kind)
    errors: list = []
    groups: list = []

    def add(info, obj) -> None:
        if groups and groups[-1][0] == info:
            groups[-1][1].append(obj)
        else:
            groups.append((info, [obj]))

    for kind, name in pairs:
        info = infos[kind]
        ns = _scope(info, namespace, all_namespaces)
        if name is None:
            try:
                items = source.list(info, ns, label_selector or None, field_selector or None)
            except ApiError as exc:
                errors.append(exc)
                continue
            for obj in items:
                add(info, obj)
            if not items and not groups:
                groups.append((info, []))
            continue
        try:
            add(info, source.get(info, name, _scope(info, namespace, False)))
        except ApiError as exc:
            errors.append(exc)

    single = len(pairs) == 1 and pairs[0][1] is not None and not slash_form
    if single and prefix_match and errors and isinstance(errors[0], NotFound) and not groups:
        info = infos[pairs[0][0]]
        prefix = pairs[0][1]
        try:
            items = source.list(info, _scope(info, namespace, False))
        except ApiError:
            items = []
        matched = [o for o in items if ((o.get("metadata") or {}).get("name") or "").startswith(prefix)]
        if matched:
            return Selection(info, matched, [], True)
    if not groups:
        first = infos[pairs[0][0]] if pairs else None
        return Selection(first, [], errors)
    info, objects = groups[0]
    if len(groups) > 1:
        objects = [o for _, objs in groups for o in objs]
    return Selection(info, objects, errors, False, groups)


# -- documents ------------------------------------------------------------------------------------


def _identity(obj: dict, info) -> dict:
    meta = obj.get("metadata") or {}
    return {
        "kind": obj.get("kind") or (info.kind if info is not None else ""),
        "apiVersion": obj.get("apiVersion") or (info.api_version if info is not None else ""),
        "name": meta.get("name") or "",
        "namespace": meta.get("namespace") or None,
        "uid": meta.get("uid") or None,
    }


def describe_objects(source, info, objects: list, settings: Settings | None = None) -> list:
    """One document per object. All objects must be of ``info``'s type; their joins are read once for
    the whole set when there are several."""
    if not objects:
        return []
    settings = settings or Settings()
    describer = describer_for(
        info.group if info is not None else group_of(objects[0].get("apiVersion")),
        info.kind if info is not None else objects[0].get("kind"),
    )
    batch = len(objects) > 1
    source = send_joins_ahead(source, describer, objects, settings, batch)
    joins = Joins(source=source, settings=settings, batch=batch)
    gathered = describer.gather(objects, joins)
    docs = []
    for obj, got in zip(objects, gathered):
        doc = _identity(obj, info)
        built = describer.build(obj, got if got is not None else {})
        own_warnings = list(built.pop("warnings", None) or [])
        doc.update(built)
        doc["warnings"] = list(joins.warnings) + [w for w in own_warnings if w not in joins.warnings]
        docs.append(redact(doc))
    return docs


def describe(
    source,
    type_name: str,
    names: list | None = None,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    show_events: bool | None = None,
    chunk_size: int = 500,
    field_selector: str | None = None,
) -> tuple:
    """Select and describe, like ``kubectl describe``: ``(documents, errors, selection)``.

    ``show_events=None`` applies kubectl's default (off for several objects, errors or a prefix match).
    ``field_selector`` narrows the objects listed (not the names given), as ``py-query`` applies it.
    """
    if len(names or []) == 1 and not label_selector and "/" not in type_name and "," not in type_name:
        settings = Settings(show_events=show_events is not False, chunk_size=chunk_size)
        source = _send_joins_with_the_object(source, type_name, names[0], namespace, settings)
    selection = select_objects(
        source, type_name, names, namespace, all_namespaces, label_selector, field_selector=field_selector
    )
    events = (not selection.hide_events_by_default) if show_events is None else show_events
    settings = Settings(show_events=events, chunk_size=chunk_size)
    docs = []
    for info, objects in selection.groups:
        docs.extend(describe_objects(source, info, objects, settings))
    return docs, selection.errors, selection


def _send_joins_with_the_object(source, type_name: str, name: str, namespace: str | None, settings: Settings):
    """``describe TYPE NAME``: the joins that need only the name go out ahead of the object's GET, so the
    whole describe is one round trip when no join depends on the object's content."""
    if not source.sends_requests:
        return source
    try:
        info = source.resolve(type_name)
    except UnknownResource:
        return source  # select_objects reports it, in its words
    stub = stand_in(info, name, (namespace or "default") if info.namespaced else None)
    return send_joins_ahead(source, describer_for(info.group, info.kind), [stub], settings, batch=False)


# -- text -----------------------------------------------------------------------------------------


def render_one(doc: dict, now=None) -> str:
    """One document as kubectl's text for its kind."""
    from .text.layout import Writer

    now = now if now is not None else datetime.now(timezone.utc)
    writer = Writer()
    writer.now = now
    describer = describer_for(group_of(doc.get("apiVersion")), doc.get("kind"))
    describer.render(doc, writer, now)
    return writer.text()


def render_text(docs: list, now=None, prefix_matched: bool = False) -> str:
    """Documents as kubectl prints them: the first as it is, each later one after a blank line
    (``"\\n\\n"``); with prefix matching every output is followed by ``"\\n"`` instead."""
    now = now if now is not None else datetime.now(timezone.utc)
    parts = [render_one(doc, now) for doc in docs]
    if prefix_matched:
        return "".join(p + "\n" for p in parts)
    return "\n\n".join(parts)


def text_warnings(docs: list, multi: bool = False) -> list:
    """The stderr lines that go with the text of ``docs``: the text is kubectl's, so what could not be
    read is said here. Each warning once per context, in order (`` (context "c")`` when several); a
    join whose kind the offline input holds nothing of gives one notice per kind, as it is shown as none."""
    from ..kube.offline import NOT_IN_INPUT

    lines, seen = [], set()
    for doc in docs:
        where = f' (context "{doc.get("context")}")' if multi else ""
        for warning in doc.get("warnings") or []:
            _, marker, kind = warning.partition(": " + NOT_IN_INPUT)
            line = (f"warning: {NOT_IN_INPUT}{kind}; shown as none" if marker else f"warning: {warning}") + where
            if line not in seen:
                seen.add(line)
                lines.append(line)
    return lines
