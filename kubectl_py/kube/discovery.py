"""Resource-name resolution through API discovery: ``svc``, ``pods``, ``Deployment``, ``deployments.apps``,
``deploy.v1.apps``, categories such as ``all``, custom resources included.

Aggregated discovery (two requests for the whole server) is used when the server offers it, the legacy
per-group walk otherwise. Results are cached on disk per server for six hours, like kubectl's
discovery cache, and fetched again once when a name is not found in a cached copy.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field

from ..errors import ApiError, UnknownResource
from . import cache

CACHE_TTL_SECONDS = 6 * 3600
_AGGREGATED = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)


@dataclass(frozen=True)
class ResourceInfo:
    """One resource of one API group version, as discovery describes it."""

    group: str
    version: str
    resource: str  # plural, as in URLs
    kind: str
    namespaced: bool
    singular: str = ""
    short_names: tuple = ()
    categories: tuple = ()
    verbs: tuple = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """kubectl's name for the type, e.g. ``deployments.apps`` or ``pods``."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    @property
    def group_kind(self) -> tuple:
        return (self.group, self.kind)

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.resource}"
        return base + (f"/{name}" if name else "")


@dataclass
class Discovery:
    """The resources one server offers, in the server's priority order."""

    resources: list = field(default_factory=list)
    fetched_at: float = 0.0
    from_cache: bool = False

    def resolve(self, name: str) -> ResourceInfo:
        found = self.find(name)
        if found is None:
            raise UnknownResource(name, self.suggestion(name))
        return found

    def suggestion(self, name: str) -> str:
        """``; did you mean "deployment"?`` for ``deploymnet``: the closest names of the known types (plural,
        singular, kind, short names), one per type, as kubectl suggests commands."""
        from ..suggest import close_names

        typed = name.strip().lower()
        best = {}  # type -> its name closest to what was typed
        for info in self.resources:
            names = [info.resource, info.singular, info.kind.lower(), *info.short_names]
            for found in close_names(typed, names)[:1]:
                best.setdefault(info.group_kind, found)
        names = close_names(typed, best.values())
        return "; did you mean " + " or ".join(f'"{n}"' for n in names) + "?" if names else ""

    def find(self, name: str) -> ResourceInfo | None:
        name = name.strip().lower()
        parts = name.split(".", 2)
        candidates = [(name, None, None)]
        if len(parts) >= 2:
            candidates.insert(0, (parts[0], None, ".".join(parts[1:])))
        if len(parts) == 3:
            candidates.insert(0, (parts[0], parts[1], parts[2]))
        for resource, version, group in candidates:
            for info in self.resources:
                if group is not None and info.group != group:
                    continue
                if version is not None and info.version != version:
                    continue
                if resource in (info.resource, info.singular, info.kind.lower()) or resource in info.short_names:
                    return info
        return None

    def category(self, name: str) -> list:
        """Preferred-version resources in a category (``all``), in server order."""
        seen, out = set(), []
        for info in self.resources:
            if name in info.categories and info.group_kind not in seen:
                seen.add(info.group_kind)
                out.append(info)
        return out


def discover(client, use_cache: bool = True) -> Discovery:
    """Discovery for the client's server, from the disk cache when it is fresh."""
    path = _cache_path(client.conn.server)
    if use_cache:
        cached = _read_cache(path)
        if cached is not None:
            return cached
    found = Discovery(resources=_fetch(client), fetched_at=time.time())
    _write_cache(path, found)
    return found


def resolve(client, discovery: Discovery, name: str) -> tuple:
    """Resolve a type name, refreshing a cached discovery once on a miss. Returns (info, discovery)."""
    info = discovery.find(name)
    if info is None and discovery.from_cache:
        discovery = discover(client, use_cache=False)
        info = discovery.find(name)
    if info is None:
        raise UnknownResource(name, discovery.suggestion(name))
    return info, discovery


def _fetch(client) -> list:
    resources = []
    core = client.get_json("/api", accept=_AGGREGATED)
    if core.get("kind") == "APIGroupDiscoveryList":
        groups = client.get_json("/apis", accept=_AGGREGATED)
        for doc in (core, groups):
            for group in doc.get("items") or []:
                resources.extend(_from_aggregated(group))
        return resources
    return _fetch_legacy(client, core)


def _from_aggregated(group: dict) -> list:
    name = (group.get("metadata") or {}).get("name", "")
    out = []
    for version in group.get("versions") or []:
        for res in version.get("resources") or []:
            kind = (res.get("responseKind") or {}).get("kind", "")
            out.append(
                ResourceInfo(
                    group=name,
                    version=version.get("version", ""),
                    resource=res.get("resource", ""),
                    kind=kind,
                    namespaced=res.get("scope") == "Namespaced",
                    singular=res.get("singularResource", "") or kind.lower(),
                    short_names=tuple(res.get("shortNames") or ()),
                    categories=tuple(res.get("categories") or ()),
                    verbs=tuple(res.get("verbs") or ()),
                )
            )
    return out


def _fetch_legacy(client, core: dict) -> list:
    """Servers without aggregated discovery: /api/v1, then each group's versions, preferred first."""
    group_versions = [("", v) for v in core.get("versions") or ["v1"]]
    for group in client.get_json("/apis").get("groups") or []:
        preferred = (group.get("preferredVersion") or {}).get("version")
        versions = [v.get("version") for v in group.get("versions") or []]
        versions.sort(key=lambda v: v != preferred)
        group_versions.extend((group.get("name", ""), v) for v in versions)
    out = []
    for group, version in group_versions:
        path = f"/apis/{group}/{version}" if group else f"/api/{version}"
        try:
            doc = client.get_json(path)
        except ApiError:
            continue  # an unavailable aggregated API must not break every command
        for res in doc.get("resources") or []:
            if "/" in res.get("name", ""):
                continue  # subresources
            out.append(
                ResourceInfo(
                    group=group,
                    version=version,
                    resource=res["name"],
                    kind=res.get("kind", ""),
                    namespaced=bool(res.get("namespaced")),
                    singular=res.get("singularName") or res.get("kind", "").lower(),
                    short_names=tuple(res.get("shortNames") or ()),
                    categories=tuple(res.get("categories") or ()),
                    verbs=tuple(res.get("verbs") or ()),
                )
            )
    return out


def _cache_path(server: str) -> str:
    digest = hashlib.sha256(server.encode()).hexdigest()[:16]
    return cache.cache_path("discovery", f"{digest}.json")


def _read_cache(path: str) -> Discovery | None:
    text = cache.read_file(path)
    if text is None:
        return None
    try:
        doc = json.loads(text)
        if time.time() - doc.get("fetchedAt", 0) > CACHE_TTL_SECONDS:
            return None
        resources = [
            ResourceInfo(**{k: tuple(v) if isinstance(v, list) else v for k, v in r.items()}) for r in doc["resources"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return Discovery(resources=resources, fetched_at=doc["fetchedAt"], from_cache=True)


def _write_cache(path: str, found: Discovery) -> None:
    """Best effort, atomic and private (kube/cache.py): a read-only home must not break a query."""
    cache.write_file(
        path, json.dumps({"fetchedAt": found.fetched_at, "resources": [asdict(r) for r in found.resources]})
    )
