"""What every engine reads through: a context (:class:`.cluster.Cluster`) or files (:class:`.offline.Dump`).

Written down so that code asks a source what it can do instead of probing it: ``sends_requests`` (reads
cost round trips, so joins are worth sending ahead: a Dump's do not), ``serves_tables`` (the server renders
kubectl's columns as a Table: files cannot, and py-query shows NAME and CREATED offline), ``holds(info)``
(whether it can say anything of a type: a cluster always can, files only of the kinds they hold).
"""

from __future__ import annotations

from typing import Callable, Protocol

from .discovery import ResourceInfo


class Source(Protocol):
    name: str
    namespace: str
    chunk_size: int
    sends_requests: bool
    serves_tables: bool

    def resolve(self, type_name: str) -> ResourceInfo: ...

    def category(self, name: str) -> list: ...

    def holds(self, info: ResourceInfo) -> bool: ...

    def list(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list: ...

    def list_pages(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ): ...

    def list_later(
        self,
        info: ResourceInfo,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> Callable[[], list]: ...

    def get(self, info: ResourceInfo, name: str, namespace: str | None = None) -> dict: ...

    def clone(self) -> "Source": ...

    def close(self) -> None: ...
