"""A Cluster: reads from one kubeconfig context, as plain dicts.

This is the read interface every feature uses (``resolve``, ``list``, ``list_pages``, ``get``); the
offline :class:`~kubectl_py.kube.offline.Dump` offers the same methods over files.
"""

from __future__ import annotations

from contextlib import contextmanager

from ..errors import BadAnswer, Forbidden, NotFound
from .client import Client
from .discovery import Discovery, ResourceInfo, discover, resolve
from .kubeconfig import Connection

DEFAULT_CHUNK_SIZE = 500
# the server's own table rendering, the one `kubectl get` prints
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


class Cluster:
    """One context. Credentials are resolved on first use (``connect``), inside the worker thread of that
    context, so a failing exec plugin is that context's failure only."""

    sends_requests = True  # reads cost round trips (an offline Dump's do not): worth sending ahead
    serves_tables = True  # the server renders kubectl's columns (table_pages, table_get)

    def __init__(self, name: str, namespace: str, connect, chunk_size: int = DEFAULT_CHUNK_SIZE, early=None):
        self.name = name
        self._early = early  # see Client: a connection opened ahead of time, if it is this context's
        self.namespace = namespace
        self.chunk_size = chunk_size
        self._connect = connect
        self._conn: Connection | None = None
        self._client = None
        self._discovery: Discovery | None = None

    @classmethod
    def from_connection(cls, conn: Connection, chunk_size: int = DEFAULT_CHUNK_SIZE) -> "Cluster":
        return cls(conn.context, conn.namespace, lambda: conn, chunk_size)

    def clone(self) -> "Cluster":
        """The same context over its own connection (a Client is not thread-safe), for concurrent reads;
        credentials and discovery are shared, not resolved again."""
        twin = Cluster(self.name, self.namespace, lambda: self.conn, self.chunk_size)
        twin._discovery = self._discovery
        return twin

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.conn, self._early)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # -- discovery -------------------------------------------------------------------------------

    def discovery(self) -> Discovery:
        if self._discovery is None:
            self._discovery = discover(self.client)
        return self._discovery

    def resolve(self, type_name: str) -> ResourceInfo:
        info, self._discovery = resolve(self.client, self.discovery(), type_name)
        return info

    def holds(self, info: ResourceInfo) -> bool:
        return True  # a server says of every type it serves (an empty list is an answer)

    def category(self, name: str) -> list:
        found = self.discovery().category(name)
        # a cached discovery is refreshed only for a name it knows neither as a category nor as a type
        # (every `py-query pods` asks whether "pods" is a category)
        if not found and self._discovery.from_cache and self._discovery.find(name) is None:
            self._discovery = discover(self.client, use_cache=False)
            found = self._discovery.category(name)
        return found

    # -- reads -----------------------------------------------------------------------------------

    def list_pages(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ):
        """Lists of items, page by page; each item gets its kind and apiVersion, as kubectl's. The first
        request is sent at once, the pages are read as they are iterated."""
        query = {"labelSelector": label_selector, "fieldSelector": field_selector}
        return _items_of(self.client.list_pages(info.path(namespace), query, self.chunk_size), info, namespace)

    def table_pages(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        include_object: str = "Metadata",
    ):
        """The server-rendered Table of a list, page by page (columns as ``kubectl get`` shows)."""
        query = {"labelSelector": label_selector, "fieldSelector": field_selector, "includeObject": include_object}
        return _hinted(
            self.client.list_pages(info.path(namespace), query, self.chunk_size, TABLE_ACCEPT), info, namespace
        )

    def table_get(
        self, info: ResourceInfo, name: str, namespace: str | None = None, include_object: str = "Metadata"
    ) -> dict:
        try:
            return self.client.get_json(info.path(namespace, name), {"includeObject": include_object}, TABLE_ACCEPT)
        except NotFound:
            raise NotFound(not_found_message(info, name), 404) from None

    def list_later(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ):
        """Send the list's first request now; the returned function reads every item. Requests sent
        this way share one round trip on the context's connection (pipelined)."""
        pages = self.list_pages(info, namespace, label_selector, field_selector)

        def items() -> list:
            out = []
            for page in pages:
                out.extend(page)
            return out

        return items

    def get_later(self, info: ResourceInfo, name: str, namespace: str | None = None):
        """Send the GET now; the returned function reads the object (or raises)."""
        pending = self.client.submit(info.path(namespace, name))

        def read() -> dict:
            try:
                obj = pending.json()
            except NotFound:
                raise NotFound(not_found_message(info, name), 404) from None
            obj.setdefault("apiVersion", info.api_version)
            obj.setdefault("kind", info.kind)
            return obj

        return read

    def list(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list:
        return self.list_later(info, namespace, label_selector, field_selector)()

    def get(self, info: ResourceInfo, name: str, namespace: str | None = None) -> dict:
        return self.get_later(info, name, namespace)()


def _items_of(pages, info: ResourceInfo, namespace: str | None):
    for page in _hinted(pages, info, namespace):
        items = page.get("items") or []
        if not isinstance(items, list) or not all(
            isinstance(item, dict) and isinstance(item.get("metadata", {}), dict) for item in items
        ):
            raise BadAnswer(f"the server's list of {info.qualified} does not hold Kubernetes objects")
        for item in items:
            item.setdefault("apiVersion", info.api_version)
            item.setdefault("kind", info.kind)
        yield items


def _hinted(pages, info: ResourceInfo, namespace: str | None):
    with namespace_hint(info, namespace):
        yield from pages


@contextmanager
def namespace_hint(info: ResourceInfo, namespace: str | None):
    """A forbidden list across all namespaces says which flag may work instead."""
    try:
        yield
    except Forbidden as exc:
        if namespace or not info.namespaced:
            raise
        raise Forbidden(f"{exc}; try -n NAMESPACE: listing may be allowed inside one namespace", exc.status) from None


def not_found_message(info: ResourceInfo, name: str) -> str:
    """kubectl's wording: ``Error from server (NotFound): deployments.apps "web" not found``."""
    return f'Error from server (NotFound): {info.qualified} "{name}" not found'
